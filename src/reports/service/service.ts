import {percent, seconds, percentValue, round} from '../../format/numbers.js'
import {KPI_DEFAULTS, kpiCountersSql} from '../../marts/service.js'
import type {Store} from '../../store/store.js'
import {readSql, renderSql} from '../../store/store.js'
import {defineReport, rangeOptions, type ReportContext, type Row} from '../contract.js'
import {parseRange, type DateRange} from '../range.js'
import {type ContactKind, type ServiceGroupBy} from './groups.js'
import {serviceLevelChart, volumeChart} from './charts.js'
import {addCounters, kpisFromCounters, type KpiCounters, type Kpis} from './kpis.js'

export type {ServiceGroupBy} from './groups.js'

const CONTACT_GROUP: Record<ServiceGroupBy, string> = {
  total: `'all'`,
  day: `strftime(started_at, '%Y-%m-%d')`,
  hour: `lpad(cast(hour(started_at) as VARCHAR), 2, '0')`,
  queue: `queue`,
  channel: `channel`,
  agent: `coalesce(agent_id, '(none)')`,
  site: `coalesce(site, '(none)')`,
}
/** Concurrency is an agent property; by queue/channel/site it is not defined (null). */
const SEGMENT_GROUP: Partial<Record<ServiceGroupBy, string>> = {
  total: `'all'`,
  day: `strftime(t, '%Y-%m-%d')`,
  hour: `lpad(cast(hour(t) as VARCHAR), 2, '0')`,
  agent: `agent_id`,
}
const STATE_GROUP: Partial<Record<ServiceGroupBy, string>> = {
  total: `'all'`,
  day: `strftime(started_at, '%Y-%m-%d')`,
  hour: `lpad(cast(hour(started_at) as VARCHAR), 2, '0')`,
  agent: `agent_id`,
}

export interface ServiceOptions extends DateRange {
  by?: ServiceGroupBy
  /** Service-level threshold Y in "X% in Y seconds". */
  thresholdS?: number
  shortAbandonS?: number
  repeatDays?: number
  /** Only calls or only chats. */
  kind?: ContactKind
  site?: string
}

export interface ServiceRow extends Kpis {
  group: string
  /** Time-weighted chats held at once while the agent holds ≥ 1 chat. */
  concurrency: number | null
  maxConcurrency: number | null
  /** Busy ÷ (busy + available) agent-state time; null (n/a) without agent states. */
  occupancy: number | null
}

export interface ServiceReport {
  by: ServiceGroupBy
  from: string | null
  to: string | null
  thresholdS: number
  shortAbandonS: number
  repeatDays: number
  rows: ServiceRow[]
  total: ServiceRow
  notes: string[]
}

export function filterSql(options: {kind?: string; site?: string}): string {
  const parts = ['true']
  if (options.kind) parts.push(`kind = '${options.kind === 'chat' ? 'chat' : 'call'}'`)
  if (options.site) parts.push(`site = '${options.site.replaceAll("'", "''")}'`)
  return parts.join(' and ')
}

export async function kpiCounters(store: Store, options: ServiceOptions, groupSql: string): Promise<Array<KpiCounters & {grp: string}>> {
  const {from, to} = parseRange(options)
  const rows = await store.all(kpiCountersSql(groupSql, filterSql(options)), {
    from,
    to,
    threshold_s: options.thresholdS ?? KPI_DEFAULTS.thresholdS,
    short_s: options.shortAbandonS ?? KPI_DEFAULTS.shortAbandonS,
    repeat_days: options.repeatDays ?? KPI_DEFAULTS.repeatDays,
  })
  return rows as unknown as Array<KpiCounters & {grp: string}>
}

