// Normalize speed: on the benchmark probe data (default 5 million events, bench/lib/probe-gen.mjs), time the
// ingest and then `ccx run intents identities` (normalize + classify + identity: those and their upstream) on the same
// database, in the same run (in rounds, default 2), and print the ratio run / ingest. Target: ≤ 1.5. Every other pipeline runs after
// it, for information.
// Usage: npm run bench:normalize [-- --events 5000000 --seed 42 --rounds 2 --keep /tmp/bench-normalize]
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {performance} from 'node:perf_hooks'
import {writeBigProbeCsvApart} from './lib/probe-gen.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const RUN_JS = join(ROOT, 'bin/run.js')
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const EVENTS = Number(arg('events', process.env.BENCH_EVENTS ?? 5_000_000))
const SEED = Number(arg('seed', 42))
const KEEP = arg('keep')
const dir = KEEP ?? mkdtempSync(join(tmpdir(), 'ccx-bench-normalize-'))
mkdirSync(dir, {recursive: true})
const csv = join(dir, 'probe_events.csv')
const db = join(dir, 'bench.duckdb')
for (const f of [db, `${db}.wal`]) rmSync(f, {force: true})

function ccx(args) {
  const t = performance.now()
  let out
  let failed = null
  try {
    out = execFileSync(process.execPath, [RUN_JS, ...args, '--db', db, '--json'], {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    // a failing pipeline (not ours) must not hide the timings of the others
    out = error.stdout
    failed = JSON.parse(out || '{}').error?.message ?? String(error)
  }
  return {seconds: (performance.now() - t) / 1000, json: JSON.parse(out || '{}'), failed}
}

async function pipelineTimes() {
  const {Store} = await import('../dist/store/store.js')
  const store = await Store.open(db, {readOnly: true})
  try {
    return await store.all('select pipeline, status, duration_ms, message from pipeline_state order by finished_at')
  } finally {
    await store.close()
  }
}

const t = performance.now()
if (!existsSync(csv) || !KEEP) writeBigProbeCsvApart({path: csv, events: EVENTS, seed: SEED})
console.log(`data: ${EVENTS.toLocaleString('en')} probe events in ${csv} (${((performance.now() - t) / 1000).toFixed(1)} s to write)`)

// Rounds of (ingest into a new database, then normalize + classify): the machine is shared, so a slow spell weighs on
// both sides of the ratio instead of on whichever ran during it. The ratio is total run time / total ingest time.
const ROUNDS = Math.max(1, Number(arg('rounds', process.env.BENCH_ROUNDS ?? 2)))
let ingestTotal = 0
let runTotal = 0
for (let round = 1; round <= ROUNDS; round++) {
  for (const f of [db, `${db}.wal`]) rmSync(f, {force: true})
  const ingest = ccx(['ingest', 'probe', csv])
  // a ratio against an ingest that loaded nothing means nothing
  if (ingest.failed || !(ingest.json.totals?.loaded > 0))
    throw new Error(`ccx ingest probe loaded no rows: ${ingest.failed ?? JSON.stringify(ingest.json.totals)}`)
  // The target is normalize + classify + identity: `ccx run intents identities` runs exactly that (and normalize).
  const run = ccx(['run', 'intents', 'identities'])
  if (run.failed) throw new Error(`ccx run intents identities failed: ${run.failed}`)
  ingestTotal += ingest.seconds
  runTotal += run.seconds
  console.log(
    `round ${round}: ingest ${ingest.seconds.toFixed(1)} s (ccx ingest probe); normalize + classify + identity ${run.seconds.toFixed(1)} s (ccx run intents identities); ratio ${(run.seconds / ingest.seconds).toFixed(2)}`,
  )
  for (const o of await pipelineTimes())
    console.log(
      `  ${o.pipeline.padEnd(20)} ${o.status.padEnd(8)} ${(o.duration_ms / 1000).toFixed(1).padStart(6)} s  ${(o.message ?? '').slice(0, 90)}`,
    )
}
const ratio = runTotal / ingestTotal
console.log(
  `ratio (normalize + classify + identity) / ingest = ${ratio.toFixed(2)} over ${ROUNDS} round(s): ${runTotal.toFixed(1)} s / ${ingestTotal.toFixed(1)} s (target ≤ 1.5)`,
)

// For information: the other pipelines (not part of the target) on the same data.
const rest = ccx(['run'])
console.log(`then the other pipelines (ccx run): ${rest.seconds.toFixed(1)} s${rest.failed ? ` — exited with: ${rest.failed}` : ''}`)
for (const o of await pipelineTimes()) {
  if (o.pipeline !== 'normalize' && o.pipeline !== 'intents' && o.pipeline !== 'identities')
    console.log(
      `  ${o.pipeline.padEnd(20)} ${o.status.padEnd(8)} ${(o.duration_ms / 1000).toFixed(1).padStart(6)} s  ${(o.message ?? '').slice(0, 90)}`,
    )
}

const rerun = ccx(['run'])
console.log(`re-run with unchanged inputs: ${rerun.seconds.toFixed(1)} s`)
if (!KEEP) rmSync(dir, {recursive: true, force: true})
process.exitCode = ratio <= 1.5 ? 0 : 1
