// DuckDB against the ClickHouse warehouse (issue #20 item 6): on the same N probe events (default 10 M), ingested and
// run into DuckDB as `ccx ingest` + `ccx run` make them and published with `ccx warehouse publish` to a one-shard and a
// two-shard clickhouse-server cluster on loopback (bench/lib/clickhouse-cluster.mjs), the funnel by keyword and the
// keyword conversion report, DuckDB vs ClickHouse, alternated over rounds after a warm-up (bench/lib/rounds.mjs).
// Both sides return the same rows (checked once before timing). CPU: this process (DuckDB's threads) plus the CPU
// time of the clickhouse-server processes (/proc/<pid>/stat); peak RSS: this process / the servers.
// Usage: npm run bench:warehouse [-- --events 10000000 --seed 42 --rounds 3 --keep /tmp/bench-warehouse (reuse the data)]
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {isDeepStrictEqual} from 'node:util'
import {Store} from '../dist/store/store.js'
import {funnelReport} from '../dist/reports/marketing/funnel.js'
import {keywordReport} from '../dist/reports/marketing/keywords.js'
import {funnelWarehouse, keywordsWarehouse} from '../dist/reports/marketing/warehouse.js'
import {openWarehouse, publish} from '../dist/warehouse/service.js'
import {startClickHouseCluster} from './lib/clickhouse-cluster.mjs'
import {writeBigProbeCsvApart} from './lib/probe-gen.mjs'
import {alternate, report} from './lib/rounds.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const EVENTS = Number(arg('events', 10_000_000))
const SEED = Number(arg('seed', 42))
const ROUNDS = Math.max(1, Number(arg('rounds', 3)))
const KEEP = arg('keep')
const dir = KEEP ?? join(tmpdir(), `ccx-bench-warehouse-${process.pid}`)
mkdirSync(dir, {recursive: true})
const db = join(dir, 'ccx.duckdb')
const RUN = join(import.meta.dirname, '../bin/run.js')
const log = (m) => console.error(m)

if (!existsSync(db)) {
  const csv = join(dir, 'probe.csv')
  log(`generating ${EVENTS} events…`)
  writeBigProbeCsvApart({path: csv, events: EVENTS, seed: SEED})
  log('ccx ingest probe + ccx run normalize marketing-marts…')
  execFileSync(process.execPath, [RUN, 'ingest', 'probe', csv, '--db', db], {stdio: ['ignore', 'ignore', 'inherit']})
  execFileSync(process.execPath, [RUN, 'run', 'normalize', 'marketing-marts', '--db', db], {stdio: ['ignore', 'ignore', 'inherit']})
  rmSync(csv)
}

/** user + system CPU ms of processes (clickhouse-server: its query threads are its own). */
function cpuMsOf(pids) {
  let ticks = 0
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    ticks += Number(fields[11]) + Number(fields[12])
  }
  return ticks * 10 // USER_HZ = 100
}
function rssMbOf(pids) {
  return pids.reduce((mb, pid) => mb + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024, 0)
}

const store = await Store.open(db, {readOnly: true})
const clusters = {one: await startClickHouseCluster(1), two: await startClickHouseCluster(2)}
try {
  const warehouses = {}
  for (const [name, c] of Object.entries(clusters)) {
    const wh = openWarehouse({warehouse: {clickhouse: {url: c.url, cluster: c.cluster, shards: c.shardUrls, database: 'default'}}})
    const t0 = performance.now()
    const published = await publish(store, wh, {log: () => {}})
    log(`published ${published.rows} rows to ${c.shardUrls.length} shard(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    warehouses[name] = wh
  }
  const queries = {
    'funnel by keyword': {
      duck: () => funnelReport(store, {breakdown: ['keyword']}),
      ch: (wh) => funnelWarehouse(wh, {breakdown: ['keyword']}),
    },
    'keyword conversion': {duck: () => keywordReport(store, {benchmarks: []}), ch: (wh) => keywordsWarehouse(wh, {benchmarks: []})},
  }
  const duckSide = (fn) => ({
    name: 'DuckDB',
    run: async () => {
      const c0 = process.cpuUsage()
      const t0 = performance.now()
      await fn()
      const ms = performance.now() - t0
      const c = process.cpuUsage(c0)
      return {ms, cpuMs: (c.user + c.system) / 1000, peakRssMb: process.memoryUsage().rss / 2 ** 20}
    },
  })
  const chSide = (name, fn, pids) => ({
    name,
    run: async () => {
      const c0 = process.cpuUsage()
      const s0 = cpuMsOf(pids)
      const t0 = performance.now()
      await fn()
      const ms = performance.now() - t0
      const c = process.cpuUsage(c0)
      return {ms, cpuMs: (c.user + c.system) / 1000 + cpuMsOf(pids) - s0, peakRssMb: rssMbOf(pids)}
    },
  })
  const results = {}
  for (const [label, q] of Object.entries(queries)) {
    const expected = await q.duck()
    for (const [name, wh] of Object.entries(warehouses)) {
      // the same rows, or the timing compares different work
      const got = await q.ch(wh)
      const same = isDeepStrictEqual(JSON.parse(JSON.stringify(expected)), JSON.parse(JSON.stringify(got)))
      if (!same) throw new Error(`${label}: ClickHouse (${name} shard) rows differ from DuckDB's`)
    }
    for (const [name, wh] of Object.entries(warehouses)) {
      const side = `ClickHouse ${name === 'one' ? '1 shard' : '2 shards'}`
      log(`\n${label}: DuckDB vs ${side}`)
      const summary = await alternate({
        sides: [duckSide(q.duck), chSide(side, () => q.ch(wh), clusters[name].pids)],
        rounds: ROUNDS,
        warmup: 1,
        log,
      })
      results[`${label} / ${side}`] = summary
      console.log(`\n== ${label}: DuckDB vs ${side} (${EVENTS} events; same rows) ==\n${report(summary)}`)
    }
  }
  console.log('\nmedian wall ratio DuckDB / ClickHouse (below 1: DuckDB faster):')
  for (const [k, s] of Object.entries(results)) console.log(`  ${k.padEnd(44)} ${s.ratio.wall.median}`)
} finally {
  await store.close()
  await clusters.one.stop()
  await clusters.two.stop()
  if (!KEEP) rmSync(dir, {recursive: true, force: true})
}
