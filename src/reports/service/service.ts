import type {LoadedConfig} from '../../config/load.js'
import {CcxError, EXIT} from '../../errors.js'
import type {Store} from '../../store/store.js'
import {readSql, renderSql} from '../../store/store.js'
import {addCounters, kpisFromCounters, type KpiCounters, type Kpis} from './kpis.js'
import {rangeBounds, type DateRange} from './range.js'

export const SERVICE_GROUPS = ['total', 'day', 'hour', 'queue', 'channel', 'agent', 'site'] as const
export type ServiceGroupBy = (typeof SERVICE_GROUPS)[number]

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
  kind?: 'call' | 'chat'
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

/** Builds (or reuses, when inputs are unchanged) call_facts, chat_facts and contact_facts. */
export async function ensureServiceFacts(store: Store, config: LoadedConfig, log: (m: string) => void = () => {}): Promise<void> {
  const {runPipelines} = await import('../../pipelines/runner.js')
  const {default: service} = await import('../../pipelines/service/pipeline.js')
  const [outcome] = await runPipelines([service], {store, config, log}, {names: ['service']})
  if (outcome?.status === 'failed')
    throw new CcxError(`service facts failed: ${outcome.message}`, {code: 'PIPELINE_FAILED', exit: EXIT.failure})
}

export function filterSql(options: {kind?: string; site?: string}): string {
  const parts = ['true']
  if (options.kind) parts.push(`kind = '${options.kind === 'chat' ? 'chat' : 'call'}'`)
  if (options.site) parts.push(`site = '${options.site.replaceAll("'", "''")}'`)
  return parts.join(' and ')
}

export async function kpiCounters(store: Store, options: ServiceOptions, groupSql: string): Promise<Array<KpiCounters & {grp: string}>> {
  const {from, to} = rangeBounds(options)
  const sql = renderSql(readSql(import.meta.url, 'sql/kpi_counters.sql'), {group: groupSql, filter: filterSql(options)})
  const rows = await store.all(sql, {
    from,
    to,
    threshold_s: options.thresholdS ?? 20,
    short_s: options.shortAbandonS ?? 5,
    repeat_days: options.repeatDays ?? 7,
  })
  return rows as unknown as Array<KpiCounters & {grp: string}>
}

export async function serviceReport(store: Store, options: ServiceOptions): Promise<ServiceReport> {
  const by = options.by ?? 'day'
  const {from, to} = rangeBounds(options)
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
    thresholdS: options.thresholdS ?? 20,
    shortAbandonS: options.shortAbandonS ?? 5,
    repeatDays: options.repeatDays ?? 7,
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
