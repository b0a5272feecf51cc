// File access for the scenario engine's inputs; the engine itself (engine.ts) stays free of I/O.
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {CcxError, EXIT} from '../errors.js'
import {checkScenariosText} from './validate.js'
import {DirectorySchema, type Directory} from '../vocab/directives.js'
import type {ScenariosFile} from '../vocab/scenarios.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

export const defaultScenariosPath = () => join(ROOT, 'defaults', 'scenarios.json')
/** The directory the fixtures ship, used when the config names none. */
export const defaultDirectoryPath = () => join(ROOT, 'fixtures', 'directory.json')

export function loadScenariosFile(path: string, options: {knownIntents?: string[]} = {}): ScenariosFile {
  if (!existsSync(path)) throw new CcxError(`scenarios file not found: ${path}`, {code: 'SCENARIOS_MISSING', exit: EXIT.badInput})
  const {file, issues} = checkScenariosText(readFileSync(path, 'utf8'), options)
  if (issues.length > 0 || !file) {
    const list = issues.map((i) => `${path}:${i.line}: ${i.field}: ${i.message}`).join('\n')
    throw new CcxError(`scenarios file is invalid:\n${list}`, {
      code: 'SCENARIOS_INVALID',
      exit: EXIT.invalidConfig,
      suggestions: ['Run `ccx scenarios check FILE`; the format is in docs/scenarios.md.'],
    })
  }
  return file
}

/** An absent directory file is an empty directory: card/partner actions then find nothing. */
export function loadDirectory(path: string): Directory {
  if (!existsSync(path)) return {resources: []}
  let raw: {resources?: unknown}
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CcxError(`resource directory ${path} is not valid JSON: ${(error as Error).message}`, {
      code: 'DIRECTORY_INVALID',
      exit: EXIT.invalidConfig,
    })
  }
  if (!Array.isArray(raw.resources))
    throw new CcxError(`resource directory ${path} needs a "resources" array`, {code: 'DIRECTORY_INVALID', exit: EXIT.invalidConfig})
  const parsed = DirectorySchema.safeParse(raw)
  if (!parsed.success) {
    const list = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`)
    throw new CcxError(`resource directory ${path} is invalid: ${list.join('; ')}`, {
      code: 'DIRECTORY_INVALID',
      exit: EXIT.invalidConfig,
      suggestions: ['Each resource needs id, type, name, province and city (docs/scenarios.md, "Resource directory").'],
    })
  }
  return parsed.data
}
