import {randomBytes} from 'node:crypto'
import {protectContact} from '../ingest/contacts.js'
import type {BotIndex} from '../selfservice/bot/index.js'
import type {BotExchangeProps} from '../vocab/bot.js'
import {validateBotRequest, type BotRequest} from '../vocab/bot.js'
import {batchLogLine} from '../vocab/event-log.js'
import {BatchError} from '../vocab/probe-batch.js'
import type {Metrics} from './metrics.js'
import type {SegmentLog} from './segment-log.js'
import {EndpointError, type SiteEndpoint, type SiteRequest} from './site-endpoint.js'
import type {StateStore} from './state.js'

export interface BotEndpointOptions {
  log: SegmentLog
  /** The matcher, built from an exported KB (`ccx kb export`): serve never opens the database. */
  bot: BotIndex
  state: StateStore
  metrics: Metrics
  /** Site-local wall-clock time of now (the logged event's ts). */
  localNow: () => string
  /** The address as stored (config `privacy.ip`). */
  storedIp: (ip: string) => string
}

const PHONE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)/g
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g

/** A question may carry a phone number or an e-mail typed by the visitor: logged masked, as every contact is. */
export function maskContactsInText(text: string): string {
  return text
    .replace(PHONE, (m) => protectContact('phone', m).masked ?? '***')
    .replace(EMAIL, (m) => protectContact('email', m).masked ?? '***')
}

/**
 * The probe batch that logs one exchange: a `bot_exchange` event of the visitor, id = the exchange id, contacts in
 * the question masked. Shared with `ccx demo`, which plays visitors' questions through the same path.
 */
export function exchangeBatch(
  q: Pick<BotRequest, 'site' | 'visitor_id' | 'question' | 'context'>,
  answer: ReturnType<BotIndex['ask']>,
  exchangeId: string,
): {site: string; visitor_id: string; events: Array<{id: string; type: 'bot_exchange'; props: string}>} {
  const props: BotExchangeProps = {
    exchange_id: exchangeId,
    question: maskContactsInText(q.question),
    context: q.context?.question ? maskContactsInText(q.context.question) : null,
    entry_id: answer.entry?.id ?? null,
    entry_version: answer.entry?.version ?? null,
    confidence: answer.confidence,
    handed_over: answer.handedOver,
    reason: answer.reason,
    follow_up: answer.followUp,
    alternatives: answer.alternatives.map((a) => a.id),
  }
  return {site: q.site, visitor_id: q.visitor_id, events: [{id: exchangeId, type: 'bot_exchange', props: JSON.stringify(props)}]}
}

/**
 * POST /bot: the probe's chat panel asks a question (with the previous exchange as context); the FAQ bot answers
 * from the exported KB; the exchange is appended durably to the event log as a `bot_exchange` event of the visitor
 * (loaded by `ingest probe --from-log`) before the answer is sent. Same checks as /collect (site-endpoint.ts).
 */
export function botEndpoint(options: BotEndpointOptions): SiteEndpoint<BotRequest> {
  const {log, bot, metrics, state} = options
  const countAnswered = metrics.counter('ccx_bot_exchanges_total', 'Bot exchanges logged', {outcome: 'answered'})
  const countHandedOver = metrics.counter('ccx_bot_exchanges_total', 'Bot exchanges logged', {outcome: 'handed_over'})
  let logSeq = 0

  function handle(request: SiteRequest<BotRequest>): void {
    const q = request.value
    const answer = bot.ask(q.question, {question: q.context?.question, entryId: q.context?.entry_id})
    const exchangeId = `bx-${randomBytes(8).toString('hex')}`
    const batch = exchangeBatch(q, answer, exchangeId)
    const body = Buffer.from(JSON.stringify(batch))
    const visitCount = state.getVisitorSync?.(`${q.site}\u0000${q.visitor_id}`)?.visitCount ?? 1
    const line = batchLogLine(
      {
        seq: `${log.prefix}-b${++logSeq}`,
        ts: options.localNow(),
        ip: options.storedIp(request.ip),
        userAgent: String(request.req.headers['user-agent'] ?? ''),
        visitCount,
        rejected: [],
      },
      body,
      batch,
    )
    log.appendLines(line, (error) => {
      if (error) return request.fail(error)
      ;(answer.handedOver ? countHandedOver : countAnswered)()
      const e = answer.entry
      request.ok(
        JSON.stringify({
          ok: true,
          exchange_id: exchangeId,
          answered: answer.answered,
          handed_over: answer.handedOver,
          reason: answer.reason,
          confidence: answer.confidence,
          answer: answer.answered && e ? e.answer : null,
          entry: e ? {id: e.id, version: e.version, question: e.question} : null,
          links: answer.answered && e ? e.links : [],
          followups: answer.answered && e ? e.followups : [],
          alternatives: answer.alternatives.map((a) => ({id: a.id, question: a.question})),
        }),
      )
    })
  }

  return {
    path: '/bot',
    parse(body) {
      let value: BotRequest
      try {
        value = validateBotRequest(body)
      } catch (error) {
        if (!(error instanceof BatchError)) throw error
        throw new EndpointError(
          error.status,
          error.status === 413 ? 'question_too_long' : 'invalid_bot_request',
          `${error.field}: ${error.message}`,
        )
      }
      return {site: value.site, key: value.key, value}
    },
    handle,
  }
}
