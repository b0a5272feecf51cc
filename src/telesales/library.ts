import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {z} from 'zod'
import {CcxError, EXIT} from '../errors.js'
import {formatPath, JsonSyntaxError, parseJsonWithLines} from '../config/json-positions.js'
import {normalizeText} from './text.js'

const ID = /^[a-z][a-z0-9_-]*$/

export const ScriptSchema = z.object({
  id: z.string().regex(ID, 'must be lower-case letters, digits, _ or - and start with a letter'),
  name: z.string().optional(),
  tags: z.array(z.string().min(1)).default([]),
  /** Example phrasings, Chinese and/or English; any of them counts as saying the script. */
  phrasings: z.array(z.string().min(1)).min(1, 'needs at least one phrasing'),
  speaker: z.enum(['agent', 'customer']).default('agent'),
  /** Said because a sale happened (order confirmation): reported, but excluded from the tests. */
  consequence: z.boolean().default(false),
})

export const StageSchema = z.object({
  id: z.string().regex(ID, 'must be lower-case letters, digits, _ or - and start with a letter'),
  name: z.string().optional(),
  /** Words that suggest this stage even when no script matches (either speaker). */
  cues: z.array(z.string().min(1)).default([]),
  scripts: z.array(ScriptSchema).default([]),
})

export const LibrarySchema = z.object({
  version: z.number().int().positive().default(1),
  product: z.string().optional(),
  /** Minimum match score (0..1) for a turn to count as saying a script. */
  matchThreshold: z.number().min(0.3).max(1).default(0.62),
  stages: z.array(StageSchema).min(1, 'needs at least one stage'),
})

export type ScriptDef = z.infer<typeof ScriptSchema>
export type StageDef = z.infer<typeof StageSchema>
export type LibraryDef = z.infer<typeof LibrarySchema>

export interface LibraryScript extends ScriptDef {
  stage: string
  stageIndex: number
  /** Position in `Library.scripts`. */
  index: number
}

export interface Library {
  product?: string
  matchThreshold: number
  stages: Array<{id: string; name: string; index: number; cues: string[]; scriptIds: string[]}>
  scripts: LibraryScript[]
  /** sha256 of the file text: a pipeline re-runs when the library changes. */
  hash: string
  source: string
}

export interface LibraryIssue {
  line: number
  field: string
  message: string
}

/** Validates library text; returns the library or every problem found with its line and field. */
export function parseLibrary(text: string, source = '(inline)'): {library?: Library; issues: LibraryIssue[]} {
  let located
  try {
    located = parseJsonWithLines(text)
  } catch (error) {
    if (error instanceof JsonSyntaxError) return {issues: [{line: error.line, field: '(syntax)', message: error.message}]}
    throw error
  }
  const parsed = LibrarySchema.safeParse(located.value)
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((i) => ({line: located.lineOf(i.path), field: formatPath(i.path), message: i.message})),
    }
  }
  const def = parsed.data
  const issues: LibraryIssue[] = []
  const stageIds = new Map<string, number>()
  const scriptIds = new Map<string, string>()
  def.stages.forEach((stage, s) => {
    if (stageIds.has(stage.id))
      issues.push({line: located.lineOf(['stages', s, 'id']), field: `stages[${s}].id`, message: `duplicate stage id "${stage.id}"`})
    stageIds.set(stage.id, s)
    stage.scripts.forEach((script, k) => {
      const at = ['stages', s, 'scripts', k]
      if (scriptIds.has(script.id)) {
        issues.push({
          line: located.lineOf([...at, 'id']),
          field: `${formatPath(at)}.id`,
          message: `duplicate script id "${script.id}" (also in stage ${scriptIds.get(script.id)})`,
        })
      }
      scriptIds.set(script.id, stage.id)
      script.phrasings.forEach((p, j) => {
        if (normalizeText(p).replaceAll(' ', '').length < 2) {
          issues.push({
            line: located.lineOf([...at, 'phrasings', j]),
            field: `${formatPath(at)}.phrasings[${j}]`,
            message: 'phrasing has fewer than 2 letters after removing punctuation',
          })
        }
      })
    })
  })
  if (issues.length > 0) return {issues}
  const scripts: LibraryScript[] = []
  const stages = def.stages.map((stage, index) => {
    for (const script of stage.scripts) scripts.push({...script, stage: stage.id, stageIndex: index, index: scripts.length})
    return {id: stage.id, name: stage.name ?? stage.id, index, cues: stage.cues, scriptIds: stage.scripts.map((x) => x.id)}
  })
  return {
    library: {
      product: def.product,
      matchThreshold: def.matchThreshold,
      stages,
      scripts,
      hash: createHash('sha256').update(text).digest('hex'),
      source,
    },
    issues: [],
  }
}

/** The library shipped with ccx: defaults/scripts.json (same depth from src/ and dist/). */
export function defaultLibraryPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'defaults', 'scripts.json')
}

/** Reads and validates a library file; a user-fixable problem becomes a CcxError with exit EXIT.invalidConfig. */
export function loadLibrary(path = defaultLibraryPath()): Library {
  if (!existsSync(path)) {
    throw new CcxError(`scripts library not found: ${path}`, {
      code: 'SCRIPTS_MISSING',
      exit: EXIT.invalidConfig,
      suggestions: ['Set files.scripts in ccx.config.json or pass the file path.'],
    })
  }
  const {library, issues} = parseLibrary(readFileSync(path, 'utf8'), path)
  if (!library) throw libraryError(path, issues)
  return library
}

export function libraryError(path: string, issues: LibraryIssue[]): CcxError {
  const lines = issues.slice(0, 20).map((i) => `  ${path}:${i.line} ${i.field}: ${i.message}`)
  return new CcxError(
    `scripts library ${path} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    {
      code: 'SCRIPTS_INVALID',
      exit: EXIT.invalidConfig,
      suggestions: ['Fix the fields named above; `ccx scripts check FILE` re-validates it.'],
    },
  )
}
