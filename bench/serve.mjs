// npm run bench:serve — autocannon against `ccx serve` POST /collect (durability on, default `--sync interval`: the
// ack follows the write, an fsync follows within 10 ms; docs/serve.md) and, in the same run, against a bare node:http
// server that only reads the body and answers 200, alternated over ≥ 3 rounds after a warm-up. Prints min/median/max of
// requests/s and of server CPU per request of both, the median per-round ratio, p50/p99 latency and the load, and for
// information the same for `--sync ack` (fsync before each ack); then SIGKILLs ccx serve under load, restarts it,
// ingests the log and checks that every acknowledged event is in DuckDB exactly once.
// The comparison is one ccx process (no --workers) against one bare process, with autocannon in this process on the
// same machine. Then, as an extra line, `ccx serve --workers 2` (BENCH_WORKERS=0 skips it). The ratio is only
// meaningful within one run: the machine is shared, so absolute figures move from run to run.
import {spawn} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {readFileSync} from 'node:fs'
import autocannon from 'autocannon'
import {machine, median, spread} from './lib/rounds.mjs'

const ROOT = resolve(import.meta.dirname, '..')
const RUN = join(ROOT, 'bin/run.js')
const DURATION = Number(process.env.BENCH_SECONDS ?? 10)
const EXTRA_WORKERS = Number(process.env.BENCH_WORKERS ?? 2)
// BENCH_BOT_KB=N: every ccx process also answers /bot from an N-entry KB (bench:bot's), to see that /collect does not
// pay for the bot being there (issue 18: the ratio must not drop)
const BOT_KB = Number(process.env.BENCH_BOT_KB ?? 0)
const CONNECTIONS = 50
const dir = mkdtempSync(join(tmpdir(), 'ccx-bench-serve-'))

const REFERRERS = [
  'https://www.baidu.com/s?wd=%BC%D1%C4%DC%CE%AC%D0%DE%D5%BE&ie=gb2312',
  'https://www.google.com/search?q=' + encodeURIComponent('佳能传真机报价'),
  'https://www.sogou.com/web?query=' + encodeURIComponent('买佳能数码相机'),
  'https://www.so.com/s?q=' + encodeURIComponent('佳能打印机驱动'),
  '',
]
const PAGES = [
  ['/service/stations', '佳能维修站查询'],
  ['/fax/l170-price', '佳能传真机报价'],
  ['/products/eos-r6', 'EOS R6 数码相机'],
  ['/stores', '佳能专卖店'],
]
const IPS = ['113.116.1.1', '106.18.128.10', '58.250.1.9', '183.11.2.3', '120.229.5.5']
const UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'

/** CPU ms (user + system) a running process has used so far (/proc/PID/stat, clock ticks of 10 ms). */
function procCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** CPU of a process and its children (a `--workers` primary and its workers), from /proc. */
function treeCpuMs(pid) {
  let kids
  try {
    kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return procCpuMs(pid)
  }
  return procCpuMs(pid) + kids.reduce((sum, k) => sum + treeCpuMs(k), 0)
}

let counter = 0
function body() {
  const n = counter++
  const [path, title] = PAGES[n % PAGES.length]
  const visitor = `bench-${n % 5000}`
  const events = [
    {id: `${n}-p`, type: 'pageview', url: `https://www.canon-like.cn${path}`, title, referrer: REFERRERS[n % REFERRERS.length]},
    {id: `${n}-h`, type: 'heartbeat', url: `https://www.canon-like.cn${path}`},
    {id: `${n}-c`, type: 'click', x: 100 + (n % 300), y: 200, selector: 'a.buy', url: `https://www.canon-like.cn${path}`},
  ]
  return JSON.stringify({site: 'canon-cn', key: 'bench-key', visitor_id: visitor, visit_count: 1 + (n % 3), events})
}

