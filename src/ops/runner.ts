import {spawn} from 'node:child_process'
import {randomUUID} from 'node:crypto'
import {hostname} from 'node:os'
import {isAbsolute, resolve} from 'node:path'
import type {JobConfig, JobStep} from '../config/jobs.js'
import {
  type JobJournal,
  markInterrupted,
  withStore,
  type JobRunRecord,
  type JobStepRecord,
  type OpenStore,
  type RunStatus,
  type StepStatus,
} from './journal.js'
import {JobLock, signalGroup} from './lock.js'
import type {JobLogger} from './log.js'
import {type Mutex} from './mutex.js'
import {applyRetention} from './retention.js'
import {redactor} from './redact.js'
import {describeStep, dropFolderFiles, errorFromOutput, moveToDone, rowsFromJson, stepCommand, type StepCommand} from './steps.js'
import {localTimestamp} from './time.js'

/** Asked to stop (SIGTERM/SIGINT): no new job, step or retry starts; a running step gets `graceMs`, then it is killed. */
export class Shutdown {
  requested = false
  graceMs = 30_000
  private resolveRequest!: () => void
  readonly whenRequested = new Promise<void>((resolve) => (this.resolveRequest = resolve))

  request(graceMs?: number): void {
    if (graceMs !== undefined) this.graceMs = graceMs
    this.requested = true
    this.resolveRequest()
  }
}

export interface JobRunnerContext {
  dbPath: string
  configPath?: string
  /** Folder relative paths in the jobs section resolve from. */
  baseDir: string
  /** Time zone of the timestamps written to job_runs (the config's). */
  timezone: string
  journal: JobJournal
  log: JobLogger
  dbMutex: Mutex
  shutdown: Shutdown
  ccxEntry?: string
  openStore?: OpenStore
  /** Extra environment for step children. */
  env?: Record<string, string>
}

export interface JobRunResult {
  runId: string
  job: string
  status: RunStatus
  attempts: number
  stepsTotal: number
  stepsDone: number
  failedStep?: number
  rows?: number
  error?: string
  durationMs: number
}

/** Waits `ms`, or less when a shutdown comes first (no timer is left to keep the process alive). */
function sleepUnlessShutdown(ms: number, shutdown: Shutdown): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    void shutdown.whenRequested.then(() => {
      clearTimeout(timer)
      resolve()
    })
  })
}

/** Wait before retry n (1-based): initial × factor^(n−1), at most max. */
export function backoffMs(job: Pick<JobConfig, 'backoff'>, retry: number): number {
  const {initialSeconds, factor, maxSeconds} = job.backoff
  return Math.min(maxSeconds, initialSeconds * factor ** (retry - 1)) * 1000
}

/** Longest a run can legitimately hold its lock: every attempt's timeout, every backoff, one minute to spare. */
export function lockLifetimeMs(job: JobConfig): number {
  let ms = (job.retries + 1) * job.timeoutSeconds * 1000 + 60_000
  for (let r = 1; r <= job.retries; r++) ms += backoffMs(job, r)
  return ms
}

interface StepOutcome {
  status: StepStatus
  rows?: number
  error?: string
  exitCode?: number | null
}

/**
 * Runs one job: takes its lock (a held lock records a `skipped` run), then its steps in order, each
 * as a child process; a failure is retried after a backoff, resuming at the failed step. Every state
 * change is written to job_runs / job_run_steps (the database is open only for those writes).
 */
