/**
 * Service KPI formulas over additive counters (docs/metrics.md "Service quality"). Pure: the SQL sums, this divides,
 * so every ratio has one definition and one test.
 */
import {ratio} from '../../stats/summary.js'

export interface KpiCounters {
  offered: number
  answered: number
  abandoned: number
  /** Abandoned after waiting less than the short-abandon threshold. */
  short_abandoned: number
  /** Answered with wait ≤ the service-level threshold (exactly at the threshold counts as within). */
  answered_within: number
  abandoned_within: number
  wait_sum: number
  /** Answered with a time-order flag (answer before offer): wait unknown, left out of ASA and service level. */
  answered_wait_unknown: number
  handle_n: number
  handle_sum: number
  first_response_n: number
  first_response_sum: number
  reply_n: number
  reply_sum: number
  resolved_known: number
  resolved_n: number
  resolution_sum: number
  resolution_n: number
  csat_n: number
  csat_top2: number
  csat_sum: number
  repeat_base: number
  repeats: number
  bot_only: number
}

export interface Kpis {
  offered: number
  answered: number
  abandoned: number
  shortAbandoned: number
  abandonRate: number | null
  abandonRateExShort: number | null
  /** ICMI variant 1: answered within T / offered. */
  serviceLevel: number | null
  /** Answered within T / answered (abandons ignored). */
  serviceLevelOfAnswered: number | null
  /** Answered within T / (offered − short abandons). */
  serviceLevelExShort: number | null
  asaSeconds: number | null
  ahtSeconds: number | null
  firstResponseSeconds: number | null
  replySeconds: number | null
  resolutionRate: number | null
  resolutionSeconds: number | null
  csatAverage: number | null
  csatTop2Box: number | null
  csatResponseRate: number | null
  repeatRate: number | null
  fcr: number | null
  botOnly: number
}


export function emptyCounters(): KpiCounters {
  return {
    offered: 0,
    answered: 0,
    abandoned: 0,
    short_abandoned: 0,
    answered_within: 0,
    abandoned_within: 0,
    wait_sum: 0,
    answered_wait_unknown: 0,
    handle_n: 0,
    handle_sum: 0,
    first_response_n: 0,
    first_response_sum: 0,
    reply_n: 0,
    reply_sum: 0,
    resolved_known: 0,
    resolved_n: 0,
    resolution_sum: 0,
    resolution_n: 0,
    csat_n: 0,
    csat_top2: 0,
    csat_sum: 0,
    repeat_base: 0,
    repeats: 0,
    bot_only: 0,
  }
}

/** Sums counters (e.g. groups into a total); every counter is additive by construction. */
export function addCounters(rows: KpiCounters[]): KpiCounters {
  const total = emptyCounters()
  for (const row of rows) for (const key of Object.keys(total) as Array<keyof KpiCounters>) total[key] += Number(row[key] ?? 0)
  return total
}

export function kpisFromCounters(c: KpiCounters): Kpis {
  const repeatRate = ratio(c.repeats, c.repeat_base)
  return {
    offered: c.offered,
    answered: c.answered,
    abandoned: c.abandoned,
    shortAbandoned: c.short_abandoned,
    abandonRate: ratio(c.abandoned, c.offered),
    abandonRateExShort: ratio(c.abandoned - c.short_abandoned, c.offered - c.short_abandoned),
    serviceLevel: ratio(c.answered_within, c.offered - c.answered_wait_unknown),
    serviceLevelOfAnswered: ratio(c.answered_within, c.answered - c.answered_wait_unknown),
    serviceLevelExShort: ratio(c.answered_within, c.offered - c.short_abandoned - c.answered_wait_unknown),
    asaSeconds: ratio(c.wait_sum, c.answered - c.answered_wait_unknown),
    ahtSeconds: ratio(c.handle_sum, c.handle_n),
    firstResponseSeconds: ratio(c.first_response_sum, c.first_response_n),
    replySeconds: ratio(c.reply_sum, c.reply_n),
    resolutionRate: ratio(c.resolved_n, c.resolved_known),
    resolutionSeconds: ratio(c.resolution_sum, c.resolution_n),
    csatAverage: ratio(c.csat_sum, c.csat_n),
    csatTop2Box: ratio(c.csat_top2, c.csat_n),
    csatResponseRate: ratio(c.csat_n, c.answered),
    repeatRate,
    fcr: repeatRate === null ? null : 1 - repeatRate,
    botOnly: c.bot_only,
  }
}
