// Pure: a questionnaires file's text → the questionnaires, or the problems with their line and field.
import {fileIssues, type FileIssue} from '../config/issues.js'
import {formatPath, JsonSyntaxError, parseJsonWithLines} from '../config/json-positions.js'
import {SurveysFileSchema, type LocalText, type Question, type Questionnaire, type SurveysFile} from '../vocab/surveys.js'

export type SurveyIssue = FileIssue

export interface SurveysCheck {
  file?: SurveysFile
  issues: SurveyIssue[]
}

export function checkSurveysText(text: string): SurveysCheck {
  let parsed: ReturnType<typeof parseJsonWithLines>
  try {
    parsed = parseJsonWithLines(text.replace(/^\uFEFF/, ''))
  } catch (error) {
    if (error instanceof JsonSyntaxError) return {issues: [{line: error.line, field: '(syntax)', message: error.message}]}
    throw error
  }
  const {value, lineOf} = parsed
  const result = SurveysFileSchema.safeParse(value)
  if (!result.success) return {issues: fileIssues(result.error, SurveysFileSchema, value, lineOf)}
  const file = result.data
  const issues: SurveyIssue[] = []
  const add = (path: Array<string | number>, message: string) => issues.push({line: lineOf(path), field: formatPath(path), message})
  const seen = new Map<string, number>()
  file.surveys.forEach((s, n) => {
    const at = (...p: Array<string | number>) => ['surveys', n, ...p]
    const key = `${s.id}@${s.version}`
    const first = seen.get(key)
    if (first !== undefined) add(at('version'), `duplicate questionnaire "${s.id}" version ${s.version} (first at surveys[${first}])`)
    else seen.set(key, n)
    if (s.active?.from && s.active.to && s.active.from > s.active.to)
      add(at('active'), `from (${s.active.from}) is after to (${s.active.to})`)
    const texts: Array<[Array<string | number>, LocalText | undefined]> = [[at('title'), s.title]]
    const position = new Map<string, number>()
    s.questions.forEach((q, k) => {
      if (position.has(q.id)) add(at('questions', k, 'id'), `duplicate question id "${q.id}" (first at questions[${position.get(q.id)}])`)
      else position.set(q.id, k)
      texts.push([at('questions', k, 'text'), q.text])
      if (q.type === 'single' || q.type === 'multiple') {
        const values = new Set<string>()
        q.options.forEach((o, j) => {
          if (values.has(o.value)) add(at('questions', k, 'options', j, 'value'), `duplicate option value "${o.value}"`)
          values.add(o.value)
          texts.push([at('questions', k, 'options', j, 'label'), o.label])
        })
        if (q.type === 'multiple' && q.maxChoices && q.maxChoices > q.options.length)
          add(at('questions', k, 'maxChoices'), `maxChoices ${q.maxChoices} is more than the ${q.options.length} options`)
      }
      if (q.type === 'rating') {
        if (q.metric === 'csat' && q.scale !== '1-5') add(at('questions', k, 'scale'), 'a csat question is rated 1-5 (top-2-box: 4 and 5)')
        if (q.metric === 'nps' && q.scale !== '0-10') add(at('questions', k, 'scale'), 'an nps question is rated 0-10')
      }
    })
    s.questions.forEach((q, k) => {
      q.skip?.forEach((rule, r) => {
        const path = at('questions', k, 'skip', r)
        if (rule.goto !== 'end') {
          const target = position.get(rule.goto)
          if (target === undefined)
            add(
              [...path, 'goto'],
              `skip to "${rule.goto}": no such question in ${s.id} (ids: ${[...position.keys()].join(', ')}, or "end")`,
            )
          else if (target <= k) add([...path, 'goto'], `skip to "${rule.goto}" goes backwards: skips may only jump forward`)
        }
        rule.when.forEach((v, j) => {
          const problem = skipValueProblem(q, v)
          if (problem) add([...path, 'when', j], problem)
        })
      })
    })
    for (const [path, text] of texts) {
      if (text === undefined || typeof text === 'string') continue
      for (const lang of s.languages) if (!text[lang]) add(path, `no "${lang}" text, but the questionnaire lists ${lang} in languages`)
    }
  })
  return {file, issues}
}

function skipValueProblem(q: Question, v: string | number): string | null {
  if (q.type === 'text') return 'skip rules need a choice or rating question'
  if (q.type === 'rating') {
    const [lo, hi] = q.scale === '1-5' ? [1, 5] : [0, 10]
    return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? null : `${JSON.stringify(v)} is not a rating ${q.scale}`
  }
  return q.options.some((o) => o.value === v)
    ? null
    : `${JSON.stringify(v)} is not one of the options (${q.options.map((o) => o.value).join(', ')})`
}

/** The text in the language asked for, else the questionnaire's first language, else any. */
export function textIn(text: LocalText | undefined, lang: string, fallback: string): string {
  if (text === undefined) return ''
  if (typeof text === 'string') return text
  const map = text as Record<string, string | undefined>
  return map[lang] ?? map[fallback] ?? Object.values(map).find((v) => v !== undefined) ?? ''
}

/** Questionnaires by `id@version`. */
export function indexSurveys(file: SurveysFile): Map<string, Questionnaire> {
  return new Map(file.surveys.map((s) => [`${s.id}@${s.version}`, s]))
}
