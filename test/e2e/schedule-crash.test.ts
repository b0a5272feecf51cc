import {spawn} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {isProcessAlive, lockPath, readLock} from '../../src/ops/lock.js'
import {Store} from '../../src/store/store.js'
import {ccx, RUN_JS, tempDir} from '../helpers/cli.js'
import {scheduleUntil} from './schedule-helpers.js'

const DUCKDB = createRequire(import.meta.url).resolve('@duckdb/node-api')

/**
 * A step that loads 1000 rows in one transaction. The first time it ever runs it stalls before
 * COMMIT (so the scheduler can be killed mid-load); later runs commit at once.
 */
const LOADER = `
import {existsSync, writeFileSync} from 'node:fs'
const {DuckDBInstance} = await import(${JSON.stringify(DUCKDB)})
const db = await DuckDBInstance.create(process.env.CCX_DB)
const c = await db.connect()
await c.run('create table if not exists loaded (run_id VARCHAR, i INTEGER)')
await c.run('begin transaction')
await c.run("insert into loaded select '" + process.env.CCX_RUN_ID + "', range from range(1000)")
if (!existsSync('stall.marker')) {
  writeFileSync('stall.marker', String(process.pid))
  await new Promise((r) => setTimeout(r, 120000))
}
await c.run('commit')
c.closeSync()
db.closeSync()
`

async function waitFor(check: () => boolean, ms = 240_000): Promise<void> {
  const until = Date.now() + ms
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe('ccx schedule killed with SIGKILL mid-job', () => {
  const dir = tempDir('ccx-e2e-crash-')
  const db = join(dir.path, 'ops.duckdb')
  const config = join(dir.path, 'ccx.config.json')
  afterAll(() => dir.cleanup())

  it('leaves a consistent database: the run is marked interrupted, no half-loaded rows, and the next trigger loads once', async () => {
    writeFileSync(join(dir.path, 'loader.mjs'), LOADER)
    writeFileSync(
      config,
      JSON.stringify({
        jobs: [
          {name: 'load', schedule: '*/2 * * * * *', steps: [{kind: 'exec', command: `"${process.execPath}" loader.mjs`, usesDb: true}]},
        ],
      }),
    )

    const first = spawn(process.execPath, [RUN_JS, 'schedule', '--db', db, '--config', config], {stdio: ['ignore', 'ignore', 'pipe']})
    let firstLog = ''
    first.stderr.on('data', (c: Buffer) => (firstLog += c.toString()))
    // The loader has inserted its rows and is waiting before COMMIT.
    await waitFor(() => existsSync(join(dir.path, 'stall.marker')))
    const orphanPid = Number(readFileSync(join(dir.path, 'stall.marker'), 'utf8'))
    const lock = readLock(lockPath(db, 'load'))
    expect(lock?.pid).toBe(first.pid)
    expect(lock?.childPid).toBeGreaterThan(0)
    first.kill('SIGKILL')
    await new Promise((r) => first.on('close', r))
    // The step child outlives the scheduler (its own process group) and still holds the database.
    expect(isProcessAlive(orphanPid)).toBe(true)

    const second = await scheduleUntil(['--db', db, '--config', config], (events) =>
      events.some((e) => e.event === 'job.end' && e.status === 'ok'),
    )
    expect(second.timedOut, second.stderr).toBe(false)
    expect(second.code, second.stderr).toBe(0)
    const events = second.stderr
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(events.find((e) => e.event === 'lock.stale')).toMatchObject({
      job: 'load',
      reason: `holder pid ${first.pid} is not running`,
      killed_child: lock!.childPid,
    })
    expect(isProcessAlive(orphanPid)).toBe(false)

    const history = (await ccx(['jobs', 'history', '--db', db, '--config', config, '--json'])).json().runs
    const interrupted = history.filter((r: any) => r.status === 'interrupted')
    expect(interrupted).toHaveLength(1)
    expect(interrupted[0].error).toBe(`interrupted: process ${first.pid} on ${lock!.hostname} stopped while this run was in progress`)
    const ok = history.filter((r: any) => r.status === 'ok')
    expect(ok.length).toBeGreaterThanOrEqual(1)
    expect(history.filter((r: any) => r.status === 'running')).toEqual([])
    const steps = (await ccx(['jobs', 'history', '--db', db, '--config', config, '--run', interrupted[0].run_id, '--json'])).json().steps
    expect(steps.map((s: any) => s.status)).toEqual(['interrupted'])

    // Only committed loads are in the table: 1000 rows per ok run, none from the interrupted one.
    const store = await Store.open(db)
    try {
      const byRun = await store.all<{run_id: string; n: number}>(
        `select run_id, count(*)::INTEGER as n from loaded group by run_id order by run_id`,
      )
      expect(byRun).toEqual(ok.map((r: any) => ({run_id: r.run_id, n: 1000})).sort((a: any, b: any) => a.run_id.localeCompare(b.run_id)))
      expect(byRun.some((r) => r.run_id === interrupted[0].run_id)).toBe(false)
    } finally {
      await store.close()
    }
    expect(firstLog).toContain('"event":"step.start"')
  })
})
