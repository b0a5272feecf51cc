import {mayHoldContacts, protectPropsText} from '../privacy/props.js'
import {batchLogLine} from '../vocab/event-log.js'
import type {Metrics} from './metrics.js'
import type {SegmentLog} from './segment-log.js'
import {EndpointError, type SiteEndpoint, type SiteRequest} from './site-endpoint.js'
import {memberKey, type StateStore, type VisitorState} from './state.js'
import type {LiveVisitor, Responder, ResponderAnswer} from './types.js'
import {BatchError, validateBatch, type ProbeBatch, type Rejection} from '../vocab/probe-batch.js'

/** An agent counts an assignment this long (chats end without telling us). */
const AGENT_ASSIGNMENT_MS = 20 * 60 * 1000

export interface CollectOptions {
  log: SegmentLog
  state: StateStore
  responder: Responder
  metrics: Metrics
  /** The address as stored (config `privacy.ip`); the responder gets the full one (geo). */
  storedIp: (ip: string) => string
  /** Every acknowledged batch, for the live feed. */
  onLive: (v: LiveVisitor) => void
}

interface Collected {
  batch: ProbeBatch
  rejected: Rejection[]
}

/**
 * POST /collect: validate → protect contact details in props → responder (enrich, intent, scenarios) → durable
 * append → visitor state → ack. Callback style on purpose: with the memory state store the only wait is the durable
 * append (group commit), so a request costs no promise hops; Redis answers go through promises.
 */
export function collectEndpoint(options: CollectOptions): SiteEndpoint<Collected> {
  const {log, state, responder, metrics} = options
  const countAccepted = metrics.counter('ccx_events_accepted_total', 'Events logged durably')
  const countRejectedEvents = metrics.counter('ccx_events_rejected_total', 'Events dropped by validation')
  const countContacts = metrics.counter('ccx_contacts_masked_total', 'Contact values in props stored masked and hashed')
  const directiveCounters = new Map<string, (by?: number) => void>()
  const countDirective = (type: string) => {
    let c = directiveCounters.get(type)
    if (!c) directiveCounters.set(type, (c = metrics.counter('ccx_directives_total', 'Directives sent, by type', {type})))
    c()
  }
  /** Numbers the logged requests (with the log's prefix: unique across processes and restarts). */
  let logSeq = 0
  let isoMs = -1
  let isoText = ''
  /** `new Date().toISOString()`, computed once per millisecond (the live feed stamps every batch). */
  function isoNow(): string {
    const ms = Date.now()
    if (ms !== isoMs) {
      isoMs = ms
      isoText = new Date(ms).toISOString()
    }
    return isoText
  }

  /** Masks contacts in the events' props; the body to log when it changed anything (else the body as received). */
  function protectContacts(request: SiteRequest<Collected>): Buffer {
    let changed = false
    for (const e of request.value.batch.events) {
      if (typeof e.props !== 'string' || !mayHoldContacts(e.props)) continue
      const p = protectPropsText(e.props)
      if (p.contacts.length === 0) continue
      // the validated events are the parsed body's own objects: the logged body below carries the masked props
      e.props = p.text
      countContacts(p.contacts.length)
      changed = true
    }
    return changed ? Buffer.from(JSON.stringify(request.parsed)) : request.body
  }

  function handle(request: SiteRequest<Collected>): void {
    const {batch, rejected} = request.value
    if (rejected.length > 0) countRejectedEvents(rejected.length)
    const fail = (error: Error) => request.fail(error)
    const body = protectContacts(request)
    const stateKey = `${batch.site}\u0000${batch.visitor_id}`
    const userAgent = String(request.req.headers['user-agent'] ?? '')
    const respond = (previous: VisitorState | undefined, member: VisitorState | undefined) => {
      const answer = responder.respond({batch, ip: request.ip, userAgent, nowMs: Date.now(), previous, member})
      if (answer instanceof Promise) answer.then(append, fail)
      else append(answer)
    }
    // A visitor who logged in (now or before) is read with their person's record: the member on any device.
    const withPrevious = (previous: VisitorState | undefined) => {
      const memberId = loggedInAs(batch) ?? previous?.memberId
      if (!memberId) return respond(previous, undefined)
      const key = memberKey(batch.site, memberId)
      if (state.getVisitorSync) respond(previous, state.getVisitorSync(key))
      else state.getVisitor(key).then((member) => respond(previous, member), fail)
    }
    const append = (answer: ResponderAnswer) => {
      // durable before the ack
      const line = batchLogLine(
        {
          seq: `${log.prefix}-${++logSeq}`,
          ts: answer.ts,
          ip: options.storedIp(request.ip),
          userAgent,
          visitCount: answer.state.visitCount,
          rejected,
        },
        body,
        request.parsed,
      )
      log.appendLines(line, (error) => {
        if (error) return fail(error)
        try {
          if (state.setVisitorSync && state.assignAgentSync) {
            state.setVisitorSync(stateKey, answer.state)
            if (answer.member) state.setVisitorSync(memberKey(batch.site, answer.member.id), answer.member.state)
            for (const d of answer.directives) if (d.route?.agentId) state.assignAgentSync(d.route.agentId, AGENT_ASSIGNMENT_MS)
            ack(answer)
          } else {
            saveAsync(answer).then(() => ack(answer), fail)
          }
        } catch (thrown) {
          fail(thrown as Error)
        }
      })
    }
    const saveAsync = async (answer: ResponderAnswer) => {
      await state.setVisitor(stateKey, answer.state)
      if (answer.member) await state.setVisitor(memberKey(batch.site, answer.member.id), answer.member.state)
      for (const d of answer.directives) if (d.route?.agentId) await state.assignAgent(d.route.agentId, AGENT_ASSIGNMENT_MS)
    }
    const ack = (answer: ResponderAnswer) => {
      for (const d of answer.directives) countDirective(d.type)
      countAccepted(answer.count)
      // (the live feed is best-effort; the ack below is what the probe waits for)
      options.onLive({site: batch.site, visitorId: batch.visitor_id, lastSeen: isoNow(), ...answer.live} as LiveVisitor)
      request.ok(
        `{"ok":true,"accepted":${answer.count},"rejected":${rejected.length > 0 ? JSON.stringify(rejected) : '[]'},` +
          `"directives":${answer.directives.length > 0 ? JSON.stringify(answer.directives) : '[]'}}`,
      )
      metrics.observeMs(performance.now() - request.started)
    }
    if (state.getVisitorSync) withPrevious(state.getVisitorSync(stateKey))
    else state.getVisitor(stateKey).then(withPrevious, fail)
  }

  return {
    path: '/collect',
    parse(body) {
      let validated: Collected
      try {
        validated = validateBatch(body)
      } catch (error) {
        if (!(error instanceof BatchError)) throw error
        throw new EndpointError(
          error.status,
          error.status === 413 ? 'too_many_events' : 'invalid_batch',
          `${error.field}: ${error.message}`,
        )
      }
      return {site: validated.batch.site, key: validated.batch.key, value: validated}
    },
    handle,
  }
}

/** The member id of the batch's last identify event (the site's login), if any. */
function loggedInAs(batch: ProbeBatch): string | undefined {
  let id: string | undefined
  for (const e of batch.events) if (e.type === 'identify' && e.member_id) id = e.member_id
  return id
}
