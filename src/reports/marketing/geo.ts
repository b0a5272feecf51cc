import {readSql, renderSql, type Store} from '../../store/store.js'
import {ratio} from '../../stats/summary.js'
import {requireTables, siteFilter} from '../common.js'
import {sqlRange, type DateRange} from '../range.js'
import {percentValue, round} from '../../format/numbers.js'
import {defineReport, rangeOptions} from '../contract.js'
import {allWithWhere, intentsSubquery, num, stepsCte, whereSql} from './common.js'
import {wilsonInterval} from '../../stats/proportions.js'

export interface GeoOptions extends DateRange {
  site?: string
  level?: 'province' | 'city'
  /** Fewest sessions for a place to get an index against the whole (smaller places: null). */
  minSessions?: number
  limit?: number
  /** SQL condition on the session `s.*` and its intent `si.intent`. */
  where?: string
}

export interface GeoRow {
  province: string
  city: string | null
  sessions: number
  visitors: number
  /** sessions ÷ all sessions */
  share: number | null
  inquiries: number
  leads: number
  orders: number
  inquiry_rate: number | null
  /** sessions with a lead ÷ sessions, with its 95% Wilson interval */
  lead_rate: number | null
  ci_low: number | null
  ci_high: number | null
  /** lead_rate ÷ the lead rate of all places (1 = average; >1 converts better) */
  lead_index: number | null
}

export interface GeoResult {
  from: string
  to: string
  level: 'province' | 'city'
  total: GeoRow
  rows: GeoRow[]
  rows_dropped: number
}

/** Ties in sessions are ordered by name in code-point order (the same on every machine, unlike localeCompare). */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

export async function geoReport(store: Store, options: GeoOptions = {}): Promise<GeoResult> {
  await requireTables(store, ['sessions', 'events'])
  const range = sqlRange(options)
  const sql = renderSql(readSql(import.meta.url, 'geo.sql'), {steps: stepsCte(options.site), site_filter: siteFilter(options.site, 's.site'), intents: await intentsSubquery(store), where: whereSql(options.where)})
  const raw = await allWithWhere(store, sql, range, options.where)
  return geoFromRows(raw, range, options)
}

/** The result from the query's rows (level, province, city and counts): shared by the DuckDB and warehouse paths. */
export function geoFromRows(raw: Record<string, unknown>[], range: {from: string; to: string}, options: GeoOptions): GeoResult {
  const level = options.level ?? 'city'
  const minSessions = options.minSessions ?? 30
  const totalRaw = raw.find((r) => r.level === 'total') ?? {}
  const totalSessions = num(totalRaw.sessions)
  const overallRate = ratio(num(totalRaw.leads), totalSessions)
  const toRow = (r: Record<string, unknown>): GeoRow => {
    const sessions = num(r.sessions)
    const leads = num(r.leads)
    const ci = wilsonInterval(leads, sessions)
    const rate = ratio(leads, sessions)
    return {
      province: r.level === 'total' ? '(all)' : String(r.province),
      city: r.level === 'city' ? String(r.city) : null,
      sessions,
      visitors: num(r.visitors),
      share: ratio(sessions, totalSessions),
      inquiries: num(r.inquiries),
      leads,
      orders: num(r.orders),
      inquiry_rate: ratio(num(r.inquiries), sessions),
      lead_rate: rate,
      ci_low: ci?.low ?? null,
      ci_high: ci?.high ?? null,
      lead_index: rate !== null && overallRate && sessions >= minSessions ? rate / overallRate : null,
    }
  }
  const rows = raw
    .filter((r) => r.level === level)
    .map(toRow)
    .sort((a, b) => b.sessions - a.sessions || byCodePoint(a.province, b.province) || byCodePoint(String(a.city), String(b.city)))
  const limit = options.limit ?? 50
  return {from: range.from, to: range.to, level, total: toRow(totalRaw), rows: rows.slice(0, limit), rows_dropped: Math.max(0, rows.length - limit)}
}

export function geoRows(result: GeoResult): Record<string, unknown>[] {
  const rows = result.rows as unknown as Record<string, unknown>[]
  return result.level === 'province' ? rows.map(({city: _city, ...r}) => r) : rows
}

/** Vega-Lite: sessions per place as bars, coloured by lead rate. */
export function geoChart(result: GeoResult, top = 20): object {
  const values = result.rows.slice(0, top).map((r) => ({place: r.city ? `${r.province} ${r.city}` : r.province, sessions: r.sessions, lead_rate: r.lead_rate ?? 0, leads: r.leads}))
  return {
    title: `Sessions and lead rate by ${result.level}`,
    data: {values},
    width: 420,
    mark: 'bar',
    encoding: {
      y: {field: 'place', type: 'nominal', sort: '-x', title: null},
      x: {field: 'sessions', type: 'quantitative'},
      color: {field: 'lead_rate', type: 'quantitative', title: 'lead rate', scale: {scheme: 'blues'}, legend: {format: '.0%'}},
      tooltip: [{field: 'place'}, {field: 'sessions'}, {field: 'leads'}, {field: 'lead_rate', format: '.1%'}],
    },
  }
}

/** `ccx report geo`: sessions and conversion by province or city, with Wilson intervals and an index. */
export default defineReport<GeoOptions, GeoResult>({
  id: 'marketing/geo',
  title: 'Geography',
  needs: {tables: ['sessions', 'events'], pipelines: ['normalize'], optional: ['intents']},
  run: (ctx, options) => geoReport(ctx.store, options),
  warehouse: async (wh, options) => (await import('./warehouse.js')).geoWarehouse(wh, options),
  rows: geoRows,
  charts: (result) => [geoChart(result)],
  notes: (result) => (result.rows_dropped > 0 ? [`${result.rows_dropped} smaller places not shown (--limit)`] : []),
  async section(ctx) {
    const geo = await geoReport(ctx.store, {...rangeOptions(ctx), level: 'city', limit: 20})
    return [
      {
        title: 'Geography',
        description:
          'Sessions by city (IP geo) with the lead rate, its 95% Wilson interval, and the index against all places (places with at least 30 sessions).',
        charts: [geoChart(geo)],
        tables: [
          {
            title: 'Cities',
            rows: geo.rows.map((r) => ({
              province: r.province,
              city: r.city,
              sessions: r.sessions,
              'share %': percentValue(r.share),
              inquiries: r.inquiries,
              leads: r.leads,
              'lead %': percentValue(r.lead_rate),
              'CI low %': percentValue(r.ci_low),
              'CI high %': percentValue(r.ci_high),
              index: round(r.lead_index),
            })),
          },
        ],
      },
    ]
  },
})
