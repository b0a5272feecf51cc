import type {LoadedConfig} from '../config/load.js'
import type {Store} from '../store/store.js'

export interface PipelineContext {
  store: Store
  config: LoadedConfig
  /** Progress and diagnostics; goes to stderr. */
  log: (message: string) => void
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
   * Optional heavy part, run before the pipeline's transaction: it may write only scratch tables (temp tables, or
   * `<table>__staged` tables that `run` then publishes) and caches that are valid on their own. DuckDB writes big
   * tables about twice as fast outside a transaction, and an interruption here leaves every published table as it was.
   * Its message, if any, leads the pipeline's.
   */
  stage?: (ctx: PipelineContext) => Promise<{message?: string} | void>
  /** Runs in one transaction with the version bumps of `writes`: all of it lands, or none. */
  run: (ctx: PipelineContext) => Promise<PipelineResult>
}
