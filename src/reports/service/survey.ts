import {tokenize} from '../../enrich/intent/tokenize.js'
import {percent, percentValue, round} from '../../format/numbers.js'
import {readSql, renderSql, type Store} from '../../store/store.js'
import {checkAnswers} from '../../surveys/check-answers.js'
import {indexSurveys, textIn} from '../../surveys/check.js'
import {loadSurveysFile, surveysPathFor} from '../../surveys/load.js'
import {csatStats, frequentWords, npsStats, type CsatStats, type FrequentWord, type NpsStats} from '../../surveys/stats.js'
import type {AnswerValue, Questionnaire} from '../../vocab/surveys.js'
import {requireTables, siteFilter, usedParams} from '../common.js'
import {defineReport, rangeOptions, type ReportContext, type Row} from '../contract.js'
import {sqlRange, type DateRange} from '../range.js'

export const SURVEY_GROUPS = ['campaign', 'intent', 'channel', 'agent', 'day', 'week', 'month'] as const
export type SurveyGroup = (typeof SURVEY_GROUPS)[number]

export interface SurveyOptions extends DateRange {
  site?: string
  /** Questionnaires file; default: config files.surveys, else defaults/surveys.json. */
  surveysFile?: string
  /** Only this questionnaire id. */
  survey?: string
  by?: SurveyGroup
  /** Frequent words shown per free-text question. */
  words?: number
}

export interface ChoiceCount {
  value: string
  label: string
  count: number
  /** count ÷ the question's answers (multiple choice: shares add up to more than 1). */
  share: number | null
}

export interface QuestionSummary {
  question: string
  type: string
  text: string
  /** Responses with a valid answer to it. */
  answered: number
  distribution: ChoiceCount[]
  mean: number | null
  words: FrequentWord[]
}

export interface SurveySummary {
  survey: string
  version: number
  title: string
  shown: number
  /** Shown questionnaires with at least one valid answer. */
  answered: number
  responseRate: number | null
  /** Answers dropped because they fit no question of this version (unknown question, value out of range). */
  invalidAnswers: number
  csat: (CsatStats & {question: string}) | null
  nps: (NpsStats & {question: string}) | null
  questions: QuestionSummary[]
}

export interface SurveyGroupRow {
  survey: string
  version: number
  group: string
  shown: number
  answered: number
  response_rate: number | null
  csat_n: number
  csat_top2_box: number | null
  nps_n: number
  nps: number | null
  nps_low: number | null
  nps_high: number | null
}

export interface SurveyReport {
  from: string
  to: string
  by: SurveyGroup | null
  surveys: SurveySummary[]
  groups: SurveyGroupRow[]
  /** Shown or answered questionnaires whose id and version the file does not define: left out, counted here. */
  unknown: Array<{survey: string; version: number | null; displays: number}>
}

interface Display {
  survey_id: string | null
  survey_version: number | null
  day: string
  campaign: string | null
  channel: string | null
  agent_id: string | null
  intent: string | null
  answers: string | null
}

interface Kept {
  display: Display
  answers: Record<string, AnswerValue>
}

