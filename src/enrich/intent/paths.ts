// Where the intents file is, without loading its schema: the intents pipeline's fingerprint needs only the path,
// and every report computes that fingerprint when it checks whether its inputs are fresh.
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

/** The repository's `defaults/` folder, from src/ (dev) and dist/ (built) alike. */
export function defaultsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../defaults')
}

export function defaultIntentsPath(): string {
  return join(defaultsDir(), 'intents.json')
}

/** The intents file the config names (relative to the config's folder), else the shipped default. */
export function intentsPathFor(config: {config: {files: {intents?: string}}; baseDir: string}, flag?: string): string {
  if (flag) return resolve(flag)
  const p = config.config.files.intents
  return p ? (isAbsolute(p) ? p : resolve(config.baseDir, p)) : defaultIntentsPath()
}

/** The model an intents file names (`model`), relative to the file's folder unless absolute. */
export function modelPathIn(intentsPath: string, model: string): string {
  return isAbsolute(model) ? model : resolve(dirname(intentsPath), model)
}
