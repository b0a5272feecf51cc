// Marketing report speed: on ≥ 10 million synthetic normalized events (raw_probe_events + event_sessions + the events view) (generated in DuckDB with SQL, seeded by
// hashing), the funnel broken down by keyword and the keyword report must each answer in under one second.
// It builds the marketing marts as `ccx run` would, times each report 3 times after a warm-up, and prints the
// wall-clock median and the CPU time of all DuckDB threads (CPU ÷ cores = the wall time on an idle machine: on a
// shared machine the wall clock mostly measures the neighbours).
// Then the CLI: `ccx report funnel --by keyword` and `ccx report keywords` as processes (--json to a pipe) against the
// report's query alone in a process of its own, alternated over rounds after a warm-up (bench/lib/rounds.mjs). Target:
// median CLI wall ≤ 2× the query's wall.
// Usage: npm run bench:reports [-- --events 10000000 --seed 7 --rounds 3 --keep /tmp/bench-reports.duckdb (reuse the data)]
import {existsSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {Store} from '../dist/store/store.js'
import {viewsSql} from '../dist/pipelines/normalize/views.js'
import {funnelReport} from '../dist/reports/marketing/funnel.js'
import {keywordReport} from '../dist/reports/marketing/keywords.js'
import martsPipeline from '../dist/pipelines/marketing/pipeline.js'
import {measure} from './lib/measure.mjs'
import {alternate, report} from './lib/rounds.mjs'

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : fallback
}
const EVENTS = Number(arg('events', 10_000_000))
const SEED = Number(arg('seed', 7))
const SESSIONS = Math.round(EVENTS / 6.5)
const VISITORS = Math.round(SESSIONS / 1.5)
const KEEP = arg('keep')
const ROUNDS = Math.max(1, Number(arg('rounds', 3)))
const CORES = (await import('node:os')).availableParallelism()
const path = KEEP ?? join(tmpdir(), `ccx-bench-reports-${process.pid}.duckdb`)

// events and sessions are what `ccx run` makes them: views over raw_probe_events (from the migrations) + event_sessions,
// and over sessions_core + its three dimension tables (generated flat as sessions_flat, then split the same way).
const DDL = `
create or replace table event_sessions (
  event_key BIGINT, session_no INTEGER, seq_in_session INTEGER, dwell_s DOUBLE, engaged_s DOUBLE, is_bot BOOLEAN);
create or replace table sessions_flat (
  session_id VARCHAR, site VARCHAR, visitor_id VARCHAR, visit_number INTEGER, is_returning BOOLEAN, started_at TIMESTAMP,
  ended_at TIMESTAMP, duration_s DOUBLE, engaged_s DOUBLE, pageviews INTEGER, events INTEGER, entry_url VARCHAR,
  exit_url VARCHAR, entry_title VARCHAR, bounce BOOLEAN, medium VARCHAR, source VARCHAR, term VARCHAR, term_raw VARCHAR,
  campaign VARCHAR, referrer VARCHAR, country VARCHAR, province VARCHAR, city VARCHAR, isp VARCHAR, browser VARCHAR,
  os VARCHAR, device_type VARCHAR, is_bot BOOLEAN, member_id VARCHAR);`

// h(i, salt) ∈ [0, 1): a seeded hash, so the data is the same on every run with the same --seed
const h = (expr, salt) => `(hash(${expr}, ${SEED}, '${salt}') % 1000000) / 1000000.0`

