import {colorScale, OTHER, topSeries} from '../../charts/series.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {ratio} from '../../stats/summary.js'
import {requireTables, siteFilter} from '../common.js'
import {sqlRange, type DateRange} from '../range.js'
import {percentValue} from '../../format/numbers.js'
import {defineReport, rangeOptions, type Row} from '../contract.js'
import {allWithWhere, DIMENSIONS, intentsSubquery, num, stepsCte, whereSql} from './common.js'

export interface SourcesOptions extends DateRange {
  site?: string
  /** Keywords shown per engine (most sessions first). */
  topKeywords?: number
  /** SQL condition on the session `s.*` and its intent `si.intent`. */
  where?: string
}

interface Counts {
  sessions: number
  visitors: number
  inquiries: number
  leads: number
  orders: number
  /** sessions with a lead ÷ sessions */
  lead_rate: number | null
}

export interface MediumRow extends Counts {
  medium: string
  /** sessions ÷ all sessions */
  share: number | null
}

export interface EngineRow extends Counts {
  engine: string
  /** sessions ÷ sessions from search engines */
  share: number | null
}

export interface KeywordShareRow extends Counts {
  engine: string
  keyword: string
  rank: number
  /** sessions ÷ the engine's sessions */
  share_of_engine: number | null
}

export interface SourcesResult {
  from: string
  to: string
  sessions: number
  search_sessions: number
  mediums: MediumRow[]
  engines: EngineRow[]
  keywords: KeywordShareRow[]
}

export async function sourcesReport(store: Store, options: SourcesOptions = {}): Promise<SourcesResult> {
  await requireTables(store, ['sessions', 'events'])
  const range = sqlRange(options)
  const sql = renderSql(readSql(import.meta.url, 'sources.sql'), {
    steps: stepsCte(options.site), site_filter: siteFilter(options.site, 's.site'), engine: DIMENSIONS.engine.sql,
    intents: await intentsSubquery(store), where: whereSql(options.where),
  })
  const rows = await allWithWhere(store, sql, range, options.where)
  return sourcesFromRows(rows, range, options)
}

/** The result from the query's rows (level, medium, engine, keyword and counts): shared by the DuckDB and warehouse paths. */
export function sourcesFromRows(rows: Record<string, unknown>[], range: {from: string; to: string}, options: SourcesOptions): SourcesResult {
  const counts = (r: Record<string, unknown>): Counts => ({
    sessions: num(r.sessions), visitors: num(r.visitors), inquiries: num(r.inquiries), leads: num(r.leads), orders: num(r.orders),
    lead_rate: ratio(num(r.leads), num(r.sessions)),
  })
  const bySessions = (a: {sessions: number}, b: {sessions: number}) => b.sessions - a.sessions
  const total = num(rows.find((r) => r.level === 'total')?.sessions)
  const engineRows = rows.filter((r) => r.level === 'engine' && r.engine !== null)
  const searchSessions = engineRows.reduce((acc, r) => acc + num(r.sessions), 0)
  const engineSessions = new Map(engineRows.map((r) => [String(r.engine), num(r.sessions)]))
  const top = options.topKeywords ?? 10
  const keywords = rows
    .filter((r) => r.level === 'keyword' && r.engine !== null)
    .map((r) => ({engine: String(r.engine), keyword: String(r.keyword), rank: 0, ...counts(r), share_of_engine: ratio(num(r.sessions), engineSessions.get(String(r.engine)) ?? 0)}))
    .sort((a, b) => a.engine.localeCompare(b.engine) || b.sessions - a.sessions || a.keyword.localeCompare(b.keyword))
  let previous = ''
  let rank = 0
  for (const k of keywords) {
    rank = k.engine === previous ? rank + 1 : 1
    previous = k.engine
    k.rank = rank
  }
  return {
    from: range.from,
    to: range.to,
    sessions: total,
    search_sessions: searchSessions,
    mediums: rows.filter((r) => r.level === 'medium').map((r) => ({medium: String(r.medium), ...counts(r), share: ratio(num(r.sessions), total)})).sort(bySessions),
    engines: engineRows.map((r) => ({engine: String(r.engine), ...counts(r), share: ratio(num(r.sessions), searchSessions)})).sort(bySessions),
    keywords: keywords.filter((k) => k.rank <= top).sort((a, b) => (engineSessions.get(b.engine) ?? 0) - (engineSessions.get(a.engine) ?? 0) || a.engine.localeCompare(b.engine) || a.rank - b.rank),
  }
}

