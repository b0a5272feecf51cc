import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {isProcessAlive} from '../../src/ops/lock.js'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {JobsSchema} from '../../src/config/jobs.js'
import {JobJournal, jobHistory, runSteps, withStore} from '../../src/ops/journal.js'
import {JobLock} from '../../src/ops/lock.js'
import {silentLogger} from '../../src/ops/log.js'
import {Mutex} from '../../src/ops/mutex.js'
import {runJob, Shutdown, type JobRunnerContext} from '../../src/ops/runner.js'
import {tempDir} from '../helpers/cli.js'

const dirs: Array<{cleanup: () => void}> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

function setup(): {dir: string; ctx: JobRunnerContext} {
  const d = tempDir('ccx-ops-run-')
  dirs.push(d)
  const dbPath = join(d.path, 'ccx.duckdb')
  return {
    dir: d.path,
    ctx: {
      dbPath,
      baseDir: d.path,
      timezone: 'Asia/Shanghai',
      journal: new JobJournal(dbPath),
      log: silentLogger,
      dbMutex: new Mutex(),
      shutdown: new Shutdown(),
    },
  }
}

const job = (j: Record<string, unknown>) => JobsSchema.parse([{name: 'j', schedule: '* * * * *', ...j}])[0]

describe('runJob', () => {
  it('runs steps in order and records the run and each step', async () => {
    const {dir, ctx} = setup()
    const result = await runJob(
      job({
        steps: [
          {kind: 'exec', command: 'echo one > out.txt'},
          {kind: 'exec', command: 'echo two >> out.txt'},
        ],
      }),
      ctx,
    )
    expect(result).toMatchObject({status: 'ok', attempts: 1, stepsDone: 2, stepsTotal: 2})
    expect(existsSync(join(dir, 'out.txt'))).toBe(true)
    await withStore(ctx.dbPath, async (store) => {
      const [run] = await jobHistory(store, {timeZone: ctx.timezone})
      expect(run).toMatchObject({run_id: result.runId, job: 'j', status: 'ok', trigger: 'manual', steps_done: 2, error: null})
      const steps = await runSteps(store, result.runId, ctx.timezone)
      expect(steps.map((s) => [s.step_no, s.status, s.exit_code, s.command])).toEqual([
        [1, 'ok', 0, 'echo one > out.txt'],
        [2, 'ok', 0, 'echo two >> out.txt'],
      ])
    })
  })

  it('stops at a failing step with a clear message and does not run the next one', async () => {
    const {dir, ctx} = setup()
    const result = await runJob(
      job({
        steps: [
          {kind: 'exec', command: 'echo "no file x.csv" >&2; exit 5'},
          {kind: 'exec', command: 'touch never'},
        ],
      }),
      ctx,
    )
    expect(result.status).toBe('failed')
    expect(result.failedStep).toBe(1)
    expect(result.error).toBe('step 1/2 (exec: echo "no file x.csv" >&2; exit 5) failed: no file x.csv (exit code 5)')
    expect(existsSync(join(dir, 'never'))).toBe(false)
  })

  it('retries after a backoff, resuming at the failed step', async () => {
    const {dir, ctx} = setup()
    // Step 2 fails until a marker exists; the first failure creates it, so attempt 2 succeeds.
    const steps = [
      {kind: 'exec', command: 'echo x >> step1.log'},
      {kind: 'exec', command: 'if [ -f marker ]; then echo ok; else touch marker; echo "not ready" >&2; exit 1; fi'},
    ]
    const t0 = Date.now()
    const result = await runJob(job({retries: 2, backoff: {initialSeconds: 0.3}, steps}), ctx)
    expect(result).toMatchObject({status: 'ok', attempts: 2, stepsDone: 2})
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300)
    // Step 1 ran once: the retry resumed at step 2.
    expect(readFileSync(join(dir, 'step1.log'), 'utf8')).toBe('x\n')
    await withStore(ctx.dbPath, async (store) => {
      const steps = await runSteps(store, result.runId, ctx.timezone)
      expect(steps.map((s) => [s.step_no, s.attempt, s.status])).toEqual([
        [1, 1, 'ok'],
        [2, 1, 'failed'],
        [2, 2, 'ok'],
      ])
      expect(steps[1].error).toBe('not ready (exit code 1)')
    })
  })

  it('kills a step that passes its timeout, with everything it started', async () => {
    const {dir, ctx} = setup()
    const t0 = Date.now()
    // 3 s: time for a busy machine to start the shell and write bg.pid before the timeout
    const result = await runJob(job({steps: [{kind: 'exec', command: 'sleep 30 & echo $! > bg.pid; wait', timeoutSeconds: 3}]}), ctx)
    expect(Date.now() - t0).toBeLessThan(25_000) // killed at the timeout, not waited for (30 s)
    // The grandchild died with its process group.
    expect(isProcessAlive(Number(readFileSync(join(dir, 'bg.pid'), 'utf8')))).toBe(false)
    expect(result.status).toBe('failed')
    expect(result.error).toContain('timed out: no result after 3 s; the step was killed')
  })

  it('records a skipped run when the job lock is held', async () => {
    const {ctx} = setup()
    const held = JobLock.acquire(ctx.dbPath, {
      job: 'j',
      runId: 'other',
      startedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    })
    expect(held.acquired).toBe(true)
    const result = await runJob(job({steps: [{kind: 'exec', command: 'true'}]}), ctx)
    expect(result.status).toBe('skipped')
    expect(result.error).toContain('job j is already running (run other')
    if (held.acquired) held.lock.release()
  })

  it('moves ingested drop-folder files to done/ (a stand-in ingest command)', async () => {
    const {dir, ctx} = setup()
    mkdirSync(join(dir, 'drop'))
    writeFileSync(join(dir, 'drop', 'a.csv'), 'x\n')
    writeFileSync(join(dir, 'drop', 'b.txt'), 'x\n')
    // A fake CLI entry that prints an ingest-like result: tests the step plumbing without the ingest feature.
    writeFileSync(
      join(dir, 'fake-ccx.mjs'),
      `process.stdout.write(JSON.stringify({totals: {loaded: process.argv.filter((a) => a.endsWith('.csv')).length * 7}}))`,
    )
    const result = await runJob(job({steps: [{kind: 'ingest', source: 'probe', from: 'drop', pattern: '*.csv'}]}), {
      ...ctx,
      ccxEntry: join(dir, 'fake-ccx.mjs'),
    })
    expect(result).toMatchObject({status: 'ok', rows: 7})
    expect(readdirSync(join(dir, 'drop')).sort()).toEqual(['b.txt', 'done'])
    expect(readdirSync(join(dir, 'drop', 'done'))).toEqual(['a.csv'])
    // Nothing left to load: the step succeeds with 0 rows and starts no process.
    const again = await runJob(job({steps: [{kind: 'ingest', source: 'probe', from: 'drop', pattern: '*.csv'}]}), {
      ...ctx,
      ccxEntry: join(dir, 'missing.mjs'),
    })
    expect(again).toMatchObject({status: 'ok', rows: 0})
  })

  it('on shutdown kills a step still running after the grace period and records the run as abandoned', async () => {
    const {ctx} = setup()
    ctx.log = (event, fields) => {
      if (event === 'step.start' && fields?.step === 1) ctx.shutdown.request(300)
    }
    const t0 = Date.now()
    const result = await runJob(
      job({
        steps: [
          {kind: 'exec', command: 'sleep 30'},
          {kind: 'exec', command: 'true'},
        ],
      }),
      ctx,
    )
    expect(Date.now() - t0).toBeLessThan(25_000) // killed, not waited for (the step sleeps 30 s)
    expect(result).toMatchObject({status: 'abandoned', failedStep: 1, stepsDone: 0})
    expect(result.error).toBe('step 1/2 (exec: sleep 30) was stopped by shutdown: still running after the 0.3 s grace period; killed')
    await withStore(ctx.dbPath, async (store) => {
      expect((await runSteps(store, result.runId, ctx.timezone)).map((s) => s.status)).toEqual(['abandoned'])
    })
  })

  it('on shutdown lets a step finish within the grace period but starts no further step', async () => {
    const {dir, ctx} = setup()
    // the shutdown comes while step 1 runs (when it starts, not after a fixed time: a busy machine may not have
    // started it yet, or finished it already)
    ctx.log = (event, fields) => {
      if (event === 'step.start' && fields?.step === 1) ctx.shutdown.request(120_000)
    }
    const result = await runJob(
      job({
        steps: [
          {kind: 'exec', command: 'sleep 0.5; touch first'},
          {kind: 'exec', command: 'touch second'},
        ],
      }),
      ctx,
    )
    expect(result).toMatchObject({status: 'abandoned', stepsDone: 1, error: 'stopped by shutdown before step 2/2'})
    expect(existsSync(join(dir, 'first'))).toBe(true)
    expect(existsSync(join(dir, 'second'))).toBe(false)
  })
})
