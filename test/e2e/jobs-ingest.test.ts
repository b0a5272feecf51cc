import {existsSync, mkdirSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {localTimestamp} from '../../src/ops/time.js'
import {Store} from '../../src/store/store.js'
import {ccx, tempDir} from '../helpers/cli.js'

const TZ = 'Asia/Shanghai'
/** Local date `days` days before today, at `time`. */
const daysAgo = (days: number, time: string) => `${localTimestamp(new Date(Date.now() - days * 86_400_000), TZ).slice(0, 10)} ${time}`

describe('a nightly job: ingest a drop folder, then retention', () => {
  const dir = tempDir('ccx-e2e-jobs-ingest-')
  const db = join(dir.path, 'ops.duckdb')
  const config = join(dir.path, 'ccx.config.json')
  const drop = join(dir.path, 'drop')
  mkdirSync(drop)
  writeFileSync(
    config,
    JSON.stringify({
      timezone: TZ,
      jobs: [
        {
          name: 'nightly',
          schedule: '0 2 * * *',
          steps: [
            {kind: 'ingest', source: 'probe', from: 'drop', pattern: 'probe_*.csv'},
            {kind: 'retention', rawDays: 5},
          ],
        },
        {
          name: 'refresh',
          schedule: '0 * * * *',
          steps: [
            {kind: 'ingest', source: 'probe', from: 'drop', pattern: 'fresh_*.csv'},
            {kind: 'run', pipelines: ['normalize']},
          ],
        },
      ],
    }),
  )
  const base = ['--db', db, '--config', config]
  afterAll(() => dir.cleanup())

  it('loads the files, moves them to done/, and keeps 5 days of raw events (older ones summarized)', async () => {
    const header = 'event_id,ts,site,visitor_id,type,url\n'
    // 10 days ago: 2 pageviews (v1, v2) + 1 click (v1) → deleted by retention, kept in probe_daily; today: 1 pageview.
    writeFileSync(
      join(drop, 'probe_old.csv'),
      header +
        [
          `e1,${daysAgo(10, '09:00:00')},s1,v1,pageview,https://a.example/`,
          `e2,${daysAgo(10, '09:00:05')},s1,v1,click,https://a.example/`,
          `e3,${daysAgo(10, '10:00:00')},s1,v2,pageview,https://a.example/b`,
        ].join('\n') +
        '\n',
    )
    writeFileSync(join(drop, 'probe_new.csv'), header + `e4,${daysAgo(0, '00:00:01')},s1,v3,pageview,https://a.example/\n`)
    writeFileSync(join(drop, 'notes.txt'), 'not a probe export')
    const r = await ccx(['jobs', 'run', 'nightly', ...base, '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json()).toMatchObject({status: 'ok', stepsDone: 2, rows: 4})
    expect(readdirSync(drop).sort()).toEqual(['done', 'notes.txt'])
    expect(readdirSync(join(drop, 'done')).sort()).toEqual(['probe_new.csv', 'probe_old.csv'])
    const store = await Store.open(db)
    try {
      expect(await store.all(`select event_id from raw_probe_events order by event_id`)).toEqual([{event_id: 'e4'}])
      expect(await store.all(`select type, events, visitors from probe_daily order by type`)).toEqual([
        {type: 'click', events: 1, visitors: 1},
        {type: 'pageview', events: 2, visitors: 2},
      ])
      const steps = await store.all(`select step_no, kind, status, rows from job_run_steps order by step_no`)
      expect(steps).toEqual([
        {step_no: 1, kind: 'ingest', status: 'ok', rows: 4},
        {step_no: 2, kind: 'retention', status: 'ok', rows: 3},
      ])
    } finally {
      await store.close()
    }
  })

  it('stops at a file ingest rejects, loads nothing from it and leaves it in the drop folder', async () => {
    writeFileSync(join(drop, 'probe_broken.csv'), 'when,who\nyesterday,someone\n')
    const r = await ccx(['jobs', 'run', 'nightly', ...base, '--json'])
    expect(r.code).toBe(1)
    const lines = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
    const end = lines.find((l) => l.event === 'job.end')
    expect(end.status).toBe('failed')
    expect(end.error).toMatch(/^step 1\/2 \(ingest probe drop\/probe_\*\.csv → done\/\) failed: .+/)
    expect(existsSync(join(drop, 'probe_broken.csv'))).toBe(true)
    const store = await Store.open(db)
    try {
      expect(await store.scalar(`select count(*) from raw_probe_events`)).toBe(1)
    } finally {
      await store.close()
    }
  })

  it('runs a pipeline after loading: the job rows add the loaded rows and the rows the pipeline wrote', async () => {
    writeFileSync(
      join(drop, 'fresh_1.csv'),
      'event_id,ts,site,visitor_id,type,url\n' + `f1,${daysAgo(0, '00:10:00')},s1,v7,pageview,https://a.example/\n`,
    )
    const r = await ccx(['jobs', 'run', 'refresh', ...base, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const store = await Store.open(db)
    try {
      const steps = await store.all<{kind: string; rows: number; command: string}>(
        `select kind, rows, command from job_run_steps where run_id = $id order by step_no`,
        {id: r.json().runId},
      )
      expect(steps.map((x) => x.kind)).toEqual(['ingest', 'run'])
      expect(steps[0].rows).toBe(1)
      expect(steps[1].command).toBe(`ccx run normalize --json --db ${db} --config ${config}`)
      // The run step's rows are what the pipeline runner recorded for normalize.
      expect(steps[1].rows).toBe(await store.scalar(`select rows_written from pipeline_state where pipeline = 'normalize'`))
      expect(r.json().rows).toBe(1 + steps[1].rows)
      expect(await store.tableExists('sessions')).toBe(true)
    } finally {
      await store.close()
    }
  })
})
