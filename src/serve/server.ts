import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {Metrics} from './metrics.js'
import {RateLimiter} from './rate-limit.js'
import type {SegmentLog} from './segment-log.js'
import type {StateStore, VisitorState} from './state.js'
import {batchLogLine} from '../vocab/event-log.js'
import {BatchError, validateBatch, type ProbeBatch} from '../vocab/probe-batch.js'
import type {ProbeDirective} from '../vocab/directives.js'

/** What the scenario side answers for one batch (see responder.ts): the shape is src/vocab's. */
export type Directive = ProbeDirective

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

export interface ResponderAnswer {
  directives: Directive[]
  state: VisitorState
  live: Omit<LiveVisitor, 'lastSeen' | 'site' | 'visitorId'>
  /** When the batch arrived, local time of the site's zone (the events' ts in the log). */
  ts: string
  /** Accepted events. */
  count: number
}

export interface Responder {
  /** Synchronous when nothing needs I/O (memory state); a promise otherwise (e.g. agent loads from Redis). */
  respond(input: {
    batch: ProbeBatch
    ip: string
    userAgent: string
    nowMs: number
    previous: VisitorState | undefined
  }): ResponderAnswer | Promise<ResponderAnswer>
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
/** An agent counts an assignment this long (chats end without telling us). */
const AGENT_ASSIGNMENT_MS = 20 * 60 * 1000

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
  metrics.gauge('ccx_segment_fsyncs', 'fdatasync calls of the event log', () => options.log.stats.fsyncs)
  metrics.gauge(
    'ccx_segment_fsync_errors',
    'failed fdatasync calls of the event log (after one, /collect answers 500)',
    () => options.log.stats.fsyncErrors,
  )

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

