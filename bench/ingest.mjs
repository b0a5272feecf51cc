// Ingest benchmark: ccx ingest probe vs DuckDB's own read_csv of the same file, in one run; then the same file with a
// mapping file (expressions, a value map, null markers) vs the plain ingest.
// Usage: npm run bench:ingest [-- --events 5000000 --seed 7 --keep]
// Targets: ccx wall time <= 1.5x DuckDB's bare load; ccx peak RSS < 1.5 GB; mapped ingest <= 1.15x the plain one.
import {existsSync, mkdtempSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {writeBigProbeCsvApart} from './lib/probe-gen.mjs'
import {measure} from './lib/measure.mjs'

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? dflt : args[i + 1]
}
const events = Number(opt('events', 5_000_000))
const seed = Number(opt('seed', 7))
const keep = args.includes('--keep')
const root = resolve(import.meta.dirname, '..')
const dir = mkdtempSync(join(opt('dir', tmpdir()), 'ccx-bench-ingest-'))
const csv = join(dir, 'probe_events.csv')

try {
  const t = Date.now()
  const gen = writeBigProbeCsvApart({path: csv, events, seed})
  console.error(`generated ${gen.events} events, ${(gen.bytes / 1e9).toFixed(2)} GB in ${((Date.now() - t) / 1000).toFixed(1)} s: ${csv}`)

  // DuckDB's bare load, in its own process like ccx (auto-detected read_csv into a table).
  const bareScript = `
    import {DuckDBInstance} from '@duckdb/node-api'
    const db = await DuckDBInstance.create(${JSON.stringify(join(dir, 'bare.duckdb'))})
    const c = await db.connect()
    const t0 = performance.now()
    await c.run("create table t as select * from read_csv(${JSON.stringify(csv).replaceAll('"', "'")})")
    const ms = performance.now() - t0
    const n = (await c.runAndReadAll('select count(*) from t')).getRows()[0][0]
    c.closeSync(); db.closeSync()
    console.log(JSON.stringify({ms, rows: Number(n)}))`
  const bare = await measure(process.execPath, ['--input-type=module', '-e', bareScript], {cwd: root})
  if (bare.code !== 0) throw new Error(`duckdb bare load failed: ${bare.stderr}`)
  const bareOut = JSON.parse(bare.stdout)

  const db = join(dir, 'ccx.duckdb')
  const ccx = await measure(process.execPath, [join(root, 'bin/run.js'), 'ingest', 'probe', csv, '--db', db, '--json'], {
    cwd: root,
    env: {...process.env, NO_COLOR: '1'},
  })
  if (ccx.code !== 0) throw new Error(`ccx ingest failed (exit ${ccx.code}): ${ccx.stderr}`)
  const result = JSON.parse(ccx.stdout)
  if (result.totals.loaded !== gen.events) throw new Error(`ccx loaded ${result.totals.loaded} of ${gen.events} events`)

  // The same file through a mapping file: two expressions, a value map of the 13 event types, null markers.
  const mapFile = join(dir, 'probe.map.json')
  const types = [
    'pageview',
    'heartbeat',
    'click',
    'invite_shown',
    'invite_accepted',
    'invite_declined',
    'chat_request',
    'chat_start',
    'lead',
    'register',
    'message',
    'identify',
    'order',
  ]
  writeFileSync(
    mapFile,
    JSON.stringify({
      $nulls: ['-', 'NULL'],
      visitor_id: {expr: "site || ':' || visitor_id"},
      member_id: {expr: "nullif(upper(member_id), '')"},
      type: {column: 'type', values: Object.fromEntries(types.map((t) => [t, t]))},
      value: {column: 'value', nulls: ['n/a']},
    }),
  )
  const mappedDb = join(dir, 'mapped.duckdb')
  const mapped = await measure(
    process.execPath,
    [join(root, 'bin/run.js'), 'ingest', 'probe', csv, '--db', mappedDb, '--map-file', mapFile, '--json'],
    {
      cwd: root,
      env: {...process.env, NO_COLOR: '1'},
    },
  )
  if (mapped.code !== 0) throw new Error(`ccx ingest with a mapping file failed (exit ${mapped.code}): ${mapped.stderr}`)
  const mappedResult = JSON.parse(mapped.stdout)
  if (mappedResult.totals.loaded !== gen.events)
    throw new Error(`mapped ingest loaded ${mappedResult.totals.loaded} of ${gen.events} events`)

  const ratio = ccx.ms / bare.ms
  const mappedRatio = mapped.ms / ccx.ms
  const summary = {
    events: gen.events,
    fileGB: +(statSync(csv).size / 1e9).toFixed(2),
    duckdbBareSeconds: +(bare.ms / 1000).toFixed(2),
    duckdbBareQuerySeconds: +(bareOut.ms / 1000).toFixed(2),
    duckdbBarePeakRssMB: Math.round(bare.peakRssMb),
    ccxSeconds: +(ccx.ms / 1000).toFixed(2),
    ratio: +ratio.toFixed(2),
    ccxPeakRssMB: Math.round(ccx.peakRssMb),
    ccx: result.totals,
    mappedSeconds: +(mapped.ms / 1000).toFixed(2),
    mappedPeakRssMB: Math.round(mapped.peakRssMb),
    mappedRatio: +mappedRatio.toFixed(2),
    target: 'ratio <= 1.5, ccx peak RSS < 1536 MB, mapped / plain <= 1.15',
    pass: ratio <= 1.5 && ccx.peakRssMb < 1536 && mappedRatio <= 1.15,
  }
  console.log(
    `DuckDB read_csv (bare, own process): ${summary.duckdbBareSeconds} s (query ${summary.duckdbBareQuerySeconds} s), peak RSS ${summary.duckdbBarePeakRssMB} MB`,
  )
  console.log(`ccx ingest probe:                    ${summary.ccxSeconds} s, peak RSS ${summary.ccxPeakRssMB} MB`)
  console.log(
    `ccx ingest probe --map-file (expressions, value map, nulls): ${summary.mappedSeconds} s, peak RSS ${summary.mappedPeakRssMB} MB`,
  )
  console.log(`ratio ccx / DuckDB: ${summary.ratio} (target <= 1.5)  ${ratio <= 1.5 && ccx.peakRssMb < 1536 ? 'PASS' : 'MISS'}`)
  console.log(`ratio mapped / plain: ${summary.mappedRatio} (target <= 1.15)  ${mappedRatio <= 1.15 ? 'PASS' : 'MISS'}`)
  console.log(JSON.stringify(summary))
} finally {
  if (!keep && existsSync(dir)) rmSync(dir, {recursive: true, force: true})
  else if (keep) console.error(`kept ${dir}`)
}
