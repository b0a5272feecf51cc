import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Metrics} from './metrics.js'
import {RateLimiter} from './rate-limit.js'
import type {SegmentLog} from './segment-log.js'
import type {StateStore, VisitorState} from './state.js'
import {BatchError, validateBatch, type ProbeBatch} from './validate.js'

/** What the scenario side answers for one batch (see responder.ts). */
export interface Directive {
  id: string
  scenarioId: string
  type: 'card' | 'invite' | 'route' | 'lead_form'
  message?: string
  title?: string
  resource?: Record<string, unknown>
  route?: {kind: string; target: string | null; agentId?: string | null}
}

export interface LiveVisitor {
  site: string
  visitorId: string
  lastSeen: string
  url?: string
  intent?: string
  province?: string | null
  city?: string | null
  source?: string | null
  term?: string | null
  visitNumber: number
  directives: string[]
}

export interface Responder {
  respond(input: {batch: ProbeBatch; ip: string; userAgent: string; nowMs: number; previous: VisitorState | undefined}): Promise<{
    directives: Directive[]
    state: VisitorState
    live: Omit<LiveVisitor, 'lastSeen' | 'site' | 'visitorId'>
    /** Canonical probe rows to log (one per accepted event). */
    rows: Record<string, unknown>[]
  }>
}

export interface SiteAccess {
  key?: string
  allowedOrigins: string[]
}

export interface ServeOptions {
  log: SegmentLog
  state: StateStore
  responder: Responder
  /** Sites by id; empty map = accept any site (development). */
  sites: Map<string, SiteAccess>
  bodyLimitBytes?: number
  /** Per-IP token bucket. */
  ratePerSecond?: number
  rateBurst?: number
  /** A client must send its whole request within this time. */
  requestTimeoutMs?: number
  /** Use the X-Forwarded-For address (behind a trusted load balancer). */
  trustProxy?: boolean
  /** Broadcast hook (cluster: forwards live updates to sibling workers). */
  onLive?: (v: LiveVisitor) => void
}

const PROBE_JS = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'assets', 'probe.js'), 'utf8')
const ONLINE_WINDOW_MS = 5 * 60 * 1000

export interface CcxServer {
  server: Server
  metrics: Metrics
  /** Receives a live update from another worker. */
  publishLive: (v: LiveVisitor) => void
  /** Stops accepting, lets in-flight requests finish, closes the segment cleanly. */
  drain: (graceMs?: number) => Promise<void>
}

