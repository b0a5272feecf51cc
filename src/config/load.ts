import {existsSync, readFileSync} from 'node:fs'
import {dirname, isAbsolute, resolve} from 'node:path'
import {CcxError, EXIT} from '../errors.js'
import {ConfigSchema, type CcxConfig} from './schema.js'

export const CONFIG_FILE_NAMES = ['ccx.config.json', '.ccx.json']

export interface LoadedConfig {
  config: CcxConfig
  /** The file it came from; undefined when defaults were used. */
  path?: string
  /** Folder that relative paths in the config resolve from. */
  baseDir: string
}

/** Finds the config: --config, else ccx.config.json in cwd or a parent folder, else defaults. */
export function loadConfig(explicitPath?: string, cwd = process.cwd()): LoadedConfig {
  const path = explicitPath ? resolve(cwd, explicitPath) : discover(cwd)
  if (!path) return {config: ConfigSchema.parse({}), baseDir: cwd}
  if (!existsSync(path)) {
    throw new CcxError(`config file not found: ${path}`, {code: 'CONFIG_MISSING', exit: EXIT.invalidConfig})
  }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CcxError(`config file ${path} is not valid JSON: ${(error as Error).message}`, {
      code: 'CONFIG_INVALID',
      exit: EXIT.invalidConfig,
    })
  }
  const parsed = ConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
    throw new CcxError(`config file ${path} is invalid: ${issues}`, {code: 'CONFIG_INVALID', exit: EXIT.invalidConfig})
  }
  return {config: parsed.data, path, baseDir: dirname(path)}
}

function discover(start: string): string | undefined {
  let dir = resolve(start)
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

export function resolveFrom(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path)
}
