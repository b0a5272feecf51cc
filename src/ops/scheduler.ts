import {existsSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import type {ScheduledTask} from 'node-cron'
import type {JobConfig} from '../config/jobs.js'
import {isDbBusy, JobJournal, markInterrupted, withStore} from './journal.js'
import {killOrphanChild, lockDir, readLock, staleReason} from './lock.js'
import type {JobLogger} from './log.js'
import {Mutex} from './mutex.js'
import {runJob, Shutdown, type JobRunResult, type JobRunnerContext} from './runner.js'
import {localTimestamp} from './time.js'

export type SchedulerOptions = Omit<JobRunnerContext, 'journal' | 'dbMutex' | 'shutdown'> & {
  jobs: JobConfig[]
  /** Called after every run (tests, `--once`-style tooling). */
  onResult?: (result: JobRunResult) => void
}

/** Problems node-cron would only report at run time: bad cron expressions (time zones are checked by the config schema). */
export async function validateJobs(jobs: JobConfig[]): Promise<string[]> {
  const cron = (await import('node-cron')).default
  const problems: string[] = []
  jobs.forEach((job, i) => {
    const where = `jobs[${i}] (${job.name})`
    const detail = cron.validateDetailed(job.schedule)
    if (!detail.valid)
      problems.push(
        `${where}.schedule "${job.schedule}": ${detail.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'not a cron expression'}`,
      )
  })
  return problems
}

/** The next `count` times a job fires, computed by node-cron in the job's time zone. */
export async function nextRuns(job: JobConfig, defaultTimezone: string, count = 1): Promise<Date[]> {
  const cron = (await import('node-cron')).default
  const task = cron.createTask(job.schedule, () => {}, {timezone: job.timezone ?? defaultTimezone})
  try {
    return task.getNextRuns(count)
  } finally {
    await task.destroy()
  }
}

/**
 * Removes lock files whose holder is gone (stopping the orphaned step child first) and marks the
 * runs those holders left `running` as `interrupted`. Runs at scheduler start and before `ccx jobs run`.
 */
export async function recover(
  ctx: Pick<JobRunnerContext, 'dbPath' | 'timezone' | 'log' | 'openStore'>,
): Promise<{staleLocks: string[]; interrupted: Array<{run_id: string; job: string}>}> {
  const staleLocks: string[] = []
  const dir = lockDir(ctx.dbPath)
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.lock'))) {
      const path = join(dir, name)
      const info = readLock(path)
      const reason = staleReason(info)
      if (!reason) continue
      const killed = info ? killOrphanChild(info) : false
      rmSync(path, {force: true})
      staleLocks.push(name.slice(0, -'.lock'.length))
      ctx.log('lock.stale', {job: info?.job, run_id: info?.runId, reason, killed_child: killed ? info?.childPid : undefined}, 'warn')
    }
  }
  let interrupted: Array<{run_id: string; job: string}> = []
  try {
    interrupted = await withStore(ctx.dbPath, (store) => markInterrupted(store, localTimestamp(new Date(), ctx.timezone)), {
      waitMs: 15_000,
      open: ctx.openStore,
    })
  } catch (error) {
    // Another process holds the database: the runs are marked when a job next takes over their stale lock.
    if (!isDbBusy(error)) throw error
    ctx.log('recover.deferred', {reason: (error as Error).message}, 'warn')
  }
  for (const r of interrupted)
    ctx.log('job.interrupted', {job: r.job, run_id: r.run_id, reason: 'its process stopped while it was running'}, 'warn')
  return {staleLocks, interrupted}
}

/** `ccx schedule`: one node-cron task per enabled job; each trigger runs the job through `runJob`. */
export class Scheduler {
  readonly shutdown = new Shutdown()
  readonly dbMutex = new Mutex()
  readonly journal: JobJournal
  private tasks: ScheduledTask[] = []
  private readonly running = new Set<Promise<JobRunResult>>()
  private readonly log: JobLogger

  constructor(private readonly options: SchedulerOptions) {
    this.journal = new JobJournal(options.dbPath, options.openStore)
    this.log = options.log
  }

  private get context(): JobRunnerContext {
    return {...this.options, journal: this.journal, dbMutex: this.dbMutex, shutdown: this.shutdown}
  }

  async start(): Promise<void> {
    const cron = (await import('node-cron')).default
    await recover(this.options)
    const logger = {
      info: (m: string) => this.log('cron', {message: m}),
      warn: (m: string) => this.log('cron', {message: m}, 'warn'),
      error: (m: string | Error) => this.log('cron', {message: String(m)}, 'error'),
      debug: () => {},
    }
    for (const job of this.options.jobs.filter((j) => j.enabled)) {
      const timezone = job.timezone ?? this.options.timezone
      const task = cron.schedule(
        job.schedule,
        (tctx) => {
          // Never awaited here: node-cron must not hold the trigger; overlap is decided by the job lock.
          void this.trigger(job, tctx.date)
        },
        {name: job.name, timezone, logger},
      )
      this.tasks.push(task)
      this.log('job.scheduled', {job: job.name, schedule: job.schedule, timezone, next_run: task.getNextRun()?.toISOString()})
    }
    this.log('scheduler.start', {pid: process.pid, db: this.options.dbPath, jobs: this.tasks.length})
  }

  /** Runs a job now (a cron trigger); a second trigger while it runs is recorded as `skipped`. */
  trigger(job: JobConfig, scheduledAt: Date = new Date()): Promise<JobRunResult> | undefined {
    if (this.shutdown.requested) return undefined
    const promise = runJob(job, this.context, {kind: 'schedule', scheduledAt})
    this.running.add(promise)
    void promise
      .then((result) => this.options.onResult?.(result))
      .catch((error) => this.log('job.error', {job: job.name, error: String(error)}, 'error'))
      .finally(() => this.running.delete(promise))
    return promise
  }

  get busy(): number {
    return this.running.size
  }

  /** Stops triggering, lets running steps finish within `graceMs` (then kills them), writes the last job_runs rows. */
  async stop(graceMs = 30_000): Promise<void> {
    this.log('scheduler.stopping', {running: this.running.size, grace_ms: graceMs})
    for (const task of this.tasks) await task.destroy()
    this.tasks = []
    this.shutdown.request(graceMs)
    await Promise.allSettled([...this.running])
    const flushed = await this.dbMutex.with(() => this.journal.flush(30_000)).catch(() => false)
    if (!flushed)
      this.log(
        'journal.lost',
        {pending: this.journal.pending, reason: 'database stayed busy; see the job.* lines above for what ran'},
        'error',
      )
    this.log('scheduler.stop', {pid: process.pid})
  }
}
