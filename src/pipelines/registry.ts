import {existsSync, readdirSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import type {Pipeline} from './types.js'

const PIPELINES_DIR = dirname(fileURLToPath(import.meta.url))

/** Every folder under src/pipelines/ with a pipeline.(js|ts) that default-exports a Pipeline. */
export async function loadPipelines(dir = PIPELINES_DIR): Promise<Pipeline[]> {
  const pipelines: Pipeline[] = []
  for (const name of readdirSync(dir, {withFileTypes: true})) {
    if (!name.isDirectory()) continue
    for (const file of ['pipeline.js', 'pipeline.ts']) {
      const path = join(dir, name.name, file)
      if (!existsSync(path)) continue
      const mod = (await import(pathToFileURL(path).href)) as {default: Pipeline | Pipeline[]}
      pipelines.push(...(Array.isArray(mod.default) ? mod.default : [mod.default]))
      break
    }
  }
  return pipelines
}