function startProcess(args, cwd) {
  const child = spawn(process.execPath, args, {cwd, stdio: ['ignore', 'pipe', 'pipe']})
  return new Promise((resolvePort, reject) => {
    let err = ''
    const onData = (d) => {
      err += d.toString()
      const m = /"port":(\d+)/.exec(err)
      if (m) resolvePort({child, port: Number(m[1])})
    }
    child.stderr.on('data', onData)
    child.stdout.on('data', onData)
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)))
  })
}

function load(port, seconds, onResponse) {
  return new Promise((resolveRun, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/collect',
            headers: {'content-type': 'text/plain', 'user-agent': UA},
            setupRequest: (req) => ({...req, body: body(), headers: {...req.headers, 'x-forwarded-for': IPS[counter % IPS.length]}}),
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolveRun(result)),
    )
    if (onResponse) instance.on('response', onResponse)
  })
}

const BARE = `
const http = require('node:http')
const s = http.createServer((req, res) => { const c = []; req.on('data', d => c.push(d)); req.on('end', () => { res.writeHead(200, {'content-type': 'application/json'}); res.end('{"ok":true}') }) })
s.listen(0, '127.0.0.1', () => console.log(JSON.stringify({port: s.address().port})))`

const config = {
  sites: [{id: 'canon-cn', key: 'bench-key', allowedOrigins: []}],
  serve: {
    trustProxy: true,
    ratePerSecond: 1e9,
    rateBurst: 1e9,
    agents: [
      {id: 'a1', groups: ['sales']},
      {id: 'p1', groups: ['partner'], cities: ['深圳市', '长沙市']},
    ],
  },
}
writeFileSync(join(dir, 'ccx.config.json'), JSON.stringify(config))
const botArgs = []
if (BOT_KB > 0) {
  const {largeKb} = await import('../fixtures/generator/kb.js')
  const kbFile = join(dir, 'kb.json')
  writeFileSync(kbFile, JSON.stringify({kb: 1, entries: largeKb(BOT_KB).map((e) => ({...e, version: 1}))}))
  botArgs.push('--bot-kb', kbFile)
}

const bare = await startProcess(['-e', BARE], dir)
const logDir = join(dir, 'log')
const serve = await startProcess([RUN, 'serve', '--port', '0', '--log-dir', logDir, ...botArgs], dir)
const strict = await startProcess([RUN, 'serve', '--port', '0', '--log-dir', join(dir, 'log-ack'), '--sync', 'ack', ...botArgs], dir)
await load(bare.port, 2) // warm-up
await load(serve.port, 2)
await load(strict.port, 2)
// Rounds (≥ 3, BENCH_ROUNDS) alternating the order bare/ccx/ack and ack/ccx/bare (DURATION / 2 s each): the machine is
// shared, and a load change then weighs on every side instead of on whichever ran during it (bench/lib/rounds.mjs).
const half = Math.max(1, Math.round(DURATION / 2))
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3))
const procs = {bare: bare.child, ccx: serve.child, ack: strict.child}
const ports = {bare: bare.port, ccx: serve.port, ack: strict.port}
const samples = {bare: [], ccx: [], ack: []}
const ratios = []
const loadBefore = machine()
for (let round = 1; round <= ROUNDS; round++) {
  const got = {}
  for (const side of round % 2 ? ['bare', 'ccx', 'ack'] : ['ack', 'ccx', 'bare']) {
    const cpu0 = procCpuMs(procs[side].pid)
    got[side] = await load(ports[side], half)
    got[side].cpuMs = procCpuMs(procs[side].pid) - cpu0
    samples[side].push(got[side])
  }
  ratios.push(rps(got.ccx) / rps(got.bare))
  console.error(
    `round ${round}: bare ${rps(got.bare).toFixed(0)} req/s, ccx ${rps(got.ccx).toFixed(0)}, ack ${rps(got.ack).toFixed(0)}; ratio ${ratios.at(-1).toFixed(2)}`,
  )
}
const loadAfter = machine()
bare.child.kill('SIGKILL')
strict.child.kill('SIGKILL')

