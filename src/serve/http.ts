import {createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse} from 'node:http'
import type {Socket} from 'node:net'
import type {Metrics} from './metrics.js'

/**
 * HTTP plumbing shared by every endpoint of `ccx serve`: answers with explicit lengths, refusals counted by reason,
 * bounded body reads that answer 413 readably, and servers with the slow-client limits (docs/serve.md, "Security").
 */

const JSON_TYPE = 'application/json; charset=utf-8'

/** Answers `text` with an explicit length (writeHead before end() would otherwise make node answer chunked). */
export function sendText(res: ServerResponse, status: number, text: string, headers?: Record<string, string>): void {
  const length = String(Buffer.byteLength(text))
  res.writeHead(
    status,
    headers
      ? {'content-type': JSON_TYPE, 'cache-control': 'no-store', ...headers, 'content-length': length}
      : ['content-type', JSON_TYPE, 'cache-control', 'no-store', 'content-length', length],
  )
  res.end(text)
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendText(res, status, JSON.stringify(body), headers)
}

const REFUSED_HELP = 'Requests refused, by reason'

/** A refusal: counted in `ccx_rejected_requests_total{reason}` and answered `{ok: false, error, message}`. */
export function refuse(
  metrics: Metrics,
  res: ServerResponse,
  status: number,
  reason: string,
  message: string,
  headers?: Record<string, string>,
): void {
  metrics.inc('ccx_rejected_requests_total', REFUSED_HELP, {reason})
  if (res.headersSent) return
  sendJson(res, status, {ok: false, error: reason, message}, headers)
}

/** A client that keeps sending past the limit after its 413 is cut off after this many more bytes. */
const DRAIN_LIMIT = 8 * 1024 * 1024

/**
 * Reads a body of at most `limit` bytes: `done` gets it, or `tooLarge` runs once when it is over (declared or sent).
 * After `tooLarge` the rest is read and discarded — up to DRAIN_LIMIT more bytes, within the request timeout — so the
 * client reads the 413 rather than a connection reset (closing a socket with unread data makes the kernel send RST).
 */
export function readBody(req: IncomingMessage, limit: number, done: (body: Buffer) => void, tooLarge: () => void): void {
  let first: Buffer | undefined
  let chunks: Buffer[] | undefined
  let size = 0
  let failed = false
  const fail = () => {
    failed = true
    first = chunks = undefined
    tooLarge()
  }
  if (Number(req.headers['content-length'] ?? 0) > limit) fail()
  req.on('data', (c: Buffer) => {
    size += c.length
    if (failed) {
      if (size > limit + DRAIN_LIMIT) req.destroy()
      return
    }
    if (size > limit) return fail()
    if (!first) first = c
    else (chunks ??= [first]).push(c)
  })
  req.on('end', () => {
    if (!failed) done(chunks ? Buffer.concat(chunks) : (first ?? Buffer.alloc(0)))
  })
}

/** The request's path (no query string). */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  return q === -1 ? url : url.slice(0, q)
}

export interface HttpServerOptions {
  /** A client must send its whole request within this time (node answers 408 and closes). */
  requestTimeoutMs: number
  /** Open connections at most (more are closed at once by node); 0 = no limit. */
  maxConnections?: number
  metrics: Metrics
}

/**
 * A node:http server with the slow-client limits. A refused connection (timeout, malformed request) is counted once:
 * node may report the same socket again (more bytes after the 408, a reset), which is not another refusal.
 */
export function createHttpServer(handler: RequestListener, options: HttpServerOptions): Server {
  const {requestTimeoutMs, metrics} = options
  // node checks request timeouts on this interval (default 30 s): check often enough to honour short limits
  const server = createServer({connectionsCheckingInterval: Math.min(1000, requestTimeoutMs)}, handler)
  server.requestTimeout = requestTimeoutMs
  server.headersTimeout = Math.min(requestTimeoutMs, 5_000)
  server.keepAliveTimeout = 5_000
  if (options.maxConnections) server.maxConnections = options.maxConnections
  const counted = new WeakSet<Socket>()
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // a client that went away is not a refusal
    const gone = err.code === 'ECONNRESET' || err.code === 'EPIPE'
    if (!gone && !counted.has(socket)) {
      counted.add(socket)
      const reason = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'timeout' : 'bad_request'
      metrics.inc('ccx_rejected_requests_total', REFUSED_HELP, {reason})
      if (socket.writable) {
        socket.end(
          reason === 'timeout'
            ? 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n'
            : 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n',
        )
        // whatever the client sends after this is not parsed again
        socket.once('finish', () => socket.destroy())
        return
      }
    }
    socket.destroy()
  })
  return server
}
