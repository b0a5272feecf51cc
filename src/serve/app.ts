import {timingSafeEqual} from 'node:crypto'
import {readFileSync} from 'node:fs'
import type {IncomingMessage, RequestListener, Server, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {gzipSync} from 'node:zlib'
import {Admission} from './admission.js'
import type {BotIndex} from '../selfservice/bot/index.js'
import {botEndpoint} from './bot.js'
import {collectEndpoint} from './collect.js'
import {OriginPolicy, type SiteAccess} from './cors.js'
import {createHttpServer, pathOf, refuse, sendJson} from './http.js'
import {LiveHub} from './live.js'
import {Metrics} from './metrics.js'
import {PRIVATE_NETWORKS, ProxyTrust} from '../vocab/proxy.js'
import {RateLimiter} from './rate-limit.js'
import type {SegmentLog} from './segment-log.js'
import {preflightHandler, siteHandler, type SiteContext, type SiteEndpoint} from './site-endpoint.js'
import type {StateStore} from './state.js'
import type {LiveVisitor, Responder} from './types.js'

/**
 * `ccx serve` as an application: the routes of the public listener (what pages call) and of the admin listener (what
 * operators read), built from the endpoint modules (collect.ts, live.ts) and the plumbing (http.ts, site-endpoint.ts).
 * Created apart from `listen`, so tests drive it in process on port 0 as well as through `bin/run.js serve`.
 */
export interface ServeAppOptions {
  log: SegmentLog
  state: StateStore
  responder: Responder
  /** Sites by id (cors.ts siteAccessMap); empty = any site (development). */
  sites: Map<string, SiteAccess>
  bodyLimitBytes?: number
  /** Per-address token bucket. */
  ratePerSecond?: number
  rateBurst?: number
  /** Read X-Forwarded-For from these proxies (addresses or CIDR blocks); undefined = the socket's address is the client. */
  trustedProxies?: readonly string[]
  /** Development: every browser origin may post. */
  corsAnyOrigin?: boolean
  maxInFlight?: number
  maxMemoryBytes?: number
  /** Memory to compare with maxMemoryBytes (tests). */
  memory?: () => number
  live?: {maxClients?: number; maxBufferedBytes?: number; maxOnline?: number}
  /** Bearer token of the admin listener. */
  adminToken?: string
  /** The address as stored in the event log (privacy.ip); default: as received. */
  storedIp?: (ip: string) => string
  /** Broadcast hook (cluster: forwards live updates to sibling workers). */
  onLive?: (v: LiveVisitor) => void
  /** The FAQ bot (`serve.botKb`): POST /bot answers from it; the clock gives the logged exchange's site-local time. */
  bot?: {index: BotIndex; localNow: () => string}
  /** More endpoints that sites post to, beside /collect (each gets the checks of site-endpoint.ts). */
  endpoints?: Array<SiteEndpoint<unknown>>
}

export interface ServeApp {
  metrics: Metrics
  live: LiveHub
  /** The public listener: POST/OPTIONS of the site endpoints (/collect, …), GET /probe.js (and /chat.js with a bot), GET /healthz. */
  handlePublic: RequestListener
  /** The admin listener: GET /live, /metrics, /healthz (behind adminToken when set). */
  handleAdmin: RequestListener
  /** A live update from another worker. */
  publishLive: (v: LiveVisitor) => void
  /** Site requests being answered. */
  inFlight: () => number
  /** Stop accepting site requests (503) and end the live streams. */
  startDrain: () => void
  /** Closes the log (after what is queued) and the state store. */
  close: () => Promise<void>
}

const PROBE_JS = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'assets', 'probe.js'))
/** Every page loads the probe: sent gzipped (about a third of its size) to browsers that accept it. */
const PROBE_JS_GZ = gzipSync(PROBE_JS, {level: 9})
/** The FAQ bot's chat panel, loaded by the probe where `data-bot="on"` (served only when /bot is). */
const CHAT_JS = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'assets', 'chat.js'), 'utf8')
/** The questionnaire form, loaded by the probe the first time a survey directive arrives (docs/surveys.md). */
const SURVEY_JS = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'assets', 'survey.js'), 'utf8')

/** Trusted proxies as configured: `trustProxy` alone trusts loopback and private networks. */
export function proxyList(trustProxy: boolean, trustedProxies: readonly string[]): readonly string[] | undefined {
  if (trustedProxies.length > 0) return trustedProxies
  return trustProxy ? PRIVATE_NETWORKS : undefined
}