async function generate(store) {
  await store.run(DDL)
  await store.run(
    `delete from sites; insert into sites values ('s0','站点0','office_equipment','a.cn'),('s1','站点1','office_equipment','b.cn'),('s2','站点2','office_equipment','c.cn'),('s3','站点3','cameras','d.cn')`,
  )
  // visitor v has sessions v, v + VISITORS, … (about 1.5 each); one in three sessions comes from a search keyword
  await store.run(`
    insert into sessions_flat
    select 's' || ((i % ${VISITORS}) % 4) || '/V' || (i % ${VISITORS}) || '/' || (i // ${VISITORS} + 1),
      's' || ((i % ${VISITORS}) % 4), 'V' || (i % ${VISITORS}), (i // ${VISITORS} + 1)::INTEGER, i >= ${VISITORS},
      TIMESTAMP '2026-10-01 00:00:00' + to_seconds((${h('i', 't')} * 30 * 86400)::BIGINT + (i // ${VISITORS}) * 86400),
      null, 300, 200, 5, 7, 'https://ex.cn/p' || (hash(i, 'u') % 50), 'https://ex.cn/p' || (hash(i, 'x') % 50), null, false,
      case when ${h('i', 'm')} < 0.6 then 'search' else 'direct' end,
      case when ${h('i', 'm')} < 0.6 then ['baidu','sogou','360','shenma'][1 + (hash(i, 'e') % 4)::BIGINT] end,
      case when ${h('i', 'm')} < 0.6 then '关键词' || (hash(i, 'k') % 2000) end, null, null, null, '中国',
      ['广东省','湖南省','云南省','北京市'][1 + (hash(i, 'p') % 4)::BIGINT], null, null, null, null,
      ['desktop','mobile'][1 + (hash(i, 'd') % 2)::BIGINT], false, null
    from range(${SESSIONS}) t(i)`)
  await store.run(`update sessions_flat set ended_at = started_at + INTERVAL 300 SECOND`)
  await store.run(`
    create or replace table session_sources as
    select distinct on (source_key) hash(medium, source, term, term_raw, campaign) as source_key, medium, source, term, term_raw, campaign from sessions_flat;
    create or replace table session_places as
    select distinct on (place_key) hash(country, province, city, isp) as place_key, country, province, city, isp from sessions_flat;
    create or replace table session_devices as
    select distinct on (ua_h) hash(browser, os, device_type) as ua_h, browser, os, device_type, null::VARCHAR as bot_name,
      null::VARCHAR as brand, null::VARCHAR as model, null::VARCHAR as app from sessions_flat;
    create or replace table sessions_core as
    select session_id, site, visitor_id, visit_number, is_returning, started_at, ended_at, duration_s, engaged_s, pageviews, events,
      entry_url, exit_url, entry_title, bounce, hash(medium, source, term, term_raw, campaign) as source_key, referrer,
      hash(country, province, city, isp) as place_key, hash(browser, os, device_type) as ua_h, is_bot, member_id, null::VARCHAR as ip,
      0 as engagement_events
    from sessions_flat`)
  // events: session j % SESSIONS, one every 40 s; 3% chat requests, 1.5% leads, 0.4% orders, the rest page views and heartbeats
  await store.run(`
    insert into raw_probe_events (event_id, site, visitor_id, ts, type, url, ingest_id, event_key)
    select 'E' || j, s.site, s.visitor_id, s.started_at + to_seconds((j // ${SESSIONS}) * 40),
      case when r < 0.03 then 'chat_request' when r < 0.045 then 'lead' when r < 0.049 then 'order' when r < 0.7 then 'pageview' else 'heartbeat' end,
      s.entry_url, 1, j
    from (select j, ${h('j', 'y')} as r from range(${EVENTS}) t(j)) e
    join sessions_flat s on s.session_id = 's' || ((j % ${SESSIONS} % ${VISITORS}) % 4) || '/V' || (j % ${SESSIONS} % ${VISITORS}) || '/' || (j % ${SESSIONS} // ${VISITORS} + 1)`)
  await store.run(`
    insert into event_sessions
    select j, (j % ${SESSIONS} // ${VISITORS} + 1)::INTEGER, (j // ${SESSIONS} + 1)::INTEGER, 30, null, false from range(${EVENTS}) t(j)`)
  await store.run(viewsSql())
  await store.run('drop table sessions_flat')
  await store.run('checkpoint')
}

async function timed(label, fn, runs = 3) {
  await fn() // warm the caches once, as an analyst's second query would
  const times = []
  const cpu = []
  let out
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    out = await fn()
    times.push(performance.now() - t0)
    const c = process.cpuUsage(c0)
    cpu.push((c.user + c.system) / 1000)
  }
  const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  const median = mid(times)
  // CPU time of all DuckDB threads / cores = the wall time on an otherwise idle machine
  const idle = mid(cpu) / CORES
  console.log(
    `${label.padEnd(44)} wall median ${median.toFixed(0).padStart(5)} ms (runs ${times.map((t) => t.toFixed(0)).join(', ')}); cpu ${mid(cpu).toFixed(0)} ms → ${idle.toFixed(0)} ms on ${CORES} idle cores  ${median < 1000 ? 'OK < 1 s' : idle < 1000 ? 'OK on an idle machine' : 'SLOW ≥ 1 s'}`,
  )
  return {median, out}
}

