import {createHash} from 'node:crypto'
import {closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import {join, resolve} from 'node:path'

/**
 * One lock file per job, beside the database (`<db>.locks/<job>.lock`), so two schedulers, or a
 * scheduler and `ccx jobs run`, never run the same job at once. The file names its holder
 * (pid, host, start) and an expiry; a lock whose holder died or whose expiry passed is stale and
 * may be taken over.
 */
export interface LockInfo {
  job: string
  runId: string
  pid: number
  hostname: string
  startedAt: string
  expiresAt: string
  /** The step child running now: killed when a new holder takes over a stale lock. */
  childPid?: number
  /** sha256 of its command line (not the line: an exec step's may hold a secret). */
  childArgvHash?: string
}

export function lockDir(dbPath: string): string {
  return `${resolve(dbPath)}.locks`
}

export function lockPath(dbPath: string, job: string): string {
  return join(lockDir(dbPath), `${job}.lock`)
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  // A zombie (exited, not yet reaped, common under a container's pid 1) answers signal 0 but is dead.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

export function readLock(path: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockInfo
  } catch {
    return undefined
  }
}

/** Why a lock may be taken over, or undefined when its holder is alive and within its time. */
export function staleReason(info: LockInfo | undefined, now = new Date(), isAlive = isProcessAlive): string | undefined {
  if (!info) return 'unreadable lock file'
  if (info.hostname === hostname() && !isAlive(info.pid)) return `holder pid ${info.pid} is not running`
  if (Date.parse(info.expiresAt) < now.getTime()) return `expired at ${info.expiresAt}`
  return undefined
}

export type AcquireResult =
  {acquired: true; lock: JobLock; tookOver?: {info?: LockInfo; reason: string}} | {acquired: false; holder: LockInfo}

export class JobLock {
  private constructor(
    readonly path: string,
    private info: LockInfo,
  ) {}

  static acquire(dbPath: string, info: Omit<LockInfo, 'pid' | 'hostname'>, now = new Date()): AcquireResult {
    const path = lockPath(dbPath, info.job)
    mkdirSync(lockDir(dbPath), {recursive: true})
    const full: LockInfo = {...info, pid: process.pid, hostname: hostname()}
    let tookOver: {info?: LockInfo; reason: string} | undefined
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx')
        writeFileSync(fd, JSON.stringify(full))
        closeSync(fd)
        return {acquired: true, lock: new JobLock(path, full), tookOver}
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const holder = readLock(path)
      const reason = staleReason(holder, now)
      if (!reason) return {acquired: false, holder: holder!}
      tookOver = {info: holder, reason}
      if (holder) killOrphanChild(holder)
      // Rename first: of two processes removing the same stale lock, only one rename succeeds.
      try {
        renameSync(path, `${path}.stale-${process.pid}`)
        rmSync(`${path}.stale-${process.pid}`, {force: true})
      } catch {
        // another process took it over first; the next openSync decides
      }
    }
    const holder = readLock(path)
    return holder ? {acquired: false, holder} : {acquired: false, holder: {...full, pid: -1, hostname: 'unknown'}}
  }

  get holder(): LockInfo {
    return this.info
  }

  /** Records the running step's child, so whoever finds this lock stale can stop the orphan. */
  setChild(childPid: number | undefined, childArgv?: string[]): void {
    this.info = {...this.info, childPid, childArgvHash: childArgv && argvHash(childArgv)}
    const tmp = `${this.path}.${process.pid}.tmp`
    writeFileSync(tmp, JSON.stringify(this.info))
    renameSync(tmp, this.path)
  }

  release(): void {
    const current = readLock(this.path)
    if (current && current.runId === this.info.runId) rmSync(this.path, {force: true})
  }
}

/**
 * A scheduler killed with SIGKILL leaves its step child running (it has its own process group).
 * That orphan may hold the database, so the next holder stops it, but only when /proc confirms the
 * pid still runs the recorded command line (pids are reused).
 */
export function killOrphanChild(info: LockInfo): boolean {
  if (!info.childPid || !info.childArgvHash || info.hostname !== hostname()) return false
  if (!isProcessAlive(info.childPid)) return false
  let cmdline: string
  try {
    cmdline = readFileSync(`/proc/${info.childPid}/cmdline`, 'utf8')
  } catch {
    return false
  }
  if (argvHash(cmdline.split('\0').filter(Boolean)) !== info.childArgvHash) return false
  signalGroup(info.childPid, 'SIGKILL')
  return true
}

function argvHash(argv: string[]): string {
  return createHash('sha256').update(argv.join('\0')).digest('hex')
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
}
