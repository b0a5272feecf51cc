import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ConfigSchema} from '../../src/config/schema.js'
import {createSurveyPicker} from '../../src/serve/surveys.js'
import {checkAnswers} from '../../src/surveys/check-answers.js'
import {checkSurveysText} from '../../src/surveys/check.js'
import {csatStats, frequentWords, npsStats} from '../../src/surveys/stats.js'
import type {ScenariosFile} from '../../src/vocab/scenarios.js'
import {ROOT} from '../helpers/cli.js'

const sample = (name: string) => readFileSync(join(ROOT, 'fixtures/samples/surveys', name), 'utf8')

describe('questionnaire files', () => {
  it('the shipped questionnaires are valid', () => {
    const r = checkSurveysText(readFileSync(join(ROOT, 'defaults/surveys.json'), 'utf8'))
    expect(r.issues).toEqual([])
    expect(r.file?.surveys.map((s) => `${s.id}@${s.version}`)).toEqual(['post-chat@1', 'exit@1'])
  })

  it('an unknown question type names its line and field', () => {
    expect(checkSurveysText(sample('broken-type.json')).issues).toEqual([
      {line: 9, field: 'surveys[0].questions[1].type', message: 'unknown question type; use one of: single, multiple, rating, text'},
    ])
  })

  it('a skip to a missing question names its line', () => {
    const issues = checkSurveysText(sample('broken-skip.json')).issues
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({line: 13, field: 'surveys[0].questions[0].skip[0].goto'})
    expect(issues[0].message).toContain('skip to "thanks": no such question in exit (ids: found, missing, or "end")')
  })

  it('duplicate question ids and duplicate questionnaire versions name their lines', () => {
    const issues = checkSurveysText(sample('broken-duplicates.json')).issues
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [9, 'surveys[0].questions[1].id'],
      [14, 'surveys[1].version'],
    ])
    expect(issues[0].message).toBe('duplicate question id "csat" (first at questions[0])')
    expect(issues[1].message).toBe('duplicate questionnaire "post-chat" version 1 (first at surveys[0])')
  })

  it('unknown keys, backward skips, skip values outside the options, missing languages, csat on a 0-10 scale', () => {
    const text = JSON.stringify(
      {
        surveys: [
          {
            id: 's',
            version: 1,
            title: {zh: '调查'},
            languages: ['zh', 'en'],
            questions: [
              {id: 'a', type: 'rating', scale: '0-10', metric: 'csat', text: 'x'},
              {
                id: 'b',
                type: 'single',
                text: 'y',
                options: [
                  {value: 'p', label: 'P'},
                  {value: 'q', label: 'Q'},
                ],
                skip: [{when: ['r'], goto: 'a'}],
              },
            ],
          },
        ],
      },
      null,
      2,
    )
    const messages = checkSurveysText(text).issues.map((i) => `${i.line} ${i.field}: ${i.message}`)
    expect(messages).toEqual([
      '17 surveys[0].questions[0].scale: a csat question is rated 1-5 (top-2-box: 4 and 5)',
      '40 surveys[0].questions[1].skip[0].goto: skip to "a" goes backwards: skips may only jump forward',
      '38 surveys[0].questions[1].skip[0].when[0]: "r" is not one of the options (p, q)',
      '6 surveys[0].title: no "en" text, but the questionnaire lists en in languages',
    ])
    const typo = checkSurveysText(
      '{"surveys": [{"id": "s", "version": 1, "title": "t", "questions": [{"id": "a", "type": "text", "text": "x", "requird": true}]}]}',
    )
    expect(typo.issues[0]).toMatchObject({line: 1, field: 'surveys[0].questions[0].requird'})
    expect(typo.issues[0].message).toContain('did you mean "required"?')
  })
})