  const JSON_HEADERS = {'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store'}
  function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
    sendText(res, status, JSON.stringify(body), headers)
  }

  function sendText(res: ServerResponse, status: number, text: string, headers?: Record<string, string>): void {
    // An explicit length: writeHead before end() would otherwise make node answer chunked (framing for both sides).
    const length = String(Buffer.byteLength(text))
    res.writeHead(
      status,
      headers
        ? {...JSON_HEADERS, ...headers, 'content-length': length}
        : ['content-type', JSON_HEADERS['content-type'], 'cache-control', 'no-store', 'content-length', length],
    )
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
    const address = req.socket.remoteAddress ?? ''
    return address.startsWith('::ffff:') ? address.slice(7) : address
  }

  function corsHeaders(origin: string | undefined, requestedHeaders?: string): Record<string, string> | undefined {
    if (!origin) return undefined
    return {
      'access-control-allow-origin': origin,
      vary: 'Origin',
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': requestedHeaders && /^[\w\-, ]{1,200}$/.test(requestedHeaders) ? requestedHeaders : 'content-type',
      'access-control-max-age': '600',
    }
  }

  /** Reads the body within the limit: `done` gets it, or `tooLarge` runs (once) when it is over. */
  function readBody(req: IncomingMessage, done: (body: Buffer) => void, tooLarge: () => void): void {
    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > bodyLimit) return tooLarge()
    let first: Buffer | undefined
    let chunks: Buffer[] | undefined
    let size = 0
    let failed = false
    req.on('data', (c: Buffer) => {
      if (failed) return
      size += c.length
      if (size > bodyLimit) {
        failed = true
        tooLarge()
        req.destroy()
        return
      }
      if (!first) first = c
      else (chunks ??= [first]).push(c)
    })
    req.on('end', () => {
      if (!failed) done(chunks ? Buffer.concat(chunks) : (first ?? Buffer.alloc(0)))
    })
  }

  const countRequest = new Map(
    ['/collect', '/probe.js', '/live', '/healthz', '/metrics', 'other'].map((route) => [
      route,
      metrics.counter('ccx_requests_total', 'Requests by route', {route}),
    ]),
  )
  const countAccepted = metrics.counter('ccx_events_accepted_total', 'Events logged durably')
  const countRejectedEvents = metrics.counter('ccx_events_rejected_total', 'Events dropped by validation')
  const countErrors = metrics.counter('ccx_errors_total', 'Unexpected errors answering /collect')
  const directiveCounters = new Map<string, (by?: number) => void>()
  const countDirective = (type: string) => {
    let c = directiveCounters.get(type)
    if (!c) directiveCounters.set(type, (c = metrics.counter('ccx_directives_total', 'Directives sent, by type', {type})))
    c()
  }
  const {state} = options
  /** Numbers the logged requests (with the log's prefix: unique across processes and restarts). */
  let logSeq = 0
  let isoMs = -1
  let isoText = ''
  /** `new Date().toISOString()`, computed once per millisecond (the live feed stamps every batch). */
  function isoNow(): string {
    const ms = Date.now()
    if (ms !== isoMs) {
      isoMs = ms
      isoText = new Date(ms).toISOString()
    }
    return isoText
  }

  /**
   * POST /collect. Callback style on purpose: with the memory state store the only wait is the durable append
   * (group commit), so a request costs no promise hops; Redis answers go through promises. `finished` runs once.
   */
  function collect(req: IncomingMessage, res: ServerResponse, finished: () => void): void {
    const started = performance.now()
    const ip = clientIp(req)
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined
    const fail = (error: Error) => {
      countErrors()
      if (!res.headersSent) send(res, 500, {ok: false, error: 'internal', message: error.message})
      finished()
    }
    const refuse = (status: number, reason: string, message: string, headers?: Record<string, string>) => {
      reject(res, status, reason, message, headers)
      finished()
    }
    if (!limiter.take(ip)) return refuse(429, 'rate_limited', 'too many requests from this address; slow down', {'retry-after': '1'})
    req.on('error', fail)
    readBody(
      req,
      (body) => {
        try {
          handle(body)
        } catch (error) {
          fail(error as Error)
        }
      },
      () => refuse(413, 'body_too_large', `body larger than ${bodyLimit} bytes`),
    )

    function handle(body: Buffer): void {
      let parsed: unknown
      try {
        parsed = JSON.parse(body.toString('utf8'))
      } catch {
        return refuse(400, 'malformed_json', 'body is not valid JSON')
      }
      let validated
      try {
        validated = validateBatch(parsed)
      } catch (error) {
        if (!(error instanceof BatchError)) throw error
        return refuse(error.status, error.status === 413 ? 'too_many_events' : 'invalid_batch', `${error.field}: ${error.message}`)
      }
      const {batch, rejected} = validated
      if (options.sites.size > 0) {
        const site = options.sites.get(batch.site)
        if (!site) return refuse(403, 'unknown_site', `unknown site ${JSON.stringify(batch.site)}`)
        if (site.key && batch.key !== site.key) return refuse(403, 'bad_site_key', `wrong key for site ${batch.site}`)
        if (origin && site.allowedOrigins.length > 0 && !site.allowedOrigins.includes(origin)) {
          return refuse(403, 'origin_not_allowed', `origin ${origin} is not allowed for site ${batch.site}`)
        }
      }
      if (rejected.length > 0) countRejectedEvents(rejected.length)
      const stateKey = `${batch.site}\u0000${batch.visitor_id}`
      const userAgent = String(req.headers['user-agent'] ?? '')
      const withPrevious = (previous: VisitorState | undefined) => {
        const answer = options.responder.respond({batch, ip, userAgent, nowMs: Date.now(), previous})
        if (answer instanceof Promise) answer.then(log, fail)
        else log(answer)
      }
      const log = (answer: ResponderAnswer) => {
        // durable before the ack
        const line = batchLogLine(
          {seq: `${options.log.prefix}-${++logSeq}`, ts: answer.ts, ip, userAgent, visitCount: answer.state.visitCount, rejected},
          body,
          parsed,
        )
        options.log.appendLines(line, (error) => {
          if (error) return fail(error)
          try {
            if (state.setVisitorSync && state.assignAgentSync) {
              state.setVisitorSync(stateKey, answer.state)
              for (const d of answer.directives) if (d.route?.agentId) state.assignAgentSync(d.route.agentId, AGENT_ASSIGNMENT_MS)
              ack(answer)
            } else {
              saveAsync(answer).then(() => ack(answer), fail)
            }
          } catch (thrown) {
            fail(thrown as Error)
          }
        })
      }
      const saveAsync = async (answer: ResponderAnswer) => {
        await state.setVisitor(stateKey, answer.state)
        for (const d of answer.directives) if (d.route?.agentId) await state.assignAgent(d.route.agentId, AGENT_ASSIGNMENT_MS)
      }
      const ack = (answer: ResponderAnswer) => {
        for (const d of answer.directives) countDirective(d.type)
        countAccepted(answer.count)
        const live = {site: batch.site, visitorId: batch.visitor_id, lastSeen: isoNow(), ...answer.live} as LiveVisitor
        publishLive(live)
        options.onLive?.(live)
        // (the live feed is best-effort; the ack below is what the probe waits for)
        const text =
          `{"ok":true,"accepted":${answer.count},"rejected":${rejected.length > 0 ? JSON.stringify(rejected) : '[]'},` +
          `"directives":${answer.directives.length > 0 ? JSON.stringify(answer.directives) : '[]'}}`
        sendText(res, 200, text, corsHeaders(origin))
        metrics.observeMs(performance.now() - started)
        finished()
      }
      if (state.getVisitorSync) withPrevious(state.getVisitorSync(stateKey))
      else state.getVisitor(stateKey).then(withPrevious, fail)
    }
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
    const q = url.indexOf('?')
    const path = q === -1 ? url : url.slice(0, q)
    ;(countRequest.get(path) ?? countRequest.get('other')!)()
    if (draining && path === '/collect')
      return reject(res, 503, 'draining', 'server is shutting down; retry', {'retry-after': '1', connection: 'close'})
    if (req.method === 'OPTIONS' && path === '/collect') {
      const requested = req.headers['access-control-request-headers']
      res.writeHead(
        204,
        corsHeaders(
          typeof req.headers.origin === 'string' ? req.headers.origin : undefined,
          typeof requested === 'string' ? requested : undefined,
        ),
      )
      return res.end()
    }
    if (req.method === 'POST' && path === '/collect') {
      inFlight++
      let counted = true
      collect(req, res, () => {
        if (counted) inFlight--
        counted = false
      })
      return
    }
    if (req.method === 'GET' && path === '/probe.js') {
      res.writeHead(200, {'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'public, max-age=300'})
      return res.end(PROBE_JS)
    }
    if (req.method === 'GET' && path === '/live') return live(req, res)
    if (req.method === 'GET' && path === '/healthz') {
      const logFailure = options.log.failed?.message
      return send(res, draining || logFailure ? 503 : 200, {
        ok: !draining && !logFailure,
        inFlight,
        online: pruneOnline(),
        ...(logFailure ? {error: logFailure} : {}),
      })
    }
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
    if (socket.writable)
      socket.end(
        reason === 'timeout'
          ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n'
          : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
      )
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
