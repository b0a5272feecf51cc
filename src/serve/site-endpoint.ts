import {isUtf8} from 'node:buffer'
import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Admission} from './admission.js'
import type {OriginPolicy, SiteAccess} from './cors.js'
import {readBody, refuse, sendText} from './http.js'
import type {Metrics} from './metrics.js'
import type {ProxyTrust} from '../vocab/proxy.js'
import {plainAddress} from '../vocab/proxy.js'
import type {RateLimiter} from './rate-limit.js'
import {firstInvalidUtf8, jsonPathAt} from './utf8.js'

/**
 * The contract of an endpoint that a site's pages post to (`/collect`; later `/bot`, survey answers): one module
 * implements `SiteEndpoint` and gets the same checks, in this order, from `siteHandler`:
 * admission (503) → per-address rate limit (429) → body within the limit (413) → valid UTF-8 (400, naming the value)
 * → JSON (400) → the endpoint's own validation (422/413) → the site's key (403) → the origin allowed for that site
 * (403) → `handle`. Its answer carries the CORS headers of an allowed origin.
 */

/** A refusal by an endpoint's validation: HTTP status, the reason counted in /metrics, and what was wrong. */
export class EndpointError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
  ) {
    super(message)
  }
}

export interface SiteEndpoint<T> {
  /** Route, e.g. `/collect`. */
  path: string
  /** Checks the parsed body; throws EndpointError. */
  parse(body: unknown): {site: string; key: string | undefined; value: T}
  handle(request: SiteRequest<T>): void
}

/** What the plumbing shares with every site endpoint. */
export interface SiteContext {
  metrics: Metrics
  /** Sites by id; empty = any site (development). */
  sites: ReadonlyMap<string, SiteAccess>
  origins: OriginPolicy
  admission: Admission
  limiter: RateLimiter
  /** Null: the socket's address is the client's. */
  proxies: ProxyTrust | null
  bodyLimit: number
  isDraining: () => boolean
}

/** One request to a site endpoint, past every common check. */
export class SiteRequest<T> {
  /** performance.now() when it arrived. */
  readonly started = performance.now()
  body!: Buffer
  parsed: unknown
  value!: T
  site!: string

  constructor(
    private readonly ctx: SiteContext,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    /** The client's address (through trusted proxies). */
    readonly ip: string,
    readonly origin: string | undefined,
  ) {}

  /** 200 with a JSON text. */
  ok(text: string): void {
    sendText(this.res, 200, text, this.origin ? this.ctx.origins.headers(this.origin) : undefined)
  }

  refuse(status: number, reason: string, message: string, headers?: Record<string, string>): void {
    refuse(this.ctx.metrics, this.res, status, reason, message, headers)
  }

  /** An unexpected error answering: 500 (the client retries), counted. */
  fail(error: Error): void {
    this.ctx.metrics.inc('ccx_errors_total', 'Unexpected errors answering site requests')
    if (!this.res.headersSent) sendText(this.res, 500, JSON.stringify({ok: false, error: 'internal', message: error.message}))
  }
}

/** The client's address: the socket's, or through trusted proxies. */
export function clientIp(ctx: SiteContext, req: IncomingMessage): string {
  const peer = req.socket.remoteAddress ?? ''
  return ctx.proxies ? ctx.proxies.clientOf(peer, req.headers['x-forwarded-for']) : plainAddress(peer)
}

/** The POST handler of a site endpoint. */
export function siteHandler<T>(ctx: SiteContext, endpoint: SiteEndpoint<T>): (req: IncomingMessage, res: ServerResponse) => void {
  const {metrics, admission} = ctx
  const leave = () => admission.leave()
  return (req, res) => {
    if (ctx.isDraining())
      return refuse(metrics, res, 503, 'draining', 'server is shutting down; retry', {'retry-after': '1', connection: 'close'})
    const overload = admission.enter()
    if (overload !== null) return refuse(metrics, res, 503, `overloaded_${overload}`, 'server is busy; retry later', {'retry-after': '2'})
    // in flight until the answer is out or the connection is gone
    res.once('close', leave)
    const ip = clientIp(ctx, req)
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined
    const request = new SiteRequest<T>(ctx, req, res, ip, origin)
    if (!ctx.limiter.take(ip))
      return request.refuse(429, 'rate_limited', 'too many requests from this address; slow down', {'retry-after': '1'})
    req.on('error', (error) => request.fail(error))
    readBody(
      req,
      ctx.bodyLimit,
      (body) => {
        try {
          accept(request, body)
        } catch (error) {
          request.fail(error as Error)
        }
      },
      () => request.refuse(413, 'body_too_large', `body larger than ${ctx.bodyLimit} bytes`),
    )
  }

  function accept(request: SiteRequest<T>, body: Buffer): void {
    // refused before the ack: a byte that is not UTF-8 would be logged as U+FFFD, not as sent
    if (!isUtf8(body)) {
      const at = firstInvalidUtf8(body)
      return request.refuse(400, 'invalid_utf8', `${jsonPathAt(body, at)}: not valid UTF-8 (byte ${at} of the body)`)
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(body.toString('utf8'))
    } catch {
      return request.refuse(400, 'malformed_json', 'body is not valid JSON')
    }
    let checked: ReturnType<SiteEndpoint<T>['parse']>
    try {
      checked = endpoint.parse(parsed)
    } catch (error) {
      if (!(error instanceof EndpointError)) throw error
      return request.refuse(error.status, error.reason, error.message)
    }
    if (ctx.sites.size > 0) {
      const site = ctx.sites.get(checked.site)
      if (!site) return request.refuse(403, 'unknown_site', `unknown site ${JSON.stringify(checked.site)}`)
      if (site.key && checked.key !== site.key) return request.refuse(403, 'bad_site_key', `wrong key for site ${checked.site}`)
      if (!ctx.origins.allows(site, request.origin))
        return request.refuse(403, 'origin_not_allowed', `origin ${request.origin} is not allowed for site ${checked.site}`)
    } else if (!ctx.origins.allows(undefined, request.origin)) {
      return request.refuse(403, 'origin_not_allowed', `origin ${request.origin} is not allowed`)
    }
    request.body = body
    request.parsed = parsed
    request.value = checked.value
    request.site = checked.site
    endpoint.handle(request)
  }
}

/** OPTIONS (CORS preflight) of a site endpoint: allowed origins get the CORS headers, others 403. */
export function preflightHandler(ctx: SiteContext): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined
    if (origin !== undefined && !ctx.origins.preflight(origin))
      return refuse(ctx.metrics, res, 403, 'origin_not_allowed', `origin ${origin} is not allowed`)
    const requested = req.headers['access-control-request-headers']
    res.writeHead(204, origin ? ctx.origins.headers(origin, typeof requested === 'string' ? requested : undefined) : undefined)
    res.end()
  }
}
