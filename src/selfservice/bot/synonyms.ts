import {existsSync, readFileSync} from 'node:fs'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {z} from 'zod'
import {formatPath, JsonSyntaxError, parseJsonWithLines} from '../../config/json-positions.js'
import {CcxError, EXIT} from '../../errors.js'

/** The synonyms file: {"groups": [["canonical", "variant", …], …]}; docs/selfservice.md. */
const SynonymsSchema = z.strictObject({
  $comment: z.string().optional(),
  groups: z.array(
    z.array(z.string().trim().min(1, 'must not be empty').max(40, 'longer than 40 characters')).min(2, 'a group needs at least two words'),
  ),
})

export interface SynonymIssue {
  line: number
  field: string
  message: string
}

export function parseSynonyms(text: string): {groups?: string[][]; issues: SynonymIssue[]} {
  let located
  try {
    located = parseJsonWithLines(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    if (error instanceof JsonSyntaxError) return {issues: [{line: error.line, field: '(syntax)', message: error.message}]}
    throw error
  }
  const parsed = SynonymsSchema.safeParse(located.value)
  if (!parsed.success)
    return {issues: parsed.error.issues.map((i) => ({line: located.lineOf(i.path), field: formatPath(i.path), message: i.message}))}
  // A word in two groups would be read as whichever group came last: refuse rather than guess.
  const owner = new Map<string, number>()
  const issues: SynonymIssue[] = []
  parsed.data.groups.forEach((g, k) =>
    g.forEach((w, j) => {
      const key = w.normalize('NFKC').toLowerCase()
      const first = owner.get(key)
      if (first !== undefined && first !== k)
        issues.push({line: located.lineOf(['groups', k, j]), field: `groups[${k}][${j}]`, message: `"${w}" is already in group ${first}`})
      owner.set(key, k)
    }),
  )
  return issues.length > 0 ? {issues} : {groups: parsed.data.groups, issues}
}

/** The synonyms shipped with ccx (same depth from src/ and dist/). */
export function defaultSynonymsPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'defaults', 'bot-synonyms.json')
}

export function synonymsPathFor(config: {config: {files: {synonyms?: string}}; baseDir: string}, flag?: string): string {
  if (flag) return resolve(flag)
  const p = config.config.files.synonyms
  return p ? (isAbsolute(p) ? p : resolve(config.baseDir, p)) : defaultSynonymsPath()
}

export function loadSynonyms(path: string): string[][] {
  if (!existsSync(path))
    throw new CcxError(`synonyms file not found: ${path}`, {
      code: 'SYNONYMS_MISSING',
      exit: EXIT.invalidConfig,
      suggestions: ['Set files.synonyms in ccx.config.json or pass --synonyms FILE.'],
    })
  const {groups, issues} = parseSynonyms(readFileSync(path, 'utf8'))
  if (!groups) {
    const lines = issues.slice(0, 20).map((i) => `  ${path}:${i.line} ${i.field}: ${i.message}`)
    throw new CcxError(
      `synonyms file ${path} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
      {
        code: 'SYNONYMS_INVALID',
        exit: EXIT.invalidConfig,
        suggestions: ['Fix the fields named above; docs/selfservice.md describes the file.'],
      },
    )
  }
  return groups
}
