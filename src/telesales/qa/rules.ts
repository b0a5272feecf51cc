/**
 * Quality-inspection (质检) rules: what an agent must say in each part of a conversation, what they must never say,
 * the timing limits (silence, talking over the customer) and the customer's signs of dissatisfaction. A JSON file
 * (defaults/qa-rules.json, config files.qaRules, `--qa-rules`); every problem is reported with its line and field.
 * Format: docs/telesales.md "Quality inspection".
 */
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {z} from 'zod'
import {formatPath, JsonSyntaxError, parseJsonWithLines} from '../../config/json-positions.js'
import {CcxError, EXIT} from '../../errors.js'
import {normalizeText} from '../text.js'

const ID = /^[a-z][a-z0-9_-]*$/
const id = z.string().regex(ID, 'must be lower-case letters, digits, _ or - and start with a letter')
const phrases = z.array(z.string().min(1))
const channels = z
  .array(z.enum(['call', 'chat']))
  .min(1)
  .default(['call', 'chat'])

/** Something the agent must say: in the opening turns, the closing turns, or anywhere. */
const RequiredSchema = z.object({
  id,
  name: z.string().optional(),
  stage: z.enum(['opening', 'any', 'closing']),
  speaker: z.enum(['agent', 'customer']).default('agent'),
  phrasings: phrases.min(1, 'needs at least one phrasing'),
  channels,
  points: z.number().min(0).max(100).default(10),
})

/** Something nobody of `speaker` may say; `except` phrasings in the same turn cancel it ("我不能保证" is not a promise). */
const ForbiddenSchema = z.object({
  id,
  name: z.string().optional(),
  speaker: z.enum(['agent', 'customer']).default('agent'),
  phrasings: phrases.min(1, 'needs at least one phrasing'),
  except: phrases.default([]),
  severity: z.enum(['minor', 'major', 'critical']).default('major'),
  channels,
  points: z.number().min(0).max(100).default(20),
})

export const QaRulesSchema = z
  .object({
    version: z.literal(1).default(1),
    /** Minimum match score (0..1, the script matcher's) for a turn to say a phrasing. */
    matchThreshold: z.number().min(0.3).max(1).default(0.7),
    /** How many of the agent's turns count as the opening and as the closing. */
    stages: z
      .object({openingTurns: z.number().int().min(1).default(3), closingTurns: z.number().int().min(1).default(3)})
      .strict()
      .prefault({}),
    required: z.array(RequiredSchema).default([]),
    forbidden: z.array(ForbiddenSchema).default([]),
    dissatisfaction: z
      .object({
        phrasings: phrases.min(1, 'needs at least one phrasing'),
        except: phrases.default([]),
        points: z.number().min(0).max(100).default(10),
      })
      .strict()
      .optional(),
    timing: z
      .object({
        /** Calls: a gap between consecutive turns longer than this is a long silence. */
        maxSilenceSeconds: z.number().positive().default(10),
        silencePoints: z.number().min(0).max(100).default(5),
        /** Calls: the agent starting this long before the customer's turn ends is talking over them. */
        minTalkOverSeconds: z.number().positive().default(1.5),
        talkOverPoints: z.number().min(0).max(100).default(5),
        /** Chats: a customer message the agent answers later than this is a long wait. */
        maxChatReplySeconds: z.number().positive().default(60),
      })
      .strict()
      .prefault({}),
  })
  .strict()

export type QaRulesDef = z.infer<typeof QaRulesSchema>

export interface QaRules extends QaRulesDef {
  hash: string
  source: string
}

export interface QaIssue {
  line: number
  field: string
  message: string
}

/** Validates QA rules text; returns the rules or every problem with its line and field. */
export function parseQaRules(text: string, source = '(inline)'): {rules?: QaRules; issues: QaIssue[]} {
  let located
  try {
    located = parseJsonWithLines(text)
  } catch (error) {
    if (error instanceof JsonSyntaxError) return {issues: [{line: error.line, field: '(syntax)', message: error.message}]}
    throw error
  }
  const parsed = QaRulesSchema.safeParse(located.value)
  if (!parsed.success) {
    return {issues: parsed.error.issues.map((i) => ({line: located.lineOf(i.path), field: formatPath(i.path), message: i.message}))}
  }
  const def = parsed.data
  const issues: QaIssue[] = []
  const seen = new Map<string, string>()
  const check = (list: 'required' | 'forbidden', rules: Array<{id: string; phrasings: string[]; except?: string[]}>) =>
    rules.forEach((rule, k) => {
      const at = [list, k]
      if (seen.has(rule.id))
        issues.push({
          line: located.lineOf([...at, 'id']),
          field: `${formatPath(at)}.id`,
          message: `duplicate rule id "${rule.id}" (also in ${seen.get(rule.id)})`,
        })
      seen.set(rule.id, list)
      for (const field of ['phrasings', 'except'] as const)
        (rule[field] ?? []).forEach((p, j) => {
          if (normalizeText(p).replaceAll(' ', '').length < 2)
            issues.push({
              line: located.lineOf([...at, field, j]),
              field: `${formatPath(at)}.${field}[${j}]`,
              message: 'phrasing has fewer than 2 letters after removing punctuation',
            })
        })
    })
  check('required', def.required)
  check('forbidden', def.forbidden)
  for (const reserved of ['dissatisfaction', 'silence', 'talk-over', 'slow-reply'])
    if (seen.has(reserved)) {
      const list = seen.get(reserved) as 'required' | 'forbidden'
      const k = def[list].findIndex((r) => r.id === reserved)
      issues.push({
        line: located.lineOf([list, k, 'id']),
        field: `${list}[${k}].id`,
        message: `"${reserved}" is the id of a built-in check`,
      })
    }
  if (def.required.length + def.forbidden.length === 0 && !def.dissatisfaction)
    issues.push({line: 1, field: '(root)', message: 'no rules: give required, forbidden or dissatisfaction'})
  if (issues.length > 0) return {issues}
  return {rules: {...def, hash: createHash('sha256').update(text).digest('hex'), source}, issues: []}
}

/** The rules shipped with ccx: defaults/qa-rules.json (same depth from src/ and dist/). */
export function defaultQaRulesPath(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'defaults', 'qa-rules.json')
}

/** Reads and validates a QA rules file; a problem becomes a CcxError (exit 6) naming the file, line and field. */
export function loadQaRules(path = defaultQaRulesPath()): QaRules {
  if (!existsSync(path)) {
    throw new CcxError(`QA rules file not found: ${path}`, {
      code: 'QA_RULES_MISSING',
      exit: EXIT.invalidConfig,
      suggestions: ['Set files.qaRules in ccx.config.json, pass --qa-rules FILE, or drop them to use defaults/qa-rules.json.'],
    })
  }
  const {rules, issues} = parseQaRules(readFileSync(path, 'utf8'), path)
  if (rules) return rules
  const lines = issues.slice(0, 20).map((i) => `  ${path}:${i.line} ${i.field}: ${i.message}`)
  throw new CcxError(`QA rules ${path} are invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, {
    code: 'QA_RULES_INVALID',
    exit: EXIT.invalidConfig,
    suggestions: ['Fix the fields named above; `ccx qa check FILE` re-validates it. Format: docs/telesales.md "Quality inspection".'],
  })
}
