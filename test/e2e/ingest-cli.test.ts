import {spawn} from 'node:child_process'
import {appendFileSync, existsSync, mkdirSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {ccx, ROOT, RUN_JS, tempDir} from '../helpers/cli.js'
// @ts-expect-error plain ESM benchmark helper without types
import {writeBigProbeCsv} from '../../bench/lib/probe-gen.mjs'

const BROKEN = join(ROOT, 'fixtures/samples/broken')
const FOREIGN = join(ROOT, 'fixtures/samples/foreign')
let dir: {path: string; cleanup: () => void}
beforeAll(() => {
  dir = tempDir('ccx-e2e-ingest-')
})
afterAll(() => dir.cleanup())

async function query<T extends Record<string, unknown> = Record<string, unknown>>(db: string, sql: string): Promise<T[]> {
  const store = await Store.open(db, {readOnly: true})
  try {
    return await store.all<T>(sql)
  } finally {
    await store.close()
  }
}
const poll = () => new Promise((r) => setTimeout(r, 10))
const bytesOf = (db: string) => [db, `${db}.wal`].reduce((n, f) => n + (existsSync(f) ? statSync(f).size : 0), 0)

/**
 * Runs bin/run.js with its own TMPDIR. With `killWhileWriting`, SIGKILLs it once the file's transaction is writing
 * rows: the ingest's temp folder has appeared (migrations done, the file's transaction next) and the database has
 * grown since (DuckDB writes a big insert's row groups before the commit). A condition, not a time: on a busy
 * machine a kill after a fixed delay may come before the load, or after the commit.
 */
async function runWatched(
  args: string[],
  tmp: string,
  options: {killWhileWriting?: string} = {},
): Promise<{code: number | null; signal: string | null; stdout: string}> {
  mkdirSync(tmp)
  const child = spawn(process.execPath, [RUN_JS, ...args], {env: {...process.env, TMPDIR: tmp}, stdio: ['ignore', 'pipe', 'ignore']})
  let stdout = ''
  child.stdout!.on('data', (d) => (stdout += d))
  let exited: {code: number | null; signal: string | null} | undefined
  const done = new Promise<void>((r) => child.on('exit', (code, signal) => ((exited = {code, signal}), r())))
  const db = options.killWhileWriting
  if (db) {
    while (!exited && !readdirSync(tmp).some((n) => n.startsWith('ccx-ingest-'))) await poll()
    const before = bytesOf(db)
    while (!exited && bytesOf(db) < before + 256 * 1024) await poll()
    if (!exited) child.kill('SIGKILL')
  }
  await done
  return {...exited!, stdout}
}

const counts = async (db: string) =>
  (
    await query(
      db,
      `select (select count(*) from raw_probe_events) events, (select count(*) from quarantine) quarantined, (select count(*) from ingest_files) files,
              (select count(distinct event_id) from raw_probe_events) distinct_events`,
    )
  )[0]

describe('ccx ingest probe: broken samples', () => {
  it('loads the good rows, quarantines the bad with line numbers, exits 3; a second run changes nothing', async () => {
    const db = join(dir.path, 'broken.duckdb')
    const r = await ccx(['ingest', 'probe', BROKEN, '--db', db, '--json'])
    expect(r.code).toBe(3)
    const result = r.json()
    const byName = Object.fromEntries(
      result.files.map((f: any) => [f.file.split('/').pop(), [f.read, f.loaded, f.duplicate, f.quarantined]]),
    )
    // Hand-counted from the sample files (fixtures/samples/broken/README.md lists every bad line):
    // CSV: 38 data rows, 8 bad (lines 22-28, 39), 1 repeated event; NDJSON: 21 lines, 6 bad (11-16), 1 repeat;
    // access log: 9 lines, 6 beacons (1 unknown type, line 7) + 1 non-log line (5), 3 other requests skipped.
    expect(byName).toEqual({
      'probe_broken.access.log': [6, 4, 0, 2],
      'probe_broken.csv': [38, 29, 1, 8],
      'probe_broken.ndjson': [21, 14, 1, 6],
    })
    expect(result.totals).toEqual({read: 65, loaded: 47, duplicate: 2, quarantined: 16, filtered: 0, flagged: 0})
    expect(result.badShare).toBeCloseTo(16 / 65)
    const lines = await query<{f: string; line: number; field: string | null; code: string}>(
      db,
      `select regexp_extract(file, '[^/]+$') f, line, field, split_part(reason, ':', 1) code from quarantine order by f, line`,
    )
    expect(lines.filter((l) => l.f === 'probe_broken.csv').map((l) => [l.line, l.field, l.code])).toEqual([
      [22, 'title', 'wrong_column_count'],
      [23, 'ts', 'bad_timestamp'],
      [24, 'type', 'unknown_event_type'],
      [25, 'props', 'invalid_utf8'],
      [26, null, 'wrong_column_count'],
      [27, 'ts', 'missing_value'],
      [28, 'x', 'bad_number'],
      [39, 'visitor_id', 'missing_value'],
    ])
    expect(lines.filter((l) => l.f === 'probe_broken.ndjson').map((l) => [l.line, l.code])).toEqual([
      [11, 'bad_json'],
      [12, 'bad_json'],
      [13, 'unknown_event_type'],
      [14, 'bad_timestamp'],
      [15, 'invalid_utf8'],
      [16, 'missing_value'],
    ])
    expect(lines.filter((l) => l.f === 'probe_broken.access.log').map((l) => [l.line, l.code])).toEqual([
      [5, 'bad_log_line'],
      [7, 'unknown_event_type'],
    ])
    // raw holds the user's original line, not the canonical temp file's
    const raw = await query<{raw: string}>(db, `select raw from quarantine where file like '%access.log' and line = 7`)
    expect(raw[0]!.raw).toMatch(/^14\.17\.1\.2 - - \[29\/Oct\/2026:12:00:31 \+0800\] "GET \/collect\?/)
    const before = await counts(db)
    expect(before).toEqual({events: 47, quarantined: 16, files: 3, distinct_events: 47})

    const again = await ccx(['ingest', 'probe', BROKEN, '--db', db])
    expect(again.code).toBe(0)
    expect(again.stderr).toMatch(/already ingested/)
    expect(await counts(db)).toEqual(before)

    const tolerant = await ccx([
      'ingest',
      'probe',
      join(BROKEN, 'probe_broken.csv'),
      '--db',
      join(dir.path, 'tolerant.duckdb'),
      '--max-bad',
      '25%',
    ])
    expect(tolerant.code).toBe(0)
    expect(tolerant.stderr).toMatch(/probe_broken\.csv\s+csv\s+utf-8\s+38\s+29\s+1\s+8/)
  })

  it('missing and empty inputs: exit 5 naming the path', async () => {
    const db = join(dir.path, 'bad.duckdb')
    const missing = await ccx(['ingest', 'probe', join(dir.path, 'nope.csv'), '--db', db])
    expect(missing.code).toBe(5)
    expect(missing.stderr).toMatch(/file not found: .*nope\.csv/)
    const emptyDir = join(dir.path, 'empty-dir')
    mkdirSync(emptyDir)
    const none = await ccx(['ingest', 'calls', emptyDir, '--db', db])
    expect(none.code).toBe(5)
    expect(none.stderr).toMatch(/empty-dir has no data files/)
  })
})

describe('ccx ingest calls: foreign CDR exports', () => {
  it('loads a GBK export with Chinese column names via --map-file and --ts-format, and an English one via --map', async () => {
    const db = join(dir.path, 'cdr.duckdb')
    const gbk = await ccx([
      'ingest',
      'calls',
      join(FOREIGN, 'cdr_callcenter_gbk.csv'),
      '--map-file',
      join(FOREIGN, 'cdr_callcenter.map.json'),
      '--ts-format',
      '%Y/%m/%d %H:%M:%S',
      '--db',
      db,
      '--json',
      '--max-bad',
      '0.25',
    ])
    expect(gbk.code).toBe(0)
    expect(gbk.json().files[0]).toMatchObject({encoding: 'gb18030', read: 5, loaded: 4, duplicate: 0, quarantined: 1})
    const en = await ccx([
      'ingest',
      'calls',
      join(FOREIGN, 'cdr_english.csv'),
      '--map',
      'call_id=CallID,phone=Caller Number,agent_id=Agent',
      '--map',
      'offered_at=Start Time,answered_at=Answer Time,ended_at=End Time',
      '--ts-format',
      '%m/%d/%Y %H:%M:%S',
      '--db',
      db,
      '--json',
    ])
    expect(en.code).toBe(0)
    expect(en.json().totals).toEqual({read: 3, loaded: 3, duplicate: 0, quarantined: 0, filtered: 0, flagged: 0})
    const rows = await query(
      db,
      `select call_id, direction, queue, phone_masked, strftime(offered_at, '%Y-%m-%d %H:%M:%S') offered, hold_s, csat from raw_calls where call_id in ('CC20261030002', 'CC20261030004', 'EN-2') order by call_id`,
    )
    expect(rows).toEqual([
      {
        call_id: 'CC20261030002',
        direction: 'inbound',
        queue: '销售热线',
        phone_masked: '186****7733',
        offered: '2026-10-30 10:41:03',
        hold_s: null,
        csat: null,
      },
      {
        call_id: 'CC20261030004',
        direction: 'inbound',
        queue: '售后服务',
        phone_masked: '137****6543',
        offered: '2026-10-30 14:02:10',
        hold_s: 60,
        csat: 3,
      },
      {
        call_id: 'EN-2',
        direction: 'outbound',
        queue: 'Telesales',
        phone_masked: '138****8000',
        offered: '2026-10-30 09:10:00',
        hold_s: null,
        csat: null,
      },
    ])
    const q = await query(db, `select line, field from quarantine`)
    expect(q).toEqual([{line: 6, field: 'offered_at'}])
  })
})

describe('ccx ingest: concurrency and crashes', () => {
  it('a second writer with --wait 0 gets "database is in use" at once', async () => {
    const db = join(dir.path, 'locked.duckdb')
    const holder = await Store.open(db)
    try {
      const r = await ccx(['ingest', 'probe', join(BROKEN, 'probe_broken.csv'), '--db', db, '--wait', '0'])
      expect(r.code).toBe(4)
      expect(r.stderr).toMatch(/database is in use by [\s\S]*use --db/)
    } finally {
      await holder.close()
    }
  })

  it('SIGKILL mid-file leaves nothing of the file; re-running gives the counts of one clean run', {timeout: 300_000}, async () => {
    const csv = join(dir.path, 'big.csv')
    writeBigProbeCsv({path: csv, events: 250_000, seed: 11})
    appendFileSync(csv, 'bad-1,2026-13-45 99:00:00,site1,v1,pageview\nbad-2,2026-10-29 10:00:00,site1,v1,teleport,,,,,,,,,,,,,,\n')
    const clean = join(dir.path, 'clean.duckdb')
    const cleanRun = await runWatched(['ingest', 'probe', csv, '--db', clean, '--json'], join(dir.path, 'tmp-clean'))
    expect(cleanRun.code).toBe(0)
    const cleanTotals = JSON.parse(cleanRun.stdout).totals
    expect(cleanTotals).toEqual({read: 250_002, loaded: 250_000, duplicate: 0, quarantined: 2, filtered: 0, flagged: 0})

    const killed = join(dir.path, 'killed.duckdb')
    const killedRun = await runWatched(['ingest', 'probe', csv, '--db', killed], join(dir.path, 'tmp-killed'), {killWhileWriting: killed})
    expect(killedRun.signal).toBe('SIGKILL') // killed, not finished
    expect(existsSync(killed)).toBe(true)
    const afterKill = await counts(killed)
    expect(afterKill).toEqual({events: 0, quarantined: 0, files: 0, distinct_events: 0})

    // the killed run's temporary folder is left behind; the next ingest removes it
    const leftovers = () => readdirSync(join(dir.path, 'tmp-killed')).filter((n) => n.startsWith('ccx-ingest-'))
    expect(leftovers()).toHaveLength(1)
    const rerun = await ccx(['ingest', 'probe', csv, '--db', killed, '--json'], {env: {TMPDIR: join(dir.path, 'tmp-killed')}})
    expect(rerun.code).toBe(0)
    expect(leftovers()).toEqual([])
    expect(rerun.json().totals).toEqual(cleanTotals)
    expect(await counts(killed)).toEqual(await counts(clean))
  })
})
