import {readSql, renderSql, type Store} from '../../store/store.js'
import {ratio} from '../../stats/summary.js'
import {wilsonInterval} from '../../stats/proportions.js'
import {usedParams} from '../common.js'
import {bigrams, jaccard} from './text-similarity.js'

/** One exchange of the bot as `sql/bot_contacts.sql` returns it. */
export type ExchangeRow = {
  site: string
  visitor_id: string
  contact_no: number
  ts: string
  exchange_id: string
  question: string
  entry_id: string | null
  confidence: number
  handed_over: boolean
  feedback: 'up' | 'down' | null
  person_requested: boolean
}

export interface Accuracy {
  /** Answers judged (voted on, or labelled). */
  judged: number
  correct: number
  accuracy: number | null
  ci95: {low: number; high: number} | null
  /** Judged ÷ answered exchanges. */
  coverage: number | null
}

/** KPIs of the bot computed from its own exchanges (serve's /bot via the event log). docs/metrics.md "Bot exchanges". */
export interface BotExchangeKpis {
  exchanges: number
  visitors: number
  /** A visitor's exchanges less than 30 minutes apart. */
  contacts: number
  answered: number
  handedOver: number
  /** Exchanges handed over ÷ exchanges. */
  handoverRate: number | null
  /** Contacts with no hand-over and no "talk to a person" (chat_request) until 30 min after their last exchange. */
  contained: number
  containment: number | null
  /** 👍 ÷ (👍 + 👎) over answered exchanges with a vote. */
  fromFeedback: Accuracy
  /** Labelled exchanges (--bot-labels with exchange_id,correct): correct ÷ labelled answered exchanges. */
  fromLabels: (Accuracy & {unmatched: number}) | null
  /** Answered exchanges whose next question in the same contact asks the same again (bigram Jaccard ≥ threshold). */
  repeats: {repeated: number; share: number | null; threshold: number; examples: Array<{question: string; next: string; score: number}>}
}

/** The exchanges with their contacts (sql/bot_contacts.sql); `filter` restricts ts and site. */
export function botContactsSql(filter: string): string {
  return renderSql(readSql(import.meta.url, 'sql/bot_contacts.sql'), {filter})
}

export async function botExchangeRows(store: Store, filter: string, params: Record<string, unknown>): Promise<ExchangeRow[]> {
  const sql = botContactsSql(filter)
  const rows = await store.all<ExchangeRow>(sql, usedParams(sql, params))
  return rows.map((r) => ({...r, contact_no: Number(r.contact_no), confidence: Number(r.confidence), ts: String(r.ts)}))
}

function accuracy(correct: number, judged: number, answered: number): Accuracy {
  return {judged, correct, accuracy: ratio(correct, judged), ci95: wilsonInterval(correct, judged), coverage: ratio(judged, answered)}
}

/**
 * Pure: the KPIs from the exchange rows (ordered by site, visitor, ts). `labels` maps exchange id → correct; ids that
 * name no answered exchange are counted as unmatched, never guessed.
 */
export function botExchangeKpis(rows: ExchangeRow[], options: {similarity: number; labels?: Map<string, boolean>}): BotExchangeKpis {
  const contacts = new Map<string, ExchangeRow[]>()
  for (const r of rows) {
    const key = `${r.site}\u0000${r.visitor_id}\u0000${r.contact_no}`
    const list = contacts.get(key)
    if (list) list.push(r)
    else contacts.set(key, [r])
  }
  const answeredRows = rows.filter((r) => !r.handed_over)
  const contained = [...contacts.values()].filter((c) => !c.some((r) => r.handed_over) && !c[0]!.person_requested).length
  const voted = answeredRows.filter((r) => r.feedback === 'up' || r.feedback === 'down')

  let repeated = 0
  const examples: BotExchangeKpis['repeats']['examples'] = []
  for (const list of contacts.values()) {
    for (let i = 0; i + 1 < list.length; i++) {
      if (list[i]!.handed_over) continue
      const score = jaccard(bigrams(list[i]!.question), bigrams(list[i + 1]!.question))
      if (score >= options.similarity) {
        repeated++
        if (examples.length < 5) examples.push({question: list[i]!.question, next: list[i + 1]!.question, score})
      }
    }
  }

  let fromLabels: BotExchangeKpis['fromLabels'] = null
  if (options.labels) {
    const byId = new Map(answeredRows.map((r) => [r.exchange_id, r]))
    let judged = 0
    let correct = 0
    for (const [id, ok] of options.labels) {
      if (!byId.has(id)) continue
      judged++
      if (ok) correct++
    }
    fromLabels = {...accuracy(correct, judged, answeredRows.length), unmatched: options.labels.size - judged}
  }

  return {
    exchanges: rows.length,
    visitors: new Set(rows.map((r) => `${r.site}\u0000${r.visitor_id}`)).size,
    contacts: contacts.size,
    answered: answeredRows.length,
    handedOver: rows.length - answeredRows.length,
    handoverRate: ratio(rows.length - answeredRows.length, rows.length),
    contained,
    containment: ratio(contained, contacts.size),
    fromFeedback: accuracy(voted.filter((r) => r.feedback === 'up').length, voted.length, answeredRows.length),
    fromLabels,
    repeats: {repeated, share: ratio(repeated, answeredRows.length), threshold: options.similarity, examples},
  }
}
