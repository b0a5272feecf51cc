import {readFileSync} from 'node:fs'
import Papa from 'papaparse'
import {CcxError, EXIT} from '../../errors.js'
import type {Store} from '../../store/store.js'
import {ratio} from '../../stats/summary.js'
import {usedParams} from '../common.js'
import {parseRange, type DateRange} from '../range.js'
import {wilsonInterval} from '../../stats/proportions.js'
import {bestQuestionMatch} from './text-similarity.js'
import {DEFAULT_SERVICE_INTENTS, LAYERS, type Layer} from './groups.js'
import {layersChart} from './charts.js'
import {botContactsSql, botExchangeKpis, botExchangeRows, type BotExchangeKpis} from './bot-exchanges.js'
import {percent, percentValue} from '../../format/numbers.js'
import {defineReport, rangeOptions, type Row} from '../contract.js'

export {LAYERS, type Layer} from './groups.js'

export interface LayersOptions extends DateRange {
  site?: string
  /** Session intents that count as service demand (self-service layer). */
  serviceIntents?: string[]
  /** CSV of labelled bot answers: (conversation_id, seq, correct) for chat messages, (exchange_id, correct) for /bot exchanges. */
  botLabels?: string
  /** Jaccard threshold for "the caller repeated a chat question". */
  similarity?: number
}

export interface LayerRow {
  layer: Layer
  /** People whose highest layer reached in the range is this one. */
  people: number
  share: number | null
  /** Contacts in this layer (sessions for self-service). */
  contacts: number
  csatResponses: number
  csatTop2Box: number | null
  csatAverage: number | null
}

export interface BotAccuracy {
  labelled: number
  correct: number
  accuracy: number | null
  ci95: {low: number; high: number} | null
  /** Labelled ÷ all bot messages in the range. */
  coverage: number | null
  /** Label rows that match no bot message (wrong id/seq, or not a bot message). */
  unmatched: number
}

export interface TransferRepeat {
  call_id: string
  conversation_id: string
  method: 'text' | 'topic' | 'none'
  repeated: boolean
  score: number | null
  question: string | null
}

export interface LayersReport {
  from: string | null
  to: string | null
  layers: LayerRow[]
  selfServiceShare: number | null
  /** Chats the bot finished alone ÷ chats that reached the bot. */
  botContainment: number | null
  botAccuracy: BotAccuracy | null
  /** From the bot's own exchanges (serve /bot → event log → bot_exchanges); null when there are none in the range. */
  botExchanges: BotExchangeKpis | null
  transfers: {
    calls: number
    repeated: number
    share: number | null
    byText: number
    byTopic: number
    chatMissing: number
    details: TransferRepeat[]
  }
  notes: string[]
}

/**
 * Layered service: each person (visitor, else customer) is counted once, at the highest layer reached in the range:
 * hotline (an inbound call) > online agent (a chat offered to agents) > bot (a bot-only chat) > self-service (a
 * session with a service intent and no contact). See docs/metrics.md.
 */
