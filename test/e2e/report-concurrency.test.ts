import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {ccx, ROOT, spawnCcx, tempDir} from '../helpers/cli.js'

// Reports open the database read-only: many analysts at once, and none of them blocks on, or is blocked by, a load
// into another file. A report that finds the file held by a writer waits for it (one message on stderr) and then runs.
// Real processes on real files; every wait is for a condition (output or exit), never for a fixed time.

const SAMPLES = join(ROOT, 'fixtures/samples')
const SERVICE = join(ROOT, 'test/fixtures/service')
const dir = tempDir('ccx-concurrency-')
const db = join(dir.path, 'reports.duckdb')

beforeAll(async () => {
  for (const [source, file] of [
    ['probe', join(SAMPLES, 'probe_events.csv')],
    ['probe', join(SAMPLES, 'story/probe_events.csv')],
    ['calls', join(SERVICE, 'calls.csv')],
    ['chats', join(SERVICE, 'chats.ndjson')],
    ['leads', join(SAMPLES, 'leads.csv')],
    ['orders', join(SAMPLES, 'orders.csv')],
  ]) {
    const r = await ccx(['ingest', source, file, '--db', db], {timeoutMs: 300_000})
    expect(r.code, r.stderr).toBe(0)
  }
  const run = await ccx(['run', '--db', db], {timeoutMs: 300_000})
  expect(run.code, run.stderr).toBe(0)
}, 600_000)
afterAll(() => dir.cleanup())

describe('reports at the same time', () => {
  it('ten report commands on one database while ccx ingest writes another: all exit 0', async () => {
    const other = join(dir.path, 'other.duckdb')
    const reports = [
      ['report', 'overview'],
      ['report', 'funnel', '--by', 'source'],
      ['report', 'keywords'],
      ['report', 'sources'],
      ['report', 'geo'],
      ['report', 'exits'],
      ['report', 'attribution'],
      ['report', 'service', '--by', 'total'],
      ['report', 'agents'],
      ['report', 'layers'],
    ]
    const runs = [
      ...reports.map((args) => ccx([...args, '--db', db, '--json'], {timeoutMs: 600_000})),
      ccx(['ingest', 'probe', join(SAMPLES, 'probe_events.csv'), '--db', other, '--json'], {timeoutMs: 600_000}),
    ]
    const results = await Promise.all(runs)
    results.forEach((r, i) => expect(r.code, `${(reports[i] ?? ['ingest']).join(' ')}: ${r.stderr}`).toBe(0))
    for (const r of results.slice(0, reports.length)) expect(r.json().stale).toEqual([])
    expect(results.at(-1)!.json().totals.loaded).toBe(40)
  }, 900_000)
})

describe('a report and a writer', () => {
  /** A process holding the database read-write (as ingest or run does), or read-only (as a report does), until told to let go. */
  async function holdWriteLock(path: string, readOnly = false) {
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `import('@duckdb/node-api').then(async ({DuckDBInstance}) => {
          const db = await DuckDBInstance.create(${JSON.stringify(path)}, ${readOnly ? "{access_mode: 'READ_ONLY'}" : '{}'}); const c = await db.connect()
          console.log('held')
          process.stdin.once('data', () => { c.closeSync(); db.closeSync(); console.log('released') })
        })`,
      ],
      {cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit']},
    )
    const said = (word: string) =>
      new Promise<void>((resolve, reject) => {
        let out = ''
        const on = (d: Buffer) => {
          out += d
          if (!out.includes(word)) return
          holder.stdout.off('data', on)
          resolve()
        }
        holder.stdout.on('data', on)
        holder.once('exit', (code) => reject(new Error(`holder exited (${code}) before saying ${word}`)))
      })
    await said('held')
    return {
      release: async () => {
        const released = said('released')
        holder.stdin.write('go\n')
        await released
      },
      end: () => holder.stdin.end(),
    }
  }

  it('waits while another process writes the file, says so, and runs once it is free', async () => {
    const holder = await holdWriteLock(db)
    try {
      const report = await spawnCcx(['report', 'overview', '--db', db, '--json'])
      await report.waitFor('stderr', /is being written by PID \d+.*waiting up to 120 s/)
      expect(existsSync(db)).toBe(true)
      await holder.release()
      const r = await report.exited
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toMatch(/is free after \d+(\.\d+)? s/)
      expect(r.json().kpis.visitors).toBe(8)
    } finally {
      holder.end()
    }
  }, 600_000)

  it('--wait 0 fails at once with exit 4 naming the holder', async () => {
    const holder = await holdWriteLock(db)
    try {
      const r = await ccx(['report', 'service', '--db', db, '--wait', '0'], {timeoutMs: 300_000})
      expect(r.code).toBe(4)
      expect(r.stderr.replace(/\s*\n\s*›?\s*/g, ' ')).toMatch(/database is in use by .*PID \d+/)
    } finally {
      await holder.release()
      holder.end()
    }
  }, 600_000)

  it('a writer (ingest) waits while a report reads the file, says so, and loads once it is free', async () => {
    const reader = await holdWriteLock(db, true)
    try {
      const ingest = await spawnCcx(['ingest', 'orders', join(SAMPLES, 'orders.csv'), '--db', db, '--json'])
      await ingest.waitFor('stderr', /is in use by PID \d+.*waiting up to 600 s/)
      await reader.release()
      const r = await ingest.exited
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toMatch(/is free after \d+(\.\d+)? s/)
      // loaded before (beforeAll): every row is a duplicate, none lost
      expect(r.json().totals).toMatchObject({read: r.json().totals.duplicate, loaded: 0, quarantined: 0})
      expect(r.json().totals.read).toBeGreaterThan(0)
    } finally {
      reader.end()
    }
  }, 600_000)
})
