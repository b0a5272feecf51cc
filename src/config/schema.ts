import {z} from 'zod'
import {JobsSchema} from './jobs.js'
import {HexColorSchema} from '../vocab/directives.js'
import {ServeSectionSchema} from './serve.js'
import {TimeZoneSchema} from './time-zone.js'

/** Sites tracked by the probe; industry tags pool sites for industry averages. */
export const SiteSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  industry: z.string().optional(),
  domain: z.string().optional(),
  /** The key the probe sends; requests with another key are refused by `ccx serve`. */
  key: z.string().optional(),
  allowedOrigins: z.array(z.string()).default([]),
  /** The probe's widgets in the site's colour (docs/serve.md, "Widgets"); the tag's data-color overrides it. */
  brandColor: HexColorSchema.optional(),
})

/** Agent scorecard overrides (same shape as defaults/scorecard.json; metric ids are checked where it is read). */
export const ScoringSchema = z.strictObject({
  $comment: z.string().optional(),
  minContacts: z.number().optional(),
  minSegmentContacts: z.number().optional(),
  minTagLift: z.number().optional(),
  metrics: z.array(z.strictObject({id: z.string(), weight: z.number()})).optional(),
})

/** Strict at every level: a mistyped key is an error naming its line, not a silently ignored setting. */
export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  /** DuckDB file; --db and CCX_DB override it. */
  db: z.string().default('ccx.duckdb'),
  /** Time zone of naive timestamps and of schedules. */
  timezone: TimeZoneSchema.default('Asia/Shanghai'),
  reportsDir: z.string().default('reports'),
  sites: z.array(SiteSchema).default([]),
  sessions: z
    .strictObject({
      inactivityMinutes: z.number().positive().default(30),
      /** Matomo caps the time on the last page; we cap every page's dwell at this. */
      maxDwellMinutes: z.number().positive().default(30),
      splitOnCampaignChange: z.boolean().default(true),
      /** Store geo only: sessions.ip is null (the address stays only in raw_probe_events). */
      anonymizeIp: z.boolean().default(false),
    })
    .prefault({}),
  /** DuckDB limits for every command (docs/config.md, docs/scale.md): big runs spill to disk instead of growing. */
  store: z
    .strictObject({
      /** DuckDB's memory limit; the default leaves room on a 4 GB machine for Node and the OS. */
      memoryLimit: z
        .string()
        .regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as "1GB" or "512MB"')
        .default('1GB'),
      /** Where DuckDB spills beyond the limit (default: `<database>.tmp` beside the file); relative to the config's folder. */
      tempDirectory: z.string().optional(),
      /** DuckDB worker threads (default: one per core). */
      threads: z.number().int().positive().optional(),
      /** Raw events per batch of visitors in a full rebuild of normalize (default: from memoryLimit; docs/scale.md). */
      rebuildBatchEvents: z.number().int().positive().optional(),
    })
    .prefault({}),
  ingest: z
    .strictObject({
      /** Largest share of quarantined rows before ingest exits non-zero. */
      maxBad: z.number().min(0).max(1).default(0.01),
      keepContacts: z.boolean().default(false),
    })
    .prefault({}),
  /** Paths to rule files; relative paths resolve from the config file's folder. Defaults ship with ccx. */
  files: z
    .strictObject({
      intents: z.string().optional(),
      scenarios: z.string().optional(),
      directory: z.string().optional(),
      scripts: z.string().optional(),
      /** Trained script model (`ccx scripts train`); without it the library's phrasings detect the scripts. */
      scriptModel: z.string().optional(),
      /** Quality-inspection rules (`ccx report qa`); default: the shipped defaults/qa-rules.json. */
      qaRules: z.string().optional(),
      benchmarks: z.string().optional(),
      /** The FAQ bot's synonym groups (default: defaults/bot-synonyms.json). */
      synonyms: z.string().optional(),
      /** Questionnaires (docs/surveys.md; default: defaults/surveys.json). */
      surveys: z.string().optional(),
    })
    .prefault({}),
  reports: z
    .strictObject({
      // every report's SQL leaves bots out; a config asking for them is refused rather than silently ignored
      excludeBots: z.literal(true, {error: 'reports always leave bot sessions out; false is not supported'}).default(true),
    })
    .prefault({}),
  /** What is stored of visitors (docs/serve.md, "Security"): `ip: truncate` keeps the /24 (/48), geo looked up first. */
  privacy: z
    .strictObject({
      ip: z.enum(['keep', 'truncate']).default('keep'),
    })
    .prefault({}),
  /** The FAQ bot (docs/selfservice.md). */
  bot: z
    .strictObject({
      /** Below this confidence the bot hands the visitor over to a person. */
      handoverBelow: z.number().min(0).max(1).default(0.3),
      /** "Did you mean" suggestions shown with an answer or a hand-over. */
      maxAlternatives: z.number().int().min(0).max(10).default(3),
    })
    .prefault({}),
  /** `ccx serve`: docs/serve.md. */
  serve: ServeSectionSchema.prefault({}),
  /** The ClickHouse warehouse for the history (`ccx warehouse`, `report … --warehouse`): docs/scale.md. */
  warehouse: z
    .strictObject({
      clickhouse: z
        .strictObject({
          /** HTTP interface of the server ccx queries (it holds the Distributed tables), e.g. http://ch1:8123. */
          url: z.url(),
          /** remote_servers cluster name; required with more than one shard. */
          cluster: z.string().min(1).optional(),
          /** HTTP URL of every shard, in any order: local tables are created and days replaced on each (default: [url]). */
          shards: z.array(z.url()).min(1).optional(),
          database: z
            .string()
            .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a ClickHouse identifier')
            .default('default'),
          user: z.string().optional(),
          password: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  /** Scheduled jobs (`ccx schedule`, `ccx jobs ...`), see docs/ops.md. */
  jobs: JobsSchema.default([]),
  scoring: ScoringSchema.optional(),
})

export type CcxConfig = z.infer<typeof ConfigSchema>
export type SiteConfig = z.infer<typeof SiteSchema>
