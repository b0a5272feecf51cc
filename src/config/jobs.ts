import {z} from 'zod'
import {closest} from '../vocab/nearest.js'
import {PIPELINE_NAMES} from '../vocab/pipelines.js'
import {SOURCE_NAMES} from '../vocab/sources.js'
import {TimeZoneSchema} from './time-zone.js'

/**
 * The `jobs` section of ccx.config.json: named jobs, each a cron schedule and a list of steps.
 * Every step except `retention` runs as a child process, so a timeout can kill it and a crash
 * cannot take the scheduler down. See docs/ops.md.
 */

const seconds = z.number().positive()

/** Loads the files a drop folder holds: `ccx ingest <source> <files...>`; loaded files move to `doneDir`. */
export const IngestStepSchema = z.strictObject({
  kind: z.literal('ingest'),
  source: z.enum(SOURCE_NAMES),
  /** Drop folder (relative paths resolve from the config file's folder). */
  from: z.string().min(1),
  /** File name pattern inside `from`: `*` and `?` wildcards. */
  pattern: z.string().default('*'),
  /** Where loaded files go; null keeps them in place (ingest_files remembers their content, so a re-run loads nothing twice). */
  doneDir: z.string().nullable().default('done'),
  /** Extra arguments for `ccx ingest`, e.g. ["--map", "map.json"]. */
  args: z.array(z.string()).default([]),
  timeoutSeconds: seconds.optional(),
})

/** Loads closed segments of the `ccx serve` event log: `ccx ingest probe --from-log DIR`. */
export const IngestLogStepSchema = z.strictObject({
  kind: z.literal('ingest-log'),
  from: z.string().min(1),
  args: z.array(z.string()).default([]),
  timeoutSeconds: seconds.optional(),
})

/** `ccx run [pipelines...]`. */
export const RunStepSchema = z.strictObject({
  kind: z.literal('run'),
  pipelines: z
    .array(z.string())
    .default([])
    .superRefine((names, ctx) => {
      names.forEach((name, i) => {
        if ((PIPELINE_NAMES as readonly string[]).includes(name)) return
        const near = closest(name, [...PIPELINE_NAMES])
        const hint = near.length > 0 ? `did you mean "${near[0]}"? ` : ''
        ctx.addIssue({code: 'custom', path: [i], message: `unknown pipeline "${name}"; ${hint}pipelines: ${PIPELINE_NAMES.join(', ')}`})
      })
    }),
  force: z.boolean().default(false),
  timeoutSeconds: seconds.optional(),
})

/** `ccx export report <report?> --out DIR [args]`. */
export const ExportStepSchema = z.strictObject({
  kind: z.literal('export'),
  report: z.string().optional(),
  out: z.string().min(1),
  args: z.array(z.string()).default([]),
  timeoutSeconds: seconds.optional(),
})

/** Any other ccx command line, e.g. ["report", "funnel", "--json"]. */
export const CcxStepSchema = z.strictObject({
  kind: z.literal('ccx'),
  args: z.array(z.string()).min(1),
  timeoutSeconds: seconds.optional(),
})

/** A shell command (`sh -c`): hooks, copies, tests. Set usesDb when it opens the database. */
export const ExecStepSchema = z.strictObject({
  kind: z.literal('exec'),
  command: z.string().min(1),
  cwd: z.string().optional(),
  usesDb: z.boolean().default(false),
  /** Secrets to mask in logs and `jobs history`: environment variable names (their values) or literal strings. */
  redact: z.array(z.string().min(1)).default([]),
  timeoutSeconds: seconds.optional(),
})

/** Deletes old raw rows after summarizing them into `probe_daily` (kept for good); see docs/ops.md. */
export const RetentionStepSchema = z.strictObject({
  kind: z.literal('retention'),
  /** raw_probe_events older than this many days are summarized and deleted. */
  rawDays: z.number().int().positive(),
  /** Optional: write the rows about to be deleted to Parquet files in this folder first. */
  archiveDir: z.string().optional(),
  quarantineDays: z.number().int().positive().optional(),
  jobRunsDays: z.number().int().positive().optional(),
  timeoutSeconds: seconds.optional(),
})

export const JobStepSchema = z.discriminatedUnion('kind', [
  IngestStepSchema,
  IngestLogStepSchema,
  RunStepSchema,
  ExportStepSchema,
  CcxStepSchema,
  ExecStepSchema,
  RetentionStepSchema,
])

export const JobSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, _ . - (it names the lock file)'),
  description: z.string().optional(),
  /** Cron expression, 5 fields or 6 with seconds first (node-cron syntax). */
  schedule: z.string().min(1),
  /** IANA time zone of the schedule; default: the config's `timezone`. */
  timezone: TimeZoneSchema.optional(),
  enabled: z.boolean().default(true),
  /** Longest one attempt may take (all its steps); a step still running then is killed. */
  timeoutSeconds: seconds.default(3600),
  /** Further attempts after a failure; an attempt resumes at the step that failed. */
  retries: z.number().int().min(0).default(0),
  backoff: z
    .strictObject({
      /** Wait before the first retry; each further retry waits `factor` times longer, at most `maxSeconds`. */
      initialSeconds: z.number().min(0).default(30),
      factor: z.number().min(1).default(2),
      maxSeconds: z.number().min(0).default(600),
    })
    .prefault({}),
  steps: z.array(JobStepSchema).min(1),
})

export const JobsSchema = z.array(JobSchema).superRefine((jobs, ctx) => {
  const seen = new Set<string>()
  jobs.forEach((job, i) => {
    if (seen.has(job.name)) ctx.addIssue({code: 'custom', path: [i, 'name'], message: `duplicate job name "${job.name}"`})
    seen.add(job.name)
  })
})

export type JobStep = z.infer<typeof JobStepSchema>
export type JobConfig = z.infer<typeof JobSchema>
export type RetentionStep = z.infer<typeof RetentionStepSchema>