export async function surveyReport(store: Store, surveys: Questionnaire[], options: SurveyOptions = {}): Promise<SurveyReport> {
  await requireTables(store, ['survey_displays', 'survey_responses'])
  const range = sqlRange(options)
  const sql = renderSql(readSql(import.meta.url, 'sql/survey_displays.sql'), {site_filter: siteFilter(options.site, 'd.site')})
  const rows = (await store.all(sql, usedParams(sql, range))) as unknown as Display[]
  const index = indexSurveys({surveys})
  const perSurvey = new Map<string, {q: Questionnaire; displays: Kept[]; invalid: number}>()
  const unknown = new Map<string, {survey: string; version: number | null; displays: number}>()
  for (const d of rows) {
    if (options.survey && d.survey_id !== options.survey) continue
    const key = `${d.survey_id}@${d.survey_version}`
    const q = index.get(key)
    if (!q) {
      const u = unknown.get(key) ?? {survey: String(d.survey_id), version: d.survey_version, displays: 0}
      u.displays++
      unknown.set(key, u)
      continue
    }
    let entry = perSurvey.get(key)
    if (!entry) perSurvey.set(key, (entry = {q, displays: [], invalid: 0}))
    let raw: unknown
    try {
      raw = d.answers ? JSON.parse(d.answers) : null
    } catch {
      raw = '(not JSON)'
    }
    const checked = checkAnswers(q, raw)
    entry.invalid += checked.problems.length
    entry.displays.push({display: d, answers: checked.answers})
  }
  const summaries = [...perSurvey.values()]
    .sort((a, b) => a.q.id.localeCompare(b.q.id) || a.q.version - b.q.version)
    .map(({q, displays, invalid}) => summarize(q, displays, invalid, options.words ?? 8))
  const groups: SurveyGroupRow[] = []
  if (options.by) {
    for (const {q, displays} of [...perSurvey.values()].sort((a, b) => a.q.id.localeCompare(b.q.id) || a.q.version - b.q.version)) {
      const byGroup = new Map<string, Kept[]>()
      for (const k of displays) {
        const g = groupOf(k.display, options.by)
        byGroup.set(g, [...(byGroup.get(g) ?? []), k])
      }
      for (const [group, list] of [...byGroup.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
        const s = summarize(q, list, 0, 0)
        groups.push({
          survey: q.id,
          version: q.version,
          group,
          shown: s.shown,
          answered: s.answered,
          response_rate: s.responseRate,
          csat_n: s.csat?.n ?? 0,
          csat_top2_box: s.csat?.top2Box ?? null,
          nps_n: s.nps?.n ?? 0,
          nps: s.nps?.nps ?? null,
          nps_low: s.nps?.ci95?.low ?? null,
          nps_high: s.nps?.ci95?.high ?? null,
        })
      }
    }
  }
  return {from: range.from, to: range.to, by: options.by ?? null, surveys: summaries, groups, unknown: [...unknown.values()]}
}

function groupOf(d: Display, by: SurveyGroup): string {
  switch (by) {
    case 'campaign':
      return d.campaign ?? '(none)'
    case 'intent':
      return d.intent ?? '(unknown)'
    case 'channel':
      return d.channel ?? '(unknown)'
    case 'agent':
      return d.agent_id ?? '(no agent)'
    case 'day':
      return d.day
    case 'month':
      return d.day.slice(0, 7)
    case 'week': {
      // ISO week: the Monday it starts on
      const t = new Date(`${d.day}T00:00:00Z`)
      t.setUTCDate(t.getUTCDate() - ((t.getUTCDay() + 6) % 7))
      return t.toISOString().slice(0, 10)
    }
  }
}

function summarize(q: Questionnaire, displays: Kept[], invalid: number, words: number): SurveySummary {
  const lang = q.languages[0]
  const answered = displays.filter((k) => Object.keys(k.answers).length > 0)
  const questions: QuestionSummary[] = q.questions.map((question) => {
    const values = answered.map((k) => k.answers[question.id]).filter((v) => v !== undefined)
    const n = values.length
    const share = (c: number) => (n > 0 ? c / n : null)
    let distribution: ChoiceCount[] = []
    let mean: number | null = null
    let frequent: FrequentWord[] = []
    if (question.type === 'single' || question.type === 'multiple') {
      distribution = question.options.map((o) => {
        const count = values.filter((v) => (Array.isArray(v) ? v.includes(o.value) : v === o.value)).length
        return {value: o.value, label: textIn(o.label, lang, lang), count, share: share(count)}
      })
    } else if (question.type === 'rating') {
      const [lo, hi] = question.scale === '1-5' ? [1, 5] : [0, 10]
      for (let v = lo; v <= hi; v++) {
        const count = values.filter((x) => x === v).length
        distribution.push({value: String(v), label: String(v), count, share: share(count)})
      }
      mean = n > 0 ? (values as number[]).reduce((a, b) => a + b, 0) / n : null
    } else if (words > 0) {
      frequent = frequentWords(values as string[], tokenize, words)
    }
    return {question: question.id, type: question.type, text: textIn(question.text, lang, lang), answered: n, distribution, mean, words: frequent}
  })
  const ratings = (metric: 'csat' | 'nps') => {
    const question = q.questions.find((x) => x.type === 'rating' && x.metric === metric)
    if (!question) return null
    return {question: question.id, values: answered.map((k) => k.answers[question.id]).filter((v): v is number => typeof v === 'number')}
  }
  const c = ratings('csat')
  const p = ratings('nps')
  return {
    survey: q.id,
    version: q.version,
    title: textIn(q.title, lang, lang),
    shown: displays.length,
    answered: answered.length,
    responseRate: displays.length > 0 ? answered.length / displays.length : null,
    invalidAnswers: invalid,
    csat: c ? {question: c.question, ...csatStats(c.values)} : null,
    nps: p ? {question: p.question, ...npsStats(p.values)} : null,
    questions,
  }
}

const summaryRow = (s: SurveySummary): Row => ({
  survey: s.survey,
  version: s.version,
  shown: s.shown,
  answered: s.answered,
  response_rate: round(s.responseRate, 4),
  invalid_answers: s.invalidAnswers,
  csat_n: s.csat?.n ?? 0,
  csat_top2_box: round(s.csat?.top2Box, 4),
  csat_low: round(s.csat?.ci95?.low, 4),
  csat_high: round(s.csat?.ci95?.high, 4),
  nps_n: s.nps?.n ?? 0,
  nps: round(s.nps?.nps, 2),
  nps_low: round(s.nps?.ci95?.low, 2),
  nps_high: round(s.nps?.ci95?.high, 2),
})

/** Vega-Lite: the answer distribution of each choice and rating question. */
export function surveyChart(result: SurveyReport): object {
  const values = result.surveys.flatMap((s) =>
    s.questions.flatMap((q) =>
      q.distribution.map((d) => ({question: `${s.survey} v${s.version} · ${q.question}`, answer: d.label, share: d.share ?? 0, count: d.count})),
    ),
  )
  return {
    title: 'Survey answers by question',
    data: {values},
    width: 320,
    mark: 'bar',
    encoding: {
      row: {field: 'question', type: 'nominal', title: null, header: {labelAngle: 0, labelAlign: 'left'}},
      y: {field: 'answer', type: 'nominal', sort: null, title: null},
      x: {field: 'share', type: 'quantitative', title: 'share of answers', axis: {format: '%'}},
      tooltip: [{field: 'question'}, {field: 'answer'}, {field: 'count'}, {field: 'share', format: '.1%'}],
    },
    resolve: {scale: {y: 'independent'}},
  }
}

function questionnaires(ctx: ReportContext, options: SurveyOptions): Questionnaire[] {
  return loadSurveysFile(surveysPathFor(ctx.config, options.surveysFile)).surveys
}

/** `ccx report survey`: response rate, per-question answers, CSAT and NPS with intervals, free-text words. */
export default defineReport<SurveyOptions, SurveyReport>({
  id: 'service/survey',
  title: 'Surveys',
  needs: {tables: ['survey_displays', 'survey_responses'], pipelines: []},
  run: (ctx, options) => surveyReport(ctx.store, questionnaires(ctx, options), options),
  rows: (result) => (result.by ? (result.groups as unknown as Row[]) : result.surveys.map(summaryRow)),
  text: (result) => [
    {title: 'Questionnaires', rows: result.surveys.map(summaryRow)},
    ...(result.by ? [{title: `By ${result.by}`, rows: result.groups as unknown as Row[]}] : []),
    ...result.surveys.flatMap((s) =>
      s.questions.map((q) => ({
        title: `${s.survey} v${s.version} · ${q.question} (${q.type}, ${q.answered} answers): ${q.text}`,
        rows:
          q.type === 'text'
            ? q.words.map((w) => ({word: w.word, answers: w.answers, examples: w.examples.join(' | ')}))
            : q.distribution.map((d) => ({answer: d.label, count: d.count, share: percent(d.share)})),
      })),
    ),
  ],
  charts: (result) => [surveyChart(result)],
  notes: (result) => [
    ...result.unknown.map((u) => `${u.displays} shown questionnaire(s) of ${u.survey} version ${u.version ?? '?'} left out: the questionnaires file does not define that version`),
    ...result.surveys
      .filter((s) => s.invalidAnswers > 0)
      .map((s) => `${s.survey} v${s.version}: ${s.invalidAnswers} answer(s) fit no question of this version and were left out`),
  ],
  async section(ctx) {
    const result = await surveyReport(ctx.store, questionnaires(ctx, {}), {...rangeOptions(ctx), words: 5})
    if (result.surveys.length === 0) return []
    return [
      {
        title: 'Surveys',
        description: 'Questionnaires shown and answered, CSAT top-2-box and NPS with 95% intervals (docs/metrics.md, "Surveys").',
        charts: [surveyChart(result)],
        tables: [
          {
            title: 'Questionnaires',
            rows: result.surveys.map((s) => ({
              questionnaire: `${s.title} (${s.survey} v${s.version})`,
              shown: s.shown,
              answered: s.answered,
              'response rate %': percentValue(s.responseRate),
              'CSAT top-2-box %': percentValue(s.csat?.top2Box ?? null),
              NPS: round(s.nps?.nps, 1),
              'NPS 95% interval': s.nps?.ci95 ? `${round(s.nps.ci95.low, 1)} – ${round(s.nps.ci95.high, 1)}` : 'n/a',
            })),
          },
          ...result.surveys.flatMap((s) =>
            s.questions
              .filter((q) => q.type === 'text' && q.words.length > 0)
              .map((q) => ({
                title: `${s.survey}: frequent words in "${q.text}"`,
                rows: q.words.map((w) => ({word: w.word, answers: w.answers, example: w.examples[0] ?? ''})),
              })),
          ),
        ],
      },
    ]
  },
})