describe('answers against their questionnaire version', () => {
  const file = checkSurveysText(readFileSync(join(ROOT, 'defaults/surveys.json'), 'utf8')).file!
  const postChat = file.surveys[0]
  it('keeps fitting answers, drops and names the others', () => {
    const r = checkAnswers(postChat, {csat: '4', resolved: 'no', why: 'wait|transfer', nps: 11, mood: 'ok', comment: 'fine'})
    expect(r.answers).toEqual({csat: 4, resolved: 'no', why: ['wait', 'transfer'], comment: 'fine'})
    expect(r.problems).toEqual([
      {question: 'nps', message: '11 is not a rating 0-10'},
      {question: 'mood', message: 'no question "mood" in post-chat version 1'},
    ])
    expect(checkAnswers(postChat, {why: ['wait', 'knowledge', 'transfer', 'policy']}).problems[0].message).toBe('4 choices, at most 3')
    expect(checkAnswers(postChat, {}).answers).toEqual({})
  })
})

describe('survey statistics (hand-computed)', () => {
  it('CSAT top-2-box: ratings 5 4 2 3 5 1 4 → 4 of 7', () => {
    const s = csatStats([5, 4, 2, 3, 5, 1, 4])
    expect(s).toMatchObject({n: 7, top2: 4})
    expect(s.top2Box).toBeCloseTo(4 / 7, 12)
    expect(s.mean).toBeCloseTo(24 / 7, 12)
    // Wilson, z = 1.959964: centre (4 + z²/2)/(7 + z²) = 5.920729/10.841459 = 0.546118, half-width 0.295633
    expect(s.ci95!.low).toBeCloseTo(0.2505, 4)
    expect(s.ci95!.high).toBeCloseTo(0.8418, 4)
  })

  it('NPS: 10 9 3 7 8 0 10 → 3 promoters, 2 passives, 2 detractors; interval from the proportions', () => {
    const s = npsStats([10, 9, 3, 7, 8, 0, 10])
    expect(s).toMatchObject({n: 7, promoters: 3, passives: 2, detractors: 2})
    expect(s.nps).toBeCloseTo(100 / 7, 10) // 14.2857
    // var = (3/7 + 2/7 − (1/7)²)/7 = 34/343; half = 1.959964 × 100 × √(34/343) = 61.708
    expect(s.ci95!.low).toBeCloseTo(14.2857 - 61.708, 2)
    expect(s.ci95!.high).toBeCloseTo(14.2857 + 61.708, 2)
  })

  it('NPS edge cases: none, one, all promoters (zero variance), clipped to ±100', () => {
    expect(npsStats([]).nps).toBeNull()
    expect(npsStats([10]).ci95).toBeNull()
    expect(npsStats([10, 9, 10])).toMatchObject({nps: 100, ci95: {low: 100, high: 100}})
    expect(npsStats([0, 10]).ci95).toEqual({low: -100, high: 100})
  })

  it('frequent words count answers, skip stop words and show the shortest examples', () => {
    const tok = (s: string) =>
      s
        .toLowerCase()
        .split(/[^a-z]+/)
        .filter(Boolean)
    const words = frequentWords(['the wait was long', 'long wait and rude', 'wait', 'great help', 'help was slow'], tok, 3)
    expect(words).toEqual([
      {word: 'wait', answers: 3, examples: ['wait', 'the wait was long']},
      {word: 'help', answers: 2, examples: ['great help', 'help was slow']},
      {word: 'long', answers: 2, examples: ['the wait was long', 'long wait and rude']},
    ])
  })

  it('examples are distinct answers: the same reply given three times is one example', () => {
    const tok = (s: string) => s.split(' ')
    const words = frequentWords(['slow reply', 'slow reply', 'slow reply', 'very slow reply today'], tok, 1)
    expect(words).toEqual([{word: 'reply', answers: 4, examples: ['slow reply', 'very slow reply today']}])
  })
})

