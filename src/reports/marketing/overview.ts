import {readSql, renderSql, type Store} from '../../store/store.js'
import {requireTables, siteFilter} from '../common.js'
import {sqlRange, type DateRange} from '../range.js'
import {percentValue, round} from '../../format/numbers.js'
import {defineReport, rangeOptions, type Row} from '../contract.js'
import {ratio} from '../../stats/summary.js'
import {label} from '../../format/labels.js'
import {colorScale, everyDay} from '../../charts/series.js'

export interface OverviewOptions extends DateRange {
  site?: string
}

export interface OverviewKpis {
  visitors: number
  visits: number
  page_views: number
  invitations_shown: number
  invitations_accepted: number
  /** chat_request events seen by the probe (the chat system's own count is chat_requests). */
  chat_requests_probe: number
  chat_requests: number
  successful_chats: number
  leads: number
  registrations: number
  left_messages: number
  orders: number
  order_amount: number
  inbound_calls: number
  pages_per_visitor: number | null
  chat_requests_per_visitor: number | null
  invitation_acceptance: number | null
  chat_success_rate: number | null
}

export interface AgentRow {
  agent: string
  chats: number
  answered: number
  median_wait_s: number | null
  median_duration_s: number | null
  csat_responses: number
  csat_avg: number | null
  csat_top2: number | null
  resolved_share: number | null
}

export interface OverviewResult {
  from: string
  to: string
  site: string | null
  kpis: OverviewKpis
  agents: AgentRow[]
  daily: Array<{day: string; visitors: number; chat_requests: number; leads: number; orders: number}>
}

export async function overviewReport(store: Store, options: OverviewOptions = {}): Promise<OverviewResult> {
  await requireTables(store, ['sessions', 'events'])
  const range = sqlRange(options)
  const vars = {site_filter: siteFilter(options.site), site_filter_nullable: siteFilter(options.site, 'site', true)}
  const raw = (await store.one(renderSql(readSql(import.meta.url, 'overview_kpis.sql'), vars), range)) as Record<string, number>
  const agents = await store.all<AgentRow & Record<string, unknown>>(renderSql(readSql(import.meta.url, 'overview_agents.sql'), vars), range)
  const daily = await store.all<OverviewResult['daily'][number] & Record<string, unknown>>(renderSql(readSql(import.meta.url, 'overview_daily.sql'), vars), range)
  return overviewFromRows(raw, agents, daily, range, options)
}

/** The result from the queries' rows: shared by the DuckDB and warehouse paths. */
export function overviewFromRows(
  raw: Record<string, unknown>,
  agents: Record<string, unknown>[],
  daily: Record<string, unknown>[],
  range: {from: string; to: string},
  options: OverviewOptions,
): OverviewResult {
  const k = Object.fromEntries(Object.entries(raw).map(([key, v]) => [key, Number(v ?? 0)])) as Record<string, number>
  const kpis: OverviewKpis = {
    ...(k as unknown as OverviewKpis),
    pages_per_visitor: ratio(k.page_views, k.visitors),
    chat_requests_per_visitor: ratio(k.chat_requests, k.visitors),
    invitation_acceptance: ratio(k.invitations_accepted, k.invitations_shown),
    chat_success_rate: ratio(k.successful_chats, k.chat_requests),
  }
  return {
    from: range.from,
    to: range.to,
    site: options.site ?? null,
    kpis,
    agents: agents as unknown as AgentRow[],
    daily: daily as unknown as OverviewResult['daily'],
  }
}

export function overviewRows(result: OverviewResult): Array<{metric: string; value: number | null}> {
  return Object.entries(result.kpis).map(([metric, value]) => ({metric, value}))
}

export function overviewChart(result: OverviewResult): object {
  const measures = ['visitors', 'chat_requests', 'leads', 'orders'] as const
  const names = measures.map((m) => label(m))
  // one row per day of the range, in order: a day without data is a 0, not a gap the axis closes over
  const byDay = new Map(result.daily.map((d) => [d.day, d]))
  const values = everyDay(byDay.keys()).flatMap((day) => measures.map((m) => ({day, metric: label(m), value: byDay.get(day)?.[m] ?? 0})))
  // one linear panel per measure, each with its own scale: on one shared axis visitors (~10× the rest) squash
  // leads and orders into flat lines, and a log axis is one readers misread
  return {
    title: {text: 'Visitors, chat requests, leads and orders per day', subtitle: 'each panel its own linear scale from 0'},
    data: {values},
    facet: {row: {field: 'metric', type: 'nominal', title: null, sort: names, header: {labelAngle: 0, labelAlign: 'left', labelFontSize: 12}}},
    resolve: {scale: {y: 'independent'}},
    spec: {
      width: 560,
      height: 70,
      mark: {type: 'line', point: true},
      encoding: {
        // one tick per day, in order (temporal, not text); labels thin out on long ranges instead of repeating
        x: {field: 'day', type: 'temporal', timeUnit: 'yearmonthdate', title: null, axis: {format: '%m-%d', tickCount: {interval: 'day', step: 1}, labelOverlap: true}},
        y: {field: 'value', type: 'quantitative', title: null, scale: {zero: true}, axis: {tickCount: 3}},
        color: {field: 'metric', type: 'nominal', legend: null, scale: colorScale(names.map(String)), sort: names},
      },
    },
  }
}

/** `ccx report overview`: the service dashboard of a day or a range. */
export default defineReport<OverviewOptions, OverviewResult>({
  id: 'marketing/overview',
  title: 'Marketing overview',
  needs: {tables: ['sessions', 'events'], pipelines: ['normalize'], optional: ['intents']},
  run: (ctx, options) => overviewReport(ctx.store, options),
  warehouse: async (wh, options) => (await import('./warehouse.js')).overviewWarehouse(wh, options),
  rows: (result) => overviewRows(result),
  // people read labels; --json, --csv and --out keep the raw names
  text: (result) => [{rows: overviewRows(result).map((r) => ({metric: label(r.metric), value: r.value}))}, {title: 'Chats by agent', rows: result.agents as unknown as Row[]}],
  charts: (result) => [overviewChart(result)],
  async section(ctx) {
    const overview = await overviewReport(ctx.store, rangeOptions(ctx))
    return [
      {
        title: 'Marketing overview',
        description:
          'Visitors, page views, invitations, chats, messages, leads and orders of the period; per-visitor ratios divide by distinct visitors.',
        charts: [overviewChart(overview)],
        tables: [
          {
            title: 'Figures',
            rows: overviewRows(overview).map((r) => ({metric: label(r.metric), value: round(r.value, 4)})),
            // counts and per-visitor ratios share the column: 62 registrations, not 62.00
            formats: {value: 'mixed'},
          },
          {
            title: 'Chats by agent',
            rows: overview.agents.map((a) => ({
              agent: a.agent,
              chats: a.chats,
              answered: a.answered,
              'median wait s': round(a.median_wait_s, 1),
              rated: a.csat_responses,
              'avg CSAT': round(a.csat_avg),
              'CSAT top-2 %': percentValue(a.csat_top2),
              'resolved %': percentValue(a.resolved_share),
            })),
          },
        ],
      },
    ]
  },
})
