import cluster, {type Worker} from 'node:cluster'
import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {LoadedConfig} from '../config/load.js'
import {CcxError, EXIT} from '../errors.js'
import type {ServeConfig} from '../config/serve.js'
import {createResponder} from './responder.js'
import {SegmentLog, recoverSegments} from './segment-log.js'
import {createServeApp, listen, proxyList} from './app.js'
import {siteAccessMap} from './cors.js'
import type {LiveVisitor} from './types.js'
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

/** The FAQ bot from an exported KB file and the configured synonyms (no database: serve must not hold it). */
async function loadBot(config: LoadedConfig, kbFile: string): Promise<NonNullable<Parameters<typeof createServeApp>[0]['bot']>> {
  const {readKbFile} = await import('../selfservice/kb/service.js')
  const {BotIndex} = await import('../selfservice/bot/index.js')
  const {loadSynonyms, synonymsPathFor} = await import('../selfservice/bot/synonyms.js')
  const {localTimestamp} = await import('./responder.js')
  const index = new BotIndex(readKbFile(kbFile).entries, {
    synonyms: loadSynonyms(synonymsPathFor(config)),
    match: {handoverBelow: config.config.bot.handoverBelow, maxAlternatives: config.config.bot.maxAlternatives},
  })
  const timeZone = config.config.timezone
  return {index, localNow: () => localTimestamp(Date.now(), timeZone)}
}

/** A loopback address: the admin listener may bind it without a token. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
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
  const {ipAnonymizer} = await import('../privacy/ip.js')
  const bot = serve.botKb ? await loadBot(options.config, serve.botKb) : undefined
  const app = createServeApp({
    log,
    state,
    responder,
    sites: siteAccessMap(options.config.config.sites),
    bodyLimitBytes: serve.bodyLimitBytes,
    ratePerSecond: serve.ratePerSecond,
    rateBurst: serve.rateBurst,
    trustedProxies: proxyList(serve.trustProxy, serve.trustedProxies),
    corsAnyOrigin: serve.corsAnyOrigin,
    maxInFlight: serve.maxInFlight,
    maxMemoryBytes: serve.maxMemoryMb * 1024 * 1024,
    live: {maxClients: serve.liveMaxClients, maxBufferedBytes: serve.liveMaxBufferBytes, maxOnline: serve.maxOnlineVisitors},
    adminToken: serve.adminToken,
    storedIp: ipAnonymizer(options.config.config.privacy.ip),
    onLive: cluster.isWorker ? (v) => sendToPrimary({ccxLive: v}) : undefined,
    bot,
  })
  if (cluster.isWorker) {
    process.on('message', (m: {ccxLive?: LiveVisitor; from?: number}) => {
      if (m?.ccxLive && m.from !== cluster.worker?.id) app.publishLive(m.ccxLive)
    })
  }
  const rotateTimer = setInterval(() => log.maybeRotateIdle(), 5_000)
  const listening = await listen(app, {
    port: serve.port,
    host: serve.host,
    adminPort: serve.adminPort,
    adminHost: serve.adminHost,
    requestTimeoutMs: serve.requestTimeoutMs,
    maxConnections: serve.maxConnections,
  }).catch(async (error: NodeJS.ErrnoException) => {
    await app.close()
    if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error
    const admin = (error as {port?: number}).port !== serve.port
    throw new CcxError(`cannot listen on ${(error as {address?: string}).address}:${(error as {port?: number}).port}: ${error.code}`, {
      code: 'PORT_IN_USE',
      exit: EXIT.failure,
      suggestions: [admin ? 'Pick the admin port with --admin-port (config serve.adminPort).' : 'Pick another --port.'],
    })
  })
  options.log(
    JSON.stringify({
      event: 'listening',
      pid: process.pid,
      host: serve.host,
      port: listening.port,
      adminHost: serve.adminHost,
      adminPort: listening.adminPort,
      logDir: serve.logDir,
      redis: Boolean(options.redisUrl),
    }),
  )
  await new Promise<void>((resolve) => {
    const stop = async (signal: string) => {
      options.log(JSON.stringify({event: 'draining', pid: process.pid, signal}))
      clearInterval(rotateTimer)
      await listening.drain()
      options.log(JSON.stringify({event: 'stopped', pid: process.pid}))
      resolve()
    }
    process.once('SIGTERM', () => void stop('SIGTERM'))
    process.once('SIGINT', () => void stop('SIGINT'))
  })
}

/** Best-effort message to the primary: it may be gone (or going), which must not crash the worker. */
function sendToPrimary(message: object): void {
  if (!process.connected) return
  try {
    process.send?.(message, undefined, {}, () => {})
  } catch {
    // the channel closed meanwhile
  }
}

