// Incremental runs: the cost of `ccx run` grows with the new data, not with the history. One day of 1 M new probe events
// (new visitors, and a third of the sessions from visitors the history already holds) is loaded on top of a history of
// 5 M (and 10 M) events that was already run; the run that follows is timed against the run of the same 1 M events
// loaded into an empty database (the first 1 M), alternated over rounds after a warm-up (bench/lib/rounds.mjs). Only
// `ccx run` is timed (each side's copy and ingest come before). For information, one full rebuild (`ccx run --full`) of
// the history + the day follows.
// Usage: npm run bench:incremental [-- --base 5000000,10000000 --day 1000000 --rounds 3 --warmup 1 --seed 5 --keep]
// Target (docs/architecture.md "Incremental runs"): median wall ratio (+1 M on the history) / (first 1 M) ≤ 1.5 at
// every history size, and peak RSS < 1.5 GB.
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {writeBigProbeCsvApart} from './lib/probe-gen.mjs'
import {copyToDisk, measure} from './lib/measure.mjs'
import {alternate, report} from './lib/rounds.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const RUN_JS = join(ROOT, 'bin/run.js')
const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? dflt : args[i + 1]
}
const BASES = String(opt('base', '5000000,10000000')).split(',').map(Number)
const DAY = Number(opt('day', 1_000_000))
const SEED = Number(opt('seed', 5))
const ROUNDS = Math.max(1, Number(opt('rounds', 3)))
const WARMUP = Number(opt('warmup', 1))
const keep = args.includes('--keep')
const PIPELINES = ['normalize', 'identities', 'intents', 'marketing-marts', 'scenarios']
const RATIO = 1.5
const RSS_MB = 1536
const dir = mkdtempSync(join(opt('dir', tmpdir()), 'ccx-bench-incremental-'))

const fresh = (db) => {
  for (const f of [db, `${db}.wal`]) rmSync(f, {force: true})
}
async function ccx(db, command) {
  const r = await measure(process.execPath, [RUN_JS, ...command, '--db', db, '--json'], {cwd: dir, env: {...process.env, NO_COLOR: '1'}})
  if (r.code !== 0) throw new Error(`ccx ${command.join(' ')} failed (exit ${r.code}): ${r.stderr.slice(-2000)}`)
  r.json = JSON.parse(r.stdout)
  return r
}
const modes = (r) => r.json.outcomes.map((o) => `${o.pipeline} ${o.mode ?? o.status}`).join(', ')

const results = []
try {
  for (const base of BASES) {
    const baseVisitors = Math.max(1000, Math.floor(base / 20))
    const history = join(dir, `history_${base}.csv`)
    const day = join(dir, `day_${base}.csv`)
    writeBigProbeCsvApart({path: history, events: base, seed: SEED, start: '2026-01-05T00:00:00Z', days: 30})
    writeBigProbeCsvApart({
      path: day,
      events: DAY,
      seed: SEED + 1,
      start: '2026-02-04T00:00:00Z',
      days: 1,
      visitorOffset: baseVisitors,
      returning: {count: baseVisitors, share: 1 / 3},
    })
    const historyDb = join(dir, 'history.duckdb')
    fresh(historyDb)
    await ccx(historyDb, ['ingest', 'probe', history])
    const first = await ccx(historyDb, ['run', ...PIPELINES])
    console.log(
      `\nhistory: ${base.toLocaleString('en')} events, run in ${(first.ms / 1000).toFixed(1)} s; the day: ${DAY.toLocaleString('en')} events`,
    )

    const onTop = join(dir, 'on-top.duckdb')
    const empty = join(dir, 'empty.duckdb')
    const summary = await alternate({
      sides: [
        {
          name: `+${DAY / 1e6} M on ${base / 1e6} M (incremental)`,
          run: async () => {
            fresh(onTop)
            copyToDisk(historyDb, onTop)
            await ccx(onTop, ['ingest', 'probe', day])
            const r = await ccx(onTop, ['run', ...PIPELINES])
            const notIncremental = r.json.outcomes.filter((o) => PIPELINES.includes(o.pipeline) && o.mode !== 'incremental')
            if (notIncremental.length > 0) throw new Error(`not incremental: ${modes(r)}`)
            return r
          },
        },
        {
          name: `first ${DAY / 1e6} M (empty database)`,
          run: async () => {
            fresh(empty)
            await ccx(empty, ['ingest', 'probe', day])
            return ccx(empty, ['run', ...PIPELINES])
          },
        },
      ],
      rounds: ROUNDS,
      warmup: WARMUP,
    })
    console.log(report(summary))
    const full = await ccx(onTop, ['run', ...PIPELINES, '--full'])
    console.log(
      `for information, a full rebuild of the ${(base + DAY).toLocaleString('en')} events (ccx run --full): ${(full.ms / 1000).toFixed(1)} s, cpu ${(full.cpuMs / 1000).toFixed(1)} s, peak RSS ${Math.round(full.peakRssMb)} MB`,
    )
    const incr = summary.sides[`+${DAY / 1e6} M on ${base / 1e6} M (incremental)`]
    const pass = summary.ratio.wall.median <= RATIO && incr.peakRssMB.max < RSS_MB
    console.log(`target: median wall ratio ≤ ${RATIO}, peak RSS < ${RSS_MB} MB: ${pass ? 'PASS' : 'MISS'}`)
    results.push({
      base,
      day: DAY,
      ...summary,
      fullRebuild: {wallS: +(full.ms / 1000).toFixed(2), cpuS: +(full.cpuMs / 1000).toFixed(2)},
      pass,
    })
    for (const db of [historyDb, onTop, empty]) fresh(db)
    if (!keep) for (const f of [history, day]) rmSync(f, {force: true})
  }
  console.log(JSON.stringify({bench: 'incremental', results}))
  process.exitCode = results.every((r) => r.pass) ? 0 : 1
} finally {
  if (!keep && existsSync(dir)) rmSync(dir, {recursive: true, force: true})
  else if (keep) console.error(`kept ${dir}`)
}