export async function layersReport(store: Store, options: LayersOptions): Promise<LayersReport> {
  const {from, to} = parseRange(options)
  const notes: string[] = []
  const params: Record<string, unknown> = {from, to}
  const siteSql = options.site ? 'and site = $site' : ''
  if (options.site) params.site = options.site
  const inRange = (col: string) =>
    `($from::TIMESTAMP is null or ${col} >= $from::TIMESTAMP) and ($to::TIMESTAMP is null or ${col} < $to::TIMESTAMP) ${siteSql}`

  const intents = options.serviceIntents ?? DEFAULT_SERVICE_INTENTS
  const haveSessions = (await store.tableExists('sessions')) && (await store.tableExists('session_intents'))
  if (!haveSessions) notes.push('self-service: n/a (no sessions/session_intents; run normalize and intents first)')
  const selfService = haveSessions
    ? `select s.visitor_id as person, 'self-service' as layer, 1 as rnk, null::INTEGER as csat, s.started_at as started_at from sessions s
       where not coalesce(s.is_bot, false) and ${inRange('s.started_at')}
         and exists (select 1 from session_intents i where i.session_id = s.session_id and list_contains(from_json($intents::VARCHAR, '["VARCHAR"]'), i.intent))`
    : `select null::VARCHAR as person, null::VARCHAR as layer, null::INTEGER as rnk, null::INTEGER as csat, null::TIMESTAMP as started_at where false`
  if (haveSessions) params.intents = JSON.stringify(intents) // arrays do not bind as parameters: pass JSON

  // The bot's own exchanges (serve /bot): one bot-layer contact per visitor's contact (exchanges < 30 min apart).
  const haveExchanges = await store.tableExists('bot_exchanges')
  const botTouches = haveExchanges
    ? `select visitor_id, 'bot', 2, null::INTEGER, min(ts) from (${botContactsSql(inRange('ts'))}) group by site, visitor_id, contact_no
       union all`
    : ''
  const layerSql = `with transfer_visitor as (select conversation_id, visitor_id from raw_conversations),
     touches as (
       ${selfService}
       union all
       select coalesce(f.visitor_id, f.customer_key), case when f.bot_only then 'bot' else 'online agent' end,
              case when f.bot_only then 2 else 3 end, f.csat, f.started_at
       from contact_facts f where f.kind = 'chat' and ${inRange('f.started_at')}
       union all
       ${botTouches}
       select coalesce(f.visitor_id, tv.visitor_id, f.customer_key), 'hotline', 4, case when f.answered then f.csat end, f.started_at
       from contact_facts f left join transfer_visitor tv on tv.conversation_id = f.transferred_from
       where f.kind = 'call' and f.direction = 'inbound' and ${inRange('f.started_at')}
     ),
     top as (select person, max(rnk) as rnk from touches where person is not null group by person)
     select t.layer,
       count(distinct p.person) filter (where p.rnk = t.rnk) as people,
       count(*) as contacts,
       count(t.csat) as csat_n, count(*) filter (where t.csat >= 4) as csat_top2, coalesce(sum(t.csat), 0) as csat_sum
     from touches t left join top p on p.person = t.person
     group by t.layer`
  const rows = await store.all<{layer: Layer; people: number; contacts: number; csat_n: number; csat_top2: number; csat_sum: number}>(
    layerSql,
    usedParams(layerSql, params),
  )
  const byLayer = new Map(rows.map((r) => [r.layer, r]))
  const totalPeople = rows.reduce((a, r) => a + r.people, 0)
  const layers: LayerRow[] = LAYERS.map((layer) => {
    const r = byLayer.get(layer)
    return {
      layer,
      people: r?.people ?? 0,
      share: ratio(r?.people ?? 0, totalPeople),
      contacts: r?.contacts ?? 0,
      csatResponses: r?.csat_n ?? 0,
      csatTop2Box: r ? ratio(r.csat_top2, r.csat_n) : null,
      csatAverage: r ? ratio(r.csat_sum, r.csat_n) : null,
    }
  })
  const chatSql = `select count(*) filter (where bot_msgs > 0) as bot_reached, count(*) filter (where bot_only) as bot_only
     from chat_facts where ${inRange('requested_at')}`
  const chats = await store.one<{bot_reached: number; bot_only: number}>(chatSql, usedParams(chatSql, params))

  const labels = options.botLabels ? readBotLabels(options.botLabels) : null
  const exchangeRows = haveExchanges ? await botExchangeRows(store, inRange('ts'), params) : []
  const botExchanges =
    exchangeRows.length > 0
      ? botExchangeKpis(exchangeRows, {
          similarity: options.similarity ?? 0.5,
          labels: labels?.kind === 'exchanges' ? new Map(labels.rows.map((l) => [l.exchange_id, l.correct])) : undefined,
        })
      : null
  if (!botExchanges) notes.push('bot exchanges: none in the range (serve /bot logs them; ingest probe --from-log loads them)')
  return {
    from,
    to,
    layers,
    selfServiceShare: haveSessions ? layers[0].share : null,
    botContainment: chats ? ratio(chats.bot_only, chats.bot_reached) : null,
    botAccuracy:
      labels?.kind === 'messages' ? await botAccuracy(store, labels.rows, params, inRange('c.requested_at')) : null,
    botExchanges,
    transfers: await transferRepeats(store, params, inRange('f.started_at'), options.similarity ?? 0.5),
    notes,
  }
}

