// Telesales scripts benchmark: N simulated calls with transcripts → DuckDB → telesales pipeline → report.
// Usage: npm run bench:scripts   (BENCH_CALLS=100000 by default; target: ingest + pipeline + report < 60 s)
// The pipeline uses a script model trained (not timed) on 500 other simulated calls; BENCH_NO_MODEL=1 runs the
// phrasing matcher alone.
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const dist = new URL('../dist/', import.meta.url)
const load = (p) => import(new URL(p, dist).href)
const N = Number(process.env.BENCH_CALLS ?? 100_000)
const {loadLibrary} = await load('telesales/library.js')
const {simulateCalls, toCsv, toLabelledCsv} = await load('telesales/simulate.js')
const {Store} = await load('store/store.js')
const {loadConfig} = await load('config/load.js')
const {runPipelines} = await load('pipelines/runner.js')
const {default: pipeline} = await load('pipelines/telesales/pipeline.js')
const {loadAnalysisCalls, loadCallsToClose, loadScriptScores} = await load('telesales/load.js')
const {analyzeScripts} = await load('reports/telesales/analysis.js')
const {callsToCloseSummary} = await load('reports/telesales/stats.js')

const dir = mkdtempSync(join(tmpdir(), 'ccx-bench-scripts-'))
// Wall time, and CPU time of this process (all threads, DuckDB's included): the machine may be shared.
let cpuMark = process.cpuUsage()
const ms = (t) => {
  const cpu = process.cpuUsage(cpuMark)
  cpuMark = process.cpuUsage()
  return `${((performance.now() - t) / 1000).toFixed(2)} s (cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s)`
}
try {
  let t = performance.now()
  const library = loadLibrary()
  const sim = simulateCalls(library, {calls: N, seed: 42, mode: 'planted'})
  const {callsCsv, transcriptsCsv} = toCsv(sim)
  writeFileSync(join(dir, 'calls.csv'), callsCsv)
  writeFileSync(join(dir, 'transcripts.csv'), transcriptsCsv)
  console.log(`generated ${sim.calls.length} calls, ${sim.turns.length} turns in ${ms(t)} (not counted)`)
  if (!process.env.BENCH_NO_MODEL) {
    t = performance.now()
    const {readLabelledUtterances} = await load('telesales/model/labels.js')
    const {trainScriptModel, DEFAULT_TRAIN} = await load('telesales/model/train.js')
    const {createJiebaTokenizer} = await load('telesales/text.js')
    writeFileSync(join(dir, 'labelled.csv'), toLabelledCsv(simulateCalls(library, {calls: 500, seed: 7, mode: 'planted'})))
    const data = readLabelledUtterances(join(dir, 'labelled.csv'))
    const {model} = trainScriptModel(
      {file: 'labelled.csv', utterances: data.utterances},
      library,
      DEFAULT_TRAIN,
      await createJiebaTokenizer(),
    )
    writeFileSync(join(dir, 'script-model.json'), JSON.stringify(model))
    writeFileSync(join(dir, 'ccx.config.json'), JSON.stringify({files: {scriptModel: 'script-model.json'}}))
    const learnt = model.scripts.filter((s) => s.detector === 'model').length
    console.log(`trained a script model (${learnt} scripts learnt, ${model.weights.rows} weight rows) in ${ms(t)} (not counted)`)
  }

  const total = performance.now()
  const cpuStart = process.cpuUsage()
  cpuMark = process.cpuUsage()
  t = performance.now()
  const store = await Store.open(join(dir, 'bench.duckdb'))
  let how = 'read_csv'
  const servicePath = new URL('ingest/service.js', dist)
  if (existsSync(servicePath) && !process.env.BENCH_RAW_CSV) {
    try {
      const {ingestFiles} = await import(servicePath.href)
      await ingestFiles(store, {source: 'calls', paths: [join(dir, 'calls.csv')]})
      await ingestFiles(store, {source: 'transcripts', paths: [join(dir, 'transcripts.csv')]})
      how = 'ingestFiles'
    } catch (error) {
      console.log(`ingest service failed (${error.message}); falling back to read_csv`)
    }
  }
  if (how === 'read_csv') {
    await store.run(`delete from raw_calls; delete from raw_transcript_turns`)
    await store.run(`insert into raw_calls (call_id, site, direction, queue, agent_id, customer_id, offered_at, answered_at, ended_at, disposition, outcome, campaign, ingest_id)
      select call_id, site, direction, queue, agent_id, customer_id, offered_at, answered_at, ended_at, disposition, outcome, campaign, 0
      from read_csv('${join(dir, 'calls.csv')}', header = true, all_varchar = false)`)
    await store.run(`insert into raw_transcript_turns (call_id, turn_no, speaker, start_ms, end_ms, text, confidence, ingest_id)
      select call_id, turn_no, speaker, start_ms, end_ms, text, confidence, 0 from read_csv('${join(dir, 'transcripts.csv')}', header = true)`)
    for (const table of ['raw_calls', 'raw_transcript_turns']) await store.bumpTableVersion(table)
  }
  const turns = await store.scalar('select count(*) from raw_transcript_turns')
  console.log(`ingest (${how}): ${turns} turns in ${ms(t)}`)

  const analyse = performance.now()
  t = performance.now()
  const config = loadConfig(undefined, dir)
  const [outcome] = await runPipelines([pipeline], {store, config, log: (m) => process.env.BENCH_VERBOSE && console.log(m)}, {force: true})
  if (outcome.status !== 'ran') throw new Error(`pipeline ${outcome.status}: ${outcome.message}`)
  console.log(`pipeline telesales: ${outcome.message} in ${ms(t)}`)

  t = performance.now()
  // as `report scripts` does: every call's detector scores feed the adjusted effects
  const scores = await loadScriptScores(store)
  const calls = (await loadAnalysisCalls(store)).map((c) => ({...c, scores: scores?.get(c.callId) ?? new Map()}))
  const analysis = analyzeScripts(library, calls, {seed: 1, permutations: 199, bootstrap: 100})
  const ctc = callsToCloseSummary((await loadCallsToClose(store)).histogram)
  console.log(
    `report: ${analysis.calls} calls, verdict ${analysis.verdict} (p ${analysis.test.pValue.toFixed(3)}, top-${analysis.concentration.k} share ${(analysis.concentration.topKShare * 100).toFixed(0)}%: ${analysis.concentration.topScripts
      .slice(0, 2)
      .map((s) => s.scriptId)
      .join(', ')}), calls-to-close median ${ctc.median} in ${ms(t)}`,
  )
  const seconds = (performance.now() - total) / 1000
  const cpu = process.cpuUsage(cpuStart)
  console.log(`pipeline + report: ${((performance.now() - analyse) / 1000).toFixed(2)} s`)
  console.log(
    `TOTAL ingest + pipeline + report: ${seconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s cpu, for ${N} calls (target < 60 s) ${seconds < 60 ? 'OK' : 'SLOW'}`,
  )
  await store.close()
} finally {
  rmSync(dir, {recursive: true, force: true})
}
