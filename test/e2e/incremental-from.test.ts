import {copyFileSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {ccxOk, GENERATED_SOURCES, ROOT, tempDir} from '../helpers/cli.js'
import {compareDatabases, splitFile} from '../helpers/incremental.js'

const DOWNSTREAM = ['marketing-marts', 'scenarios']
const TABLES = ['mart_sessions', 'mart_funnel_steps', 'scenario_matches', 'session_outcomes']

const ok = async (args: string[], cwd?: string) => (await ccxOk(args, {timeoutMs: 600_000, cwd})).json()

/**
 * The probe file in two batches by time: the events after `cutoff` (the last days: returning visitors' new sessions
 * after a gap) and, by a hash, a tenth of the earlier ones (late events for sessions already closed).
 */
function splitProbeByTime(path: string, first: string, second: string) {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n')
  // every probe record is one line whose second field is the timestamp (event ids hold no comma)
  const ts = rows.map((r) => r.split(',')[1]!)
  const cutoff = [...ts].sort()[Math.floor(ts.length * 0.75)]!
  const late = (r: string) => [...r].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) % 10 === 0
  const b = rows.filter((r, i) => ts[i]! > cutoff || late(r))
  const a = rows.filter((r, i) => !(ts[i]! > cutoff || late(r)))
  writeFileSync(first, [header, ...a].join('\n') + '\n')
  writeFileSync(second, [header, ...b].join('\n') + '\n')
}

/**
 * The consumers' side of change_visitors.from_ts: normalize may log, per visitor, the start of the first session it
 * replaced. Here the test sets the tightest from_ts itself — from the sessions, intents and events that differ between
 * the database before and after the second batch — and the marts and scenarios, re-doing only from there, must give
 * the rows of a full rebuild.
 */
describe('marketing marts and scenarios re-do a changed visitor from its from_ts', () => {
  it('gives the rows of a full rebuild (new sessions after a gap, late events, new leads for old sessions)', async () => {
    const dir = tempDir('ccx-incr-from-')
    // the shipped scenarios with tight limits per visitor: what a visitor's kept sessions fired decides what its re-done
    // ones may fire (the limits are what the scenarios carry from session to session)
    const shipped = JSON.parse(readFileSync(join(ROOT, 'defaults/scenarios.json'), 'utf8')) as {
      limits: object
      scenarios: Array<{limits?: object}>
    }
    shipped.limits = {...shipped.limits, perVisitor: 2}
    for (const sc of shipped.scenarios) sc.limits = {...sc.limits, perVisitor: 1}
    writeFileSync(join(dir.path, 'rules.json'), JSON.stringify(shipped))
    writeFileSync(join(dir.path, 'ccx.config.json'), JSON.stringify({files: {scenarios: 'rules.json'}}))
    const run = (args: string[]) => ok(args, dir.path)
    const data = join(dir.path, 'data')
    await ok(['fixtures', 'generate', '--out', data, '--visitors', '800', '--days', '12', '--seed', 'from-ts', '--json'])
    mkdirSync(join(data, 'b1'))
    mkdirSync(join(data, 'b2'))
    for (const [, file] of GENERATED_SOURCES)
      if (file === 'probe_events.csv') splitProbeByTime(join(data, file), join(data, 'b1', file), join(data, 'b2', file))
      else splitFile(join(data, file), join(data, 'b1', file), join(data, 'b2', file), 0.3)
    const db = join(dir.path, 'ccx.duckdb')
    const before = join(dir.path, 'before.duckdb')
    await ok(['sites', 'import', join(data, 'sites.json'), '--db', db, '--json'])
    for (const [source, file] of GENERATED_SOURCES) await ok(['ingest', source, join(data, 'b1', file), '--db', db, '--json'])
    await run(['run', '--db', db, '--json'])
    copyFileSync(db, before)
    for (const [source, file] of GENERATED_SOURCES) await ok(['ingest', source, join(data, 'b2', file), '--db', db, '--json'])
    await run(['run', 'normalize', 'identities', 'intents', '--db', db, '--json'])

    const store = await Store.open(db)
    await store.run(`attach '${before}' as old (read_only)`)
    // the sessions (and their intents and events) that differ, by the start of the session in either database
    await store.run(`create temp table differ as
      with starts as (select session_id, started_at from sessions union all select session_id, started_at from old.sessions),
      changed as (
        select session_id from (select * from sessions except select * from old.sessions)
        union all select session_id from (select * from old.sessions except select * from sessions)
        union all select session_id from (select * exclude (vkey) from session_intents except select * exclude (vkey) from old.session_intents)
        union all select session_id from (select * exclude (vkey) from old.session_intents except select * exclude (vkey) from session_intents)
        union all select session_id from (select * from events except select * from old.events)
        union all select session_id from (select * from old.events except select * from events)
      )
      select split_part(session_id, '/', 1) as site, split_part(session_id, '/', 2) as visitor_id, min(s.started_at) as from_ts
      from changed join starts s using (session_id) group by all`)
    const seq = await store.scalar<number>(`select max(seq) from change_runs where producer = 'normalize'`)
    // every visitor with a difference was logged; those logged without one keep all of their rows (from_ts far ahead)
    expect(
      await store.scalar<number>(`select count(*)::INTEGER from differ d
        where not exists (select 1 from change_visitors v where v.seq = ${seq} and v.site = d.site and v.visitor_id = d.visitor_id)`),
    ).toBe(0)
    await store.run(`update change_visitors v set from_ts = coalesce(
        (select d.from_ts from differ d where d.site = v.site and d.visitor_id = v.visitor_id), timestamp '2999-01-01')
      where v.seq = ${seq}`)
    const shape = await store.one<{logged: number; kept: number; leads: number}>(`select
        (select count(*) from change_visitors where seq = ${seq})::INTEGER as logged,
        -- visitors that keep sessions: re-done only from a later session
        (select count(distinct v.visitor_id) from change_visitors v join old.sessions s using (site, visitor_id)
          where v.seq = ${seq} and s.started_at < v.from_ts)::INTEGER as kept,
        -- visitors re-done in part upstream whom a new lead names (re-done from the lead on, changes.ts RAW_FROM)
        (select count(distinct l.visitor_id) from raw_leads l join change_visitors v using (visitor_id)
          where v.seq = ${seq} and l.ingest_id = (select max(ingest_id) from raw_leads))::INTEGER as leads`)
    await store.close()
    expect(shape!.kept).toBeGreaterThan(20)
    expect(shape!.leads).toBeGreaterThan(0)

    const outcomes = (await run(['run', ...DOWNSTREAM, '--db', db, '--json'])).outcomes as Array<{pipeline: string; mode?: string}>
    expect(outcomes.filter((o) => DOWNSTREAM.includes(o.pipeline) && o.mode !== 'incremental')).toEqual([])
    const full = join(dir.path, 'full.duckdb')
    copyFileSync(db, full)
    await run(['run', ...DOWNSTREAM, '--full', '--db', full, '--json'])
    const diffs = await compareDatabases(db, full, TABLES)
    expect(diffs.filter((d) => d.onlyA + d.onlyB > 0 || d.rowsA !== d.rowsB)).toEqual([])
    for (const d of diffs) expect(d.rowsA, d.table).toBeGreaterThan(0)
    dir.cleanup()
  }, 900_000)
})
