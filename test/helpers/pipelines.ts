// Tests build the tables a report reads as `ccx run` does: reports themselves never run pipelines.
import {loadConfig, type LoadedConfig} from '../../src/config/load.js'
import {loadPipelines} from '../../src/pipelines/registry.js'
import {runPipelines} from '../../src/pipelines/runner.js'
import type {ReportContext} from '../../src/reports/contract.js'
import type {Store} from '../../src/store/store.js'

/** The default config, found from `/` (no ccx.config.json of the developer's working folder leaks in). */
export const DEFAULT_CONFIG = (): LoadedConfig => loadConfig(undefined, '/')

/** Runs the named pipelines (with their upstream; unchanged ones are skipped) and fails the test when one fails. */
export async function runPipeline(store: Store, names: string | string[], config = DEFAULT_CONFIG()): Promise<void> {
  const outcomes = await runPipelines(await loadPipelines(), {store, config, log: () => {}}, {names: [names].flat()})
  const failed = outcomes.find((o) => o.status === 'failed')
  if (failed) throw new Error(`pipeline ${failed.pipeline} failed: ${failed.message}`)
}

/** A report context over an open store (range open unless given), as the runner builds it. */
export function reportContext(
  store: Store,
  range: {from?: string | null; to?: string | null} = {},
  config = DEFAULT_CONFIG(),
): ReportContext {
  return {store, config, range: {from: range.from ?? null, to: range.to ?? null}, log: () => {}}
}