export async function serviceReport(store: Store, options: ServiceOptions): Promise<ServiceReport> {
  const by = options.by ?? 'day'
  const {from, to} = parseRange(options)
  const notes: string[] = []
  const counters = await kpiCounters(store, options, CONTACT_GROUP[by])
  const totalCounters = addCounters(counters)

  const concurrency = new Map<string, {weighted_s: number; busy_s: number; max_concurrent: number}>()
  const concurrencyTotal = {weighted_s: 0, busy_s: 0, max_concurrent: 0}
  if (options.kind !== 'call') {
    const segGroup = SEGMENT_GROUP[by]
    const sql = renderSql(readSql(import.meta.url, 'sql/concurrency.sql'), {group: segGroup ?? `'all'`})
    for (const r of await store.all<{grp: string; weighted_s: number; busy_s: number; max_concurrent: number}>(sql, {from, to})) {
      if (segGroup) concurrency.set(r.grp, r)
      concurrencyTotal.weighted_s += r.weighted_s
      concurrencyTotal.busy_s += r.busy_s
      concurrencyTotal.max_concurrent = Math.max(concurrencyTotal.max_concurrent, r.max_concurrent)
    }
  }

  const occupancy = await occupancyBy(store, by, from, to)
  if (!occupancy) notes.push('occupancy: n/a (no agent state records in raw_agent_states)')

  const row = (
    group: string,
    c: KpiCounters,
    conc?: {weighted_s: number; busy_s: number; max_concurrent: number},
    occ?: number | null,
  ): ServiceRow => ({
    group,
    ...kpisFromCounters(c),
    concurrency: conc && conc.busy_s > 0 ? conc.weighted_s / conc.busy_s : null,
    maxConcurrency: conc && conc.busy_s > 0 ? conc.max_concurrent : null,
    occupancy: occ ?? null,
  })
  const rows = counters.map((c) => row(c.grp, c, concurrency.get(c.grp), occupancy?.get(c.grp)))
  return {
    by,
    from,
    to,
    thresholdS: options.thresholdS ?? KPI_DEFAULTS.thresholdS,
    shortAbandonS: options.shortAbandonS ?? KPI_DEFAULTS.shortAbandonS,
    repeatDays: options.repeatDays ?? KPI_DEFAULTS.repeatDays,
    rows,
    total: row('total', totalCounters, concurrencyTotal, occupancy?.get('__total__')),
    notes,
  }
}

/** Occupancy from agent states: busy (talk, hold, wrap, busy) ÷ (busy + available). Null when no states exist. */
async function occupancyBy(
  store: Store,
  by: ServiceGroupBy,
  from: string | null,
  to: string | null,
): Promise<Map<string, number | null> | null> {
  if (!(await store.tableExists('raw_agent_states'))) return null
  const n = await store.scalar<number>('select count(*) from raw_agent_states')
  if (n === 0) return null
  const group = STATE_GROUP[by] ?? `'all'`
  const rows = await store.all<{grp: string; busy_s: number; staffed_s: number}>(
    `with s as (
       select *, date_diff('millisecond', started_at, ended_at) / 1000.0 as dur_s from raw_agent_states
       where ended_at > started_at and ($from::TIMESTAMP is null or started_at >= $from::TIMESTAMP) and ($to::TIMESTAMP is null or started_at < $to::TIMESTAMP))
     select cast(${group} as VARCHAR) as grp,
       coalesce(sum(dur_s) filter (where state in ('busy', 'talk', 'hold', 'wrap')), 0) as busy_s,
       coalesce(sum(dur_s) filter (where state in ('busy', 'talk', 'hold', 'wrap', 'available')), 0) as staffed_s
     from s group by grp`,
    {from, to},
  )
  const map = new Map<string, number | null>()
  let busy = 0
  let staffed = 0
  for (const r of rows) {
    if (STATE_GROUP[by]) map.set(r.grp, r.staffed_s > 0 ? r.busy_s / r.staffed_s : null)
    busy += r.busy_s
    staffed += r.staffed_s
  }
  map.set('__total__', staffed > 0 ? busy / staffed : null)
  return map
}

