import {existsSync, readFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {CcxError, EXIT} from '../errors.js'
import {fileIssues} from './issues.js'
import {JsonSyntaxError, parseJsonWithLines} from './json-positions.js'
import {findConfigFile, type LoadedConfig} from './locate.js'
import {ConfigSchema, type CcxConfig} from './schema.js'

export {CONFIG_FILE_NAMES, resolveFrom, type LoadedConfig} from './locate.js'

/** The defaults, when there is no config file; relative paths resolve from `baseDir`. */
export function defaultConfig(baseDir = process.cwd()): LoadedConfig {
  return {config: ConfigSchema.parse({}), baseDir}
}

/**
 * Finds the config: --config, else ccx.config.json in cwd or a parent folder, else defaults. Every problem names its
 * line and field (unknown keys, bad time zones, unknown pipelines…): exit 6.
 */
export function loadConfig(explicitPath?: string, cwd = process.cwd()): LoadedConfig {
  const path = findConfigFile(explicitPath, cwd)
  if (!path) return defaultConfig(cwd)
  if (!existsSync(path)) {
    throw new CcxError(`config file not found: ${path}`, {code: 'CONFIG_MISSING', exit: EXIT.invalidConfig})
  }
  return {config: parseConfigText(readFileSync(path, 'utf8'), path), path, baseDir: dirname(path)}
}

/** Validates a config file's text; `path` names it in messages. */
export function parseConfigText(text: string, path: string): CcxConfig {
  const suggestions = ['docs/config.md lists every key and its default.']
  let located: ReturnType<typeof parseJsonWithLines>
  try {
    located = parseJsonWithLines(text)
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    // the message names the line and column
    throw new CcxError(`config file ${path} is not valid JSON: ${error.message}`, {
      code: 'CONFIG_INVALID',
      exit: EXIT.invalidConfig,
      suggestions,
    })
  }
  const parsed = ConfigSchema.safeParse(located.value)
  if (!parsed.success) {
    const issues = fileIssues(parsed.error, ConfigSchema, located.value, located.lineOf).sort((a, b) => a.line - b.line)
    const list = issues.map((i) => `${path}:${i.line}: ${i.field}: ${i.message}`).join('\n')
    throw new CcxError(`config file ${path} is invalid:\n${list}`, {code: 'CONFIG_INVALID', exit: EXIT.invalidConfig, suggestions})
  }
  return parsed.data
}
