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
  bodyLimitBytes: z.number().int().positive().default(64 * 1024),
  ratePerSecond: z.number().positive().default(50),
  rateBurst: z.number().positive().default(100),
  requestTimeoutMs: z.number().int().positive().default(10_000),
  trustProxy: z.boolean().default(false),
  /** When an append is acknowledged: after the write, with an fsync within syncIntervalMs (interval), after its
   * fsync (ack), or after the write alone (off). docs/serve.md, "Durability", gives the bound of each. */
  sync: z.enum(['interval', 'ack', 'off']).default('interval'),
  syncIntervalMs: z.number().int().min(1).max(1000).default(10),
  segmentMaxBytes: z.number().int().positive().default(64 * 1024 * 1024),
  segmentMaxAgeSeconds: z.number().positive().default(300),
  agents: z.array(AgentSchema).default([]),
})

export type ServeConfig = z.infer<typeof ServeConfigSchema>
export type AgentConfig = z.infer<typeof AgentSchema>
