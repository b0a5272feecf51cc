// What serve needs of questionnaires: the event types scenarios fire on, and the active version a survey directive
// hands the probe. Loaded once at start when a scenario names a questionnaire or the config names a file (an invalid
// file stops serve with exit 6, as `ccx surveys check` reports it); a scenario naming a questionnaire the file lacks too.
import {CcxError, EXIT} from '../errors.js'
import type {LoadedConfig} from '../config/load.js'
import type {Questionnaire} from '../vocab/surveys.js'
import type {ScenariosFile} from '../vocab/scenarios.js'

export interface SurveyPicker {
  /** Event types some scenario's `on` names: a batch holding one is evaluated even without a page view. */
  triggers: ReadonlySet<string>
  /** The questionnaire's highest version active on `day` (YYYY-MM-DD, site-local), as the probe gets it; null if none. */
  payload(surveyId: string, day: string, extra: {intent: string | null; conversationId: string | null}): Record<string, unknown> | null
}

export async function createSurveyPicker(config: LoadedConfig, scenarios: ScenariosFile): Promise<SurveyPicker> {
  const triggers = new Set(scenarios.scenarios.flatMap((s) => (s.enabled ? (s.when.on ?? []) : [])))
  const named = scenarios.scenarios.flatMap((s) => s.actions.flatMap((a) => (a.survey ? [{scenario: s.id, survey: a.survey}] : [])))
  const byId = new Map<string, Questionnaire[]>()
  if (named.length > 0 || config.config.files.surveys) {
    const {loadSurveysFile, surveysPathFor} = await import('../surveys/load.js')
    const path = surveysPathFor(config)
    for (const q of loadSurveysFile(path).surveys)
      byId.set(
        q.id,
        [...(byId.get(q.id) ?? []), q].sort((a, b) => b.version - a.version),
      )
    const missing = named.filter((n) => !byId.has(n.survey))
    if (missing.length > 0)
      throw new CcxError(
        `scenario ${missing[0].scenario} asks for questionnaire "${missing[0].survey}", which ${path} does not define (it has: ${[...byId.keys()].join(', ') || 'none'})`,
        {
          code: 'SURVEY_UNKNOWN',
          exit: EXIT.invalidConfig,
          suggestions: ['Add the questionnaire, or set files.surveys in ccx.config.json (docs/surveys.md).'],
        },
      )
  }
  // one serialized copy per version: directives reuse it
  const cache = new Map<Questionnaire, Record<string, unknown>>()
  return {
    triggers,
    payload(surveyId, day, extra) {
      const q = byId.get(surveyId)?.find((v) => (!v.active?.from || v.active.from <= day) && (!v.active?.to || day <= v.active.to))
      if (!q) return null
      let base = cache.get(q)
      if (!base) cache.set(q, (base = {id: q.id, version: q.version, title: q.title, languages: q.languages, questions: q.questions}))
      return {...base, campaign: q.campaigns[0] ?? null, intent: extra.intent, conversation_id: extra.conversationId}
    },
  }
}
