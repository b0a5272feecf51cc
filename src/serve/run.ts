import cluster from 'node:cluster'
import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {LoadedConfig} from '../config/load.js'
import {CcxError, EXIT} from '../errors.js'
import type {ServeConfig} from './config.js'
import {createResponder} from './responder.js'
import {SegmentLog, recoverSegments} from './segment-log.js'
import {createCcxServer, type LiveVisitor, type SiteAccess} from './server.js'
import {MemoryStateStore, RedisStateStore, type StateStore} from './state.js'

export interface ServeRunOptions {
  config: LoadedConfig
  serve: ServeConfig
  workers: number
  redisUrl?: string
  log: (line: string) => void
}

/** One log folder per running serve: a second instance on the same folder would close the first one's segments. */
function lockLogDir(dir: string): () => void {
  const lock = join(dir, 'serve.lock')
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim())
    let alive: boolean
    try {
      process.kill(pid, 0)
      alive = true
    } catch {
      alive = false
    }
    if (alive && pid !== process.pid) {
      throw new CcxError(`event log folder ${dir} is in use by ccx serve (PID ${pid}); use another --log-dir or stop it`, {
        code: 'LOG_DIR_BUSY',
        exit: EXIT.databaseBusy,
      })
    }
  }
  writeFileSync(lock, String(process.pid))
  return () => rmSync(lock, {force: true})
}

function siteAccess(config: LoadedConfig): Map<string, SiteAccess> {
  return new Map(config.config.sites.map((s) => [s.id, {key: s.key, allowedOrigins: s.allowedOrigins}]))
}

/** Runs one server in this process (a worker, or the only process). Resolves when it has drained. */
export async function runServerProcess(options: ServeRunOptions, segmentPrefix: string): Promise<void> {
  const {serve} = options
  const state: StateStore = options.redisUrl ? await RedisStateStore.connect(options.redisUrl) : new MemoryStateStore()
  const log = new SegmentLog({
    dir: serve.logDir,
    prefix: segmentPrefix,
    sync: serve.sync,
    syncIntervalMs: serve.syncIntervalMs,
    maxBytes: serve.segmentMaxBytes,
    maxAgeMs: serve.segmentMaxAgeSeconds * 1000,
  })
  const responder = await createResponder(options.config, serve, {
    agentLoads: (ids) => state.agentLoads(ids),
    agentLoadsSync: state.agentLoadsSync?.bind(state),
  })
  const ccx = createCcxServer({
    log,
    state,
    responder,
    sites: siteAccess(options.config),
    bodyLimitBytes: serve.bodyLimitBytes,
    ratePerSecond: serve.ratePerSecond,
    rateBurst: serve.rateBurst,
    requestTimeoutMs: serve.requestTimeoutMs,
    trustProxy: serve.trustProxy,
    onLive: cluster.isWorker ? (v) => process.send?.({ccxLive: v}) : undefined,
  })
  if (cluster.isWorker) {
    process.on('message', (m: {ccxLive?: LiveVisitor; from?: number}) => {
      if (m?.ccxLive && m.from !== cluster.worker?.id) ccx.publishLive(m.ccxLive)
    })
  }
  const rotateTimer = setInterval(() => log.maybeRotateIdle(), 5_000)
  await new Promise<void>((resolve, reject) => {
    ccx.server.once('error', reject)
    ccx.server.listen(serve.port, serve.host, () => resolve())
  })
  const address = ccx.server.address()
  const port = typeof address === 'object' && address ? address.port : serve.port
  options.log(
    JSON.stringify({event: 'listening', pid: process.pid, host: serve.host, port, logDir: serve.logDir, redis: Boolean(options.redisUrl)}),
  )
  await new Promise<void>((resolve) => {
    const stop = async (signal: string) => {
      options.log(JSON.stringify({event: 'draining', pid: process.pid, signal}))
      clearInterval(rotateTimer)
      await ccx.drain()
      options.log(JSON.stringify({event: 'stopped', pid: process.pid}))
      resolve()
    }
    process.once('SIGTERM', () => void stop('SIGTERM'))
    process.once('SIGINT', () => void stop('SIGINT'))
  })
}

/** `ccx serve`: recovers the log, then serves in this process or in N workers sharing the port. */
export async function runServe(options: ServeRunOptions): Promise<void> {
  if (cluster.isWorker) {
    await runServerProcess(options, process.env.CCX_SEGMENT_PREFIX!)
    process.exit(0)
  }
  const recovered = recoverSegments(options.serve.logDir)
  if (recovered.recovered > 0 || recovered.truncatedBytes > 0) options.log(JSON.stringify({event: 'recovered', ...recovered}))
  const unlock = lockLogDir(options.serve.logDir)
  const startedAt = Date.now()
  // the prefix numbers this writer's requests in the log (event ids of events sent without one): random bytes keep it
  // unique across machines too (containers often share a pid)
  const writer = `seg-${startedAt}-${process.pid}-${randomBytes(3).toString('hex')}`
  try {
    if (options.workers <= 1) {
      await runServerProcess(options, writer)
      return
    }
    const workers = new Set<ReturnType<typeof cluster.fork>>()
    let stopping = false
    const fork = (slot: number) => {
      const prefix = `${writer}-w${slot}-${Date.now()}`
      const w = cluster.fork({CCX_SEGMENT_PREFIX: prefix})
      workers.add(w)
      w.on('message', (m: {ccxLive?: LiveVisitor}) => {
        if (m?.ccxLive) for (const other of workers) if (other !== w) other.send({ccxLive: m.ccxLive, from: w.id})
      })
      w.on('exit', (code) => {
        workers.delete(w)
        recoverSegments(options.serve.logDir, prefix) // a crashed worker's open segment becomes loadable
        if (!stopping) {
          options.log(JSON.stringify({event: 'worker-exit', slot, code, restarting: true}))
          fork(slot)
        }
      })
    }
    for (let i = 0; i < options.workers; i++) fork(i)
    await new Promise<void>((resolve) => {
      const stop = () => {
        stopping = true
        for (const w of workers) w.process.kill('SIGTERM')
        const check = setInterval(() => {
          if (workers.size === 0) {
            clearInterval(check)
            resolve()
          }
        }, 50)
      }
      process.once('SIGTERM', stop)
      process.once('SIGINT', stop)
    })
  } finally {
    unlock()
  }
}
