import {z} from 'zod'

/** Agents and skill groups used for routing directives. */
export const AgentSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  groups: z.array(z.string()).default([]),
  /** Cities (ip2region names, e.g. 深圳市) this agent or partner serves locally. */
  cities: z.array(z.string()).default([]),
  maxConcurrent: z.number().int().positive().default(3),
})

export const ServeConfigSchema = z.object({
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
  trustProxy: z.boolean().default(false),
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
})

export type ServeConfig = z.infer<typeof ServeConfigSchema>

/**
 * The `serve` section of the config. A file written before `sync` existed keeps its meaning: `fsync: true` was an
 * fsync before each ack (`ack`), `fsync: false` none (`off`).
 */
export function parseServeConfig(raw: Record<string, unknown> = {}): ServeConfig {
  const legacy = typeof raw.fsync === 'boolean' && raw.sync === undefined ? {sync: raw.fsync ? 'ack' : 'off'} : {}
  return ServeConfigSchema.parse({...raw, ...legacy})
}
export type AgentConfig = z.infer<typeof AgentSchema>