export async function runJob(
  job: JobConfig,
  ctx: JobRunnerContext,
  trigger: {kind: 'schedule' | 'manual'; scheduledAt?: Date} = {kind: 'manual'},
): Promise<JobRunResult> {
  const runId = randomUUID()
  const started = new Date()
  const ts = (d: Date) => localTimestamp(d, ctx.timezone)
  const run: JobRunRecord = {
    run_id: runId,
    job: job.name,
    trigger: trigger.kind,
    status: 'running',
    scheduled_at: trigger.scheduledAt ? ts(trigger.scheduledAt) : null,
    started_at: ts(started),
    finished_at: null,
    duration_ms: null,
    attempts: 0,
    steps_total: job.steps.length,
    steps_done: 0,
    failed_step: null,
    rows: null,
    error: null,
    pid: process.pid,
    hostname: hostname(),
  }
  const persist = async () => {
    // A failed history write must not fail the job: the JSON log lines still tell what happened.
    const ok = await ctx.dbMutex
      .with(() => ctx.journal.flush())
      .catch((error: Error) => {
        ctx.log('journal.error', {job: job.name, run_id: runId, error: error.message}, 'error')
        return true
      })
    if (!ok)
      ctx.log(
        'journal.pending',
        {job: job.name, run_id: runId, pending: ctx.journal.pending, reason: 'database busy; job_runs rows will be written later'},
        'warn',
      )
  }
  const finish = async (status: RunStatus, error?: string): Promise<JobRunResult> => {
    const end = new Date()
    Object.assign(run, {status, finished_at: ts(end), duration_ms: end.getTime() - started.getTime(), error: error ?? null})
    ctx.journal.record(run)
    ctx.log(
      'job.end',
      {
        job: job.name,
        run_id: runId,
        status,
        attempts: run.attempts,
        steps_done: run.steps_done,
        rows: run.rows,
        duration_ms: run.duration_ms,
        error,
      },
      status === 'ok' ? 'info' : status === 'skipped' ? 'warn' : 'error',
    )
    await persist()
    return {
      runId,
      job: job.name,
      status,
      attempts: run.attempts,
      stepsTotal: run.steps_total,
      stepsDone: run.steps_done,
      failedStep: run.failed_step ?? undefined,
      rows: run.rows ?? undefined,
      error,
      durationMs: run.duration_ms ?? 0,
    }
  }

  const acquired = JobLock.acquire(ctx.dbPath, {
    job: job.name,
    runId,
    startedAt: started.toISOString(),
    expiresAt: new Date(started.getTime() + lockLifetimeMs(job)).toISOString(),
  })
  if (!acquired.acquired) {
    const h = acquired.holder
    const error = `job ${job.name} is already running (run ${h.runId}, pid ${h.pid} on ${h.hostname}, since ${h.startedAt}); this trigger was skipped`
    ctx.log('job.skipped', {job: job.name, run_id: runId, holder_run_id: h.runId, holder_pid: h.pid}, 'warn')
    return finish('skipped', error)
  }
  const lock = acquired.lock
  try {
    if (acquired.tookOver) {
      ctx.log(
        'lock.takeover',
        {job: job.name, run_id: runId, previous_run_id: acquired.tookOver.info?.runId, reason: acquired.tookOver.reason},
        'warn',
      )
      await ctx.dbMutex
        .with(() => withStore(ctx.dbPath, (s) => markInterrupted(s, ts(new Date())), {waitMs: 10_000, open: ctx.openStore}))
        .catch((error) => {
          ctx.log('recover.failed', {job: job.name, error: String(error)}, 'warn')
        })
    }
    ctx.log('job.start', {job: job.name, run_id: runId, trigger: trigger.kind, scheduled_at: run.scheduled_at, steps: job.steps.length})
    ctx.journal.record(run)
    await persist()

    let next = 0
    let rows: number | undefined
    for (let attempt = 1; attempt <= job.retries + 1; attempt++) {
      if (attempt > 1) {
        const wait = backoffMs(job, attempt - 1)
        ctx.log('job.retry', {job: job.name, run_id: runId, attempt, from_step: next + 1, wait_ms: wait})
        await sleepUnlessShutdown(wait, ctx.shutdown)
        if (ctx.shutdown.requested) return await finish('abandoned', `stopped before retry ${attempt - 1}: ${run.error ?? ''}`.trim())
      }
      run.attempts = attempt
      const deadline = Date.now() + job.timeoutSeconds * 1000
      let failure: string | undefined
      for (let i = next; i < job.steps.length; i++) {
        if (ctx.shutdown.requested) return await finish('abandoned', `stopped by shutdown before step ${i + 1}/${job.steps.length}`)
        const step = job.steps[i]
        const remaining = deadline - Date.now()
        const stepTimeout = Math.min(remaining, (step.timeoutSeconds ?? Number.POSITIVE_INFINITY) * 1000)
        const outcome =
          remaining <= 0
            ? ({status: 'timeout', error: `job timeout of ${job.timeoutSeconds} s reached`} as StepOutcome)
            : await runStep(job, i, attempt, step, stepTimeout, runId, ctx, lock)
        // Rows the job loaded or wrote; retention's deleted rows stay on its step record.
        if (outcome.rows !== undefined && step.kind !== 'retention') rows = (rows ?? 0) + outcome.rows
        run.rows = rows ?? null
        if (outcome.status === 'ok') {
          run.steps_done = i + 1
          ctx.journal.record(run)
          continue
        }
        const label = `step ${i + 1}/${job.steps.length} (${describeStep(step)})`
        if (outcome.status === 'abandoned') {
          run.failed_step = i + 1
          return await finish('abandoned', `${label} was stopped by shutdown: ${outcome.error}`)
        }
        failure = `${label} ${outcome.status === 'timeout' ? 'timed out' : 'failed'}: ${outcome.error}`
        run.failed_step = i + 1
        run.error = failure
        next = i
        break
      }
      if (!failure) {
        run.failed_step = null
        return await finish('ok')
      }
      ctx.journal.record(run)
      if (attempt === job.retries + 1) return await finish('failed', job.retries > 0 ? `${failure} (after ${attempt} attempts)` : failure)
    }
    return await finish('failed', run.error ?? 'failed')
  } catch (error) {
    return await finish('failed', `internal error: ${(error as Error).message}`)
  } finally {
    lock.release()
  }
}