export function createServeApp(options: ServeAppOptions): ServeApp {
  const metrics = new Metrics()
  const live = new LiveHub({
    metrics,
    maxClients: options.live?.maxClients,
    maxBufferedBytes: options.live?.maxBufferedBytes,
    maxOnline: options.live?.maxOnline,
  })
  const limiter = new RateLimiter(options.ratePerSecond ?? 50, options.rateBurst ?? 100)
  const countShed = metrics.counter('ccx_memory_sheds_total', 'Times memory went over serve.maxMemoryMb (visitor caches halved)')
  const admission = new Admission({
    maxInFlight: options.maxInFlight ?? 1000,
    maxMemoryBytes: options.maxMemoryBytes ?? 1024 * 1024 * 1024,
    memory: options.memory,
    // what can be rebuilt goes: visit counts of the least recent visitors restart, the live feed forgets older visitors
    onHigh: () => {
      countShed()
      options.state.shed?.(0.5)
      live.shed(0.5)
      limiter.prune()
    },
  })
  const proxies = options.trustedProxies ? new ProxyTrust(options.trustedProxies) : null
  let draining = false
  const ctx: SiteContext = {
    metrics,
    sites: options.sites,
    origins: new OriginPolicy(options.sites, options.corsAnyOrigin ?? false),
    admission,
    limiter,
    proxies,
    bodyLimit: options.bodyLimitBytes ?? 64 * 1024,
    isDraining: () => draining,
  }
  const {log} = options
  metrics.gauge('ccx_segment_fsyncs', 'fdatasync calls of the event log', () => log.stats.fsyncs)
  metrics.gauge(
    'ccx_segment_fsync_errors',
    'failed fdatasync calls of the event log (after one, /collect answers 500)',
    () => log.stats.fsyncErrors,
  )
  metrics.gauge(
    'ccx_segment_write_errors',
    'failed writes of the event log (disk full: the request is answered 500, its part cut back out of the log)',
    () => log.stats.writeErrors,
  )
  metrics.gauge('ccx_in_flight', 'Site requests being answered', () => admission.inFlight)
  if (proxies) metrics.gauge('ccx_forwarded_for_malformed', 'X-Forwarded-For hops that were not addresses', () => proxies.malformed)

  const publishLive = (v: LiveVisitor) => live.publish(v)
  // Endpoints a site's pages post to: each one module (a SiteEndpoint) with the same site keys, CORS, limits and checks.
  const siteEndpoints: Array<SiteEndpoint<unknown>> = [
    collectEndpoint({
      log,
      state: options.state,
      responder: options.responder,
      metrics,
      storedIp: options.storedIp ?? ((ip) => ip),
      onLive: options.onLive
        ? (v) => {
            live.publish(v)
            options.onLive!(v)
          }
        : publishLive,
    }) as SiteEndpoint<unknown>,
    ...(options.bot
      ? [
          botEndpoint({
            log,
            bot: options.bot.index,
            state: options.state,
            metrics,
            localNow: options.bot.localNow,
            storedIp: options.storedIp ?? ((ip) => ip),
          }) as SiteEndpoint<unknown>,
        ]
      : []),
    ...(options.endpoints ?? []),
  ]
  const preflight = preflightHandler(ctx)
  const sitePosts = new Map(siteEndpoints.map((e) => [e.path, siteHandler(ctx, e)]))

  const ROUTES = [...sitePosts.keys(), '/probe.js', '/chat.js', '/survey.js', '/live', '/healthz', '/metrics', 'other']
  const counters = (listener: string) =>
    new Map(ROUTES.map((route) => [route, metrics.counter('ccx_requests_total', 'Requests by route', {listener, route})]))
  const countPublic = counters('public')
  const countAdmin = counters('admin')

  function healthz(res: ServerResponse, admin: boolean): void {
    const logHealth = log.health()
    const ok = !draining && logHealth.ok
    sendJson(res, ok ? 200 : 503, {
      ok,
      ...(draining ? {draining: true} : {}),
      log: logHealth,
      ...(admin ? {inFlight: admission.inFlight, online: live.size()} : {}),
    })
  }

  const handlePublic: RequestListener = (req, res) => {
    const path = pathOf(req)
    ;(countPublic.get(path) ?? countPublic.get('other')!)()
    const post = sitePosts.get(path)
    if (post) {
      if (req.method === 'POST') return post(req, res)
      if (req.method === 'OPTIONS') return preflight(req, res)
    } else if (req.method === 'GET' && path === '/probe.js') {
      const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
      const js = gzip ? PROBE_JS_GZ : PROBE_JS
      res.writeHead(200, {
        'content-type': 'application/javascript; charset=utf-8',
        'cache-control': 'public, max-age=300',
        vary: 'Accept-Encoding',
        'content-length': js.length,
        ...(gzip ? {'content-encoding': 'gzip'} : {}),
      })
      return res.end(js)
    } else if (req.method === 'GET' && path === '/chat.js' && options.bot) {
      res.writeHead(200, {'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'public, max-age=300'})
      return res.end(CHAT_JS)
    } else if (req.method === 'GET' && path === '/survey.js') {
      res.writeHead(200, {'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'public, max-age=300'})
      return res.end(SURVEY_JS)
    } else if (req.method === 'GET' && path === '/healthz') {
      return healthz(res, false)
    } else if (path === '/live' || path === '/metrics') {
      return refuse(metrics, res, 404, 'not_found', `${path} is served on the admin listener (docs/serve.md, "Security")`)
    }
    return refuse(metrics, res, 404, 'not_found', `no route ${req.method} ${path}`)
  }

  const token = options.adminToken ? Buffer.from(`Bearer ${options.adminToken}`) : undefined
  const authorized = (req: IncomingMessage) => {
    if (!token) return true
    const given = Buffer.from(String(req.headers.authorization ?? ''))
    return given.length === token.length && timingSafeEqual(given, token)
  }

  const handleAdmin: RequestListener = (req, res) => {
    const path = pathOf(req)
    ;(countAdmin.get(path) ?? countAdmin.get('other')!)()
    if (!authorized(req))
      return refuse(metrics, res, 401, 'unauthorized', 'the admin listener needs Authorization: Bearer <serve.adminToken>')
    if (req.method === 'GET' && path === '/live') return live.handle(req, res)
    if (req.method === 'GET' && path === '/healthz') return healthz(res, true)
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, {'content-type': 'text/plain; version=0.0.4'})
      return res.end(metrics.render())
    }
    return refuse(metrics, res, 404, 'not_found', `no route ${req.method} ${path}`)
  }

  return {
    metrics,
    live,
    handlePublic,
    handleAdmin,
    publishLive,
    inFlight: () => admission.inFlight,
    startDrain: () => {
      draining = true
      live.close()
    },
    close: async () => {
      admission.stop()
      await log.close()
      await options.state.close()
    },
  }
}

export interface ListenOptions {
  port: number
  host: string
  /** Default: port + 1, or a free port when port is 0. */
  adminPort?: number
  adminHost?: string
  requestTimeoutMs?: number
  maxConnections?: number
}

export interface Listening {
  public: Server
  admin: Server
  port: number
  adminPort: number
  /** Stops accepting, lets in-flight requests finish (up to graceMs), closes the servers, the log and the state. */
  drain: (graceMs?: number) => Promise<void>
}

function listenOn(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

/** Serves the app: the public listener and the admin listener. */
export async function listen(app: ServeApp, options: ListenOptions): Promise<Listening> {
  const http = {requestTimeoutMs: options.requestTimeoutMs ?? 10_000, maxConnections: options.maxConnections, metrics: app.metrics}
  const publicServer = createHttpServer(app.handlePublic, http)
  const adminServer = createHttpServer(app.handleAdmin, {...http, maxConnections: undefined})
  const port = await listenOn(publicServer, options.port, options.host)
  let adminPort: number
  try {
    adminPort = await listenOn(
      adminServer,
      options.adminPort ?? (options.port === 0 ? 0 : options.port + 1),
      options.adminHost ?? '127.0.0.1',
    )
  } catch (error) {
    publicServer.close()
    throw error
  }
  async function drain(graceMs = 10_000): Promise<void> {
    app.startDrain()
    const closed = Promise.all([publicServer, adminServer].map((s) => new Promise<void>((r) => s.close(() => r()))))
    publicServer.closeIdleConnections()
    adminServer.closeAllConnections()
    const deadline = Date.now() + graceMs
    while (app.inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    publicServer.closeAllConnections()
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))])
    await app.close()
  }
  return {public: publicServer, admin: adminServer, port, adminPort, drain}
}
