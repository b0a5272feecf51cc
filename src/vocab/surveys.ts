import {z} from 'zod'

/**
 * Questionnaires (docs/surveys.md): the file `ccx surveys check` validates, the report reads and `serve` hands the
 * probe. Strict objects, so a mistyped key is an error with its line, not ignored.
 */

export const SURVEY_LANGUAGES = ['zh', 'en'] as const
export const SurveyLanguageSchema = z.enum(SURVEY_LANGUAGES)
export type SurveyLanguage = z.infer<typeof SurveyLanguageSchema>

export const QUESTION_TYPES = ['single', 'multiple', 'rating', 'text'] as const
export type QuestionType = (typeof QUESTION_TYPES)[number]

/** A text shown to the respondent: one string, or one per language ({"zh": "…", "en": "…"}). */
export const LocalTextSchema = z.union([z.string().min(1), z.partialRecord(SurveyLanguageSchema, z.string().min(1))])
export type LocalText = z.infer<typeof LocalTextSchema>

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'ids are letters, digits, "-" and "_"')

/** Skip logic: when the answer is one of `when`, go to question `goto` (or "end"). First matching rule wins. */
export const SkipRuleSchema = z.strictObject({
  when: z.array(z.union([z.string(), z.number()])).min(1),
  goto: z.string().min(1),
})
export type SkipRule = z.infer<typeof SkipRuleSchema>

const OptionSchema = z.strictObject({value: z.string().min(1), label: LocalTextSchema})

const base = {
  id,
  text: LocalTextSchema,
  required: z.boolean().default(false),
  skip: z.array(SkipRuleSchema).optional(),
}

export const QuestionSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({...base, type: z.literal('single'), options: z.array(OptionSchema).min(2)}),
    z.strictObject({
      ...base,
      type: z.literal('multiple'),
      options: z.array(OptionSchema).min(2),
      maxChoices: z.number().int().min(1).optional(),
    }),
    z.strictObject({
      ...base,
      type: z.literal('rating'),
      /** 1–5 (CSAT, docs/metrics.md top-2-box) or 0–10 (NPS). */
      scale: z.enum(['1-5', '0-10']),
      /** What the report computes from it: csat needs 1-5, nps needs 0-10. */
      metric: z.enum(['csat', 'nps']).optional(),
      /** Labels of the two ends ("very unsatisfied" / "very satisfied"). */
      low: LocalTextSchema.optional(),
      high: LocalTextSchema.optional(),
    }),
    z.strictObject({...base, type: z.literal('text'), maxLength: z.number().int().min(1).max(5000).default(1000)}),
  ],
  {error: () => `unknown question type; use one of: ${QUESTION_TYPES.join(', ')}`},
)
export type Question = z.infer<typeof QuestionSchema>

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD')

export const QuestionnaireSchema = z.strictObject({
  id,
  /** Raise it when the questions change: answers keep the version they were given under. */
  version: z.number().int().min(1),
  title: LocalTextSchema,
  languages: z.array(SurveyLanguageSchema).min(1).default(['zh']),
  /** Inclusive days (site time); outside them serve does not show it. */
  active: z.strictObject({from: day.optional(), to: day.optional()}).optional(),
  /** Campaigns it belongs to (the report groups by them; a scenario names the questionnaire). */
  campaigns: z.array(z.string().min(1)).default([]),
  questions: z.array(QuestionSchema).min(1),
})
export type Questionnaire = z.infer<typeof QuestionnaireSchema>

export const SurveysFileSchema = z.strictObject({
  $schema: z.string().optional(),
  surveys: z.array(QuestionnaireSchema),
})
export type SurveysFile = z.infer<typeof SurveysFileSchema>

/** One answer as stored: a choice value, several, a rating, or text. */
export type AnswerValue = string | number | string[]
export type Answers = Record<string, AnswerValue>

/** The props of the probe's survey events (`survey_shown`, `survey_answer`); answers only on the latter. */
export const SurveyEventPropsSchema = z.object({
  survey: z.string().min(1).max(200),
  version: z.number().int().min(1),
  campaign: z.string().max(200).optional(),
  conversation_id: z.string().max(200).optional(),
  language: SurveyLanguageSchema.optional(),
  answers: z.record(z.string().max(100), z.union([z.string().max(5000), z.number(), z.array(z.string().max(200)).max(50)])).optional(),
})
export type SurveyEventProps = z.infer<typeof SurveyEventPropsSchema>
