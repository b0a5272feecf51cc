import type {Store} from '../../store/store.js'
import {round} from '../../format/numbers.js'
import {defineReport, rangeOptions, type Row} from '../contract.js'
import {staffingChart} from './charts.js'
import {staffing, type StaffingResult} from './erlang.js'
import type {ContactKind} from './groups.js'
import {usedParams} from '../common.js'
import {parseRange, type DateRange} from '../range.js'

export interface PlanOptions extends DateRange {
  kind: ContactKind
  intervalMinutes: number
  target: number
  thresholdS: number
  shrinkage: number
  maxOccupancy: number
  /** Chats per agent; default: the measured time-weighted concurrency (≥ 1). */
  concurrency?: number
  /** Handle time override; default: the measured AHT per weekday × interval. */
  ahtS?: number
  site?: string
}

export interface PlanRow extends StaffingResult {
  weekday: number // ISO: 1 = Monday … 7 = Sunday
  interval: string // HH:MM
  contacts: number
  ahtSeconds: number
}

export interface StaffingPlan {
  kind: ContactKind
  days: number
  intervalMinutes: number
  concurrency: number
  rows: PlanRow[]
}

/**
 * A typical week from history: for each weekday × interval, the average contacts offered per occurrence of that
 * weekday in the date span (--from … --to when given, else the data's first … last day; days without contacts count
 * as zero), and the mean handle time there
 * (the overall mean where an interval has no handled contact). Then Erlang C per interval.
 */
export async function staffingFromHistory(store: Store, options: PlanOptions): Promise<StaffingPlan> {
  const {from, to} = parseRange(options)
  const kindFilter = options.kind === 'chat' ? `kind = 'chat' and not bot_only` : `kind = 'call' and direction = 'inbound'`
  const siteFilter = options.site ? `and site = $site` : ''
  const params: Record<string, unknown> = {from, to, minutes: options.intervalMinutes}
  if (options.site) params.site = options.site
  const where = `${kindFilter} ${siteFilter} and ($from::TIMESTAMP is null or started_at >= $from::TIMESTAMP) and ($to::TIMESTAMP is null or started_at < $to::TIMESTAMP)`
  const spanSql = `select strftime(min(started_at), '%Y-%m-%d') as first, strftime(max(started_at), '%Y-%m-%d') as last from contact_facts where ${where}`
  const span = await store.one<{first: string | null; last: string | null}>(spanSql, usedParams(spanSql, params))
  if (!span?.first || !span.last) return {kind: options.kind, days: 0, intervalMinutes: options.intervalMinutes, concurrency: 1, rows: []}
  // The span is the asked range where given (days without contacts count as zero), else the data's first … last day.
  const lastAsked = to
    ? new Date(new Date(`${to.slice(0, 10)}T00:00:00Z`).getTime() - (to.endsWith('00:00:00') ? 86_400_000 : 0)).toISOString().slice(0, 10)
    : null
  const occurrences = weekdayOccurrences(from ? from.slice(0, 10) : span.first, lastAsked ?? span.last)
  const slots = await store.all<{weekday: number; slot: number; contacts: number; handle_n: number; handle_sum: number}>(
    `select isodow(started_at) as weekday,
       cast(floor((hour(started_at) * 60 + minute(started_at)) / $minutes) as INTEGER) as slot,
       count(*) as contacts,
       count(handle_s) filter (where answered) as handle_n,
       coalesce(sum(handle_s) filter (where answered), 0) as handle_sum
     from contact_facts where ${where} group by all order by weekday, slot`,
    params,
  )
  const handleN = slots.reduce((a, s) => a + s.handle_n, 0)
  const overallAht = handleN > 0 ? slots.reduce((a, s) => a + s.handle_sum, 0) / handleN : 0
  let concurrency = options.concurrency ?? 1
  if (options.kind === 'chat' && options.concurrency === undefined) concurrency = Math.max(1, await measuredConcurrency(store, from, to))
  const rows: PlanRow[] = []
  for (const s of slots) {
    const aht = options.ahtS ?? (s.handle_n > 0 ? s.handle_sum / s.handle_n : overallAht)
    if (!(aht > 0)) continue
    const contacts = s.contacts / occurrences[s.weekday]
    const minutes = s.slot * options.intervalMinutes
    const result = staffing({
      contacts,
      intervalSeconds: options.intervalMinutes * 60,
      ahtSeconds: aht,
      target: options.target,
      thresholdSeconds: options.thresholdS,
      shrinkage: options.shrinkage,
      maxOccupancy: options.maxOccupancy,
      concurrency,
    })
    rows.push({
      weekday: s.weekday,
      interval: `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`,
      contacts,
      ahtSeconds: aht,
      ...result,
    })
  }
  return {
    kind: options.kind,
    days: Object.values(occurrences).reduce((a, b) => a + b, 0),
    intervalMinutes: options.intervalMinutes,
    concurrency,
    rows,
  }
}

