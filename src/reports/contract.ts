/**
 * The one shape of a report (src/reports/<family>/<name>.ts default-exports one). A report says what it reads, runs
 * with a context the runner (src/cli/report-runner.ts) builds — the read-only store, the config, the parsed range — and
 * turns its result into rows (table, CSV, --out), Vega-Lite charts (--chart) and its part of the HTML report. It never
 * reads flags or the working folder, opens nothing and runs no pipeline: the runner does that.
 */
import type {ReportSection} from '../charts/section.js'
import type {LoadedConfig} from '../config/load.js'
import type {Store} from '../store/store.js'
import type {ResolvedRange} from './range.js'
import type {Warehouse} from '../warehouse/service.js'

export type Row = Record<string, unknown>
export type Family = 'marketing' | 'service' | 'telesales'

export interface ReportContext {
  store: Store
  config: LoadedConfig
  /** [from, to) as `YYYY-MM-DD HH:MM:SS`, null where open; parsed once by src/reports/range.ts. */
  range: ResolvedRange
  /** Only this site (`export report --site`); the HTML sections pass it to their reports. */
  site?: string
  /** Progress and diagnostics (stderr). */
  log: (message: string) => void
}

/** What a report reads. The runner warns when those pipelines' inputs changed since they ran, and --refresh runs them. */
export interface ReportNeeds {
  /** Tables that must exist (built by `pipelines`); a missing one is an error pointing at `ccx run`. */
  tables: string[]
  /** Pipelines whose outputs the numbers come from (their upstream counts too). */
  pipelines: string[]
  /** Pipelines whose outputs are used when they exist (a note says so otherwise): stale only once they have run. */
  optional?: string[]
  /** Pipelines that only speed the report up (it reads the live tables when they are stale): --refresh runs them. */
  cache?: string[]
}

/** Options every report takes; the runner fills them from --from/--to/--site. */
export interface CommonOptions {
  /** Canonical bound from the runner (or as typed, in tests): parsed again by the same parser, idempotently. */
  from?: string
  to?: string
  site?: string
}

/** One part of the terminal output: a line or two, a titled table. */
export interface TextBlock {
  title?: string
  lines?: string[]
  rows?: Row[]
  columns?: string[]
}

export interface Report<O extends CommonOptions = CommonOptions, R extends object = object> {
  /** `<family>/<name>`, e.g. marketing/funnel. */
  id: string
  title: string
  needs: ReportNeeds
  run(ctx: ReportContext, options: O): Promise<R>
  /** The same result from the ClickHouse warehouse (`--warehouse`; the core marketing reports). */
  warehouse?(wh: Warehouse, options: O): Promise<R>
  /** The flat table of the result: what --csv prints and --out writes. */
  rows(result: R): Row[]
  /** The terminal view; default: the rows as one table. */
  text?(result: R): TextBlock[]
  /** Vega-Lite specs; --chart writes the first. */
  charts(result: R): object[]
  /** Notes for stderr (rows left out, figures not available…). */
  notes?(result: R): string[]
  /** What `--out FILE.html` writes for this result (default: one section with its charts and rows). */
  page?(result: R): ReportSection[]
  /** Its part of the HTML report (`ccx export report`), run with the options that suit a page. */
  section?(ctx: ReportContext): Promise<ReportSection[]>
}

/** Identity with type inference: `export default defineReport({...})`. */
export function defineReport<O extends CommonOptions, R extends object>(report: Report<O, R>): Report<O, R> {
  return report
}

/** The range (and site) of the context as report options (the report functions take them with their other options). */
export function rangeOptions(ctx: ReportContext): {from?: string; to?: string; site?: string} {
  return {from: ctx.range.from ?? undefined, to: ctx.range.to ?? undefined, ...(ctx.site ? {site: ctx.site} : {})}
}