type BotLabels =
  | {kind: 'messages'; rows: Array<{conversation_id: string; seq: number; correct: boolean}>}
  | {kind: 'exchanges'; rows: Array<{exchange_id: string; correct: boolean}>}

function readBotLabels(file: string): BotLabels {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new CcxError(`cannot read --bot-labels ${file}: ${(error as Error).message}`, {code: 'BAD_INPUT', exit: EXIT.badInput})
  }
  return text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.split(',').map((h) => h.trim()).includes('exchange_id')
    ? {kind: 'exchanges', rows: parseExchangeLabels(text, file)}
    : {kind: 'messages', rows: parseBotLabels(text, file)}
}

function parseCorrect(value: string | undefined, file: string, line: number): boolean {
  const c = String(value ?? '')
    .trim()
    .toLowerCase()
  if (!['1', '0', 'true', 'false', 'yes', 'no', 'y', 'n'].includes(c)) {
    throw new CcxError(`${file}, line ${line}, field correct: "${value}" is not 1/0, true/false or yes/no`, {
      code: 'BAD_INPUT',
      exit: EXIT.badInput,
    })
  }
  return ['1', 'true', 'yes', 'y'].includes(c)
}

/** Labels of the bot's exchanges (serve /bot): header exchange_id,correct. */
export function parseExchangeLabels(text: string, file: string): Array<{exchange_id: string; correct: boolean}> {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {header: true, skipEmptyLines: true})
  const fields = parsed.meta.fields ?? []
  if (!fields.includes('correct'))
    throw new CcxError(`${file}: missing column "correct" (header must be exchange_id,correct)`, {code: 'BAD_INPUT', exit: EXIT.badInput})
  const seen = new Map<string, number>()
  return parsed.data.map((row, i) => {
    const line = i + 2
    const id = (row.exchange_id ?? '').trim()
    if (!id) throw new CcxError(`${file}, line ${line}, field exchange_id: empty`, {code: 'BAD_INPUT', exit: EXIT.badInput})
    if (seen.has(id))
      throw new CcxError(`${file}, line ${line}, field exchange_id: "${id}" already labelled on line ${seen.get(id)}`, {
        code: 'BAD_INPUT',
        exit: EXIT.badInput,
      })
    seen.set(id, line)
    return {exchange_id: id, correct: parseCorrect(row.correct, file, line)}
  })
}

/** Reads a bot label file: header conversation_id,seq,correct; correct is 1/0, true/false, yes/no, y/n. */
export function parseBotLabels(text: string, file: string): Array<{conversation_id: string; seq: number; correct: boolean}> {
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ''), {header: true, skipEmptyLines: true})
  const fields = parsed.meta.fields ?? []
  for (const need of ['conversation_id', 'seq', 'correct']) {
    if (!fields.includes(need)) {
      throw new CcxError(`${file}: missing column "${need}" (header must be conversation_id,seq,correct)`, {
        code: 'BAD_INPUT',
        exit: EXIT.badInput,
      })
    }
  }
  return parsed.data.map((row, i) => {
    const line = i + 2
    const seq = Number(row.seq)
    if (!row.conversation_id || !Number.isInteger(seq))
      throw new CcxError(`${file}, line ${line}: conversation_id and an integer seq are required`, {code: 'BAD_INPUT', exit: EXIT.badInput})
    return {conversation_id: row.conversation_id, seq, correct: parseCorrect(row.correct, file, line)}
  })
}

async function botAccuracy(
  store: Store,
  labels: Array<{conversation_id: string; seq: number; correct: boolean}>,
  params: Record<string, unknown>,
  chatInRange: string,
): Promise<BotAccuracy> {
  const botSql = `select m.conversation_id, m.seq from raw_messages m join raw_conversations c using (conversation_id)
     where m.sender_type = 'bot' and ${chatInRange.replaceAll('and site', 'and c.site')}`
  const bot = await store.all<{conversation_id: string; seq: number}>(botSql, usedParams(botSql, params))
  const botKeys = new Set(bot.map((b) => `${b.conversation_id}\u0000${b.seq}`))
  const matched = labels.filter((l) => botKeys.has(`${l.conversation_id}\u0000${l.seq}`))
  const correct = matched.filter((l) => l.correct).length
  return {
    labelled: matched.length,
    correct,
    accuracy: ratio(correct, matched.length),
    ci95: wilsonInterval(correct, matched.length),
    coverage: ratio(matched.length, bot.length),
    unmatched: labels.length - matched.length,
  }
}

