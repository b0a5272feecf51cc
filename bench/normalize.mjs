// Normalize speed and memory: on the benchmark probe data (bench/lib/probe-gen.mjs), `ccx run intents identities`
// (normalize + classify + identity: those and their upstream) against `ccx ingest probe` of the same file, alternated over
// rounds after a warm-up (bench/lib/rounds.mjs): the run side starts from a copy of an ingested database
// (written to disk before the clock starts: copyToDisk), the ingest side
// from an empty one. Then, for memory only, one ingest and one run at the --rss sizes. Every other pipeline runs after
// it, for information.
// Usage: npm run bench:normalize [-- --events 5000000,10000000 --rss 20000000 --rounds 3 --warmup 1 --seed 42 --keep DIR]
// Targets: median wall ratio run / ingest ≤ 1.5; peak RSS of ingest and of the run < 1.5 GB at every size.
import {existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {writeBigProbeCsvApart} from './lib/probe-gen.mjs'
import {copyToDisk, measure} from './lib/measure.mjs'
import {alternate, machine, report} from './lib/rounds.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const RUN_JS = join(ROOT, 'bin/run.js')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const SIZES = String(arg('events', process.env.BENCH_EVENTS ?? '5000000,10000000'))
  .split(',')
  .filter(Boolean)
  .map(Number)
const RSS_SIZES = String(arg('rss', '20000000')).split(',').filter(Boolean).map(Number)
const SEED = Number(arg('seed', 42))
const ROUNDS = Math.max(1, Number(arg('rounds', 3)))
const WARMUP = Number(arg('warmup', 1))
const KEEP = arg('keep')
const RATIO = 1.5
const RSS_MB = 1536
const dir = KEEP ?? mkdtempSync(join(tmpdir(), 'ccx-bench-normalize-'))
mkdirSync(dir, {recursive: true})

const fresh = (db) => {
  for (const f of [db, `${db}.wal`]) rmSync(f, {force: true})
}

async function ccx(db, args) {
  const r = await measure(process.execPath, [RUN_JS, ...args, '--db', db, '--json'], {cwd: dir, env: {...process.env, NO_COLOR: '1'}})
  r.json = JSON.parse(r.stdout || '{}')
  if (r.code !== 0) r.failed = r.json.error?.message ?? r.stderr.slice(-2000)
  return r
}

async function pipelineTimes(db) {
  const {Store} = await import('../dist/store/store.js')
  const store = await Store.open(db, {readOnly: true})
  try {
    return await store.all('select pipeline, status, duration_ms, message from pipeline_state order by finished_at')
  } finally {
    await store.close()
  }
}
const show = (o) =>
  `  ${o.pipeline.padEnd(20)} ${o.status.padEnd(8)} ${(o.duration_ms / 1000).toFixed(1).padStart(6)} s  ${(o.message ?? '').slice(0, 90)}`

async function ingest(csv, db) {
  fresh(db)
  const r = await ccx(db, ['ingest', 'probe', csv])
  // a ratio against an ingest that loaded nothing means nothing
  if (r.failed || !(r.json.totals?.loaded > 0))
    throw new Error(`ccx ingest probe loaded no rows: ${r.failed ?? JSON.stringify(r.json.totals)}`)
  return r
}

const results = []
for (const events of [...SIZES, ...RSS_SIZES]) {
  const rssOnly = !SIZES.includes(events)
  const csv = join(dir, `probe_events_${events}.csv`)
  const t = performance.now()
  if (!existsSync(csv) || !KEEP) writeBigProbeCsvApart({path: csv, events, seed: SEED})
  console.log(`\ndata: ${events.toLocaleString('en')} probe events in ${csv} (${((performance.now() - t) / 1000).toFixed(1)} s to write)`)
  const ingested = join(dir, 'ingested.duckdb')
  const runDb = join(dir, 'run.duckdb')
  const ingestDb = join(dir, 'ingest.duckdb')
  await ingest(csv, ingested)
  // the target is normalize + classify + identity: `ccx run intents identities` runs exactly that (and normalize)
  const run = async () => {
    fresh(runDb)
    copyToDisk(ingested, runDb)
    const r = await ccx(runDb, ['run', 'intents', 'identities'])
    if (r.failed) throw new Error(`ccx run intents identities failed: ${r.failed}`)
    return r
  }
  if (rssOnly) {
    const before = machine()
    const i = await ingest(csv, ingestDb)
    const r = await run()
    const pass = i.peakRssMb < RSS_MB && r.peakRssMb < RSS_MB
    results.push({events, rssOnly, load: before, ingestPeakRssMB: Math.round(i.peakRssMb), runPeakRssMB: Math.round(r.peakRssMb), pass})
    console.log(
      `one round (load ${before.load1}): ingest ${(i.ms / 1000).toFixed(1)} s, peak RSS ${Math.round(i.peakRssMb)} MB; ` +
        `normalize + classify + identity ${(r.ms / 1000).toFixed(1)} s, peak RSS ${Math.round(r.peakRssMb)} MB; ` +
        `target both < ${RSS_MB} MB: ${pass ? 'PASS' : 'MISS'}`,
    )
  } else {
    const summary = await alternate({
      sides: [
        {name: 'normalize + classify + identity', run},
        {name: 'ccx ingest probe', run: () => ingest(csv, ingestDb)},
      ],
      rounds: ROUNDS,
      warmup: WARMUP,
    })
    const s = summary.sides
    const pass =
      summary.ratio.wall.median <= RATIO &&
      s['normalize + classify + identity'].peakRssMB.max < RSS_MB &&
      s['ccx ingest probe'].peakRssMB.max < RSS_MB
    results.push({events, ...summary, pass})
    console.log(report(summary))
    console.log(`target: median wall ratio ≤ ${RATIO}, peak RSS of both < ${RSS_MB} MB in every round: ${pass ? 'PASS' : 'MISS'}`)
    for (const o of await pipelineTimes(runDb)) console.log(show(o))
    if (events === SIZES[0]) {
      // for information: the other pipelines (not part of the target) on the same data, then a run with nothing new
      const rest = await ccx(runDb, ['run'])
      console.log(
        `then the other pipelines (ccx run): ${(rest.ms / 1000).toFixed(1)} s${rest.failed ? ` — exited with: ${rest.failed}` : ''}`,
      )
      for (const o of await pipelineTimes(runDb)) if (!['normalize', 'intents', 'identities'].includes(o.pipeline)) console.log(show(o))
      const rerun = await ccx(runDb, ['run'])
      console.log(`re-run with unchanged inputs: ${(rerun.ms / 1000).toFixed(1)} s`)
    }
  }
  for (const db of [ingested, runDb, ingestDb]) fresh(db)
  if (!KEEP) rmSync(csv, {force: true})
}
console.log(JSON.stringify({bench: 'normalize', results}))
if (!KEEP) rmSync(dir, {recursive: true, force: true})
process.exitCode = results.every((r) => r.pass) ? 0 : 1
