import {readSql, renderSql, type Store} from '../../store/store.js'
import {requireTables, resolveRange, siteFilter, type DateRange} from '../common.js'
import {ratio} from '../stats.js'

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
  const range = resolveRange(options)
  const vars = {site_filter: siteFilter(options.site), site_filter_nullable: siteFilter(options.site, 'site', true)}
  const raw = (await store.one(renderSql(readSql(import.meta.url, 'overview_kpis.sql'), vars), range)) as Record<string, number>
  const k = Object.fromEntries(Object.entries(raw).map(([key, v]) => [key, Number(v ?? 0)])) as Record<string, number>
  const kpis: OverviewKpis = {
    ...(k as unknown as OverviewKpis),
    pages_per_visitor: ratio(k.page_views, k.visitors),
    chat_requests_per_visitor: ratio(k.chat_requests, k.visitors),
    invitation_acceptance: ratio(k.invitations_accepted, k.invitations_shown),
    chat_success_rate: ratio(k.successful_chats, k.chat_requests),
  }
  const agents = await store.all<AgentRow & Record<string, unknown>>(renderSql(readSql(import.meta.url, 'overview_agents.sql'), vars), range)
  const daily = await store.all<OverviewResult['daily'][number] & Record<string, unknown>>(renderSql(readSql(import.meta.url, 'overview_daily.sql'), vars), range)
  return {from: range.from, to: range.to, site: options.site ?? null, kpis, agents, daily}
}

export function overviewRows(result: OverviewResult): Array<{metric: string; value: number | null}> {
  return Object.entries(result.kpis).map(([metric, value]) => ({metric, value}))
}

export function overviewChart(result: OverviewResult): object {
  const values = result.daily.flatMap((d) => (['visitors', 'chat_requests', 'leads', 'orders'] as const).map((m) => ({day: d.day, metric: m, value: d[m]})))
  return {
    title: 'Visitors, chat requests, leads and orders per day',
    data: {values},
    width: 560,
    height: 220,
    mark: {type: 'line', point: true},
    encoding: {
      x: {field: 'day', type: 'temporal', title: null, axis: {format: '%m-%d'}},
      y: {field: 'value', type: 'quantitative', title: null, scale: {type: 'symlog'}},
      color: {field: 'metric', type: 'nominal', title: null, sort: ['visitors', 'chat_requests', 'leads', 'orders']},
    },
  }
}