/**
 * A hotline call transferred from a chat (raw_calls.transferred_from) "repeats a question" when a visitor message of
 * that chat and a customer turn of the call's transcript have bigram Jaccard ≥ threshold; without a transcript, when
 * the call's queue equals the chat's queue (same topic).
 */
async function transferRepeats(
  store: Store,
  params: Record<string, unknown>,
  callInRange: string,
  threshold: number,
): Promise<LayersReport['transfers']> {
  const callSql = `select f.contact_id as call_id, f.transferred_from as conversation_id, f.queue as call_queue, c.queue as chat_queue, c.conversation_id is not null as chat_found
     from contact_facts f left join raw_conversations c on c.conversation_id = f.transferred_from
     where f.kind = 'call' and f.transferred_from is not null and ${callInRange.replaceAll('and site', 'and f.site')}
     order by f.contact_id`
  const calls = await store.all<{
    call_id: string
    conversation_id: string
    call_queue: string
    chat_queue: string | null
    chat_found: boolean
  }>(callSql, usedParams(callSql, params))
  const details: TransferRepeat[] = []
  let chatMissing = 0
  if (calls.length > 0) {
    const ids = calls.map((c) => c.call_id)
    const convs = calls.map((c) => c.conversation_id)
    const questions = await store.all<{conversation_id: string; text: string}>(
      `select conversation_id, text from raw_messages where sender_type = 'visitor' and text is not null and list_contains(from_json($ids::VARCHAR, '["VARCHAR"]'), conversation_id) order by conversation_id, seq`,
      {ids: JSON.stringify(convs)},
    )
    const turns = await store.all<{call_id: string; text: string}>(
      `select call_id, text from raw_transcript_turns where speaker = 'customer' and text is not null and list_contains(from_json($ids::VARCHAR, '["VARCHAR"]'), call_id) order by call_id, turn_no`,
      {ids: JSON.stringify(ids)},
    )
    const group = <T extends {text: string}>(rows: T[], key: (r: T) => string) => {
      const m = new Map<string, string[]>()
      for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r.text])
      return m
    }
    const q = group(questions, (r) => r.conversation_id)
    const t = group(turns, (r) => r.call_id)
    for (const c of calls) {
      if (!c.chat_found) chatMissing++
      const callTurns = t.get(c.call_id)
      const chatQuestions = q.get(c.conversation_id)
      if (callTurns && chatQuestions) {
        const best = bestQuestionMatch(chatQuestions, callTurns)
        details.push({
          call_id: c.call_id,
          conversation_id: c.conversation_id,
          method: 'text',
          repeated: best.score >= threshold,
          score: best.score,
          question: best.question,
        })
      } else if (c.chat_found && c.chat_queue !== null && c.chat_queue !== undefined) {
        details.push({
          call_id: c.call_id,
          conversation_id: c.conversation_id,
          method: 'topic',
          repeated: c.call_queue === c.chat_queue,
          score: null,
          question: null,
        })
      } else {
        details.push({call_id: c.call_id, conversation_id: c.conversation_id, method: 'none', repeated: false, score: null, question: null})
      }
    }
  }
  const repeated = details.filter((d) => d.repeated).length
  return {
    calls: details.length,
    repeated,
    share: ratio(repeated, details.length),
    byText: details.filter((d) => d.method === 'text').length,
    byTopic: details.filter((d) => d.method === 'topic').length,
    chatMissing,
    details,
  }
}

