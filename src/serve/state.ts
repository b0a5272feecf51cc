/**
 * The state `serve` must remember between requests: per visitor (visit count, current visit, the agent who served
 * them, the scenario engine's firing-limit state) and per agent (open assignments, for least-loaded routing).
 * In memory for one process; in Redis (`--redis URL`) when several processes or machines serve one site.
 */
export interface VisitorState {
  visitCount: number
  visitStartedMs: number
  lastSeenMs: number
  pagesThisVisit: number
  lastUrl?: string
  referrer?: string
  landingUrl?: string
  previousAgent?: string
  /** The member id the site's login reported (identify event): links this device to the person's record. */
  memberId?: string
  /** Agents that directives of this visitor routed to, by directive id (set as previous agent on accept). */
  routedAgents?: Record<string, string>
  /** Opaque firing-limit state of the scenario engine. */
  scenarioState?: unknown
}

export interface StateStore {
  getVisitor(key: string): Promise<VisitorState | undefined>
  setVisitor(key: string, state: VisitorState): Promise<void>
  /** Open assignments per agent (each expires after its TTL, as chats end without telling us). */
  agentLoads(agentIds: string[]): Promise<Map<string, number>>
  assignAgent(agentId: string, ttlMs: number): Promise<void>
  close(): Promise<void>
  /** Synchronous forms, when the store can answer without I/O (memory): the hot path then skips promise hops. */
  getVisitorSync?(key: string): VisitorState | undefined
  setVisitorSync?(key: string, state: VisitorState): void
  agentLoadsSync?(agentIds: string[]): Map<string, number>
  assignAgentSync?(agentId: string, ttlMs: number): void
  /** Forget the least recently seen share of visitors (memory pressure); only stores that hold them in memory. */
  shed?(fraction: number): number
}

/**
 * The key of a person's record (a member logged in on one or more devices): the person's visit count, last activity
 * and the agent who served them last, whichever device it was on. Kept in the same store as the visitors.
 */
export function memberKey(site: string, memberId: string): string {
  return `\u0001member\u0000${site}\u0000${memberId}`
}

const VISITOR_TTL_MS = 90 * 24 * 3600 * 1000

export class MemoryStateStore implements StateStore {
  private visitors = new Map<string, VisitorState>()
  private assignments = new Map<string, number[]>()

  constructor(
    private readonly maxVisitors = 500_000,
    private readonly now: () => number = Date.now,
  ) {}

  async getVisitor(key: string) {
    return this.getVisitorSync(key)
  }

  async setVisitor(key: string, state: VisitorState) {
    this.setVisitorSync(key, state)
  }

  async agentLoads(agentIds: string[]) {
    return this.agentLoadsSync(agentIds)
  }

  async assignAgent(agentId: string, ttlMs: number) {
    this.assignAgentSync(agentId, ttlMs)
  }

  getVisitorSync(key: string): VisitorState | undefined {
    return this.visitors.get(key)
  }

  setVisitorSync(key: string, state: VisitorState): void {
    // Map keeps insertion order: delete+set moves the key to the end, so the oldest is first to evict.
    this.visitors.delete(key)
    this.visitors.set(key, state)
    if (this.visitors.size > this.maxVisitors) this.visitors.delete(this.visitors.keys().next().value as string)
  }

  shed(fraction: number): number {
    let n = Math.ceil(this.visitors.size * fraction)
    const dropped = n
    for (const key of this.visitors.keys()) {
      if (n-- <= 0) break
      this.visitors.delete(key)
    }
    return dropped
  }

  agentLoadsSync(agentIds: string[]): Map<string, number> {
    const t = this.now()
    const out = new Map<string, number>()
    for (const id of agentIds) {
      const live = (this.assignments.get(id) ?? []).filter((exp) => exp > t)
      this.assignments.set(id, live)
      out.set(id, live.length)
    }
    return out
  }

  assignAgentSync(agentId: string, ttlMs: number): void {
    const list = this.assignments.get(agentId) ?? []
    list.push(this.now() + ttlMs)
    this.assignments.set(agentId, list)
  }

  async close() {}
}

export class RedisStateStore implements StateStore {
  private constructor(
    private readonly redis: import('ioredis').Redis,
    private readonly prefix: string,
  ) {}

  static async connect(url: string, prefix = 'ccx:'): Promise<RedisStateStore> {
    const {Redis} = await import('ioredis')
    const redis = new Redis(url, {lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false})
    await redis.connect()
    return new RedisStateStore(redis, prefix)
  }

  async getVisitor(key: string) {
    const raw = await this.redis.get(this.prefix + 'v:' + key)
    return raw ? (JSON.parse(raw) as VisitorState) : undefined
  }

  async setVisitor(key: string, state: VisitorState) {
    await this.redis.set(this.prefix + 'v:' + key, JSON.stringify(state), 'PX', VISITOR_TTL_MS)
  }

  async agentLoads(agentIds: string[]) {
    const now = Date.now()
    const pipeline = this.redis.pipeline()
    for (const id of agentIds) {
      pipeline.zremrangebyscore(this.prefix + 'a:' + id, 0, now)
      pipeline.zcard(this.prefix + 'a:' + id)
    }
    const results = (await pipeline.exec()) ?? []
    const out = new Map<string, number>()
    agentIds.forEach((id, i) => out.set(id, Number(results[i * 2 + 1]?.[1] ?? 0)))
    return out
  }

  async assignAgent(agentId: string, ttlMs: number) {
    const exp = Date.now() + ttlMs
    await this.redis.zadd(this.prefix + 'a:' + agentId, exp, `${exp}:${Math.random().toString(36).slice(2)}`)
  }

  async close() {
    this.redis.disconnect()
  }
}
