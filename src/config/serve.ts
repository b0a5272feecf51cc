import {z} from 'zod'
import {parseProxyEntry} from '../vocab/proxy.js'

/** Agents and skill groups used for routing directives. */
export const AgentSchema = z.strictObject({
  id: z.string(),
  name: z.string().optional(),
  groups: z.array(z.string()).default([]),
  /** Cities (ip2region names, e.g. 深圳市) this agent or partner serves locally. */
  cities: z.array(z.string()).default([]),
  maxConcurrent: z.number().int().positive().default(3),
})

export const ServeConfigSchema = z.strictObject({
  port: z.number().int().min(0).max(65535).default(8787),
  host: z.string().default('127.0.0.1'),
  logDir: z.string().default('ccx-events'),
  // at most 512 KiB: the event log keeps a request on one line, and ingest reads lines of up to 2 MiB
  bodyLimitBytes: z
    .number()
    .int()
    .positive()
    .max(512 * 1024)
    .default(64 * 1024),
  ratePerSecond: z.number().positive().default(50),
  rateBurst: z.number().positive().default(100),
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /** Believe X-Forwarded-For from `trustedProxies` (or, when that is empty, loopback and private networks). */
  trustProxy: z.boolean().default(false),
  /** Addresses or CIDR blocks of the proxies in front of serve; the client is the rightmost hop not among them. */
  trustedProxies: z
    .array(
      z.string().superRefine((entry, ctx) => {
        const parsed = parseProxyEntry(entry)
        if (typeof parsed === 'string') ctx.addIssue({code: 'custom', message: parsed})
      }),
    )
    .default([]),
  /** Development only: accept every browser origin (normally only the site's domain and allowedOrigins). */
  corsAnyOrigin: z.boolean().default(false),
  /** The admin listener (/live, /metrics, /healthz): loopback by default; another host needs adminToken. */
  adminHost: z.string().default('127.0.0.1'),
  /** Default: the public port + 1 (a free port when the public one is 0). */
  adminPort: z.number().int().min(0).max(65535).optional(),
  /** Bearer token the admin listener requires (required when adminHost is not a loopback address). */
  adminToken: z.string().min(16).optional(),
  /** Site requests in flight at most (process-wide); more are answered 503 with Retry-After. */
  maxInFlight: z.number().int().positive().default(1000),
  /** Above this much memory (heap + buffers, MiB) site requests are answered 503 with Retry-After. */
  maxMemoryMb: z.number().positive().default(1024),
  /** Open connections per process at most (node closes more at once); 0 = no limit. */
  maxConnections: z.number().int().min(0).default(10_000),
  /** /live: clients at most, and the unsent bytes after which a client that does not read is disconnected. */
  liveMaxClients: z.number().int().positive().default(32),
  liveMaxBufferBytes: z
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  /** Visitors the live feed remembers (the most recent). */
  maxOnlineVisitors: z.number().int().positive().default(50_000),
  /** When an append is acknowledged: after the write, with an fsync within syncIntervalMs (interval), after its
   * fsync (ack), or after the write alone (off). docs/serve.md, "Durability", gives the bound of each. */
  sync: z.enum(['interval', 'ack', 'off']).default('interval'),
  syncIntervalMs: z.number().int().min(1).max(1000).default(10),
  segmentMaxBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  segmentMaxAgeSeconds: z.number().positive().default(300),
  agents: z.array(AgentSchema).default([]),
  /** Before `sync` existed (see parseServeConfig). */
  fsync: z.boolean().optional(),
  /** The FAQ bot's knowledge base, as `ccx kb export` writes it: POST /bot answers from it (docs/selfservice.md). */
  botKb: z.string().optional(),
})

export type ServeConfig = z.infer<typeof ServeConfigSchema>

/**
 * The `serve` section of the config. A file written before `sync` existed keeps its meaning: `fsync: true` was an
 * fsync before each ack (`ack`), `fsync: false` none (`off`).
 */
export const ServeSectionSchema = z.preprocess((raw) => {
  if (typeof raw !== 'object' || raw === null) return raw
  const r = raw as Record<string, unknown>
  return typeof r.fsync === 'boolean' && r.sync === undefined ? {...r, sync: r.fsync ? 'ack' : 'off'} : r
}, ServeConfigSchema)

export function parseServeConfig(raw: Record<string, unknown> = {}): ServeConfig {
  return ServeSectionSchema.parse(raw)
}
export type AgentConfig = z.infer<typeof AgentSchema>
