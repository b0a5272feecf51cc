import {hostname} from 'node:os'
import type {Store} from '../store/store.js'
import {isProcessAlive} from './lock.js'
import {Mutex} from './mutex.js'
import {sleep, zonedIso} from './time.js'

export type RunStatus = 'running' | 'ok' | 'failed' | 'skipped' | 'abandoned' | 'interrupted'
export type StepStatus = 'running' | 'ok' | 'failed' | 'timeout' | 'abandoned' | 'interrupted'

export interface JobRunRecord {
  run_id: string
  job: string
  trigger: 'schedule' | 'manual'
  status: RunStatus
  scheduled_at: string | null
  started_at: string
  finished_at: string | null
  duration_ms: number | null
  attempts: number
  steps_total: number
  steps_done: number
  failed_step: number | null
  rows: number | null
  error: string | null
  pid: number
  hostname: string
}

export interface JobStepRecord {
  run_id: string
  step_no: number
  attempt: number
  kind: string
  command: string | null
  status: StepStatus
  started_at: string
  finished_at: string | null
  duration_ms: number | null
  exit_code: number | null
  rows: number | null
  error: string | null
}

const RUN_COLUMNS: (keyof JobRunRecord)[] = [
  'run_id',
  'job',
  'trigger',
  'status',
  'scheduled_at',
  'started_at',
  'finished_at',
  'duration_ms',
  'attempts',
  'steps_total',
  'steps_done',
  'failed_step',
  'rows',
  'error',
  'pid',
  'hostname',
]
const STEP_COLUMNS: (keyof JobStepRecord)[] = [
  'run_id',
  'step_no',
  'attempt',
  'kind',
  'command',
  'status',
  'started_at',
  'finished_at',
  'duration_ms',
  'exit_code',
  'rows',
  'error',
]

export type OpenStore = (path: string) => Promise<Store>

export const openStoreDefault: OpenStore = async (path) => {
  const {Store} = await import('../store/store.js')
  return Store.open(path)
}

export function isDbBusy(error: unknown): boolean {
  return (error as {code?: string})?.code === 'DB_BUSY'
}

/**
 * DuckDB's file lock is per process: two instances of one file inside this process would not
 * exclude each other (and can corrupt it), so every open here takes turns.
 */
const processStoreMutex = new Mutex()

/** Opens the database, runs `fn`, closes it: the scheduler never keeps the file open while steps run. */
export async function withStore<T>(
  dbPath: string,
  fn: (store: Store) => Promise<T>,
  options: {waitMs?: number; open?: OpenStore} = {},
): Promise<T> {
  return processStoreMutex.with(() => withStoreUnlocked(dbPath, fn, options))
}

async function withStoreUnlocked<T>(
  dbPath: string,
  fn: (store: Store) => Promise<T>,
  options: {waitMs?: number; open?: OpenStore},
): Promise<T> {
  const open = options.open ?? openStoreDefault
  const deadline = Date.now() + (options.waitMs ?? 0)
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    let store: Store
    try {
      store = await open(dbPath)
    } catch (error) {
      if (isDbBusy(error) && Date.now() + delay <= deadline) {
        await sleep(delay)
        continue
      }
      throw error
    }
    try {
      return await fn(store)
    } finally {
      await store.close().catch(() => {})
    }
  }
}

/**
 * job_runs / job_run_steps writes, kept in memory until the database is free and then written
 * in one transaction. Every record is the full row (an upsert), so writing twice is harmless and
 * the latest state of a run wins.
 */
export class JobJournal {
  private runs = new Map<string, JobRunRecord>()
  private steps = new Map<string, JobStepRecord>()

  constructor(
    readonly dbPath: string,
    private readonly open: OpenStore = openStoreDefault,
  ) {}

  record(run: JobRunRecord): void {
    this.runs.set(run.run_id, {...run})
  }

  recordStep(step: JobStepRecord): void {
    this.steps.set(`${step.run_id}/${step.step_no}/${step.attempt}`, {...step})
  }

  get pending(): number {
    return this.runs.size + this.steps.size
  }

  /** Writes pending records; waits up to `waitMs` for a busy database. False when they stay pending. */
  async flush(waitMs = 10_000): Promise<boolean> {
    if (this.pending === 0) return true
    const runs = [...this.runs.values()]
    const steps = [...this.steps.values()]
    try {
      await withStore(this.dbPath, (store) => this.write(store, runs, steps), {waitMs, open: this.open})
    } catch (error) {
      if (isDbBusy(error)) return false
      throw error
    }
    // Keep what changed while we were writing.
    for (const r of runs) if (this.runs.get(r.run_id) && sameRow(this.runs.get(r.run_id)!, r)) this.runs.delete(r.run_id)
    for (const s of steps) {
      const key = `${s.run_id}/${s.step_no}/${s.attempt}`
      if (this.steps.get(key) && sameRow(this.steps.get(key)!, s)) this.steps.delete(key)
    }
    return true
  }

  async write(store: Store, runs: JobRunRecord[], steps: JobStepRecord[]): Promise<void> {
    await store.transaction(async () => {
      for (const r of runs) await upsert(store, 'job_runs', RUN_COLUMNS, r)
      for (const s of steps) await upsert(store, 'job_run_steps', STEP_COLUMNS, s)
    })
  }
}