/** Flat rows for CSV/file exports: one table column names which breakdown a row belongs to. */
export function sourcesRows(result: SourcesResult): Record<string, unknown>[] {
  return [
    ...result.mediums.map((r) => ({table: 'medium', ...r})),
    ...result.engines.map((r) => ({table: 'engine', ...r})),
    ...result.keywords.map((r) => ({table: 'keyword', ...r})),
  ]
}

/** Vega-Lite: medium share and search-engine share side by side. */
export function sourcesChart(result: SourcesResult): object {
  // ranked bars, not donuts: lengths compare at a glance; each medium and engine its colour across the report
  const bars = (title: string, field: string, rows: Array<{sessions: number} & Record<string, unknown>>) => {
    const top = topSeries(new Map(rows.map((r) => [String(r[field]), r.sessions])), field === 'medium' ? 'mediums' : 'engines')
    const total = rows.reduce((a, r) => a + r.sessions, 0)
    const kept = rows.filter((r) => top.keep.has(String(r[field]))).map((r) => ({name: String(r[field]), sessions: r.sessions}))
    const rest = total - kept.reduce((a, r) => a + r.sessions, 0)
    const values = [...kept, ...(top.folded > 0 ? [{name: OTHER, sessions: rest}] : [])].map((r) => ({...r, share: total ? r.sessions / total : 0}))
    return {
      title: top.note ? {text: title, subtitle: top.note} : title,
      data: {values},
      width: 300,
      encoding: {
        // by the largest share, with max, not sum ('-x'): the bar and text layers union their domains, which only count, min and max
        // can sort (with sum Vega-Lite warned and dropped the order)
        y: {field: 'name', type: 'nominal', title: null, sort: {field: 'share', op: 'max', order: 'descending'}},
        x: {field: 'share', type: 'quantitative', title: 'share of sessions', axis: {format: '%'}, scale: {zero: true}},
      },
      layer: [
        {mark: 'bar', encoding: {color: {field: 'name', type: 'nominal', legend: null, scale: colorScale(values.map((v) => v.name))}}},
        {mark: {type: 'text', align: 'left', dx: 3}, encoding: {text: {field: 'share', type: 'quantitative', format: '.1%'}}},
      ],
    }
  }
  return {
    title: 'Traffic sources',
    vconcat: [
      bars('Medium share of sessions', 'medium', result.mediums as unknown as Array<{sessions: number} & Record<string, unknown>>),
      bars('Search engine share of search sessions', 'engine', result.engines as unknown as Array<{sessions: number} & Record<string, unknown>>),
    ],
    resolve: {scale: {color: 'independent'}},
  }
}

/** `ccx report sources`: share of sessions by medium and search engine, top keywords per engine. */
export default defineReport<SourcesOptions, SourcesResult>({
  id: 'marketing/sources',
  title: 'Traffic sources',
  needs: {tables: ['sessions', 'events'], pipelines: ['normalize'], optional: ['intents']},
  run: (ctx, options) => sourcesReport(ctx.store, options),
  warehouse: async (wh, options) => (await import('./warehouse.js')).sourcesWarehouse(wh, options),
  rows: sourcesRows,
  text: (result) => [
    {title: `Mediums (${result.sessions} sessions)`, rows: result.mediums as unknown as Row[]},
    {title: `Search engines (${result.search_sessions} search sessions)`, rows: result.engines as unknown as Row[]},
    {title: 'Keywords per engine', rows: result.keywords as unknown as Row[]},
  ],
  charts: (result) => [sourcesChart(result)],
  async section(ctx) {
    const sources = await sourcesReport(ctx.store, {...rangeOptions(ctx), topKeywords: 5})
    return [
      {
        title: 'Traffic sources',
        description: `Share of ${sources.sessions} sessions by medium and of ${sources.search_sessions} search sessions by engine; lead rate = sessions with a lead ÷ sessions.`,
        charts: [sourcesChart(sources)],
        tables: [
          {
            title: 'Mediums',
            rows: sources.mediums.map((r) => ({
              medium: r.medium,
              sessions: r.sessions,
              'share %': percentValue(r.share),
              inquiries: r.inquiries,
              leads: r.leads,
              orders: r.orders,
              'lead %': percentValue(r.lead_rate),
            })),
          },
          {
            title: 'Search engines',
            rows: sources.engines.map((r) => ({
              engine: r.engine,
              sessions: r.sessions,
              'share %': percentValue(r.share),
              leads: r.leads,
              'lead %': percentValue(r.lead_rate),
            })),
          },
          {
            title: 'Top keywords per engine',
            rows: sources.keywords.map((r) => ({
              engine: r.engine,
              rank: r.rank,
              keyword: r.keyword,
              sessions: r.sessions,
              'share of engine %': percentValue(r.share_of_engine),
              leads: r.leads,
            })),
          },
        ],
      },
    ]
  },
})
