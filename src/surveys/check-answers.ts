// Pure: one response's answers checked against the questionnaire version it was given under.
import type {AnswerValue, Answers, Question, Questionnaire} from '../vocab/surveys.js'

export interface AnswerProblem {
  question: string
  message: string
}

/**
 * Keeps the answers that fit their question and names the others (unknown question, value outside the options or the
 * scale, too many choices). A wrong answer is dropped and counted, never coerced: the report flags how many.
 */
export function checkAnswers(survey: Questionnaire, raw: unknown): {answers: Answers; problems: AnswerProblem[]} {
  const answers: Answers = {}
  const problems: AnswerProblem[] = []
  if (raw === null || raw === undefined) return {answers, problems}
  if (typeof raw !== 'object' || Array.isArray(raw))
    return {answers, problems: [{question: '(answers)', message: 'answers is not an object'}]}
  const byId = new Map(survey.questions.map((q) => [q.id, q]))
  for (const [id, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue
    const q = byId.get(id)
    if (!q) {
      problems.push({question: id, message: `no question "${id}" in ${survey.id} version ${survey.version}`})
      continue
    }
    const checked = checkOne(q, value)
    if (typeof checked === 'string') problems.push({question: id, message: checked})
    else answers[id] = checked.value
  }
  return {answers, problems}
}

function checkOne(q: Question, value: unknown): {value: AnswerValue} | string {
  switch (q.type) {
    case 'rating': {
      const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value
      const [lo, hi] = q.scale === '1-5' ? [1, 5] : [0, 10]
      if (typeof n === 'number' && Number.isInteger(n) && n >= lo && n <= hi) return {value: n}
      return `${JSON.stringify(value)} is not a rating ${q.scale}`
    }
    case 'single': {
      const v = typeof value === 'number' ? String(value) : value
      if (typeof v === 'string' && q.options.some((o) => o.value === v)) return {value: v}
      return `${JSON.stringify(value)} is not one of the options`
    }
    case 'multiple': {
      // CSV exports often join choices with "|" or ";"
      const list =
        typeof value === 'string'
          ? value
              .split(/[|;；]/)
              .map((s) => s.trim())
              .filter(Boolean)
          : value
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string' && q.options.some((o) => o.value === v)))
        return `${JSON.stringify(value)} is not a list of the options`
      if (q.maxChoices && list.length > q.maxChoices) return `${list.length} choices, at most ${q.maxChoices}`
      return {value: [...new Set(list as string[])]}
    }
    case 'text': {
      if (typeof value !== 'string') return 'a text answer must be a string'
      return {value: value.slice(0, q.maxLength)}
    }
  }
}
