import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {JobLock} from '../../src/ops/lock.js'
import {ccx, tempDir} from '../helpers/cli.js'

/** oclif wraps error messages at the terminal width with " ›   " prefixes: undo that to compare text. */
const unwrap = (stderr: string) => stderr.replace(/\n ›\s+/g, ' ').replace(/\s+/g, ' ')

describe('ccx jobs run / list / history', () => {
  const dir = tempDir('ccx-e2e-jobs-')
  const db = join(dir.path, 'ops.duckdb')
  const config = join(dir.path, 'ccx.config.json')
  writeFileSync(
    config,
    JSON.stringify({
      timezone: 'Asia/Shanghai',
      jobs: [
        {
          name: 'nightly',
          schedule: '30 2 * * *',
          steps: [
            {kind: 'ccx', args: ['sites', 'list']},
            {kind: 'retention', rawDays: 90, jobRunsDays: 365},
            {kind: 'exec', command: 'echo done > nightly.out'},
          ],
        },
        {
          name: 'hourly',
          schedule: '0 * * * *',
          timezone: 'UTC',
          steps: [{kind: 'exec', command: 'echo "export folder /mnt/reports is not mounted" >&2; exit 2'}],
        },
        {name: 'paused', schedule: '0 0 * * *', enabled: false, steps: [{kind: 'exec', command: 'true'}]},
      ],
    }),
  )
  const base = ['--db', db, '--config', config]
  afterAll(() => dir.cleanup())

  it('runs a job now: a ccx child step, the retention step and a shell step', async () => {
    const r = await ccx(['jobs', 'run', 'nightly', ...base, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({job: 'nightly', status: 'ok', attempts: 1, stepsDone: 3, stepsTotal: 3})
    // No step reported loaded/written rows (sites list has none; retention's deletions are not counted).
    expect(r.json().rows).toBeUndefined()
    const lines = r.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines.find((l) => l.event === 'step.start' && l.step === 1).command).toBe(`ccx sites list --json --db ${db} --config ${config}`)
    expect(lines.find((l) => l.event === 'retention')).toMatchObject({deletedEvents: 0, deletedJobRuns: 0})
  })

  it('exits 1 with the failing step and its message', async () => {
    const r = await ccx(['jobs', 'run', 'hourly', ...base])
    expect(r.code).toBe(1)
    expect(unwrap(r.stderr)).toContain(
      'job hourly failed: step 1/1 (exec: echo "export folder /mnt/reports is not mounted" >&2; exit 2) failed: export folder /mnt/reports is not mounted (exit code 2)',
    )
  })

  it('exits 4 and records a skipped run while the job is running elsewhere', async () => {
    const held = JobLock.acquire(db, {
      job: 'nightly',
      runId: 'elsewhere',
      startedAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    })
    try {
      const r = await ccx(['jobs', 'run', 'nightly', ...base])
      expect(r.code).toBe(4)
      expect(unwrap(r.stderr)).toContain('job nightly is already running (run elsewhere')
    } finally {
      if (held.acquired) held.lock.release()
    }
  })

  it('names the known jobs when asked for an unknown one', async () => {
    const r = await ccx(['jobs', 'run', 'nigthly', ...base])
    expect(r.code).toBe(2)
    expect(unwrap(r.stderr)).toContain('no job named "nigthly"')
    expect(unwrap(r.stderr)).toContain('Known jobs: nightly, hourly, paused')
  })

  it('lists jobs with their next run times in their time zones and the last status', async () => {
    const r = await ccx(['jobs', 'list', ...base, '--next', '2', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const jobs = r.json().jobs
    const nightly = jobs.find((j: any) => j.job === 'nightly')
    expect(nightly).toMatchObject({
      timezone: 'Asia/Shanghai',
      lastStatus: 'skipped',
      steps: ['sites list', 'retention: raw 90 d, job runs 365 d', 'exec: echo done > nightly.out'],
    })
    expect(nightly.nextRunsLocal.map((t: string) => t.slice(11))).toEqual(['02:30:00', '02:30:00'])
    expect(Date.parse(nightly.nextRuns[1]) - Date.parse(nightly.nextRuns[0])).toBe(86_400_000)
    const hourly = jobs.find((j: any) => j.job === 'hourly')
    expect(hourly.timezone).toBe('UTC')
    expect(hourly.nextRuns[0].slice(14)).toBe('00:00.000Z')
    expect(jobs.find((j: any) => j.job === 'paused')).toMatchObject({enabled: false, nextRuns: []})
  })

  it('shows history with failures first', async () => {
    const r = await ccx(['jobs', 'history', ...base, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const runs = r.json().runs
    expect(runs.map((x: any) => [x.job, x.status])).toEqual([
      ['hourly', 'failed'],
      ['nightly', 'skipped'],
      ['nightly', 'ok'],
    ])
    const failures = (await ccx(['jobs', 'history', ...base, '--failures', '--json'])).json().runs
    expect(failures.map((x: any) => x.job)).toEqual(['hourly'])
  })

  it("gives run and step times as the config zone's wall clock with its offset, not labelled UTC", async () => {
    const before = Date.now()
    const ran = await ccx(['jobs', 'run', 'nightly', ...base, '--json'])
    expect(ran.code, ran.stderr).toBe(0)
    const after = Date.now()
    const r = await ccx(['jobs', 'history', ...base, '--run', ran.json().runId, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const {timezone, runs, steps} = r.json()
    expect(timezone).toBe('Asia/Shanghai')
    const [run] = runs
    expect(run.run_id).toBe(ran.json().runId)
    // Shanghai is UTC+8 all year: the offset is +08:00 and the instant is when the job ran (8 hours off before)
    for (const t of [run.started_at, run.finished_at, steps[0].started_at, steps[0].finished_at]) {
      expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/)
      expect(Date.parse(t)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
      expect(Date.parse(t)).toBeLessThanOrEqual(after)
    }
    // the table shows the same wall clock
    const table = await ccx(['jobs', 'history', ...base, '--run', ran.json().runId])
    expect(table.stdout).toContain(steps[0].started_at.slice(0, 19).replace('T', ' '))
  })

  it('rejects an invalid cron expression with the config exit code', async () => {
    const bad = join(dir.path, 'bad.json')
    writeFileSync(bad, JSON.stringify({jobs: [{name: 'x', schedule: '0 25 * * *', steps: [{kind: 'exec', command: 'true'}]}]}))
    const r = await ccx(['jobs', 'list', '--db', db, '--config', bad])
    expect(r.code).toBe(6)
    expect(unwrap(r.stderr)).toContain('has invalid jobs: jobs[0] (x).schedule "0 25 * * *": hour: 25 is a invalid expression for hour')
  })
})
