// Durability check shared by bench/serve.mjs and test/e2e/serve-durability.test.ts: load `ccx serve` from many
// concurrent clients, SIGKILL it mid-load, restart it (recovery), ingest the log, and compare event ids one by one.
import {spawn} from 'node:child_process'
import {join, resolve} from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')
const RUN = join(ROOT, 'bin/run.js')

export function startServe(args, cwd) {
  const child = spawn(process.execPath, [RUN, 'serve', '--port', '0', ...args], {cwd, stdio: ['ignore', 'ignore', 'pipe']})
  return new Promise((resolvePort, reject) => {
    let err = ''
    child.stderr.on('data', (d) => {
      err += d.toString()
      const m = /"event":"listening".*?"port":(\d+)/.exec(err)
      if (m) resolvePort({child, port: Number(m[1]), stderr: () => err})
    })
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)))
  })
}

/**
 * Runs `clients` concurrent request loops until `killAfterMs` (or, given `killAfterAcked`, until that many events
 * were acknowledged: a condition, for tests on a busy machine), then SIGKILLs the server.
 * Returns the event ids whose batch was acknowledged (HTTP 200 with accepted = events sent).
 */
export async function loadThenKill({port, child, clients = 20, killAfterMs = 1500, killAfterAcked, site = 'canon-cn', key}) {
  const acked = []
  let reached
  const enough = new Promise((r) => (reached = r))
  let n = 0
  let stop = false
  const loop = async (c) => {
    while (!stop) {
      const i = n++
      const ids = [`c${c}-${i}-p`, `c${c}-${i}-h`]
      const body = JSON.stringify({
        site,
        key,
        visitor_id: `crash-${c}`,
        events: [
          {id: ids[0], type: 'pageview', url: 'https://www.canon-like.cn/stores', title: '佳能专卖店'},
          {id: ids[1], type: 'heartbeat'},
        ],
      })
      try {
        const res = await fetch(`http://127.0.0.1:${port}/collect`, {method: 'POST', body, headers: {'content-type': 'text/plain'}})
        const answer = await res.json()
        if (res.status === 200 && answer.accepted === 2) for (const id of ids) acked.push(`${site}:crash-${c}:${id}`)
        if (killAfterAcked !== undefined && acked.length >= killAfterAcked) reached()
      } catch {
        return // connection refused/reset: the server is gone
      }
    }
  }
  const loops = Array.from({length: clients}, (_, c) => loop(c))
  // (every loop ending first means the server is gone already)
  await (killAfterAcked !== undefined ? Promise.race([enough, Promise.all(loops)]) : new Promise((r) => setTimeout(r, killAfterMs)))
  child.kill('SIGKILL')
  stop = true
  await Promise.all(loops)
  return acked
}

export function ingestLog(logDir, db, cwd) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [RUN, 'ingest', 'probe', '--from-log', logDir, '--db', db, '--json'], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.once('exit', (code) => (code === 0 ? resolveRun(JSON.parse(out)) : reject(new Error(`ingest exited ${code}: ${err}`))))
  })
}

/** Event ids in DuckDB with their counts. */
export async function eventIdCounts(db) {
  const {DuckDBInstance} = await import('@duckdb/node-api')
  const inst = await DuckDBInstance.create(db)
  const conn = await inst.connect()
  const rows = (await conn.runAndReadAll(`select event_id, count(*)::INTEGER n from raw_probe_events group by 1`)).getRowObjects()
  conn.closeSync()
  inst.closeSync()
  return new Map(rows.map((r) => [r.event_id, r.n]))
}

/** Every acknowledged id present exactly once? Returns the counts that say so. */
export function compareAcked(acked, counts) {
  let missing = 0
  let duplicated = 0
  for (const id of acked) {
    const c = counts.get(id) ?? 0
    if (c === 0) missing++
    if (c > 1) duplicated++
  }
  return {acked: acked.length, inDb: counts.size, missing, duplicated}
}
