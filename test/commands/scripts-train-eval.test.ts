import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'
import {persuasionAsCalls, persuasionDialogs} from '../helpers/persuasion.js'

// The CLI on 40 real persuasion dialogs: train, evaluate, then the telesales pipeline with the model.
describe('ccx scripts train / scripts eval / run telesales with a model', () => {
  const dir = tempDir('ccx-scripts-train-')
  const labels = join(dir.path, 'labelled.csv')
  const model = join(dir.path, 'model.json')
  const library = join(ROOT, 'fixtures/persuasion/scripts.json')
  const speakers = 'persuader=agent,persuadee=customer'
  const {sentences, donated, dialogs} = persuasionDialogs()
  const chosen = dialogs.slice(0, 40)

  beforeAll(() => {
    const keep = new Set(chosen)
    const rows = ['dialog_id,role,turn,sentence,er_label_1,er_label_2']
    const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
    for (const s of sentences)
      if (keep.has(s.dialog_id)) rows.push([s.dialog_id, s.role, s.turn, s.sentence, s.er_label_1, s.er_label_2].map(q).join(','))
    writeFileSync(labels, rows.join('\n') + '\n')
  })
  afterAll(() => dir.cleanup())

  it('scripts train writes a model and says what it learnt', async () => {
    const r = await ccx(['scripts', 'train', '--labels', labels, '--scripts', library, '--speakers', speakers, '--out', model])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^Wrote .*model\.json: \d+ of 10 scripts learnt from \d+ utterances in 40 calls/m)
    const out = JSON.parse(readFileSync(model, 'utf8'))
    expect(out.training.calls).toBe(40)
    expect(out.scripts.map((s: {id: string}) => s.id)).toHaveLength(10)
    // Every strategy with ≥ 5 labelled sentences in these 40 dialogs is learnt, with a threshold in (0, 1].
    for (const s of out.scripts) {
      if (s.positives >= 5) {
        expect(s.detector, s.id).toBe('model')
        expect(s.threshold).toBeGreaterThan(0)
        expect(s.threshold).toBeLessThanOrEqual(1)
      } else expect(s.detector).toBe('phrasings')
    }
  }, 300_000)

  it('scripts eval holds out whole calls and reports per script, macro, confusion and the curve', async () => {
    const r = await ccx(['scripts', 'eval', '--labels', labels, '--scripts', library, '--speakers', speakers, '--seeds', '1,2', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.runs).toHaveLength(2)
    const run = out.runs[0]
    expect(run.testCalls).toBe(12)
    expect(run.trainCalls).toBe(28)
    expect(run.scripts).toHaveLength(10)
    expect(run.confusion.labels.at(-1)).toBe('none')
    expect(run.curve.map((p: {logitShift: number}) => p.logitShift)).toEqual([-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2])
    // Moving every threshold up never raises recall.
    for (let i = 1; i < run.curve.length; i++) expect(run.curve[i].recall).toBeLessThanOrEqual(run.curve[i - 1].recall + 1e-12)
    expect(out.summary.seeds).toEqual([1, 2])
    expect(out.summary.callRecall.mean).toBeCloseTo((out.runs[0].macro.call.recall + out.runs[1].macro.call.recall) / 2, 12)
    const bad = await ccx(['scripts', 'eval', '--labels', labels, '--seeds', 'one'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--seeds "one" must be whole numbers')
  }, 300_000)

  it('run telesales uses the configured model: hits on agent turns, scores on the matcher scale; a wrong library is refused', async () => {
    const db = join(dir.path, 'ccx.duckdb')
    const {callsCsv, transcriptsCsv} = persuasionAsCalls(chosen, sentences, (d) => donated.get(d) ?? false)
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
    await store.close()
    const config = join(dir.path, 'ccx.config.json')
    writeFileSync(config, JSON.stringify({files: {scripts: library, scriptModel: 'model.json'}}))
    const r = await ccx(['run', 'telesales', '--db', db, '--config', config, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const check = await Store.open(db, {readOnly: true})
    const hits = await check.all<{speaker: string; n: number; calls: number; low: number}>(
      `select speaker, count(*)::INTEGER as n, count(distinct call_id)::INTEGER as calls, min(score) as low from script_hits group by speaker`,
    )
    const scripts = await check.all<{script_id: string}>('select distinct script_id from script_hits order by 1')
    // every model script's best score per call is kept however low (the verdict's adjusted effects read them)
    const stored = await check.all<{low: number; perCall: number}>(
      `select min(score) as low, (count(*) / count(distinct call_id))::DOUBLE as perCall from call_script_scores`,
    )
    await check.close()
    expect(stored[0].low).toBeLessThan(0.57)
    expect(stored[0].perCall).toBeGreaterThan(8)
    const report = await ccx(['report', 'scripts', '--db', db, '--config', config, '--json', '--permutations', '99'])
    expect(report.code, report.stderr).toBe(0)
    expect(report.json().concentration.evidence).toBe('scores')
    expect(hits.map((h) => h.speaker)).toEqual(['agent'])
    expect(hits[0].calls).toBeGreaterThan(30)
    expect(hits[0].low).toBeGreaterThanOrEqual(0.62)
    expect(scripts.length).toBeGreaterThanOrEqual(8)

    writeFileSync(config, JSON.stringify({files: {scriptModel: 'model.json'}}))
    const wrong = await ccx(['run', 'telesales', '--db', db, '--config', config, '--force'])
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toContain('does not have with the same speaker')
  }, 300_000)
})