/** The same, from the primary to a worker that may have died since. */
function sendToWorker(worker: Worker, message: object): void {
  if (!worker.isConnected() || worker.isDead()) return
  try {
    worker.send(message, undefined, () => {})
  } catch {
    // ERR_IPC_CHANNEL_CLOSED: the worker died between the check and the send
  }
}

/** A worker that dies sooner than this after its start is restarted after a growing pause (up to 5 s). */
const QUICK_DEATH_MS = 2_000

/** `ccx serve`: recovers the log, then serves in this process or in N workers sharing the port. */
export async function runServe(options: ServeRunOptions): Promise<void> {
  if (cluster.isWorker) {
    await runServerProcess(options, process.env.CCX_SEGMENT_PREFIX!)
    process.exit(0)
  }
  const {serve} = options
  if (!isLoopback(serve.adminHost) && !serve.adminToken) {
    throw new CcxError(
      `serve.adminHost ${serve.adminHost} is not a loopback address: /live and /metrics would be open to that network without serve.adminToken`,
      {
        code: 'ADMIN_UNPROTECTED',
        exit: EXIT.invalidConfig,
        suggestions: ['Set serve.adminToken (16+ characters) in the config, or keep serve.adminHost at 127.0.0.1.'],
      },
    )
  }
  if (options.config.config.sites.length === 0)
    options.log(
      JSON.stringify({event: 'warning', message: 'no sites in the config: any site and any origin is accepted (development only)'}),
    )
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
    const workers = new Set<Worker>()
    let stopping = false
    const fork = (slot: number, quickDeaths = 0) => {
      const prefix = `${writer}-w${slot}-${Date.now()}`
      const started = Date.now()
      const w = cluster.fork({CCX_SEGMENT_PREFIX: prefix})
      workers.add(w)
      w.on('message', (m: {ccxLive?: LiveVisitor}) => {
        if (m?.ccxLive) for (const other of workers) if (other !== w) sendToWorker(other, {ccxLive: m.ccxLive, from: w.id})
      })
      // a send racing the worker's death reports here rather than as an uncaught exception
      w.on('error', (error) => options.log(JSON.stringify({event: 'worker-error', slot, message: error.message})))
      w.on('exit', (code, signal) => {
        workers.delete(w)
        // a dead worker's open segment becomes loadable (its torn last line, never acknowledged, is dropped)
        let recovered: ReturnType<typeof recoverSegments> | undefined
        try {
          recovered = recoverSegments(options.serve.logDir, prefix)
        } catch (error) {
          options.log(JSON.stringify({event: 'recover-failed', slot, message: (error as Error).message}))
        }
        if (stopping) return
        const quick = Date.now() - started < QUICK_DEATH_MS ? quickDeaths + 1 : 0
        const pause = quick === 0 ? 0 : Math.min(5_000, 100 * 2 ** quick)
        options.log(JSON.stringify({event: 'worker-exit', slot, code, signal, recovered, restarting: true, pauseMs: pause}))
        setTimeout(() => {
          if (!stopping) fork(slot, quick)
        }, pause)
      })
    }
    for (let i = 0; i < options.workers; i++) fork(i)
    await new Promise<void>((resolve) => {
      const stop = () => {
        stopping = true
        for (const w of workers) if (!w.isDead()) w.process.kill('SIGTERM')
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
