import {describe, expect, it} from 'vitest'
import {ConfigSchema} from '../../src/config/schema.js'
import {JobsSchema} from '../../src/config/jobs.js'
import {backoffMs, lockLifetimeMs} from '../../src/ops/runner.js'
import {nextRuns, validateJobs} from '../../src/ops/scheduler.js'
import {describeStep, errorFromOutput, matchesPattern, rowsFromJson, stepCommand} from '../../src/ops/steps.js'
import {localTimestamp} from '../../src/ops/time.js'

const nightly = {
  name: 'nightly',
  schedule: '30 2 * * *',
  retries: 2,
  backoff: {initialSeconds: 10, factor: 3, maxSeconds: 60},
  timeoutSeconds: 600,
  steps: [
    {kind: 'ingest', source: 'probe', from: 'drop/probe', pattern: '*.csv'},
    {kind: 'run', pipelines: ['normalize']},
    {kind: 'export', out: 'reports/nightly'},
    {kind: 'retention', rawDays: 90},
  ],
}

describe('jobs config', () => {
  it('parses a job with defaults filled in', () => {
    const config = ConfigSchema.parse({jobs: [nightly]})
    const job = config.jobs[0]
    expect(job.enabled).toBe(true)
    expect(job.steps[0]).toMatchObject({kind: 'ingest', doneDir: 'done', args: []})
    expect(job.steps[1]).toMatchObject({kind: 'run', force: false})
    expect(ConfigSchema.parse({}).jobs).toEqual([])
  })

  it('rejects an unknown step kind, a duplicate name and an empty step list, naming the field', () => {
    const bad = JobsSchema.safeParse([{...nightly, steps: [{kind: 'teleport'}]}])
    expect(bad.success).toBe(false)
    expect(bad.error!.issues[0].path).toEqual([0, 'steps', 0, 'kind'])
    const dup = JobsSchema.safeParse([nightly, nightly])
    expect(dup.error!.issues[0].message).toContain('duplicate job name "nightly"')
    expect(JobsSchema.safeParse([{...nightly, steps: []}]).success).toBe(false)
  })

  it('reports a bad cron expression; the schema refuses an unknown time zone and an unknown pipeline', async () => {
    const jobs = JobsSchema.parse([{...nightly, schedule: '61 * * * *'}])
    const problems = await validateJobs(jobs)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('jobs[0] (nightly).schedule "61 * * * *"')
    expect(await validateJobs(JobsSchema.parse([nightly]))).toEqual([])
    const zone = JobsSchema.safeParse([{...nightly, timezone: 'Mars/Olympus'}])
    expect(zone.error!.issues[0]).toMatchObject({path: [0, 'timezone'], message: expect.stringContaining('"Mars/Olympus" is not an IANA')})
    const pipeline = JobsSchema.safeParse([{...nightly, steps: [{kind: 'run', pipelines: ['sessions']}]}])
    expect(pipeline.error!.issues[0]).toMatchObject({
      path: [0, 'steps', 0, 'pipelines', 0],
      message: expect.stringContaining('unknown pipeline "sessions"'),
    })
  })

  it('computes next runs in the job time zone', async () => {
    const [job] = JobsSchema.parse([nightly])
    const runs = await nextRuns(job, 'Asia/Shanghai', 3)
    expect(runs).toHaveLength(3)
    for (const r of runs) expect(localTimestamp(r, 'Asia/Shanghai').slice(11, 19)).toBe('02:30:00')
    // 02:30 in Shanghai (UTC+8) is 18:30 UTC the day before.
    expect(runs[0].toISOString().slice(11, 16)).toBe('18:30')
    expect(runs[1].getTime() - runs[0].getTime()).toBe(24 * 3600 * 1000)
  })
})

describe('retry backoff and lock lifetime', () => {
  it('grows by the factor and stops at the maximum', () => {
    const [job] = JobsSchema.parse([nightly])
    // 10 s, 10×3 = 30 s, 10×9 = 90 s capped at 60 s
    expect([1, 2, 3].map((n) => backoffMs(job, n))).toEqual([10_000, 30_000, 60_000])
    // 3 attempts × 600 s + backoffs 10 s + 30 s + 60 s spare
    expect(lockLifetimeMs(job)).toBe(3 * 600_000 + 10_000 + 30_000 + 60_000)
  })
})

describe('step command lines', () => {
  const env = {dbPath: '/data/ccx.duckdb', configPath: '/etc/ccx/ccx.config.json', baseDir: '/etc/ccx', ccxEntry: '/opt/ccx/bin/run.js'}

  it('runs ccx with --json, --db and --config; paths resolve from the config folder', () => {
    const [job] = JobsSchema.parse([nightly])
    const ingest = stepCommand(job.steps[0], env, ['/etc/ccx/drop/probe/a.csv'])!
    expect(ingest.argv.slice(1)).toEqual([
      '/opt/ccx/bin/run.js',
      'ingest',
      'probe',
      '/etc/ccx/drop/probe/a.csv',
      '--json',
      '--db',
      '/data/ccx.duckdb',
      '--config',
      '/etc/ccx/ccx.config.json',
    ])
    expect(stepCommand(job.steps[1], env)!.argv.slice(2, 4)).toEqual(['run', 'normalize'])
    expect(stepCommand(job.steps[2], env)!.argv.slice(2, 5)).toEqual(['export', 'report', '--out'])
    expect(stepCommand(job.steps[2], env)!.argv[5]).toBe('/etc/ccx/reports/nightly')
    expect(stepCommand(job.steps[3], env)).toBeUndefined()
    const log = JobsSchema.parse([{...nightly, steps: [{kind: 'ingest-log', from: '/var/lib/ccx/segments'}]}])[0].steps[0]
    expect(stepCommand(log, env)!.argv.slice(2, 6)).toEqual(['ingest', 'probe', '--from-log', '/var/lib/ccx/segments'])
    const exec = JobsSchema.parse([{...nightly, steps: [{kind: 'exec', command: 'echo hi'}]}])[0].steps[0]
    expect(stepCommand(exec, env)).toEqual({argv: ['/bin/sh', '-c', 'echo hi'], cwd: '/etc/ccx', usesDb: false, json: false})
    expect(describeStep(job.steps[3])).toBe('retention: raw 90 d')
  })

  it('matches drop-folder file names with * and ?', () => {
    expect(matchesPattern('probe_2026-11-22.csv', 'probe_*.csv')).toBe(true)
    expect(matchesPattern('probe_2026-11-22.csv.part', 'probe_*.csv')).toBe(false)
    expect(matchesPattern('a1.csv', 'a?.csv')).toBe(true)
    expect(matchesPattern('a12.csv', 'a?.csv')).toBe(false)
  })

  it('reads row counts and errors from a child result', () => {
    expect(rowsFromJson(JSON.stringify({totals: {read: 12, loaded: 10}}))).toBe(10)
    expect(rowsFromJson(JSON.stringify({outcomes: [{rowsWritten: 5}, {status: 'skipped'}, {rowsWritten: 7}]}))).toBe(12)
    expect(rowsFromJson('not json')).toBeUndefined()
    expect(errorFromOutput(JSON.stringify({error: {message: 'database is in use'}}), '', 4, null)).toBe('database is in use')
    expect(errorFromOutput('', 'warming up\nboom: file x.csv line 3\n', 2, null)).toBe('warming up | boom: file x.csv line 3 (exit code 2)')
    expect(errorFromOutput('', '', null, 'SIGKILL')).toBe('killed by SIGKILL')
  })
})
