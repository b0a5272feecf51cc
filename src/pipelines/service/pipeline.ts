import {readSql, renderSql} from '../../store/store.js'
import {KPI_DEFAULTS, kpiCountersSql} from '../../marts/service.js'
import {sqlString} from '../../store/values.js'
import {UNRESOLVED_OUTCOMES} from '../../vocab/values.js'
import type {Pipeline} from '../types.js'

const STEPS = ['call_facts.sql', 'chat_facts.sql', 'contact_facts.sql']
/** A step's SQL with the outcomes that make a call unresolved (the one list, src/vocab/values.ts). */
const stepSql = (file: string) => renderSql(readSql(import.meta.url, file), {unresolved: UNRESOLVED_OUTCOMES.map(sqlString).join(', ')})

/** The report's counter query, grouped by day × site × kind × channel × queue, at the default thresholds. */
function dailyKpisSql(): string {
  const counters = kpiCountersSql(
    `{'day': strftime(started_at, '%Y-%m-%d'), 'site': site, 'kind': kind, 'channel': channel, 'queue': queue}`,
  )
  return renderSql(readSql(import.meta.url, 'service_kpis_daily.sql'), {counters: counters.replace(/;\s*$/, '')})
}
const DAILY_DEFAULTS = {
  from: null,
  to: null,
  threshold_s: KPI_DEFAULTS.thresholdS,
  short_s: KPI_DEFAULTS.shortAbandonS,
  repeat_days: KPI_DEFAULTS.repeatDays,
}

/** Facts for service KPIs, agent scores and layers: one row per call, per chat, and both in one shape. */
const service: Pipeline = {
  name: 'service',
  description: 'service quality facts and daily KPI counters',
  reads: ['raw_calls', 'raw_conversations', 'raw_messages', 'sites'],
  writes: ['call_facts', 'chat_facts', 'contact_facts', 'service_kpis_daily'],
  fingerprint: () => [...STEPS.map(stepSql), dailyKpisSql()].join('\n'),
  async run({store}) {
    for (const step of STEPS) await store.run(stepSql(step))
    await store.run(dailyKpisSql(), DAILY_DEFAULTS)
    const rows = await store.scalar<number>('select count(*) from contact_facts')
    return {rowsWritten: rows}
  },
}

export default service
