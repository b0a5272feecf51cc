import {JsonSyntaxError, lineOf, parseWithPositions} from '../config/json-positions.js'
import type {Directory} from '../vocab/directives.js'
import {ScenariosFileSchema, type ScenariosFile} from '../vocab/scenarios.js'

export interface ScenarioIssue {
  line: number
  /** Dotted path of the field at fault, e.g. scenarios.2.when.visitNumber.min */
  field: string
  message: string
}

export interface CheckResult {
  file?: ScenariosFile
  issues: ScenarioIssue[]
}

/**
 * Validates a scenarios file's text. Issues name the line and the field. `knownIntents` (when given) flags
 * conditions on intents the intents file does not define.
 */
export function checkScenariosText(
  text: string,
  options: {knownIntents?: string[]; directory?: Directory; surveys?: string[]} = {},
): CheckResult {
  let parsed: ReturnType<typeof parseWithPositions>
  try {
    parsed = parseWithPositions(text)
  } catch (error) {
    if (error instanceof JsonSyntaxError) return {issues: [{line: error.line, field: '(syntax)', message: error.message}]}
    throw error
  }
  const {value, positions} = parsed
  const result = ScenariosFileSchema.safeParse(value)
  if (!result.success) {
    return {
      issues: result.error.issues.map((i) => {
        // Unknown keys: point at the key itself.
        const keys = (i as {keys?: string[]}).keys
        const path = keys && keys.length > 0 ? [...i.path, keys[0]] : i.path
        return {line: lineOf(positions, path), field: path.map(String).join('.') || '(root)', message: i.message}
      }),
    }
  }
  const file: ScenariosFile = result.data
  const issues: ScenarioIssue[] = []
  const seen = new Map<string, number>()
  file.scenarios.forEach((s, n) => {
    const at = (...path: Array<string | number>) => ({
      line: lineOf(positions, ['scenarios', n, ...path]),
      field: ['scenarios', n, ...path].join('.'),
    })
    if (seen.has(s.id)) issues.push({...at('id'), message: `duplicate scenario id "${s.id}" (first at scenarios.${seen.get(s.id)})`})
    else seen.set(s.id, n)
    s.when.intent?.forEach((intent, k) => {
      if (options.knownIntents && !options.knownIntents.includes(intent)) {
        issues.push({
          ...at('when', 'intent', k),
          message: `unknown intent "${intent}"; the intents file defines: ${options.knownIntents.join(', ')}`,
        })
      }
    })
    for (const key of ['visitNumber', 'dwellS', 'pages'] as const) {
      const r = s.when[key]
      if (r && r.min !== undefined && r.max !== undefined && r.min > r.max)
        issues.push({...at('when', key), message: `min (${r.min}) is greater than max (${r.max})`})
    }
    s.actions.forEach((a, k) => {
      if (a.survey && options.surveys && !options.surveys.includes(a.survey))
        issues.push({
          ...at('actions', k, 'survey'),
          message: `no questionnaire "${a.survey}" in the questionnaires file (it has: ${options.surveys.join(', ') || 'none'})`,
        })
      if (!a.resource || !options.directory) return
      const types = Array.isArray(a.resource.type) ? a.resource.type : [a.resource.type]
      if (!options.directory.resources.some((r) => types.includes(r.type))) {
        issues.push({...at('actions', k, 'resource', 'type'), message: `the resource directory has no resource of type ${types.join('/')}`})
      }
    })
  })
  return issues.length > 0 ? {file, issues} : {file, issues: []}
}
