import type {IncomingMessage, ServerResponse} from 'node:http'
import type {Metrics} from './metrics.js'
import type {FiredDirective, LiveStats, LiveVisitor} from './types.js'

/**
 * The live feed (GET /live on the admin listener): visitors seen in the last 5 minutes with the directives fired for
 * them, the most recent directives fired, and counters that are /metrics' own (visitors online, directives by type).
 * Events: `snapshot` (visitors) and `directives` ({recent, ...stats}) on connect, then `visitor` per acknowledged
 * batch, `directive` per directive fired, and `stats` every few seconds (which also keeps the connection open).
 * Everything it holds is bounded: visitors on site (the oldest go first), recent directives, clients, and each
 * client's unsent bytes — a client that does not read is disconnected rather than buffered for (docs/serve.md).
 */
export interface LiveOptions {
  metrics: Metrics
  /** Visitors kept (most recent first to stay). */
  maxOnline?: number
  /** Connected /live clients at most; more are refused with 503. */
  maxClients?: number
  /** A client with more unsent bytes than this is disconnected. */
  maxBufferedBytes?: number
  /** Visitors in the snapshot a client gets first (the most recent). */
  snapshotSize?: number
  /** Directives fired kept for the snapshot (the most recent). */
  recentDirectives?: number
  /** Scenario ids kept per visitor. */
  directivesPerVisitor?: number
  /** How often each client gets the `stats` event. */
  statsEveryMs?: number
  windowMs?: number
  now?: () => number
}

interface Entry {
  visitor: LiveVisitor
  seenMs: number
}

export class LiveHub {
  private readonly online = new Map<string, Entry>()
  private readonly clients = new Set<ServerResponse>()
  private readonly recent: FiredDirective[] = []
  private readonly totals: Record<string, number> = {}
  private readonly maxRecent: number
  private readonly perVisitor: number
  private readonly statsEveryMs: number
  private readonly maxOnline: number
  private readonly maxClients: number
  private readonly maxBufferedBytes: number
  private readonly snapshotSize: number
  private readonly windowMs: number
  private readonly now: () => number
  private readonly countDropped: (by?: number) => void
  private readonly countRefused: (by?: number) => void

  constructor(options: LiveOptions) {
    this.maxOnline = options.maxOnline ?? 50_000
    this.maxClients = options.maxClients ?? 32
    this.maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024
    this.snapshotSize = options.snapshotSize ?? 1000
    this.maxRecent = options.recentDirectives ?? 200
    this.perVisitor = options.directivesPerVisitor ?? 20
    this.statsEveryMs = options.statsEveryMs ?? 5_000
    this.windowMs = options.windowMs ?? 5 * 60 * 1000
    this.now = options.now ?? Date.now
    const {metrics} = options
    metrics.gauge('ccx_visitors_online', 'Visitors seen in the last 5 minutes', () => this.size())
    metrics.gauge('ccx_live_clients', 'Connected /live clients', () => this.clients.size)
    this.countDropped = metrics.counter('ccx_live_dropped_clients_total', '/live clients disconnected for not reading', {
      reason: 'slow_reader',
    })
    this.countRefused = metrics.counter('ccx_live_dropped_clients_total', '/live clients disconnected for not reading', {
      reason: 'too_many_clients',
    })
  }

  /** Visitors seen within the window (drops the older ones). */
  size(): number {
    const cutoff = this.now() - this.windowMs
    // insertion order is recency order (publish moves a visitor to the end): stop at the first recent one
    for (const [key, e] of this.online) {
      if (e.seenMs >= cutoff) break
      this.online.delete(key)
    }
    return this.online.size
  }

  /** The counters as /metrics has them (one process; with workers the feed sums what every worker fired). */
  stats(): LiveStats {
    return {online: this.size(), totals: {...this.totals}, now: new Date(this.now()).toISOString(), windowMs: this.windowMs}
  }

  /**
   * One acknowledged batch (of this process or, relayed, of a sibling worker): the visitor keeps the directives fired
   * for them earlier; each directive fired joins the recent list and the totals.
   */
  publish(v: LiveVisitor): void {
    const key = `${v.site}\u0000${v.visitorId}`
    const before = this.online.get(key)?.visitor.directives ?? []
    const fired = v.fired ?? []
    const directives = fired.length > 0 ? [...before, ...fired.map((d) => d.scenarioId)].slice(-this.perVisitor) : before
    // a new object: the caller's (relayed as is to sibling workers) keeps the batch's own view
    const visitor: LiveVisitor = {...v, directives}
    delete visitor.fired
    this.online.delete(key)
    this.online.set(key, {visitor, seenMs: this.now()})
    if (this.online.size > this.maxOnline) this.online.delete(this.online.keys().next().value as string)
    let payload = ''
    for (const d of fired) {
      const entry: FiredDirective = {
        ts: v.ts ?? v.lastSeen,
        site: v.site,
        visitorId: v.visitorId,
        province: v.province,
        city: v.city,
        intent: v.intent,
        id: d.id,
        scenarioId: d.scenarioId,
        type: d.type,
        agentId: d.agentId,
      }
      this.recent.push(entry)
      this.totals[d.type] = (this.totals[d.type] ?? 0) + 1
      if (this.clients.size > 0) payload += `event: directive\ndata: ${JSON.stringify(entry)}\n\n`
    }
    if (this.recent.length > this.maxRecent) this.recent.splice(0, this.recent.length - this.maxRecent)
    if (this.clients.size === 0) return
    payload = `event: visitor\ndata: ${JSON.stringify(visitor)}\n\n` + payload
    for (const c of this.clients) this.send(c, payload)
  }

  /** Writes to one client, or disconnects it when it has stopped reading. */
  private send(c: ServerResponse, text: string): void {
    if (c.writableLength > this.maxBufferedBytes) {
      this.clients.delete(c)
      this.countDropped()
      c.destroy()
      return
    }
    c.write(text)
  }

  /** GET /live: the snapshot, then updates until the client goes. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.clients.size >= this.maxClients) {
      this.countRefused()
      res.writeHead(503, {'content-type': 'text/plain', 'retry-after': '5'})
      res.end(`at most ${this.maxClients} /live clients\n`)
      return
    }
    res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive'})
    this.size()
    const recent: LiveVisitor[] = []
    for (const e of this.online.values()) recent.push(e.visitor)
    res.write(`event: snapshot\ndata: ${JSON.stringify(recent.slice(-this.snapshotSize))}\n\n`)
    res.write(`event: directives\ndata: ${JSON.stringify({recent: this.recent, ...this.stats()})}\n\n`)
    this.clients.add(res)
    const ping = setInterval(() => this.send(res, `event: stats\ndata: ${JSON.stringify(this.stats())}\n\n`), this.statsEveryMs)
    const gone = () => {
      clearInterval(ping)
      this.clients.delete(res)
    }
    req.on('close', gone)
    res.on('close', gone)
  }

  /** Forgets the older share of visitors and of recent directives (memory pressure); the totals stay. */
  shed(fraction: number): void {
    let n = Math.ceil(this.online.size * fraction)
    for (const key of this.online.keys()) {
      if (n-- <= 0) break
      this.online.delete(key)
    }
    this.recent.splice(0, Math.ceil(this.recent.length * fraction))
  }

  /** Ends every stream (shutdown). */
  close(): void {
    for (const c of this.clients) c.end()
    this.clients.clear()
  }
}
