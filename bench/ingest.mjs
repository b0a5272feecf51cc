// Ingest benchmark: `ccx ingest probe` vs DuckDB's own read_csv of the same file into a new database, each in its own
// process, alternated over rounds after a warm-up (bench/lib/rounds.mjs), at 5 M and 10 M events by default; then the
// same file with a mapping file (expressions, a value map, null markers) vs the plain ingest, the same way.
// Usage: npm run bench:ingest [-- --events 5000000,10000000 --rounds 3 --warmup 1 --seed 7 --keep]
// Targets (docs/metrics.md, Ingest): median wall ratio ccx / DuckDB ≤ 1.3; ccx peak RSS < 1.5 GB in every round;
// median wall ratio mapped / plain ≤ 1.15.
import {existsSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {writeBigProbeCsvApart} from './lib/probe-gen.mjs'
import {measure} from './lib/measure.mjs'
import {alternate, report} from './lib/rounds.mjs'
import {PROBE_EVENT_TYPES} from '../dist/vocab/events.js'

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? dflt : args[i + 1]
}
const sizes = String(opt('events', '5000000,10000000')).split(',').map(Number)
const seed = Number(opt('seed', 7))
const rounds = Math.max(1, Number(opt('rounds', 3)))
const warmup = Number(opt('warmup', 1))
const keep = args.includes('--keep')
const root = resolve(import.meta.dirname, '..')
const dir = mkdtempSync(join(opt('dir', tmpdir()), 'ccx-bench-ingest-'))
const RATIO = 1.3
const RSS_MB = 1536
const MAPPED_RATIO = 1.15

// The mapping file: two expressions, a value map of every probe event type (the one list, src/vocab/events.ts), null
// markers.
const mapFile = join(dir, 'probe.map.json')
writeFileSync(
  mapFile,
  JSON.stringify({
    $nulls: ['-', 'NULL'],
    visitor_id: {expr: "site || ':' || visitor_id"},
    member_id: {expr: "nullif(upper(member_id), '')"},
    type: {column: 'type', values: Object.fromEntries(PROBE_EVENT_TYPES.map((t) => [t, t]))},
    value: {column: 'value', nulls: ['n/a']},
  }),
)

function fresh(db) {
  for (const f of [db, `${db}.wal`]) rmSync(f, {force: true})
}

const results = []
try {
  for (const events of sizes) {
    const csv = join(dir, `probe_events_${events}.csv`)
    const t = Date.now()
    const gen = writeBigProbeCsvApart({path: csv, events, seed})
    console.error(`generated ${gen.events} events, ${(gen.bytes / 1e9).toFixed(2)} GB in ${((Date.now() - t) / 1000).toFixed(1)} s: ${csv}`)

    const bareDb = join(dir, 'bare.duckdb')
    const ccxDb = join(dir, 'ccx.duckdb')
    // DuckDB's bare load, in its own process like ccx (auto-detected read_csv into a table)
    const bareScript = `
      import {DuckDBInstance} from '@duckdb/node-api'
      const db = await DuckDBInstance.create(${JSON.stringify(bareDb)})
      const c = await db.connect()
      await c.run("create table t as select * from read_csv(${JSON.stringify(csv).replaceAll('"', "'")})")
      const n = (await c.runAndReadAll('select count(*) from t')).getRows()[0][0]
      c.closeSync(); db.closeSync()
      console.log(JSON.stringify({rows: Number(n)}))`
    const bare = async () => {
      fresh(bareDb)
      const r = await measure(process.execPath, ['--input-type=module', '-e', bareScript], {cwd: root})
      if (r.code !== 0) throw new Error(`duckdb bare load failed: ${r.stderr}`)
      if (JSON.parse(r.stdout).rows !== gen.events) throw new Error(`duckdb loaded ${r.stdout} of ${gen.events} events`)
      return r
    }
    const ingest = async (db, extra = []) => {
      fresh(db)
      const r = await measure(process.execPath, [join(root, 'bin/run.js'), 'ingest', 'probe', csv, '--db', db, ...extra, '--json'], {
        cwd: root,
        env: {...process.env, NO_COLOR: '1'},
      })
      if (r.code !== 0) throw new Error(`ccx ingest ${extra.join(' ')} failed (exit ${r.code}): ${r.stderr}`)
      const loaded = JSON.parse(r.stdout).totals.loaded
      if (loaded !== gen.events) throw new Error(`ccx ingest ${extra.join(' ')} loaded ${loaded} of ${gen.events} events`)
      return r
    }
    const ccx = () => ingest(ccxDb)
    const summary = await alternate({
      sides: [
        {name: 'ccx ingest probe', run: ccx},
        {name: 'DuckDB read_csv (bare)', run: bare},
      ],
      rounds,
      warmup,
    })
    const pass = summary.ratio.wall.median <= RATIO && summary.sides['ccx ingest probe'].peakRssMB.max < RSS_MB
    console.log(`\n${events.toLocaleString('en')} events (${(statSync(csv).size / 1e9).toFixed(2)} GB):`)
    console.log(report(summary))
    console.log(`target: median wall ratio ≤ ${RATIO}, ccx peak RSS < ${RSS_MB} MB in every round: ${pass ? 'PASS' : 'MISS'}`)
    const mappedDb = join(dir, 'mapped.duckdb')
    const mapped = await alternate({
      sides: [
        {name: 'ccx ingest probe --map-file', run: () => ingest(mappedDb, ['--map-file', mapFile])},
        {name: 'ccx ingest probe', run: ccx},
      ],
      rounds,
      warmup,
    })
    const mappedPass = mapped.ratio.wall.median <= MAPPED_RATIO
    console.log(report(mapped))
    console.log(`target: median wall ratio mapped / plain ≤ ${MAPPED_RATIO}: ${mappedPass ? 'PASS' : 'MISS'}`)
    fresh(mappedDb)
    results.push({events, fileGB: +(statSync(csv).size / 1e9).toFixed(2), ...summary, mapped, pass: pass && mappedPass})
    fresh(bareDb)
    fresh(ccxDb)
    if (!keep) rmSync(csv, {force: true})
  }
  console.log(JSON.stringify({bench: 'ingest', results}))
  process.exitCode = results.every((r) => r.pass) ? 0 : 1
} finally {
  if (!keep && existsSync(dir)) rmSync(dir, {recursive: true, force: true})
  else if (keep) console.error(`kept ${dir}`)
}