export function createCcxServer(options: ServeOptions): CcxServer {
  const metrics = new Metrics()
  const limiter = new RateLimiter(options.ratePerSecond ?? 50, options.rateBurst ?? 100)
  const bodyLimit = options.bodyLimitBytes ?? 64 * 1024
  const online = new Map<string, LiveVisitor>()
  const sseClients = new Set<ServerResponse>()
  let inFlight = 0
  let draining = false

  metrics.gauge('ccx_visitors_online', 'Visitors seen in the last 5 minutes', () => pruneOnline())
  metrics.gauge('ccx_live_clients', 'Connected /live clients', () => sseClients.size)
  metrics.gauge('ccx_segment_fsyncs', 'fsync calls of the event log', () => options.log.stats.fsyncs)

  function pruneOnline(): number {
    const cutoff = Date.now() - ONLINE_WINDOW_MS
    for (const [k, v] of online) if (Date.parse(v.lastSeen) < cutoff) online.delete(k)
    return online.size
  }

  function publishLive(v: LiveVisitor): void {
    online.set(`${v.site}\u0000${v.visitorId}`, v)
    if (sseClients.size === 0) return
    const payload = `event: visitor\ndata: ${JSON.stringify(v)}\n\n`
    for (const c of sseClients) c.write(payload)
  }

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body)
    res.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers})
    res.end(text)
  }

  function reject(res: ServerResponse, status: number, reason: string, message: string, headers: Record<string, string> = {}): void {
    metrics.inc('ccx_rejected_requests_total', 'Requests refused, by reason', {reason})
    send(res, status, {ok: false, error: reason, message}, headers)
  }

  function clientIp(req: IncomingMessage): string {
    if (options.trustProxy) {
      const fwd = req.headers['x-forwarded-for']
      const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim()
      if (first) return first
    }
    return (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '')
  }

  function corsHeaders(origin: string | undefined, requestedHeaders?: string): Record<string, string> {
    if (!origin) return {}
    return {
      'access-control-allow-origin': origin,
      vary: 'Origin',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': requestedHeaders && /^[\w\-, ]{1,200}$/.test(requestedHeaders) ? requestedHeaders : 'content-type',
      'access-control-max-age': '600',
    }
  }

  function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const declared = Number(req.headers['content-length'] ?? 0)
      if (declared > bodyLimit) return reject(new BatchError(413, '(body)', `body larger than ${bodyLimit} bytes`))
      const chunks: Buffer[] = []
      let size = 0
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > bodyLimit) {
          reject(new BatchError(413, '(body)', `body larger than ${bodyLimit} bytes`))
          req.destroy()
          return
        }
        chunks.push(c)
      })
      req.on('end', () => resolve(Buffer.concat(chunks)))
      req.on('error', reject)
    })
  }

  async function collect(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    const ip = clientIp(req)
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined
    if (!limiter.take(ip)) return reject(res, 429, 'rate_limited', 'too many requests from this address; slow down', {'retry-after': '1'})
    let body: Buffer
    try {
      body = await readBody(req)
    } catch (error) {
      if (error instanceof BatchError) return reject(res, error.status, 'body_too_large', error.message)
      throw error
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      return reject(res, 400, 'malformed_json', 'body is not valid JSON')
    }
    let validated
    try {
      validated = validateBatch(parsed)
    } catch (error) {
      if (error instanceof BatchError) return reject(res, error.status, error.status === 413 ? 'too_many_events' : 'invalid_batch', `${error.field}: ${error.message}`)
      throw error
    }
    const {batch, rejected} = validated
    if (options.sites.size > 0) {
      const site = options.sites.get(batch.site)
      if (!site) return reject(res, 403, 'unknown_site', `unknown site ${JSON.stringify(batch.site)}`)
      if (site.key && batch.key !== site.key) return reject(res, 403, 'bad_site_key', `wrong key for site ${batch.site}`)
      if (origin && site.allowedOrigins.length > 0 && !site.allowedOrigins.includes(origin)) {
        return reject(res, 403, 'origin_not_allowed', `origin ${origin} is not allowed for site ${batch.site}`)
      }
    }
    if (rejected.length > 0) metrics.inc('ccx_events_rejected_total', 'Events dropped by validation', {}, rejected.length)
    const stateKey = `${batch.site}\u0000${batch.visitor_id}`
    const previous = await options.state.getVisitor(stateKey)
    const answer = await options.responder.respond({batch, ip, userAgent: String(req.headers['user-agent'] ?? ''), nowMs: Date.now(), previous})
    await options.log.append(answer.rows) // durable before the ack
    await options.state.setVisitor(stateKey, answer.state)
    for (const d of answer.directives) {
      metrics.inc('ccx_directives_total', 'Directives sent, by type', {type: d.type})
      if (d.route?.agentId) await options.state.assignAgent(d.route.agentId, 20 * 60 * 1000)
    }
    metrics.inc('ccx_events_accepted_total', 'Events logged durably', {}, answer.rows.length)
    const live: LiveVisitor = {site: batch.site, visitorId: batch.visitor_id, lastSeen: new Date().toISOString(), ...answer.live}
    publishLive(live)
    options.onLive?.(live)
    // (the live feed is best-effort; the ack below is what the probe waits for)
    send(res, 200, {ok: true, accepted: answer.rows.length, rejected, directives: answer.directives}, corsHeaders(origin))
    metrics.observeMs(performance.now() - started)
  }

  function live(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive'})
    pruneOnline()
    res.write(`event: snapshot\ndata: ${JSON.stringify([...online.values()])}\n\n`)
    sseClients.add(res)
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000)
    req.on('close', () => {
      clearInterval(ping)
      sseClients.delete(res)
    })
  }

  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  // Node checks request timeouts on this interval (default 30 s): check often enough to honour short limits.
  const server = createServer({connectionsCheckingInterval: Math.min(1000, requestTimeoutMs)}, (req, res) => {
    const url = req.url ?? '/'
    const path = url.split('?')[0]
    metrics.inc('ccx_requests_total', 'Requests by route', {route: path === '/collect' || path === '/probe.js' || path === '/live' || path === '/healthz' || path === '/metrics' ? path : 'other'})
    if (draining && path === '/collect') return reject(res, 503, 'draining', 'server is shutting down; retry', {'retry-after': '1', connection: 'close'})
    if (req.method === 'OPTIONS' && path === '/collect') {
      const requested = req.headers['access-control-request-headers']
      res.writeHead(204, corsHeaders(typeof req.headers.origin === 'string' ? req.headers.origin : undefined, typeof requested === 'string' ? requested : undefined))
      return res.end()
    }
    if (req.method === 'POST' && path === '/collect') {
      inFlight++
      collect(req, res)
        .catch((error: Error) => {
          metrics.inc('ccx_errors_total', 'Unexpected errors answering /collect')
          if (!res.headersSent) send(res, 500, {ok: false, error: 'internal', message: error.message})
        })
        .finally(() => inFlight--)
      return
    }
    if (req.method === 'GET' && path === '/probe.js') {
      res.writeHead(200, {'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'public, max-age=300'})
      return res.end(PROBE_JS)
    }
    if (req.method === 'GET' && path === '/live') return live(req, res)
    if (req.method === 'GET' && path === '/healthz') return send(res, draining ? 503 : 200, {ok: !draining, inFlight, online: pruneOnline()})
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, {'content-type': 'text/plain; version=0.0.4'})
      return res.end(metrics.render())
    }
    return reject(res, 404, 'not_found', `no route ${req.method} ${path}`)
  })
  // Slow clients: the whole request must arrive in time (node answers 408 and closes).
  server.requestTimeout = requestTimeoutMs
  server.headersTimeout = Math.min(server.requestTimeout, 5_000)
  server.keepAliveTimeout = 5_000
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const reason = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'timeout' : 'bad_request'
    metrics.inc('ccx_rejected_requests_total', 'Requests refused, by reason', {reason})
    if (socket.writable) socket.end(reason === 'timeout' ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n' : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
    else socket.destroy()
  })

  async function drain(graceMs = 10_000): Promise<void> {
    draining = true
    for (const c of sseClients) c.end()
    const closed = new Promise<void>((r) => server.close(() => r()))
    server.closeIdleConnections()
    const deadline = Date.now() + graceMs
    while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    server.closeAllConnections()
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))])
    await options.log.close()
    await options.state.close()
  }

  return {server, metrics, publishLive, drain}
}
