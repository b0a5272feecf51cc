import {
  closeSync,
  existsSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  statfsSync,
  ftruncateSync,
  writeSync,
} from 'node:fs'
import {join} from 'node:path'
import type {LinesText} from '../vocab/event-log.js'

/**
 * When an append is acknowledged (docs/serve.md, "Durability"):
 * - `ack`: after write + fsync (group commit: appends waiting together share one fsync) — on disk when acknowledged;
 * - `interval`: after the write to the OS, which fsyncs at most `syncIntervalMs` later (plus the fsync's own time) —
 *   survives a crash of ccx, and a power failure loses at most that window;
 * - `off`: after the write; the OS flushes when it likes (~30 s on Linux).
 */
export type SyncMode = 'ack' | 'interval' | 'off'

/**
 * Append-only, durable event log in segments. Lines are JSON, appended whole, in order.
 *
 * Files: `<prefix>-<seq>.ndjson.open` while written, renamed to `<prefix>-<seq>.ndjson` when closed (rotation,
 * SIGTERM, or recovery after a crash). Only closed segments are ingested, so a reader never sees a half segment.
 */
export interface SegmentLogOptions {
  dir: string
  /** Distinguishes writers (one per worker process) sharing a folder. */
  prefix?: string
  /** Rotate when the open segment reaches this many bytes. */
  maxBytes?: number
  /** Rotate an open segment older than this (so the nightly job sees recent events). */
  maxAgeMs?: number
  /** When appends are acknowledged (the default is the config's: ServeConfigSchema). */
  sync: SyncMode
  /** `interval` mode: the longest time an acknowledged write waits for its fsync to start (default 10 ms). */
  syncIntervalMs?: number
  /** The write call (tests inject failures; a real disk-full test runs under `ulimit -f`). */
  writeSync?: typeof writeSync
}

/** The log's state for /healthz: `ok` when appends are expected to succeed. */
export interface LogHealth {
  ok: boolean
  /** `ok`; `write_failed`: the last write failed (disk full?) and none succeeded since; `failed`: an fdatasync failed. */
  state: 'ok' | 'write_failed' | 'failed'
  error?: string
  writeErrors: number
  fsyncErrors: number
  /** Free bytes on the log's file system (for an unprivileged writer), when known. */
  freeBytes: number | null
}

/**
 * fsyncs allowed in flight at once. Overlapping fsyncs raise fsyncs/s on ext4 but make the groups smaller (more
 * fsyncs per request): in A/B runs of the bench load 2 was within noise of 1, so one at a time (largest groups).
 */
const MAX_FSYNCS_IN_FLIGHT = 1

interface Pending {
  lines: LinesText
  done: (error: Error | null) => void
}

export class SegmentLog {
  private fd: number | null = null
  private seq = 0
  private bytes = 0
  private openedAt = 0
  private queue: Pending[] = []
  private flushScheduled = false
  /** fsyncs running on the thread pool, and who waits for them all to finish. */
  private inFlight = 0
  private idleWaiters: Array<() => void> = []
  private closed = false
  /**
   * Set by a failed fdatasync: Linux may then have dropped the dirty pages (and report the next fdatasync clean), so
   * the log can no longer promise anything; every later append fails (the probe retries elsewhere or later).
   */
  private failure: Error | null = null
  /** `interval` mode: when the oldest write not yet covered by an fsync was made (0: none), and the pending timer. */
  private unsyncedSince = 0
  private syncTimer: NodeJS.Timeout | null = null
  readonly dir: string
  readonly prefix: string
  private readonly maxBytes: number
  private readonly maxAgeMs: number
  private readonly sync: SyncMode
  private readonly syncIntervalMs: number
  /** The last failed write, until a write succeeds (the group was refused and cut back out of the file). */
  private writeError: NodeJS.ErrnoException | null = null
  private readonly write: typeof writeSync
  /** Counters for /metrics. */
  readonly stats = {fsyncs: 0, fsyncErrors: 0, writeErrors: 0}

  constructor(options: SegmentLogOptions) {
    this.dir = options.dir
    this.prefix = options.prefix ?? `seg-${Date.now()}-${process.pid}`
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024
    this.maxAgeMs = options.maxAgeMs ?? 5 * 60 * 1000
    this.sync = options.sync
    this.syncIntervalMs = options.syncIntervalMs ?? 10
    this.write = options.writeSync ?? writeSync
    mkdirSync(this.dir, {recursive: true})
  }

  /**
   * Appends ready-made NDJSON (whole lines, each ending in a newline); `done` runs once they are acknowledged
   * (see SyncMode). The callback form spares the hot path a promise per request.
   */
  appendLines(lines: LinesText, done: (error: Error | null) => void): void {
    if (this.closed) return done(new Error('segment log is closed'))
    if (this.failure) return done(this.failure)
    this.queue.push({lines, done})
    this.scheduleFlush()
  }

