import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {JobLock, lockPath, readLock, staleReason} from '../../src/ops/lock.js'
import {tempDir} from '../helpers/cli.js'

const dirs: Array<{cleanup: () => void}> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

function db(): string {
  const d = tempDir('ccx-ops-lock-')
  dirs.push(d)
  return join(d.path, 'ccx.duckdb')
}

const info = (runId: string, ms = 3_600_000) => ({
  job: 'nightly',
  runId,
  startedAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + ms).toISOString(),
})

/** A pid that surely belongs to no process: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!
}

describe('job lock', () => {
  it('lets one holder in; a second acquire names the holder; release frees it', () => {
    const path = db()
    const first = JobLock.acquire(path, info('r1'))
    expect(first.acquired).toBe(true)
    const second = JobLock.acquire(path, info('r2'))
    expect(second).toMatchObject({acquired: false, holder: {runId: 'r1', pid: process.pid, hostname: hostname()}})
    if (first.acquired) first.lock.release()
    expect(JobLock.acquire(path, info('r3')).acquired).toBe(true)
  })

  it('takes over a lock whose holder process is dead', () => {
    const path = db()
    const pid = deadPid()
    JobLock.acquire(path, info('old'))
    writeFileSync(lockPath(path, 'nightly'), JSON.stringify({...readLock(lockPath(path, 'nightly')), pid}))
    const next = JobLock.acquire(path, info('new'))
    expect(next.acquired).toBe(true)
    if (next.acquired) {
      expect(next.tookOver?.reason).toBe(`holder pid ${pid} is not running`)
      expect(readLock(lockPath(path, 'nightly'))?.runId).toBe('new')
    }
  })

  it('takes over a lock past its expiry even when the holder lives', () => {
    const path = db()
    JobLock.acquire(path, info('old', -1000))
    const next = JobLock.acquire(path, info('new'))
    expect(next.acquired && next.tookOver?.reason.startsWith('expired at')).toBe(true)
  })

  it('judges staleness from pid, host and expiry', () => {
    const base = {
      job: 'j',
      runId: 'r',
      pid: process.pid,
      hostname: hostname(),
      startedAt: '',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    }
    expect(staleReason(base)).toBeUndefined()
    expect(staleReason({...base, pid: 999_999}, new Date(), () => false)).toBe('holder pid 999999 is not running')
    // Another host's pid cannot be checked from here: only its expiry counts.
    expect(staleReason({...base, hostname: 'elsewhere', pid: 999_999}, new Date(), () => false)).toBeUndefined()
    expect(staleReason(undefined)).toBe('unreadable lock file')
  })
})
