import {label} from '../../format/labels.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {ratio} from '../../stats/summary.js'
import {requireTables, siteFilter} from '../common.js'
import {sqlRange, type DateRange} from '../range.js'
import {percentValue} from '../../format/numbers.js'
import {defineReport, rangeOptions, type Row} from '../contract.js'
import {allWithWhere, intentsSubquery, num, stepsCte, whereSql} from './common.js'

export interface ExitsOptions extends DateRange {
  site?: string
  /** Exit pages shown per intent (most silent exits first). */
  top?: number
  intent?: string
  /** SQL condition on the session `s.*` and its intent `si.intent`. */
  where?: string
}

export interface ExitIntent {
  intent: string
  sessions: number
  /** sessions that ended without a contact or a conversion */
  silent_exits: number
  /** silent_exits ÷ sessions */
  silent_share: number | null
}

export interface ExitPage {
  intent: string
  exit_url: string
  rank: number
  /** silent sessions of this intent that ended on this page */
  exits: number
  /** exits ÷ the intent's silent exits */
  share_of_intent: number | null
  /** sessions of this intent that viewed the page */
  viewing_sessions: number
  /** exits ÷ viewing_sessions: how often a visit to the page was the silent end */
  exit_rate: number | null
}

export interface ExitsResult {
  from: string
  to: string
  intents: ExitIntent[]
  pages: ExitPage[]
}

export async function exitsReport(store: Store, options: ExitsOptions = {}): Promise<ExitsResult> {
  await requireTables(store, ['sessions', 'events'])
  const range = sqlRange(options)
  const sql = renderSql(readSql(import.meta.url, 'exits.sql'), {steps: stepsCte(options.site), site_filter: siteFilter(options.site, 's.site'), intents: await intentsSubquery(store), where: whereSql(options.where)})
  const rows = (await allWithWhere(store, sql, range, options.where)).filter((r) => !options.intent || r.intent === options.intent)
  const intents = new Map<string, ExitIntent>()
  for (const r of rows) {
    const intent = String(r.intent)
    if (!intents.has(intent)) intents.set(intent, {intent, sessions: num(r.intent_sessions), silent_exits: num(r.intent_silent_exits), silent_share: ratio(num(r.intent_silent_exits), num(r.intent_sessions))})
  }
  const top = options.top ?? 10
  const pages: ExitPage[] = rows
    .filter((r) => r.exit_url !== null)
    .map((r) => ({
      intent: String(r.intent),
      exit_url: String(r.exit_url),
      rank: 0,
      exits: num(r.exits),
      share_of_intent: ratio(num(r.exits), num(r.intent_silent_exits)),
      viewing_sessions: num(r.viewing_sessions),
      exit_rate: ratio(num(r.exits), num(r.viewing_sessions)),
    }))
    .sort((a, b) => a.intent.localeCompare(b.intent) || b.exits - a.exits || a.exit_url.localeCompare(b.exit_url))
  let previous = ''
  let rank = 0
  for (const p of pages) {
    rank = p.intent === previous ? rank + 1 : 1
    previous = p.intent
    p.rank = rank
  }
  const intentList = [...intents.values()].sort((a, b) => b.silent_exits - a.silent_exits || a.intent.localeCompare(b.intent))
  const order = new Map(intentList.map((i, k) => [i.intent, k]))
  return {
    from: range.from,
    to: range.to,
    intents: intentList,
    pages: pages.filter((p) => p.rank <= top).sort((a, b) => order.get(a.intent)! - order.get(b.intent)! || a.rank - b.rank),
  }
}

/** Vega-Lite: the top silent exit pages of each intent, as a share of that intent's silent exits. */
export function exitsChart(result: ExitsResult, perIntent = 5): object {
  // one host: paths are enough; several: keep the host so two sites' "/" stay apart
  const hosts = new Set(result.pages.map((p) => /^https?:\/\/([^/]+)/.exec(p.exit_url)?.[1] ?? ''))
  const path = (url: string) => (hosts.size > 1 ? url.replace(/^https?:\/\//, '') : url.replace(/^https?:\/\/[^/]+/, '') || '/')
  const values = result.pages.filter((p) => p.rank <= perIntent).map((p) => ({intent: label(p.intent), page: path(p.exit_url), exits: p.exits, share: p.share_of_intent}))
  return {
    title: 'Where visitors leave without an inquiry, by intent',
    data: {values},
    width: 360,
    mark: 'bar',
    encoding: {
      row: {field: 'intent', type: 'nominal', title: null, header: {labelAngle: 0, labelAlign: 'left'}, sort: result.intents.map((i) => label(i.intent))},
      y: {field: 'page', type: 'nominal', sort: '-x', title: null},
      x: {field: 'share', type: 'quantitative', title: "share of the intent's silent exits", axis: {format: '%'}},
      tooltip: [{field: 'intent'}, {field: 'page'}, {field: 'exits'}, {field: 'share', format: '.1%'}],
    },
    resolve: {scale: {y: 'independent'}},
  }
}

/** `ccx report exits`: where visitors of each intent leave without an inquiry. */
export default defineReport<ExitsOptions, ExitsResult>({
  id: 'marketing/exits',
  title: 'Silent exits by intent',
  needs: {tables: ['sessions', 'events'], pipelines: ['normalize'], optional: ['intents']},
  run: (ctx, options) => exitsReport(ctx.store, options),
  rows: (result) => result.pages as unknown as Row[],
  text: (result) => [
    {title: 'Silent exits by intent', rows: result.intents as unknown as Row[]},
    {title: 'Exit pages', rows: result.pages as unknown as Row[]},
  ],
  charts: (result) => [exitsChart(result)],
  async section(ctx) {
    const exits = await exitsReport(ctx.store, {...rangeOptions(ctx), top: 5})
    return [
      {
        title: 'Silent exits by intent',
        description: 'Sessions that ended without a chat request, message, inbound call, lead or order, by classified intent and exit page.',
        charts: exits.pages.length ? [exitsChart(exits)] : [],
        tables: [
          {
            title: 'Intents',
            rows: exits.intents.map((i) => ({
              intent: i.intent,
              sessions: i.sessions,
              'silent exits': i.silent_exits,
              'silent %': percentValue(i.silent_share),
            })),
          },
          {
            title: 'Exit pages',
            rows: exits.pages.map((p) => ({
              intent: p.intent,
              rank: p.rank,
              page: p.exit_url,
              exits: p.exits,
              'share of intent %': percentValue(p.share_of_intent),
              'exit rate %': percentValue(p.exit_rate),
            })),
          },
        ],
      },
    ]
  },
})