/** `ccx report layers`: self-service → bot → online agent → hotline. */
export default defineReport<LayersOptions, LayersReport>({
  id: 'service/layers',
  title: 'Service layers',
  needs: {tables: ['contact_facts', 'chat_facts'], pipelines: ['service'], optional: ['intents']},
  run: (ctx, options) => layersReport(ctx.store, options),
  rows: (report) => report.layers as unknown as Row[],
  text: (report) => [
    {
      rows: report.layers.map((l) => ({
        layer: l.layer,
        people: l.people,
        share: percent(l.share),
        contacts: l.contacts,
        'CSAT t2b': percent(l.csatTop2Box),
        'CSAT n': l.csatResponses,
      })),
    },
    {
      rows: [
        {measure: 'self-service share', value: percent(report.selfServiceShare)},
        {measure: 'bot containment (bot-only ÷ chats reaching the bot)', value: percent(report.botContainment)},
        {
          measure: 'bot answer accuracy',
          value: report.botAccuracy
            ? `${percent(report.botAccuracy.accuracy)} of ${report.botAccuracy.labelled} labelled`
            : report.botExchanges
              ? 'see the bot’s own exchanges'
              : 'n/a (use --bot-labels)',
        },
        {
          measure: 'hotline transfers repeating a chat question',
          // a same-queue transfer without a transcript counts as a repeat: say how many rest on that proxy
          value:
            `${percent(report.transfers.share)} of ${report.transfers.calls}` +
            (report.transfers.byTopic > 0
              ? ` (${report.transfers.byTopic} judged by the queue alone, no transcript: a proxy; ${report.transfers.byText} by text)`
              : ''),
        },
      ],
    },
    ...(report.botExchanges ? [{title: "The bot's own exchanges (serve /bot)", rows: botExchangeTable(report.botExchanges)}] : []),
  ],
  charts: (report) => [layersChart(report.layers)],
  notes: (report) => [
    ...report.notes,
    ...(report.botAccuracy && report.botAccuracy.unmatched > 0
      ? [`bot labels: ${report.botAccuracy.unmatched} rows match no bot message (check conversation_id and seq)`]
      : []),
    ...(report.botExchanges?.fromLabels && report.botExchanges.fromLabels.unmatched > 0
      ? [`bot labels: ${report.botExchanges.fromLabels.unmatched} exchange ids name no answered exchange in the range`]
      : []),
  ],
  async section(ctx) {
    const layers = await layersReport(ctx.store, rangeOptions(ctx))
    return [
      {
        title: 'Service layers',
        description: 'Self-service → bot → online agent → hotline: the highest layer each person reached.',
        charts: [layersChart(layers.layers)],
        tables: [
          {
            title: 'Layers',
            rows: layers.layers.map((l) => ({
              layer: l.layer,
              people: l.people,
              'share %': percentValue(l.share),
              contacts: l.contacts,
              'CSAT top-2 %': percentValue(l.csatTop2Box),
            })),
          },
          ...(layers.botExchanges ? [{title: "The bot's own exchanges (serve /bot)", rows: botExchangeTable(layers.botExchanges)}] : []),
        ],
      },
    ]
  },
})

function botExchangeTable(b: BotExchangeKpis): Array<{measure: string; value: string}> {
  const acc = (a: {accuracy: number | null; correct: number; judged: number; coverage: number | null}, what: string) =>
    a.judged > 0 ? `${percent(a.accuracy)} (${a.correct} of ${a.judged} ${what}; ${percent(a.coverage)} of answers)` : `n/a (no ${what})`
  return [
    {measure: 'exchanges (visitors, contacts)', value: `${b.exchanges} (${b.visitors}, ${b.contacts})`},
    {measure: 'containment (no hand-over, no "talk to a person")', value: `${percent(b.containment)} (${b.contained} of ${b.contacts})`},
    {measure: 'hand-over rate (exchanges)', value: `${percent(b.handoverRate)} (${b.handedOver} of ${b.exchanges})`},
    {measure: 'answer accuracy from feedback (👍 ÷ votes)', value: acc(b.fromFeedback, 'votes')},
    {measure: 'answer accuracy from labelled exchanges', value: b.fromLabels ? acc(b.fromLabels, 'labelled') : 'n/a (--bot-labels exchange_id,correct)'},
    {measure: 'answers asked again (repeat questions)', value: `${percent(b.repeats.share)} (${b.repeats.repeated} of ${b.answered})`},
  ]
}
