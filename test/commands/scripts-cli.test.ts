import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {loadLibrary} from '../../src/telesales/library.js'
import {simulateCalls, toCsv} from '../../src/telesales/simulate.js'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'
import {runPipeline} from '../helpers/pipelines.js'

describe('ccx scripts / report scripts', () => {
  const dir = tempDir('ccx-scripts-')
  const db = join(dir.path, 'ccx.duckdb')
  beforeAll(async () => {
    const sim = simulateCalls(loadLibrary(), {calls: 600, seed: 21, mode: 'planted'})
    const {callsCsv, transcriptsCsv} = toCsv(sim)
    writeFileSync(join(dir.path, 'calls.csv'), callsCsv)
    writeFileSync(join(dir.path, 'transcripts.csv'), transcriptsCsv)
    const store = await Store.open(db)
    await store.run(`insert into raw_calls (call_id, site, direction, queue, agent_id, customer_id, offered_at, answered_at, ended_at, disposition, outcome, campaign, ingest_id)
      select call_id, site, direction, queue, agent_id, customer_id, offered_at, answered_at, ended_at, disposition, outcome, campaign, 0 from read_csv('${join(dir.path, 'calls.csv')}')`)
    await store.run(
      `insert into raw_transcript_turns select call_id, turn_no, speaker, start_ms, end_ms, text, confidence, 0 from read_csv('${join(dir.path, 'transcripts.csv')}')`,
    )
    await store.bumpTableVersion('raw_calls')
    await store.bumpTableVersion('raw_transcript_turns')
    await runPipeline(store, 'telesales') // as `ccx run` does: reports read, they do not build
    await store.close()
  })
  afterAll(() => dir.cleanup())

  it('scripts check accepts the defaults and names line and field of errors (exit 6)', async () => {
    const ok = await ccx(['scripts', 'check', join(ROOT, 'defaults/scripts.json'), '--json'])
    expect(ok.code).toBe(0)
    expect(ok.json().stages.map((s: {stage: string}) => s.stage)).toEqual(['greeting', 'introduction', 'needs', 'objection', 'closing'])
    const bad = join(dir.path, 'bad.json')
    writeFileSync(bad, '{\n  "stages": [\n    {"id": "Greeting", "scripts": []}\n  ]\n}\n')
    const r = await ccx(['scripts', 'check', bad])
    expect(r.code).toBe(6)
    expect(r.stderr).toContain(`${bad}:3 stages[0].id`)
  })

  it('report scripts --json: verdict, numbers, reproducible with --seed', async () => {
    const args = [
      'report',
      'scripts',
      '--db',
      db,
      '--json',
      '--seed',
      '3',
      '--permutations',
      '99',
      '--bootstrap',
      '50',
      '--stratify',
      'agent',
    ]
    const r = await ccx(args)
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.verdict).toBe('concentrated')
    expect(out.calls).toBe(600)
    expect(out.test.stratify).toBe('agent')
    expect(
      out.concentration.topScripts
        .slice(0, 2)
        .map((s: {scriptId: string}) => s.scriptId)
        .sort(),
    ).toEqual(['close_assumptive', 'obj_price_value'])
    expect(out.callsToClose.customers).toBeGreaterThan(0)
    const again = (await ccx(args)).json()
    expect(again.test).toEqual(out.test)
    expect(again.concentration).toEqual(out.concentration)
  })

  it('scripts hits shows a call, recommend ranks a stage, --chart writes a spec', async () => {
    const hits = await ccx(['scripts', 'hits', 'T0000001', '--db', db, '--json'])
    expect(hits.code, hits.stderr).toBe(0)
    const h = hits.json()
    expect(h.hits.length).toBeGreaterThan(0)
    expect(h.turns[0].stage).toBe(h.stages[0].stage)
    const missing = await ccx(['scripts', 'hits', 'nope', '--db', db])
    expect(missing.code).toBe(5)
    const rec = await ccx(['scripts', 'recommend', '--stage', 'closing', '--db', db, '--json', '--segment', 'campaign=spring-printer'])
    expect(rec.code, rec.stderr).toBe(0)
    expect(rec.json().scripts[0].scriptId).toBe('close_assumptive')
    const chart = join(dir.path, 'scripts.vl.json')
    const c = await ccx(['report', 'scripts', '--db', db, '--permutations', '39', '--bootstrap', '10', '--chart', chart])
    expect(c.code, c.stderr).toBe(0)
    expect(c.stdout).toMatch(/Verdict: CONCENTRATED/)
    const {readFileSync} = await import('node:fs')
    expect(JSON.parse(readFileSync(chart, 'utf8')).vconcat).toHaveLength(3)
  })

  it('export report reads the script library of --config, as report scripts does', async () => {
    const {readFileSync} = await import('node:fs')
    // a library without close_urgency, named by a config file in another folder
    const library = JSON.parse(readFileSync(join(ROOT, 'defaults/scripts.json'), 'utf8'))
    for (const stage of library.stages) stage.scripts = stage.scripts.filter((s: {id: string}) => s.id !== 'close_urgency')
    writeFileSync(join(dir.path, 'my-scripts.json'), JSON.stringify(library))
    const config = join(dir.path, 'ccx.config.json')
    writeFileSync(config, JSON.stringify({files: {scripts: 'my-scripts.json'}}))
    const scripts = (
      await ccx(['report', 'scripts', '--db', db, '--config', config, '--json', '--permutations', '9', '--bootstrap', '5'])
    ).json()
    const ids = scripts.scripts.map((s: {scriptId: string}) => s.scriptId)
    expect(ids).toContain('close_assumptive')
    expect(ids).not.toContain('close_urgency')
    // the library is an input of the telesales pipeline: with another library its output is stale, and said so
    expect(scripts.stale).toEqual(['telesales'])
    const html = async (extra: string[]) => {
      const out = join(dir.path, `report-${extra.length}.html`)
      const r = await ccx(['export', 'report', '--db', db, '--out', out, '--charts', 'svg', '--json', ...extra])
      expect(r.code, r.stderr).toBe(0)
      return readFileSync(out, 'utf8')
    }
    expect(await html([])).toContain('close_urgency')
    const withConfig = await html(['--config', config])
    expect(withConfig).toContain('close_assumptive')
    expect(withConfig).not.toContain('close_urgency')
  }, 300_000)
})
