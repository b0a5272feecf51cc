import {mkdirSync} from 'node:fs'
import {isAbsolute, join} from 'node:path'
import type {Store} from '../store/store.js'
import type {RetentionStep} from '../config/jobs.js'
import {localTimestamp} from './time.js'

export interface RetentionResult {
  /** Rows with ts before this (local midnight, `rawDays` days before today) were removed. */
  cutoff: string
  summarizedDays: number
  deletedEvents: number
  archivedTo?: string
  deletedQuarantine: number
  deletedJobRuns: number
}

/** Local midnight `days` days before the local date of `now`: `YYYY-MM-DD 00:00:00`. */
export function cutoffMidnight(now: Date, days: number, timeZone: string): string {
  const today = localTimestamp(now, timeZone).slice(0, 10)
  const d = new Date(`${today}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() - days)
  return `${d.toISOString().slice(0, 10)} 00:00:00`
}

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`

/**
 * Keeps `rawDays` whole days of raw_probe_events (plus today). Older days are first summarized into
 * `probe_daily` (kept for good) and optionally archived to Parquet, then deleted, in one transaction.
 * Pipelines rebuild sessions/events from what remains, so their history shrinks to the same window.
 */
export async function applyRetention(
  store: Store,
  step: RetentionStep,
  now: Date,
  timeZone: string,
  baseDir = process.cwd(),
): Promise<RetentionResult> {
  const cutoff = cutoffMidnight(now, step.rawDays, timeZone)
  return store.transaction(async () => {
    const old = await store.scalar<number>(`select count(*)::BIGINT from raw_probe_events where ts < $c::TIMESTAMP`, {c: cutoff})
    let archivedTo: string | undefined
    let summarizedDays = 0
    if (old > 0) {
      if (step.archiveDir) {
        const dir = isAbsolute(step.archiveDir) ? step.archiveDir : join(baseDir, step.archiveDir)
        mkdirSync(dir, {recursive: true})
        archivedTo = join(
          dir,
          `raw_probe_events_before_${cutoff.slice(0, 10)}_${localTimestamp(now, timeZone).replace(/\D/g, '').slice(0, 14)}.parquet`,
        )
        await store.run(
          `copy (select * from raw_probe_events where ts < ${sqlString(cutoff)}::TIMESTAMP order by ts) to ${sqlString(archivedTo)} (format parquet)`,
        )
      }
      // A day summarized before gets late rows added: events add up, visitors keeps the larger count (a lower bound).
      await store.run(
        `insert into probe_daily
         select ts::DATE as day, site, type, count(*) as events, count(distinct visitor_id) as visitors, min(ts), max(ts)
         from raw_probe_events where ts < $c::TIMESTAMP group by all
         on conflict (day, site, type) do update set
           events = probe_daily.events + excluded.events,
           visitors = greatest(probe_daily.visitors, excluded.visitors),
           first_ts = least(probe_daily.first_ts, excluded.first_ts),
           last_ts = greatest(probe_daily.last_ts, excluded.last_ts)`,
        {c: cutoff},
      )
      summarizedDays = await store.scalar<number>(
        `select count(distinct ts::DATE)::BIGINT from raw_probe_events where ts < $c::TIMESTAMP`,
        {c: cutoff},
      )
      await store.run(`delete from raw_probe_events where ts < $c::TIMESTAMP`, {c: cutoff})
      await store.bumpTableVersion('raw_probe_events')
      await store.bumpTableVersion('probe_daily')
    }
    let deletedQuarantine = 0
    if (step.quarantineDays) {
      const qc = cutoffMidnight(now, step.quarantineDays, timeZone)
      deletedQuarantine = await store.scalar<number>(`select count(*)::BIGINT from quarantine where quarantined_at < $c::TIMESTAMP`, {
        c: qc,
      })
      await store.run(`delete from quarantine where quarantined_at < $c::TIMESTAMP`, {c: qc})
    }
    let deletedJobRuns = 0
    if (step.jobRunsDays) {
      const jc = cutoffMidnight(now, step.jobRunsDays, timeZone)
      deletedJobRuns = await store.scalar<number>(
        `select count(*)::BIGINT from job_runs where started_at < $c::TIMESTAMP and status <> 'running'`,
        {c: jc},
      )
      await store.run(
        `delete from job_run_steps where run_id in (select run_id from job_runs where started_at < $c::TIMESTAMP and status <> 'running')`,
        {c: jc},
      )
      await store.run(`delete from job_runs where started_at < $c::TIMESTAMP and status <> 'running'`, {c: jc})
    }
    return {cutoff, summarizedDays, deletedEvents: old, archivedTo, deletedQuarantine, deletedJobRuns}
  })
}