  private scheduleFlush(): void {
    // in `ack` mode the next group waits for the running fsync (it grows meanwhile); otherwise writes go on
    if (this.flushScheduled || (this.sync === 'ack' && this.inFlight >= MAX_FSYNCS_IN_FLIGHT)) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      this.flush()
    })
  }

  /**
   * Group commit: takes everything queued, writes it, and fsyncs on libuv's thread pool, so the event loop keeps
   * parsing requests meanwhile; those queue up and share the next fsync. Each group is acknowledged when its own
   * fsync (issued after its write, so covering it) returns; at most MAX_FSYNCS_IN_FLIGHT at a time.
   */
  private flush(): void {
    if (this.queue.length === 0) return
    const rotateDue = this.fd === null || this.bytes >= this.maxBytes || Date.now() - this.openedAt > this.maxAgeMs
    // Never close a segment under a running fsync: wait for them; the last one to finish flushes again.
    if (rotateDue && this.inFlight > 0) return
    const batch = this.queue.splice(0)
    const settle = (error: Error | null) => {
      for (const p of batch) {
        try {
          p.done(error)
        } catch (thrown) {
          // one waiter's bug must not leave the others unanswered
          process.emitWarning(thrown as Error)
        }
      }
      if (this.queue.length > 0) this.scheduleFlush()
    }
    try {
      if (rotateDue) this.rotate()
      const buffer = joinLines(batch)
      let off = 0
      try {
        while (off < buffer.length) off += this.write(this.fd!, buffer, off)
      } catch (error) {
        this.writeFailed(error as NodeJS.ErrnoException, off)
        throw error
      }
      this.bytes += buffer.length
      this.writeError = null
    } catch (error) {
      settle(error as Error)
      return
    }
    if (this.sync === 'ack') return this.startFsync(settle)
    if (this.sync === 'interval') this.noteUnsynced()
    settle(null)
  }

  /**
   * A write failed after `written` bytes of the group (ENOSPC, EFBIG, EIO): none of the group is acknowledged, so its
   * part-line must not stay — the next group would be appended onto it and the merged line lost. Cut the file back
   * to its last whole line; then close the segment (when it holds lines) so the next group starts a fresh one. If the
   * cut itself fails, the log stops (as after a failed fdatasync): the segment stays `.open` and the next start's
   * recovery drops the torn tail.
   */
  private writeFailed(error: NodeJS.ErrnoException, written: number): void {
    this.stats.writeErrors++
    this.writeError = error
    if (written > 0) {
      try {
        ftruncateSync(this.fd!, this.bytes)
      } catch (cut) {
        this.failure ??= new Error(
          `event log ${this.dir}: a write failed (${error.message}) and its part could not be cut back (${(cut as Error).message}); not accepting events until restarted`,
        )
        return
      }
    }
    if (this.bytes > 0 && this.inFlight === 0) {
      try {
        this.closeSegment()
      } catch (closing) {
        this.failure ??= new Error(
          `event log ${this.dir}: closing a segment after a failed write failed (${(closing as Error).message}); not accepting events until restarted`,
        )
      }
    }
  }

  /**
   * fsyncs the open segment on the thread pool; `done` runs when it returns. fdatasync: the data and what reading it
   * back needs (the file size), without the timestamps — the same durability for an appended log, ~5% more
   * acknowledged requests in `ack` mode here.
   */
  private startFsync(done: (error: Error | null) => void): void {
    this.stats.fsyncs++
    this.inFlight++
    fdatasync(this.fd!, (error) => {
      this.inFlight--
      if (error) {
        this.stats.fsyncErrors++
        this.failure ??= new Error(`event log ${this.dir}: fdatasync failed (${error.message}); not accepting events until restarted`)
      }
      done(error)
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake()
    })
  }

  /** `interval` mode: a write is waiting for its fsync; make sure one starts within syncIntervalMs of it. */
  private noteUnsynced(): void {
    if (this.unsyncedSince === 0) this.unsyncedSince = Date.now()
    if (this.syncTimer !== null || this.inFlight > 0) return
    const wait = Math.max(0, this.unsyncedSince + this.syncIntervalMs - Date.now())
    this.syncTimer = setTimeout(() => this.intervalSync(), wait)
  }

  private intervalSync(): void {
    this.syncTimer = null
    if (this.unsyncedSince === 0 || this.fd === null) return
    // everything written so far is covered by this fsync; writes made while it runs wait for the next
    this.unsyncedSince = 0
    this.startFsync((error) => {
      // not any one request's error: the writes it covered were acknowledged already (counted in /metrics, and the
      // log refuses appends from now on: see `failure`)
      if (error) process.emitWarning(`event log fdatasync failed: ${error.message}`)
      if (this.unsyncedSince !== 0) this.noteUnsynced()
      if (this.queue.length > 0) this.scheduleFlush()
    })
  }

  private allSynced(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private openPath(seq: number): string {
    return join(this.dir, `${this.prefix}-${String(seq).padStart(8, '0')}.ndjson.open`)
  }

  /** Closes the open segment (if any) and opens the next. */
  rotate(): void {
    this.closeSegment()
    this.seq++
    this.fd = openSync(this.openPath(this.seq), 'a')
    this.bytes = 0
    this.openedAt = Date.now()
  }

  private closeSegment(): void {
    if (this.fd === null) return
    if (this.sync !== 'off') fdatasyncSync(this.fd)
    // the fsync above covers whatever the interval timer was waiting for
    this.unsyncedSince = 0
    if (this.syncTimer !== null) clearTimeout(this.syncTimer)
    this.syncTimer = null
    closeSync(this.fd)
    this.fd = null
    const open = this.openPath(this.seq)
    if (this.bytes === 0) renameSync(open, open + '.empty')
    else renameSync(open, open.slice(0, -'.open'.length))
  }

  /** Why the log refuses appends (a failed fdatasync), or null. */
  get failed(): Error | null {
    return this.failure
  }

  /** For /healthz. A failed write stops counting against health once the disk has room again (`minFreeBytes`). */
  health(minFreeBytes = 1024 * 1024): LogHealth {
    let freeBytes: number | null = null
    try {
      const fs = statfsSync(this.dir)
      freeBytes = fs.bavail * fs.bsize
    } catch {
      // unknown
    }
    const counts = {writeErrors: this.stats.writeErrors, fsyncErrors: this.stats.fsyncErrors, freeBytes}
    if (this.failure) return {ok: false, state: 'failed', error: this.failure.message, ...counts}
    const roomAgain = this.writeError?.code === 'ENOSPC' && freeBytes !== null && freeBytes >= minFreeBytes
    if (this.writeError && !roomAgain) return {ok: false, state: 'write_failed', error: this.writeError.message, ...counts}
    return {ok: true, state: 'ok', ...counts}
  }

  /** Rotates an idle segment that is too old (called on a timer). */
  maybeRotateIdle(): void {
    if (this.fd !== null && this.inFlight === 0 && this.queue.length === 0 && Date.now() - this.openedAt > this.maxAgeMs)
      this.closeSegment()
  }

  /** Waits for the fsyncs in flight, flushes what is queued, and closes the open segment. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    while (this.inFlight > 0 || this.queue.length > 0) {
      if (this.inFlight > 0) await this.allSynced()
      else this.flush()
    }
    this.closeSegment()
  }
}

/** One buffer of the group's lines, in order (request bodies are copied as bytes, never decoded and re-encoded). */
function joinLines(batch: Pending[]): Buffer {
  let text = ''
  let pieces: Buffer[] | undefined
  for (const p of batch) {
    if (typeof p.lines === 'string') {
      text += p.lines
      continue
    }
    for (const piece of p.lines) {
      if (typeof piece === 'string') text += piece
      else {
        pieces ??= []
        if (text !== '') pieces.push(Buffer.from(text))
        text = ''
        pieces.push(piece)
      }
    }
  }
  if (!pieces) return Buffer.from(text)
  if (text !== '') pieces.push(Buffer.from(text))
  return Buffer.concat(pieces)
}

/**
 * Closes segments that a crashed writer left open: drops a torn last line and anything from the first zero byte on
 * (a machine crash can leave a hole of zeros where the OS had not flushed a write, before a later one it had) and
 * renames the file to its closed name. Lines are written whole and in order, so with `--sync ack` all of that was
 * unacknowledged; with `interval` or `off` it is within the documented loss window (docs/serve.md). A crash of ccx
 * alone leaves no hole. Run once at startup, before any writer starts.
 */
export function recoverSegments(dir: string, prefix = ''): {recovered: number; truncatedBytes: number} {
  mkdirSync(dir, {recursive: true})
  let recovered = 0
  let truncatedBytes = 0
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.ndjson.open') || !name.startsWith(prefix)) continue
    const path = join(dir, name)
    const content = readFileSync(path)
    const firstZero = content.indexOf(0)
    const keep = (firstZero === -1 ? content.lastIndexOf(0x0a) : content.lastIndexOf(0x0a, firstZero)) + 1
    if (keep < content.length) {
      const fd = openSync(path, 'r+')
      ftruncateSync(fd, keep)
      fsyncSync(fd)
      closeSync(fd)
      truncatedBytes += content.length - keep
    }
    if (keep === 0) renameSync(path, path + '.empty')
    else {
      renameSync(path, path.slice(0, -'.open'.length))
      recovered++
    }
  }
  return {recovered, truncatedBytes}
}

/** Closed segments in a folder, oldest first (what `ccx ingest probe --from-log` loads). */
export function closedSegments(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((n) => /\.ndjson$/.test(n) && statSync(join(dir, n)).size > 0)
    .sort()
    .map((n) => join(dir, n))
}