async function runStep(
  job: JobConfig,
  index: number,
  attempt: number,
  step: JobStep,
  timeoutMs: number,
  runId: string,
  ctx: JobRunnerContext,
  lock: JobLock,
): Promise<StepOutcome> {
  const env = {dbPath: ctx.dbPath, configPath: ctx.configPath, baseDir: ctx.baseDir, ccxEntry: ctx.ccxEntry}
  const started = new Date()
  const ts = (d: Date) => localTimestamp(d, ctx.timezone)
  let files: string[] = []
  if (step.kind === 'ingest') files = dropFolderFiles(absFrom(ctx.baseDir, step.from), step.pattern)
  const cmd = stepCommand(step, env, files)
  // what is logged and kept in the journal: with secrets masked (ops/redact.ts)
  const redact = redactor(step.kind === 'exec' ? step.redact : [])
  const record: JobStepRecord = {
    run_id: runId,
    step_no: index + 1,
    attempt,
    kind: step.kind,
    command: redact(cmd ? displayCommand(cmd) : describeStep(step)),
    status: 'running',
    started_at: ts(started),
    finished_at: null,
    duration_ms: null,
    exit_code: null,
    rows: null,
    error: null,
  }
  const fields = {job: job.name, run_id: runId, step: index + 1, attempt, kind: step.kind}
  const done = (outcome: StepOutcome): StepOutcome => {
    const end = new Date()
    Object.assign(record, {
      status: outcome.status,
      finished_at: ts(end),
      duration_ms: end.getTime() - started.getTime(),
      exit_code: outcome.exitCode ?? null,
      rows: outcome.rows ?? null,
      error: outcome.error ?? null,
    })
    ctx.journal.recordStep(record)
    ctx.log(
      'step.end',
      {
        ...fields,
        status: outcome.status,
        rows: outcome.rows,
        exit_code: outcome.exitCode,
        duration_ms: record.duration_ms,
        error: outcome.error,
      },
      outcome.status === 'ok' ? 'info' : 'error',
    )
    return outcome
  }

  if (step.kind === 'ingest' && files.length === 0) {
    ctx.journal.recordStep(record)
    ctx.log('step.start', {...fields, command: record.command})
    return done({status: 'ok', rows: 0})
  }

  const usesDb = cmd ? cmd.usesDb : true
  const release = usesDb ? await ctx.dbMutex.lock() : undefined
  try {
    // Written before the child starts (the database is free now), so a crash leaves a `running` row to recover.
    ctx.journal.recordStep(record)
    ctx.log('step.start', {...fields, command: record.command})
    const flush = () =>
      ctx.journal.flush().catch((error: Error) => (ctx.log('journal.error', {...fields, error: error.message}, 'error'), true))
    const flushed = release ? await flush() : await ctx.dbMutex.with(flush)
    if (!flushed) ctx.log('journal.pending', {...fields, pending: ctx.journal.pending}, 'warn')

    if (step.kind === 'retention') {
      try {
        const result = await withStore(ctx.dbPath, (store) => applyRetention(store, step, new Date(), ctx.timezone, ctx.baseDir), {
          waitMs: 30_000,
          open: ctx.openStore,
        })
        ctx.log('retention', {...fields, ...result})
        return done({status: 'ok', rows: result.deletedEvents})
      } catch (error) {
        return done({status: 'failed', error: (error as Error).message})
      }
    }

    const child = await runChild(cmd!, timeoutMs, ctx, (pid, argv) => lock.setChild(pid, argv), {
      CCX_JOB: job.name,
      CCX_RUN_ID: runId,
      CCX_ATTEMPT: String(attempt),
      CCX_DB: ctx.dbPath,
    })
    lock.setChild(undefined)
    if (child.outcome === 'timeout')
      return done({status: 'timeout', exitCode: child.exitCode, error: `no result after ${seconds(timeoutMs)} s; the step was killed`})
    if (child.outcome === 'abandoned')
      return done({
        status: 'abandoned',
        exitCode: child.exitCode,
        error: `still running after the ${seconds(ctx.shutdown.graceMs)} s grace period; killed`,
      })
    if (child.exitCode !== 0)
      return done({
        status: 'failed',
        exitCode: child.exitCode,
        error: redact(errorFromOutput(child.stdout, child.stderr, child.exitCode, child.signal)),
      })
    const rows = cmd!.json ? rowsFromJson(child.stdout) : undefined
    if (step.kind === 'ingest' && step.doneDir) {
      try {
        moveToDone(files, absFrom(absFrom(ctx.baseDir, step.from), step.doneDir))
      } catch (error) {
        return done({
          status: 'failed',
          exitCode: 0,
          rows,
          error: `loaded, but could not move the files to ${step.doneDir}: ${(error as Error).message} (a re-run loads nothing twice)`,
        })
      }
    }
    return done({status: 'ok', exitCode: 0, rows})
  } finally {
    if (ctx.journal.pending > 0 && release) await ctx.journal.flush().catch(() => false)
    release?.()
    if (ctx.journal.pending > 0 && !release) await ctx.dbMutex.with(() => ctx.journal.flush()).catch(() => false)
  }
}