/** The KPI table of the terminal and of --csv/--out: one row per group, then the total. */
export function serviceRows(report: ServiceReport): Row[] {
  return (report.by === 'total' ? [report.total] : [...report.rows, report.total]).map((r) => ({
    [report.by]: r.group,
    offered: r.offered,
    answered: r.answered,
    abandoned: r.abandoned,
    short_abandoned: r.shortAbandoned,
    abandon_rate: r.abandonRate,
    service_level: r.serviceLevel,
    service_level_of_answered: r.serviceLevelOfAnswered,
    service_level_ex_short: r.serviceLevelExShort,
    asa_s: r.asaSeconds,
    aht_s: r.ahtSeconds,
    first_response_s: r.firstResponseSeconds,
    reply_s: r.replySeconds,
    resolution_rate: r.resolutionRate,
    concurrency: r.concurrency,
    occupancy: r.occupancy,
    csat_top2: r.csatTop2Box,
    csat_response_rate: r.csatResponseRate,
    fcr: r.fcr,
  }))
}

/** `ccx report service`: service KPIs from call records and chats. */
export default defineReport<ServiceOptions, ServiceReport>({
  id: 'service/service',
  title: 'Service levels',
  needs: {tables: ['contact_facts', 'chat_facts'], pipelines: ['service']},
  run: (ctx, options) => serviceReport(ctx.store, options),
  rows: serviceRows,
  text: (report) => [
    {
      rows: (report.by === 'total' ? [report.total] : [...report.rows, report.total]).map((r) => ({
        [report.by]: r.group,
        offered: r.offered,
        answered: r.answered,
        abandoned: r.abandoned,
        'short ab.': r.shortAbandoned,
        'aband.%': percent(r.abandonRate),
        [`SL ${report.thresholdS}s`]: percent(r.serviceLevel),
        'SL ans.': percent(r.serviceLevelOfAnswered),
        'SL ex-short': percent(r.serviceLevelExShort),
        'ASA s': seconds(r.asaSeconds) ?? 'n/a',
        'AHT s': seconds(r.ahtSeconds) ?? 'n/a',
        'FRT s': seconds(r.firstResponseSeconds) ?? 'n/a',
        'reply s': seconds(r.replySeconds) ?? 'n/a',
        resolved: percent(r.resolutionRate),
        'conc.': round(r.concurrency) ?? 'n/a',
        'occ.': percent(r.occupancy),
        'CSAT t2b': percent(r.csatTop2Box),
        'CSAT resp.': percent(r.csatResponseRate),
        FCR: percent(r.fcr),
      })),
    },
  ],
  charts: (report) => [serviceLevelChart(report), volumeChart(report)],
  notes: (report) => report.notes,
  section: serviceSection,
})

async function serviceSection(ctx: ReportContext) {
  const byDay = await serviceReport(ctx.store, {...rangeOptions(ctx), by: 'day'})
  const byChannel = await serviceReport(ctx.store, {...rangeOptions(ctx), by: 'channel'})
  const kpiRow = (r: ServiceRow) => ({
    group: r.group,
    offered: r.offered,
    answered: r.answered,
    'abandon %': percentValue(r.abandonRate),
    [`SL ${byDay.thresholdS}s %`]: percentValue(r.serviceLevel),
    'ASA s': seconds(r.asaSeconds),
    'AHT s': seconds(r.ahtSeconds),
    'first response s': seconds(r.firstResponseSeconds),
    'CSAT top-2 %': percentValue(r.csatTop2Box),
    'FCR %': percentValue(r.fcr),
  })
  return [
    {
      title: 'Service levels',
      description: `Offered, answered and abandoned contacts; service level = answered within ${byDay.thresholdS} s ÷ offered (ICMI). ${byDay.notes.join('; ')}`,
      charts: [volumeChart(byDay), serviceLevelChart(byDay)],
      tables: [
        {title: 'By channel', rows: [...byChannel.rows, byChannel.total].map(kpiRow)},
        {title: 'By day', rows: byDay.rows.map(kpiRow)},
      ],
    },
  ]
}
