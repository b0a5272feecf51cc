import {resolveFrom, type LoadedConfig} from '../config/load.js'
import type {Library} from './library.js'

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