/** `ccx run --json ...` rather than `/usr/bin/node /path/bin/run.js run --json ...`; exec steps show their shell command. */
function displayCommand(cmd: StepCommand): string {
  if (cmd.argv[0] === '/bin/sh') return cmd.argv[2]
  return ['ccx', ...cmd.argv.slice(2)].map((a) => (/[\s'"]/.test(a) ? JSON.stringify(a) : a)).join(' ')
}

const seconds = (ms: number) => String(Math.round(ms / 100) / 10)

const absFrom = (base: string, path: string) => (isAbsolute(path) ? path : resolve(base, path))

interface ChildResult {
  outcome: 'exited' | 'timeout' | 'abandoned'
  exitCode: number | null
  signal: string | null
  stdout: string
  stderr: string
}

const KEEP_OUTPUT = 256 * 1024

/** Runs a step in its own process group, so a timeout or shutdown kills it with everything it started. */
function runChild(
  cmd: StepCommand,
  timeoutMs: number,
  ctx: JobRunnerContext,
  onSpawn: (pid: number, argv: string[]) => void,
  extraEnv: Record<string, string>,
): Promise<ChildResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd.argv[0], cmd.argv.slice(1), {
      cwd: cmd.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, ...ctx.env, ...extraEnv, NO_COLOR: '1'},
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-KEEP_OUTPUT)))
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-KEEP_OUTPUT)))
    let outcome: ChildResult['outcome'] = 'exited'
    const timers: NodeJS.Timeout[] = []
    const kill = (why: ChildResult['outcome']) => {
      if (outcome !== 'exited' || child.exitCode !== null || !child.pid) return
      outcome = why
      signalGroup(child.pid, 'SIGTERM')
      timers.push(setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 5000))
    }
    if (child.pid) onSpawn(child.pid, cmd.argv)
    let closed = false
    if (Number.isFinite(timeoutMs)) timers.push(setTimeout(() => kill('timeout'), Math.min(Math.max(0, timeoutMs), 2 ** 31 - 1)))
    void ctx.shutdown.whenRequested.then(() => {
      if (!closed) timers.push(setTimeout(() => kill('abandoned'), ctx.shutdown.graceMs))
    })
    child.on('error', (error) => {
      stderr += `\n${error.message}`
    })
    child.on('close', (code, signal) => {
      closed = true
      for (const t of timers) clearTimeout(t)
      resolvePromise({outcome, exitCode: code, signal, stdout, stderr})
    })
  })
}
