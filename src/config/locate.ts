import {existsSync, readFileSync} from 'node:fs'
import {dirname, isAbsolute, resolve} from 'node:path'
import type {CcxConfig} from './schema.js'

/**
 * Where the config is, without validating it: this module loads no zod (load.ts does), so a command run without a
 * config file pays nothing for the schema (docs/scale.md, "Report CLI overhead").
 */

export const CONFIG_FILE_NAMES = ['ccx.config.json', '.ccx.json']

export interface LoadedConfig {
  config: CcxConfig
  /** The file it came from; undefined when defaults were used. */
  path?: string
  /** Folder that relative paths in the config resolve from. */
  baseDir: string
}

/** --config resolved (whether or not it exists: load.ts says it is missing), else the first file found upward from cwd. */
export function findConfigFile(explicitPath?: string, cwd = process.cwd()): string | undefined {
  if (explicitPath) return resolve(cwd, explicitPath)
  let dir = resolve(cwd)
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = resolve(dir, name)
      if (existsSync(candidate)) return candidate
    }
    const parent = dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/** The schema's defaults as the build wrote them (scripts/config-defaults.mjs), or undefined when not built. */
export function builtDefaults(): CcxConfig | undefined {
  const file = new URL('./defaults.generated.json', import.meta.url)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CcxConfig) : undefined
}

export function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path)
}
