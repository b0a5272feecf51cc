import type {LoadedConfig} from '../config/load.js'
import type {Store} from '../store/store.js'

export interface PipelineContext {
  store: Store
  config: LoadedConfig
  /** Progress and diagnostics; goes to stderr. */
  log: (message: string) => void
  /** Set by the runner for the pipeline it runs: full rebuild or incremental update, and what is new to it. */
  run?: RunInfo
}

/** How the runner runs a pipeline this time (src/pipelines/changes.ts reads what changed since `since`). */
export interface RunInfo {
  pipeline: string
  /** This run's number in change_runs: runs logged before it (seq < this) are what it consumes. */
  seq: number
  /** Rebuild everything. An incremental pipeline may turn this on in `stage` when it finds it cannot do less. */
  full: boolean
  /** Why it runs in full ('' when incremental). */
  reason: string
  /** The seq of this pipeline's last successful run (null: never ran). */
  since: number | null
  /** The pipelines writing the tables it reads: their logged changes are its changes. */
  upstream: string[]
  /** Visitors it logged for consumers downstream (change_visitors), counted by the helpers. */
  visitorsLogged: number
}

export interface PipelineResult {
  rowsWritten?: number
  message?: string
}

/**
 * A step of the data flow. It declares the tables it reads and writes; the runner orders pipelines by
 * those and skips one whose inputs (table versions + its own code/rule files) did not change.
 */
export interface Pipeline {
  name: string
  description: string
  reads: string[]
  writes: string[]
  /** Extra inputs that are not tables (rule files, config sections, SQL text) folded into the fingerprint. */
  fingerprint?: (ctx: PipelineContext) => Promise<string> | string
  /**
   * The pipeline can update its tables from what changed since its last run (`ctx.run.full` false): the visitors
   * upstream pipelines logged and the raw rows past its watermarks (docs/architecture.md "Incremental runs"). When its
   * own fingerprint changed, an upstream pipeline rebuilt in full, or `ccx run --full`, the runner asks for a full run.
   */
  incremental?: boolean
  /**
   * Tables it reads that it follows itself (watermarks on raw tables, or whose content its fingerprint covers). Any other
   * table it reads that no pipeline writes, changed since its last run, makes the runner ask for a full run.
   */
  follows?: string[]
  /**
   * Optional heavy part, run before the pipeline's transaction: it may write only scratch tables (temp tables, or
   * `<table>__staged` tables that `run` then publishes) and caches that are valid on their own. DuckDB writes big
   * tables about twice as fast outside a transaction, and an interruption here leaves every published table as it was.
   * Its message, if any, leads the pipeline's.
   */
  stage?: (ctx: PipelineContext) => Promise<{message?: string} | void>
  /** Runs in one transaction with the version bumps of `writes`: all of it lands, or none. */
  run: (ctx: PipelineContext) => Promise<PipelineResult>
}