function sameRow(a: object, b: object): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

async function upsert<T extends object>(store: Store, table: string, columns: (keyof T)[], row: T): Promise<void> {
  const names = columns.map(String)
  const params: Record<string, unknown> = {}
  for (const c of names) params[c] = (row as Record<string, unknown>)[c] ?? null
  const values = names.map((c) => {
    if (c.endsWith('_at')) return `$${c}::TIMESTAMP`
    return `$${c}`
  })
  await store.run(`insert or replace into ${table} (${names.join(', ')}) values (${values.join(', ')})`, params)
}

/**
 * Runs left `running` by a process that is gone (SIGKILL, power loss) become `interrupted`, with
 * their running steps. Runs of a live process (another scheduler, a manual `ccx jobs run`) stay.
 */
export async function markInterrupted(
  store: Store,
  finishedAt: string,
  isAlive = isProcessAlive,
): Promise<Array<{run_id: string; job: string}>> {
  const running = await store.all<{run_id: string; job: string; pid: number; hostname: string}>(
    `select run_id, job, pid, hostname from job_runs where status = 'running'`,
  )
  const here = hostname()
  const dead = running.filter((r) => r.hostname === here && r.pid !== process.pid && !isAlive(r.pid))
  for (const r of dead) {
    const message = `interrupted: process ${r.pid} on ${r.hostname} stopped while this run was in progress`
    await store.run(
      `update job_runs set status = 'interrupted', finished_at = $f::TIMESTAMP,
         duration_ms = date_diff('millisecond', started_at, $f::TIMESTAMP), error = coalesce(error, $m)
       where run_id = $id`,
      {f: finishedAt, m: message, id: r.run_id},
    )
    await store.run(
      `update job_run_steps set status = 'interrupted', finished_at = $f::TIMESTAMP,
         duration_ms = date_diff('millisecond', started_at, $f::TIMESTAMP), error = $m
       where run_id = $id and status = 'running'`,
      {f: finishedAt, m: message, id: r.run_id},
    )
  }
  return dead.map(({run_id, job}) => ({run_id, job}))
}

/** A past run; times are ISO 8601 with the config time zone's offset (the journal stores that zone's wall clock). */
export interface HistoryRow {
  run_id: string
  job: string
  trigger: string
  status: RunStatus
  scheduled_at: string | null
  started_at: string
  finished_at: string | null
  duration_ms: number | null
  attempts: number
  steps_total: number
  steps_done: number
  failed_step: number | null
  rows: number | null
  error: string | null
}

export const FAILURE_STATUSES: RunStatus[] = ['failed', 'interrupted', 'abandoned']

/** Past runs, failures (failed, interrupted, abandoned) first, each group newest first. */
export async function jobHistory(
  store: Store,
  options: {timeZone: string; job?: string; limit?: number; failuresOnly?: boolean; since?: string; runIdPrefix?: string},
): Promise<HistoryRow[]> {
  const where: string[] = []
  const params: Record<string, unknown> = {limit: options.limit ?? 50}
  const failures = `status in (${FAILURE_STATUSES.map((s) => `'${s}'`).join(', ')})`
  if (options.job) {
    where.push('job = $job')
    params.job = options.job
  }
  if (options.failuresOnly) where.push(failures)
  if (options.since) {
    where.push('started_at >= $since::TIMESTAMP')
    params.since = options.since
  }
  if (options.runIdPrefix) {
    where.push('starts_with(run_id, $prefix)')
    params.prefix = options.runIdPrefix
  }
  const rows = await store.all<HistoryRow & Record<string, unknown>>(
    `select run_id, job, trigger, status, ${wallClock('scheduled_at')}, ${wallClock('started_at')}, ${wallClock('finished_at')},
            duration_ms, attempts, steps_total, steps_done, failed_step, rows, error
     from job_runs ${where.length > 0 ? 'where ' + where.join(' and ') : ''}
     order by ${options.runIdPrefix ? '' : `case when ${failures} then 0 else 1 end, `}job_runs.started_at desc, run_id
     limit $limit`,
    params,
  )
  return rows.map((r) => withZone(r, ['scheduled_at', 'started_at', 'finished_at'], options.timeZone))
}

export async function runSteps(store: Store, runId: string, timeZone: string): Promise<Array<JobStepRecord & Record<string, unknown>>> {
  const rows = await store.all<JobStepRecord & Record<string, unknown>>(
    `select * replace (${wallClock('started_at')}, ${wallClock('finished_at')})
     from job_run_steps where run_id = $id order by step_no, attempt`,
    {id: runId},
  )
  return rows.map((r) => withZone(r, ['started_at', 'finished_at'], timeZone))
}

// The journal stores wall-clock times of the config's zone: read them as text, never as instants (a Date would
// label them UTC).
const wallClock = (column: string) => `strftime(${column}, '%Y-%m-%d %H:%M:%S.%g') as ${column}`

function withZone<T extends Record<string, unknown>>(row: T, columns: string[], timeZone: string): T {
  const out: Record<string, unknown> = {...row}
  for (const c of columns) if (typeof out[c] === 'string') out[c] = zonedIso(out[c] as string, timeZone)
  return out as T
}
