/**
 * The service KPI counters over contact_facts, shared by the service pipeline (the service_kpis_daily mart at the
 * default thresholds) and the service reports (any grouping, range and thresholds): one SQL definition, read here, so
 * neither has to import the other or read the other's files by path.
 */
import {readSql, renderSql} from '../store/store.js'

/** The thresholds the mart is built with and the reports default to. */
export const KPI_DEFAULTS = {thresholdS: 20, shortAbandonS: 5, repeatDays: 7}

/**
 * The counter query: one row per `group` (a SQL expression over contact_facts) among inbound contacts matching `filter`.
 * Parameters: $from, $to (timestamps or null), $threshold_s, $short_s, $repeat_days.
 */
export function kpiCountersSql(group: string, filter = 'true'): string {
  return renderSql(readSql(import.meta.url, 'kpi_counters.sql'), {group, filter})
}
