import {resolve} from 'node:path'
import {resolveFrom, type LoadedConfig} from '../config/load.js'
import type {Library} from './library.js'
import type {ScriptModelFile} from './model/format.js'

/**
 * The script library a run uses: the file given (a flag, relative to the current folder), else config files.scripts
 * (relative to the config file), else the shipped defaults/scripts.json. One definition for the telesales pipeline, the
 * scripts report and the scripts commands.
 */
export async function configuredLibrary(config: LoadedConfig, file?: string): Promise<Library> {
  const {loadLibrary} = await import('./library.js')
  const path = file ?? config.config.files.scripts
  return path ? loadLibrary(resolveFrom(file ? process.cwd() : config.baseDir, path)) : loadLibrary()
}

export interface ConfiguredModel {
  model: ScriptModelFile
  path: string
  /** sha256 of the file's text: part of the telesales pipeline's fingerprint. */
  hash: string
}

/** The trained script model config files.scriptModel names (relative to the config file), if any. */
export async function configuredModel(config: LoadedConfig): Promise<ConfiguredModel | undefined> {
  const file = config.config.files.scriptModel
  if (!file) return undefined
  const {loadScriptModel} = await import('./model/format.js')
  const {createHash} = await import('node:crypto')
  const {readFileSync} = await import('node:fs')
  const path = resolveFrom(config.baseDir, file)
  const model = loadScriptModel(path)
  return {model, path, hash: createHash('sha256').update(readFileSync(path)).digest('hex')}
}

/**
 * The config with the telesales files a command was given (`--scripts`, `--model`, `--qa-rules`, relative to the
 * current folder) in place of the config file's: the pipeline, its freshness fingerprint and the reports then all see
 * the same files, so a report run with the flags a pipeline ran with is not "stale".
 */
export function withTelesalesFiles(config: LoadedConfig, files: {scripts?: string; model?: string; qaRules?: string}): LoadedConfig {
  if (!files.scripts && !files.model && !files.qaRules) return config
  const abs = (p: string | undefined) => (p ? resolve(process.cwd(), p) : undefined)
  return {
    ...config,
    config: {
      ...config.config,
      files: {
        ...config.config.files,
        ...(files.scripts ? {scripts: abs(files.scripts)} : {}),
        ...(files.model ? {scriptModel: abs(files.model)} : {}),
        ...(files.qaRules ? {qaRules: abs(files.qaRules)} : {}),
      },
    },
  }
}

/** The QA rules config files.qaRules names (relative to the config file), else the shipped defaults/qa-rules.json. */
export async function configuredQaRules(config: LoadedConfig): Promise<import('./qa/rules.js').QaRules> {
  const {loadQaRules} = await import('./qa/rules.js')
  const file = config.config.files.qaRules
  return file ? loadQaRules(resolveFrom(config.baseDir, file)) : loadQaRules()
}
