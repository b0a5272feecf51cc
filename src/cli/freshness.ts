import type {LoadedConfig} from '../config/load.js'
import {CcxError, EXIT} from '../errors.js'
import type {ReportNeeds} from '../reports/contract.js'
import type {Store} from '../store/store.js'

/**
 * The one freshness policy of the reports. A pipeline a report reads is stale when its inputs (table versions, its
 * rule files and SQL: the runner's fingerprint) changed since its last successful run, when that run failed, or when
 * it never ran. Reports only look (read-only); --refresh runs the stale ones first, with the write lock.
 */

export interface StalePipeline {
  pipeline: string
  state: 'stale' | 'never-run' | 'failed'
}

async function graph(needs: ReportNeeds) {
  const {loadPipelines} = await import('../pipelines/registry.js')
  const {withUpstream} = await import('../pipelines/graph.js')
  const all = await loadPipelines()
  const required = new Set(withUpstream(all, needs.pipelines).map((p) => p.name))
  const optional = new Set(
    withUpstream(all, needs.optional ?? [])
      .map((p) => p.name)
      .filter((n) => !required.has(n)),
  )
  return {all, required, optional}
}

/** Pipelines behind the report's numbers that are out of date (optional ones only once they have run). */
export async function stalePipelines(store: Store, config: LoadedConfig, needs: ReportNeeds): Promise<StalePipeline[]> {
  const {all, required, optional} = await graph(needs)
  if (required.size + optional.size === 0) return []
  const {listPipelines} = await import('../pipelines/runner.js')
  const listing = await listPipelines(all, {store, config, log: () => {}}, {names: [...required, ...optional]})
  const out: StalePipeline[] = []
  for (const p of listing) {
    if (p.state === 'up-to-date') continue
    if (optional.has(p.pipeline) && p.state === 'never-run') continue
    out.push({pipeline: p.pipeline, state: p.state})
  }
  return out
}

/** --refresh: runs what the report reads (with upstream; unchanged pipelines are skipped), on a read-write store. */
export async function refreshPipelines(store: Store, config: LoadedConfig, needs: ReportNeeds, log: (m: string) => void): Promise<void> {
  const {all, required, optional} = await graph(needs)
  const {listPipelines, runPipelines} = await import('../pipelines/runner.js')
  const ctx = {store, config, log}
  // an optional pipeline that never ran (e.g. no transcripts) stays unrun: the report says what is missing instead
  const ranBefore = optional.size
    ? (await listPipelines(all, ctx, {names: [...optional]})).filter((p) => p.state !== 'never-run').map((p) => p.pipeline)
    : []
  const names = [...required, ...ranBefore, ...(needs.cache ?? [])]
  if (names.length === 0) return
  const outcomes = await runPipelines(all, ctx, {names})
  const failed = outcomes.find((o) => o.status === 'failed')
  if (failed) {
    throw new CcxError(`--refresh: pipeline ${failed.pipeline} failed: ${failed.message}`, {
      code: 'PIPELINE_FAILED',
      exit: EXIT.failure,
      suggestions: [`See \`ccx run --list\`; fix the input, then \`ccx run ${failed.pipeline}\`.`],
    })
  }
}