// The report's query alone, in a process of its own (read-only, as the CLI opens it): its time, and its CPU time.
function queryScript(kind, range) {
  const dist = (m) => JSON.stringify(new URL(`../dist/${m}`, import.meta.url).href)
  return `
    const {Store} = await import(${dist('store/store.js')})
    const {funnelReport} = await import(${dist('reports/marketing/funnel.js')})
    const {keywordReport} = await import(${dist('reports/marketing/keywords.js')})
    const store = await Store.open(${JSON.stringify(path)}, {readOnly: true})
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    ${kind === 'funnel' ? `await funnelReport(store, {...${JSON.stringify(range)}, breakdown: ['keyword']})` : `await keywordReport(store, {...${JSON.stringify(range)}, site: 's0', benchmarks: []})`}
    const ms = performance.now() - t0
    const c = process.cpuUsage(c0)
    await store.close()
    console.log(JSON.stringify({ms, cpuMs: (c.user + c.system) / 1000}))`
}

async function cliAgainstQuery(kind, cliArgs, range) {
  const cli = async () => {
    const r = await measure(process.execPath, [join(import.meta.dirname, '../bin/run.js'), 'report', ...cliArgs, '--db', path, '--json'], {
      env: {...process.env, NO_COLOR: '1'},
    })
    if (r.code !== 0) throw new Error(`ccx report ${cliArgs.join(' ')} failed (exit ${r.code}): ${r.stderr.slice(-1000)}`)
    return r
  }
  const query = async () => {
    const r = await measure(process.execPath, ['--input-type=module', '-e', queryScript(kind, range)])
    if (r.code !== 0) throw new Error(`the ${kind} query failed: ${r.stderr.slice(-1000)}`)
    const q = JSON.parse(r.stdout)
    return {ms: q.ms, cpuMs: q.cpuMs, peakRssMb: r.peakRssMb}
  }
  const summary = await alternate({
    sides: [
      {name: `ccx report ${kind} (process)`, run: cli},
      {name: `${kind} query (in process)`, run: query},
    ],
    rounds: ROUNDS,
    warmup: 1,
  })
  console.log(report(summary))
  console.log(`target: median CLI wall ≤ 2× the query's: ${summary.ratio.wall.median <= 2 ? 'PASS' : 'MISS'}`)
  return summary
}

if (!KEEP && existsSync(path)) rmSync(path)
const store = await Store.open(path)
let closed = false
try {
  const have = (await store.tableExists('event_sessions')) ? await store.scalar('select count(*) from event_sessions') : 0
  if (have < EVENTS) {
    const t0 = performance.now()
    await generate(store)
    console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  {
    // what `ccx run` does: build the marketing marts, then record that they are newer than their inputs
    const t0 = performance.now()
    for (const t of ['events', 'event_sessions', 'sessions']) await store.bumpTableVersion(t)
    await martsPipeline.run({store, config: {}, log: () => {}})
    for (const t of martsPipeline.writes) await store.bumpTableVersion(t)
    console.log(
      `marketing marts built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${await store.scalar('select count(*) from mart_funnel_steps')} steps)`,
    )
  }
  const events = await store.scalar('select count(*) from events')
  const sessions = await store.scalar('select count(*) from sessions')
  console.log(
    `events: ${events.toLocaleString('en')}  sessions: ${sessions.toLocaleString('en')}  cores: ${CORES}  load average: ${(await import('node:os')).loadavg()[0].toFixed(1)}`,
  )
  const range = {from: '2026-10-01', to: '2026-10-31'}
  const f = await timed('funnel --by keyword', () => funnelReport(store, {...range, breakdown: ['keyword']}))
  console.log(
    `  stage counts: ${f.out.total.map((s) => `${s.name} ${s.count}`).join(' → ')}; ${f.out.groups.length + f.out.groups_dropped} keyword groups`,
  )
  const k = await timed('keywords (site s0, vs benchmark+industry)', () =>
    keywordReport(store, {
      ...range,
      site: 's0',
      benchmarks: [{industry: '*', engine: '*', keyword: '*', lead_rate: 0.09, source: 'bench'}],
    }),
  )
  console.log(`  keyword rows: ${k.out.rows.length}; flagged below: ${k.out.rows.filter((r) => r.flag === 'below').length}`)
  await timed('funnel --by engine,keyword --unit session', () =>
    funnelReport(store, {...range, breakdown: ['engine', 'keyword'], unit: 'session'}),
  )

  // the CLI against its query: the file must be free for the processes
  await store.close()
  closed = true
  const cliRange = ['--from', range.from, '--to', range.to]
  const results = {
    funnel: await cliAgainstQuery('funnel', ['funnel', '--by', 'keyword', ...cliRange], range),
    keywords: await cliAgainstQuery('keywords', ['keywords', '--site', 's0', '--no-benchmarks', ...cliRange], range),
  }
  console.log(JSON.stringify({bench: 'reports', cli: results}))
} finally {
  if (!closed) await store.close()
  if (!KEEP) rmSync(path, {force: true})
}
