import type {LoadedConfig} from '../../config/load.js'
import type {Store} from '../../store/store.js'

/** Brings call_stages/script_hits/call_script_summary up to date (the runner skips when inputs are unchanged). */
export async function ensureScriptAnalysis(store: Store, config: LoadedConfig, log: (m: string) => void): Promise<void> {
  const {default: pipeline} = await import('../../pipelines/telesales/pipeline.js')
  const {runPipelines} = await import('../../pipelines/runner.js')
  const outcomes = await runPipelines([pipeline], {store, config, log})
  const failed = outcomes.find((o) => o.status === 'failed')
  if (failed) throw new Error(`pipeline telesales failed: ${failed.message}`)
}

/** The library the config names (files.scripts) or the shipped default. */
export async function configuredLibrary(config: LoadedConfig, file?: string) {
  const {loadLibrary} = await import('../../telesales/library.js')
  const {resolveFrom} = await import('../../config/load.js')
  const path = file ?? config.config.files.scripts
  return path ? loadLibrary(resolveFrom(file ? process.cwd() : config.baseDir, path)) : loadLibrary()
}