describe('the survey directive in the scenario engine', () => {
  it('fires on the named event only, carries the questionnaire id, and keeps to its limits', async () => {
    const {compileScenarios, evaluate, emptyState} = await import('../../src/scenarios/engine.js')
    const {ScenariosFileSchema} = await import('../../src/vocab/scenarios.js')
    const file = ScenariosFileSchema.parse({
      scenarios: [
        {
          id: 'exit-survey',
          when: {on: ['exit_intent'], pages: {min: 2}},
          actions: [{type: 'survey', survey: 'exit'}],
          limits: {perVisitor: 1},
        },
      ],
    })
    const compiled = compileScenarios(file)
    const ctx = {
      intent: 'repair',
      confidence: 0.9,
      province: null,
      city: null,
      source: null,
      medium: null,
      term: null,
      visitNumber: 1,
      dwellS: 60,
      pages: 3,
      url: null,
      hour: 10,
      device: 'desktop',
    }
    expect(evaluate(ctx, compiled, emptyState()).directives).toEqual([]) // a page view: no exit intent
    expect(evaluate({...ctx, pages: 1, events: ['exit_intent']}, compiled, emptyState()).directives).toEqual([])
    const first = evaluate({...ctx, events: ['heartbeat', 'exit_intent']}, compiled, emptyState())
    expect(first.directives).toMatchObject([{scenarioId: 'exit-survey', type: 'survey', survey: 'exit'}])
    expect(evaluate({...ctx, pages: 4, events: ['exit_intent']}, compiled, first.state).directives).toEqual([])
  })

  it('a survey action needs its questionnaire id; the id belongs to survey actions only', async () => {
    const {ScenariosFileSchema} = await import('../../src/vocab/scenarios.js')
    const r = ScenariosFileSchema.safeParse({
      scenarios: [{id: 's', actions: [{type: 'survey'}, {type: 'invite', message: 'hi', survey: 'x'}]}],
    })
    expect(r.success).toBe(false)
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['scenarios.0.actions.0.survey', 'a survey action needs "survey" (a questionnaire id)'],
      ['scenarios.0.actions.1.survey', '"survey" belongs to actions of type survey'],
    ])
  })
})

describe('scenarios check knows the questionnaires', () => {
  it('a survey action naming a questionnaire the file lacks names its line', async () => {
    const {checkScenariosText} = await import('../../src/scenarios/validate.js')
    const text =
      '{"scenarios": [\n  {"id": "s", "when": {"on": ["chat_end"]},\n   "actions": [{"type": "survey", "survey": "post-chat-v2"}]}\n]}'
    expect(checkScenariosText(text, {surveys: ['post-chat', 'exit']}).issues).toEqual([
      {
        line: 3,
        field: 'scenarios.0.actions.0.survey',
        message: 'no questionnaire "post-chat-v2" in the questionnaires file (it has: post-chat, exit)',
      },
    ])
    expect(checkScenariosText(text.replace('post-chat-v2', 'post-chat'), {surveys: ['post-chat', 'exit']}).issues).toEqual([])
  })
})

describe("serve's questionnaires", () => {
  const scenarios = {version: 1, limits: {}, scenarios: []} as unknown as ScenariosFile
  const configWith = (surveys?: string) => ({config: ConfigSchema.parse({files: surveys ? {surveys} : {}}), baseDir: ROOT})

  it('an invalid file the config names stops serve (exit 6, its line), even when no scenario asks for a survey', async () => {
    const start = createSurveyPicker(configWith('fixtures/samples/surveys/broken-type.json'), scenarios)
    await expect(start).rejects.toMatchObject({code: 'SURVEYS_INVALID', exit: 6})
    await expect(start).rejects.toThrow(/broken-type\.json:9: surveys\[0\]\.questions\[1\]\.type/)
  })

  it('without a survey scenario and without a configured file, the shipped file is not read', async () => {
    const picker = await createSurveyPicker(configWith(), scenarios)
    expect(picker.payload('post-chat', '2026-10-01', {intent: null, conversationId: null})).toBeNull()
  })
})
