import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
// The same check bench/serve.mjs runs under heavier load.
import {compareAcked, eventIdCounts, ingestLog, loadThenKill, startServe} from '../../bench/lib/serve-crash.mjs'
import {tempDir} from '../helpers/cli.js'
import {writeServeConfig} from '../helpers/serve.js'

describe('ccx serve durability', () => {
  it('after SIGKILL under load and a restart, every acknowledged event is in DuckDB exactly once', async () => {
    const dir = tempDir()
    writeServeConfig(dir.path)
    const logDir = join(dir.path, 'log')
    const first = await startServe(['--log-dir', logDir], dir.path)
    // killed under load once 400 events were acknowledged (requests are still in flight)
    const acked = await loadThenKill({port: first.port, child: first.child, clients: 16, killAfterAcked: 400, key: 'k-test'})
    expect(acked.length).toBeGreaterThanOrEqual(400)
    const second = await startServe(['--log-dir', logDir], dir.path) // recovers the crashed segment
    expect(second.stderr()).toMatch(/"event":"recovered"/)
    second.child.kill('SIGTERM')
    await new Promise((r) => second.child.once('exit', r))
    const db = join(dir.path, 'ccx.duckdb')
    await ingestLog(logDir, db, dir.path)
    await ingestLog(logDir, db, dir.path) // loading twice changes nothing
    const check = compareAcked(acked, await eventIdCounts(db))
    expect(check.missing).toBe(0)
    expect(check.duplicated).toBe(0)
    dir.cleanup()
  })
})