function rps(r) {
  return r.requests.average
}
const mmm = (values, digits = 0) => {
  const s = spread(values)
  return `${s.min.toFixed(digits)} / ${s.median.toFixed(digits)} / ${s.max.toFixed(digits)}`
}
/** A side's rounds: requests/s and the server's CPU ms per 1,000 requests (min / median / max), median p50, worst p99. */
const line = (label, rs) =>
  `${label}: ${mmm(rs.map(rps))} req/s  cpu ${mmm(
    rs.map((r) => r.cpuMs / (r.requests.total / 1000)),
    1,
  )} ms per 1000 requests  ` +
  `p50 ${median(rs.map((r) => r.latency.p50))} ms  p99 ${Math.max(...rs.map((r) => r.latency.p99))} ms  ` +
  `errors ${rs.reduce((n, r) => n + r.errors, 0)} non2xx ${rs.reduce((n, r) => n + r.non2xx, 0)}`
console.log(
  `\nccx serve bench (${CONNECTIONS} connections, ${ROUNDS} rounds of ${half} s per side after a warm-up, 3 events per request; one process each${BOT_KB > 0 ? `; ccx with a ${BOT_KB}-entry bot KB loaded` : ''}; min / median / max)`,
)
console.log(
  `machine: ${loadBefore.cores} cores; load (1 min / 5 min) ${loadBefore.load1} / ${loadBefore.load5} before, ${loadAfter.load1} / ${loadAfter.load5} after`,
)
console.log(line('bare node:http          ', samples.bare))
console.log(line('ccx serve (1 process)   ', samples.ccx) + '  (default --sync interval: fsync within 10 ms of the ack)')
console.log(
  `ratio ccx/bare per round: ${mmm(ratios, 2)} (median ${median(ratios).toFixed(2)}; target median >= 0.60, p99 < 20 ms, zero errors)`,
)
console.log(`${line('ccx serve --sync ack    ', samples.ack)}  (fsync before each ack; for information)`)

// Crash test: load from concurrent clients, SIGKILL mid-load, restart (recovery), ingest, compare ids one by one.
const {loadThenKill, startServe, ingestLog, eventIdCounts, compareAcked} = await import('./lib/serve-crash.mjs')
const acked = await loadThenKill({port: serve.port, child: serve.child, clients: CONNECTIONS, killAfterMs: 3000, key: 'bench-key'})
const restarted = await startServe(['--log-dir', logDir], dir)
restarted.child.kill('SIGTERM')
await new Promise((r) => restarted.child.once('exit', r))
const db = join(dir, 'bench.duckdb')
await ingestLog(logDir, db, dir)
const check = compareAcked(acked, await eventIdCounts(db))
console.log(
  `SIGKILL under load: ${check.acked} events acknowledged in the crash phase; ${check.missing} missing and ${check.duplicated} duplicated in DuckDB (${check.inDb} distinct events in all)`,
)

if (EXTRA_WORKERS > 1) {
  // Extra line, not the comparison above: N worker processes (node:cluster) against the same single bare process.
  const workers = await startProcess(
    [RUN, 'serve', '--port', '0', '--log-dir', join(dir, 'log-workers'), '--workers', String(EXTRA_WORKERS), ...botArgs],
    dir,
  )
  await load(workers.port, 2)
  // the workers' CPU too (they are the primary's children): without it this line printed "cpu NaN"
  const cpu0 = treeCpuMs(workers.child.pid)
  const workersResult = await load(workers.port, DURATION)
  workersResult.cpuMs = treeCpuMs(workers.child.pid) - cpu0
  workers.child.kill('SIGTERM')
  await new Promise((r) => workers.child.once('exit', r))
  console.log(
    `${line(`ccx serve --workers ${EXTRA_WORKERS}   `, [workersResult])}  (extra: ${(rps(workersResult) / median(samples.bare.map(rps))).toFixed(2)}x the bare server's median above)`,
  )
}
rmSync(dir, {recursive: true, force: true})
