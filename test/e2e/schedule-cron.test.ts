import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, tempDir} from '../helpers/cli.js'
import {scheduleUntil} from './schedule-helpers.js'

const ended = (events: any[], job: string, status: string) =>
  events.some((e) => e.event === 'job.end' && e.job === job && e.status === status)

describe('ccx schedule (one-second cron schedules)', () => {
  const dir = tempDir('ccx-e2e-schedule-')
  const db = join(dir.path, 'ops.duckdb')
  const config = join(dir.path, 'ccx.config.json')
  let run: {code: number | null; stderr: string; timedOut: boolean}
  let history: any[]

  beforeAll(async () => {
    writeFileSync(
      config,
      JSON.stringify({
        timezone: 'Asia/Shanghai',
        jobs: [
          // Fires every second but takes ~1.5 s: every other trigger finds it running and is skipped.
          {name: 'tick', schedule: '* * * * * *', steps: [{kind: 'exec', command: 'sleep 1.5'}]},
          // Fails the first time it ever runs (no marker yet), succeeds on the retry.
          {
            name: 'flaky',
            schedule: '*/2 * * * * *',
            retries: 2,
            backoff: {initialSeconds: 0.2},
            steps: [
              {
                kind: 'exec',
                command: 'if [ -f flaky.marker ]; then echo fine; else touch flaky.marker; echo "upstream not ready" >&2; exit 1; fi',
              },
            ],
          },
          {
            name: 'broken',
            schedule: '*/2 * * * * *',
            steps: [
              {kind: 'exec', command: 'echo "cannot read drop/calls: permission denied" >&2; exit 7'},
              {kind: 'exec', command: 'touch never-ran'},
            ],
          },
          {name: 'off', schedule: '* * * * * *', enabled: false, steps: [{kind: 'exec', command: 'touch off-ran'}]},
        ],
      }),
    )
    run = await scheduleUntil(
      ['--db', db, '--config', config, '--grace', '5'],
      (events) =>
        ended(events, 'tick', 'ok') &&
        ended(events, 'tick', 'skipped') &&
        ended(events, 'broken', 'failed') &&
        ended(events, 'flaky', 'ok') &&
        events.filter((e) => e.event === 'job.end' && e.job === 'flaky').length >= 2,
    )
    expect(run.timedOut, run.stderr).toBe(false)
    const h = await ccx(['jobs', 'history', '--db', db, '--config', config, '--limit', '200', '--json'])
    expect(h.code, h.stderr).toBe(0)
    history = h.json().runs
  })
  afterAll(() => dir.cleanup())

  it('exits 0 on SIGTERM and logs structured JSON lines', () => {
    expect(run.code, run.stderr).toBe(0)
    const lines = run.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    const events = new Set(lines.map((l) => l.event))
    for (const e of ['scheduler.start', 'job.start', 'step.start', 'step.end', 'job.end', 'job.skipped', 'job.retry', 'scheduler.stop'])
      expect(events).toContain(e)
    for (const l of lines) expect(typeof l.ts).toBe('string')
  })

  it('runs a job on schedule and skips a trigger that overlaps the running instance', () => {
    const tick = history.filter((r) => r.job === 'tick')
    const ok = tick.filter((r) => r.status === 'ok')
    const skipped = tick.filter((r) => r.status === 'skipped')
    expect(ok.length).toBeGreaterThanOrEqual(1)
    expect(skipped.length).toBeGreaterThanOrEqual(1)
    expect(skipped[0].error).toMatch(/^job tick is already running \(run [0-9a-f-]+, pid \d+ on .+\); this trigger was skipped$/)
    // Never two instances at once: the ok runs do not overlap in time.
    const spans = ok.map((r) => [Date.parse(r.started_at), Date.parse(r.finished_at)]).sort((a, b) => a[0] - b[0])
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][1])
    for (const r of ok) expect(r.trigger).toBe('schedule')
  })

  it('records a failing job with its error and stops it at the failing step', () => {
    // A trigger that fired just before SIGTERM may be abandoned before its first step, one that fired while the
    // previous run was still recording (slow machine) skipped; every run that ran failed at step 1.
    const broken = history.filter((r) => r.job === 'broken' && !['abandoned', 'skipped'].includes(r.status))
    expect(broken.length).toBeGreaterThanOrEqual(1)
    for (const r of history.filter((r) => r.job === 'broken' && r.status === 'abandoned')) expect(r.error).toContain('shutdown')
    for (const r of broken) {
      expect(r.status).toBe('failed')
      expect(r.failed_step).toBe(1)
      expect(r.steps_done).toBe(0)
      expect(r.error).toBe(
        'step 1/2 (exec: echo "cannot read drop/calls: permission denied" >&2; exit 7) failed: cannot read drop/calls: permission denied (exit code 7)',
      )
    }
    // Failures first.
    const firstOther = history.findIndex((r) => !['failed', 'interrupted', 'abandoned'].includes(r.status))
    expect(history.slice(firstOther).some((r) => r.status === 'failed')).toBe(false)
  })

  it('retries a failed step and records the run that succeeded on attempt 2', async () => {
    const flaky = history.filter((r) => r.job === 'flaky').sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at))
    expect(flaky[0]).toMatchObject({status: 'ok', attempts: 2, steps_done: 1, error: null})
    for (const r of flaky.slice(1).filter((r) => !['abandoned', 'skipped'].includes(r.status)))
      expect(r).toMatchObject({status: 'ok', attempts: 1})
    const steps = await ccx(['jobs', 'history', '--db', db, '--config', config, '--run', flaky[0].run_id, '--json'])
    expect(steps.json().steps.map((s: any) => [s.attempt, s.status, s.error])).toEqual([
      [1, 'failed', 'upstream not ready (exit code 1)'],
      [2, 'ok', null],
    ])
  })

  it('leaves no run marked running after a clean stop and never runs a disabled job', () => {
    expect(history.filter((r) => r.status === 'running')).toEqual([])
    expect(history.some((r) => r.job === 'off')).toBe(false)
  })
})