/** How many Mondays … Sundays lie in [first, last] (ISO weekday → count). */
export function weekdayOccurrences(first: string, last: string): Record<number, number> {
  const counts: Record<number, number> = {1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0}
  const d = new Date(`${first}T00:00:00Z`)
  const end = new Date(`${last}T00:00:00Z`)
  while (d <= end) {
    counts[((d.getUTCDay() + 6) % 7) + 1]++
    d.setUTCDate(d.getUTCDate() + 1)
  }
  return counts
}

async function measuredConcurrency(store: Store, from: string | null, to: string | null): Promise<number> {
  const {readSql, renderSql} = await import('../../store/store.js')
  const row = await store.one<{weighted_s: number; busy_s: number}>(
    renderSql(readSql(import.meta.url, 'sql/concurrency.sql'), {group: `'all'`}),
    {from, to},
  )
  return row && row.busy_s > 0 ? row.weighted_s / row.busy_s : 1
}

export type HistoryStaffing = StaffingPlan & {mode: 'history'; peak: PlanRow | null}

const DAYS = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']

/** `ccx staffing` from history: a typical week of contacts, Erlang C per weekday × interval. */
export default defineReport<PlanOptions, HistoryStaffing>({
  id: 'service/staffing',
  title: 'Staffing (typical week)',
  needs: {tables: ['contact_facts', 'chat_facts'], pipelines: ['service']},
  async run(ctx, options) {
    const plan = await staffingFromHistory(ctx.store, options)
    const peak = plan.rows.reduce<PlanRow | null>((p, r) => (p === null || r.scheduled > p.scheduled ? r : p), null)
    return {mode: 'history', ...plan, peak}
  },
  rows: (plan) => plan.rows.map((r) => ({day: DAYS[r.weekday], ...r})) as unknown as Row[],
  text: (plan) => [
    {
      rows: plan.rows.map((r) => ({
        day: DAYS[r.weekday],
        interval: r.interval,
        contacts: round(r.contacts, 2),
        'aht s': round(r.ahtSeconds, 1),
        erlangs: round(r.trafficErlangs, 2),
        agents: r.agents,
        scheduled: r.scheduled,
        sl: round(r.serviceLevel, 4),
        'asa s': round(r.asaSeconds, 1),
        occupancy: round(r.occupancy, 4),
      })),
    },
  ],
  charts: (plan) => [staffingChart(plan)],
  notes: (plan) =>
    plan.rows.length === 0 ? ['no contacts in the chosen range: nothing to plan (ingest calls/chats first, or use --calls/--chats)'] : [],
  async section(ctx) {
    const plan = await staffingFromHistory(ctx.store, {
      ...rangeOptions(ctx),
      kind: 'call',
      intervalMinutes: 60,
      target: 0.8,
      thresholdS: 20,
      shrinkage: 0.3,
      maxOccupancy: 0.85,
    })
    return [
      {
        title: 'Staffing (typical week, calls)',
        description: 'Erlang C per weekday × hour for 80% in 20 s, occupancy ≤ 85%, 30% shrinkage.',
        charts: plan.rows.length > 0 ? [staffingChart(plan)] : [],
        tables: [],
      },
    ]
  },
})
