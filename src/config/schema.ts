import {z} from 'zod'
import {JobsSchema} from './jobs.js'

/** Sites tracked by the probe; industry tags pool sites for industry averages. */
export const SiteSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  industry: z.string().optional(),
  domain: z.string().optional(),
  /** The key the probe sends; requests with another key are refused by `ccx serve`. */
  key: z.string().optional(),
  allowedOrigins: z.array(z.string()).default([]),
})

export const ConfigSchema = z.object({
  /** DuckDB file; --db and CCX_DB override it. */
  db: z.string().default('ccx.duckdb'),
  /** Time zone of naive timestamps and of schedules. */
  timezone: z.string().default('Asia/Shanghai'),
  reportsDir: z.string().default('reports'),
  sites: z.array(SiteSchema).default([]),
  sessions: z
    .object({
      inactivityMinutes: z.number().positive().default(30),
      /** Matomo caps the time on the last page; we cap every page's dwell at this. */
      maxDwellMinutes: z.number().positive().default(30),
      splitOnCampaignChange: z.boolean().default(true),
      /** Store geo only: sessions.ip is null (the address stays only in raw_probe_events). */
      anonymizeIp: z.boolean().default(false),
    })
    .prefault({}),
  ingest: z
    .object({
      /** Largest share of quarantined rows before ingest exits non-zero. */
      maxBad: z.number().min(0).max(1).default(0.01),
      keepContacts: z.boolean().default(false),
    })
    .prefault({}),
  /** Paths to rule files; relative paths resolve from the config file's folder. Defaults ship with ccx. */
  files: z
    .object({
      intents: z.string().optional(),
      scenarios: z.string().optional(),
      directory: z.string().optional(),
      scripts: z.string().optional(),
      /** Trained script model (`ccx scripts train`); without it the library's phrasings detect the scripts. */
      scriptModel: z.string().optional(),
      benchmarks: z.string().optional(),
    })
    .prefault({}),
  reports: z
    .object({
      excludeBots: z.boolean().default(true),
    })
    .prefault({}),
  /** What is stored of visitors (docs/serve.md, "Security"): `ip: truncate` keeps the /24 (/48), geo looked up first. */
  privacy: z
    .object({
      ip: z.enum(['keep', 'truncate']).default('keep'),
    })
    .prefault({}),
  /** Later sections (serve, jobs, scoring...) are added by their features. */
  serve: z.record(z.string(), z.unknown()).optional(),
  /** Scheduled jobs (`ccx schedule`, `ccx jobs ...`), see docs/ops.md. */
  jobs: JobsSchema.default([]),
  scoring: z.record(z.string(), z.unknown()).optional(),
})

export type CcxConfig = z.infer<typeof ConfigSchema>
export type SiteConfig = z.infer<typeof SiteSchema>
