import {copyFileSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {ccxOk, ROOT, tempDir} from '../helpers/cli.js'
import {compareDatabases, splitFile} from '../helpers/incremental.js'

const INCREMENTAL = ['normalize', 'identities', 'intents', 'marketing-marts', 'scenarios']
const SOURCES: Array<[string, string]> = [
  ['probe', 'probe_events.csv'],
  ['calls', 'calls.csv'],
  ['chats', 'chats.ndjson'],
  ['transcripts', 'transcripts.csv'],
  ['leads', 'leads.csv'],
  ['orders', 'orders.csv'],
]

const ok = async (args: string[]) => (await ccxOk(args, {timeoutMs: 900_000})).json()

/** `ccx run` after a change: the incremental pipelines must not have rebuilt in full. */
async function runIncremental(db: string) {
  const outcomes = (await ok(['run', '--db', db, '--json'])).outcomes as Array<{pipeline: string; status: string; mode?: string}>
  const modes = Object.fromEntries(outcomes.filter((o) => INCREMENTAL.includes(o.pipeline)).map((o) => [o.pipeline, o.mode ?? o.status]))
  expect(modes).toEqual(Object.fromEntries(INCREMENTAL.map((p) => [p, 'incremental'])))
}

/** Copies the database, rebuilds the copy with `ccx run --full` and compares every published table row by row. */
async function expectSameAsFull(dir: string, db: string, label: string) {
  const full = join(dir, `${label}-full.duckdb`)
  copyFileSync(db, full)
  await ok(['run', '--full', '--db', full, '--json'])
  const diffs = await compareDatabases(db, full)
  expect(diffs.filter((d) => d.onlyA + d.onlyB > 0 || d.rowsA !== d.rowsB)).toEqual([])
  return diffs
}

describe('incremental runs give the same rows as a full rebuild', () => {
  it('on the demo data: a second batch of every source with late events, then a replaced file, then retention', async () => {
    const dir = tempDir('ccx-incr-')
    const data = join(dir.path, 'data')
    await ok(['fixtures', 'generate', '--out', data, '--visitors', '1500', '--days', '14', '--seed', 'incremental', '--json'])
    mkdirSync(join(data, 'b1'))
    mkdirSync(join(data, 'b2'))
    for (const [, file] of SOURCES) splitFile(join(data, file), join(data, 'b1', file), join(data, 'b2', file), 0.25)
    const db = join(dir.path, 'ccx.duckdb')
    await ok(['sites', 'import', join(data, 'sites.json'), '--db', db, '--json'])
    for (const [source, file] of SOURCES) await ok(['ingest', source, join(data, 'b1', file), '--db', db, '--json'])
    await ok(['run', '--db', db, '--json'])

    // batch 2: late events for closed sessions, new visitors, calls/chats/leads/orders naming known visitors
    const ingested: Record<string, number> = {}
    for (const [source, file] of SOURCES)
      ingested[source] = (await ok(['ingest', source, join(data, 'b2', file), '--db', db, '--json'])).files[0].ingestId
    await runIncremental(db)
    const diffs = await expectSameAsFull(dir.path, db, 'late')
    expect(diffs.find((d) => d.table === 'scenario_matches')!.rowsA).toBeGreaterThan(0)
    expect(diffs.find((d) => d.table === 'mart_funnel_steps')!.rowsA).toBeGreaterThan(diffs.find((d) => d.table === 'mart_sessions')!.rowsA)

    // a replaced file: its rows go (as `ccx ingest --replace` deletes them before loading the file again), and a part
    // of it comes back; what the removed rows touched is recomputed
    const store = await Store.open(db)
    await store.run(`delete from raw_probe_events where ingest_id = ${ingested.probe}`)
    await store.run(`delete from raw_leads where ingest_id = ${ingested.leads}`)
    await store.bumpTableVersion('raw_probe_events')
    await store.bumpTableVersion('raw_leads')
    await store.close()
    splitFile(join(data, 'b2', 'probe_events.csv'), join(data, 'b2', 'again.csv'), join(data, 'b2', 'dropped.csv'), 0.3, 'replace')
    await ok(['ingest', 'probe', join(data, 'b2', 'again.csv'), '--db', db, '--json'])
    await runIncremental(db)
    await expectSameAsFull(dir.path, db, 'replaced')

    // retention deletes the oldest days of raw events
    const old = await Store.open(db)
    await old.run(`delete from raw_probe_events where ts < (select min(ts) + interval 3 day from raw_probe_events)`)
    await old.bumpTableVersion('raw_probe_events')
    await old.close()
    await runIncremental(db)
    await expectSameAsFull(dir.path, db, 'retention')
    dir.cleanup()
  }, 900_000)

  it('re-does a returning visitor from the stretch of activity its new events join, and only that (hand-written visits)', async () => {
    // Written by hand, one visitor per case (30 min inactivity, a new session at a changed traffic source):
    // A: two sessions on Feb 1; on Feb 2 a new one — both kept. B: a session at 08:00, then a stretch from 10:00 split by
    // a new referrer into two sessions; a pageview 20 min after it joins the stretch — the Jan 31 session kept.
    // C: the probe's visit counter says 9 on Feb 2 after two sessions — kept sessions become visits 7 and 8.
    // D: a late click inside its first session — re-done whole. F: a pageview bridging the gap between two stretches —
    // they merge, its 07:00 session kept. G: new. The member id of A's kept session stays the visitor's.
    const header = 'event_id,ts,site,visitor_id,type,url,title,referrer,ip,user_agent,visit_count,member_id'
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'
    let n = 0
    const ev = (ts: string, visitor: string, type = 'pageview', ref = '', visits = '', member = '') =>
      [`e${++n}`, `2026-02-${ts}`, 's1', visitor, type, 'https://s1.example.cn/p', 'Page', ref, '1.2.3.4', `"${ua}"`, visits, member].join(
        ',',
      )
    const baidu = 'https://www.baidu.com/s?wd=%E6%89%93%E5%8D%B0%E6%9C%BA'
    const google = 'https://www.google.com/search?q=scanner'
    const first = [
      ev('01 10:00:00', 'A', 'pageview', '', '', 'm1'),
      ev('01 10:05:00', 'A'),
      ev('01 14:00:00', 'A'),
      ev('01 08:00:00', 'B'),
      ev('01 10:00:00', 'B', 'pageview', baidu),
      ev('01 10:10:00', 'B', 'pageview', google),
      ev('01 10:20:00', 'B'),
      ev('01 09:00:00', 'C', 'pageview', '', '1'),
      ev('01 12:00:00', 'C', 'pageview', '', '2'),
      ev('01 09:00:00', 'D'),
      ev('01 09:20:00', 'D'),
      ev('01 16:00:00', 'D'),
      ev('01 07:00:00', 'F'),
      ev('01 09:00:00', 'F'),
      ev('01 09:50:00', 'F'),
    ]
    const second = [
      ev('02 09:00:00', 'A'),
      ev('02 09:10:00', 'A', 'click'),
      ev('01 10:40:00', 'B'),
      ev('01 10:41:00', 'B', 'click'),
      ev('02 09:00:00', 'C', 'pageview', '', '9'),
      ev('01 09:10:00', 'D', 'click'),
      ev('01 09:25:00', 'F'),
      ev('02 11:00:00', 'G'),
    ]
    const dir = tempDir('ccx-incr-hand-')
    const db = join(dir.path, 'ccx.duckdb')
    const write = (file: string, rows: string[]) => {
      writeFileSync(join(dir.path, file), [header, ...rows].join('\n') + '\n')
      return join(dir.path, file)
    }
    // these runs sessionize in batches of 4 events' worth of visitors (the full rebuild below in one pass)
    const config = join(dir.path, 'ccx.config.json')
    writeFileSync(config, JSON.stringify({store: {rebuildBatchEvents: 4}}))
    await ok(['ingest', 'probe', write('first.csv', first), '--db', db, '--json'])
    await ok(['run', ...INCREMENTAL, '--db', db, '--config', config, '--json'])
    await ok(['ingest', 'probe', write('second.csv', second), '--db', db, '--json'])
    const outcomes = (await ok(['run', ...INCREMENTAL, '--db', db, '--config', config, '--json'])).outcomes as Array<{
      pipeline: string
      mode?: string
      message: string
    }>
    expect(outcomes.filter((o) => o.mode !== 'incremental')).toEqual([])
    // A, B, C and F keep earlier sessions; D (late event in its first session) and G (new) are whole
    expect(outcomes.find((o) => o.pipeline === 'normalize')!.message).toMatch(
      /^sessionized in [2-9] batches of visitors; 6 visitors re-done \(4 from their latest stretch of activity\)/,
    )
    const store = await Store.open(db, {readOnly: true})
    const visits = await store.all<{visitor_id: string; visits: string}>(
      `select visitor_id, string_agg(visit_number::VARCHAR, ',' order by visit_number) as visits from sessions group by visitor_id order by visitor_id`,
    )
    const member = await store.scalar<string>(`select member_id from visitors where visitor_id = 'A'`)
    await store.close()
    // A 3 sessions; B: 08:00 | Baidu 10:00 | Google 10:10–10:41; C shifted by 6; D 09:00–09:20 | 16:00; F 07:00 | 09:00–09:50
    expect(visits).toEqual([
      {visitor_id: 'A', visits: '1,2,3'},
      {visitor_id: 'B', visits: '1,2,3'},
      {visitor_id: 'C', visits: '7,8,9'},
      {visitor_id: 'D', visits: '1,2'},
      {visitor_id: 'F', visits: '1,2'},
      {visitor_id: 'G', visits: '1'},
    ])
    expect(member).toBe('m1')
    const full = join(dir.path, 'full.duckdb')
    copyFileSync(db, full)
    await ok(['run', ...INCREMENTAL, '--full', '--db', full, '--json'])
    const diffs = await compareDatabases(db, full)
    expect(diffs.filter((d) => d.onlyA + d.onlyB > 0 || d.rowsA !== d.rowsB)).toEqual([])
    dir.cleanup()
  }, 600_000)

  it('on 1 M generated events, a fifth of them arriving late and out of order', async () => {
    const events = Number(process.env.CCX_INCREMENTAL_TEST_EVENTS ?? 1_000_000)
    const dir = tempDir('ccx-incr-1m-')
    const {writeBigProbeCsv} = (await import(join(ROOT, 'bench/lib/probe-gen.mjs'))) as {
      writeBigProbeCsv: (o: object) => {events: number; late: number}
    }
    const first = join(dir.path, 'first.csv')
    const late = join(dir.path, 'late.csv')
    const written = writeBigProbeCsv({path: first, latePath: late, lateShare: 0.2, events, seed: 11, sync: false})
    expect(written.late).toBeGreaterThan(events * 0.15)
    const db = join(dir.path, 'ccx.duckdb')
    await ok(['ingest', 'probe', first, '--db', db, '--json'])
    await ok(['run', ...INCREMENTAL, '--db', db, '--json'])
    await ok(['ingest', 'probe', late, '--db', db, '--json'])
    const outcomes = (await ok(['run', ...INCREMENTAL, '--db', db, '--json'])).outcomes as Array<{pipeline: string; mode?: string}>
    expect(outcomes.filter((o) => o.mode !== 'incremental')).toEqual([])
    const full = join(dir.path, 'full.duckdb')
    copyFileSync(db, full)
    await ok(['run', ...INCREMENTAL, '--full', '--db', full, '--json'])
    const diffs = await compareDatabases(db, full)
    expect(diffs.filter((d) => d.onlyA + d.onlyB > 0 || d.rowsA !== d.rowsB)).toEqual([])
    expect(diffs.find((d) => d.table === 'events')!.rowsA).toBe(events)
    dir.cleanup()
  }, 1_800_000)
})
