import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'

const tmp = tempDir('ccx-surveys-')
afterAll(() => tmp.cleanup())
const sample = (name: string) => join(ROOT, 'fixtures/samples/surveys', name)
const unwrap = (s: string) => s.replace(/\s*\n\s*›\s*/g, ' ').replace(/\s+/g, ' ')

describe('ccx surveys check', () => {
  it('the shipped questionnaires are valid', async () => {
    const r = await ccx(['surveys', 'check', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().questionnaires.map((q: {id: string}) => q.id)).toEqual(['post-chat', 'exit'])
  })

  it.each([
    ['broken-type.json', 'broken-type.json:9: surveys[0].questions[1].type: unknown question type'],
    ['broken-skip.json', 'broken-skip.json:13: surveys[0].questions[0].skip[0].goto: skip to "thanks": no such question'],
    ['broken-duplicates.json', 'broken-duplicates.json:9: surveys[0].questions[1].id: duplicate question id "csat"'],
  ])('%s exits 6 naming the line', async (file, expected) => {
    const r = await ccx(['surveys', 'check', sample(file)])
    expect(r.code).toBe(6)
    expect(unwrap(r.stderr)).toContain(expected)
    const j = await ccx(['surveys', 'check', sample(file), '--json'])
    expect(j.json().error.code).toBe('SURVEYS_INVALID')
  })
})

describe('ccx ingest surveys + report survey (hand-computed, fixtures/samples/surveys/answers.csv)', () => {
  const db = join(tmp.path, 's.duckdb')

  it('loads good rows, quarantines an answers cell that is not JSON', async () => {
    const r = await ccx(['ingest', 'surveys', sample('answers.csv'), '--db', db, '--max-bad', '0.2', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.json().totals).toMatchObject({read: 10, loaded: 9, duplicate: 0, quarantined: 1})
    const q = await ccx(['quarantine', 'show', String(r.json().files[0].ingestId), '--db', db, '--json'])
    expect(q.json().rows).toMatchObject([
      {line: 10, field: 'answers', reason: 'bad_json: answers is not a JSON object', value: '{not json'},
    ])
  })

  it('response rate, CSAT top-2-box and NPS with its interval match the hand computation', async () => {
    const r = await ccx(['report', 'survey', '--db', db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const [s] = r.json().surveys
    // 9 shown (R0009 quarantined), R0006 has no answers: 8 answered; R0010's csat 6 is out of scale
    expect(s).toMatchObject({survey: 'post-chat', version: 1, shown: 9, answered: 8, invalidAnswers: 1})
    expect(s.responseRate).toBeCloseTo(8 / 9, 12)
    // csat 5 4 2 3 5 1 4 → 4 of 7
    expect(s.csat).toMatchObject({question: 'csat', n: 7, top2: 4})
    expect(s.csat.top2Box).toBeCloseTo(4 / 7, 12)
    // nps 10 9 3 7 8 0 10 → (3 − 2)/7; half-width 1.959964 × 100 × √(34/343) = 61.708
    expect(s.nps).toMatchObject({question: 'nps', n: 7, promoters: 3, passives: 2, detractors: 2})
    expect(s.nps.nps).toBeCloseTo(14.2857, 3)
    expect(s.nps.ci95.low).toBeCloseTo(-47.422, 2)
    expect(s.nps.ci95.high).toBeCloseTo(75.994, 2)
    const resolved = s.questions.find((q: {question: string}) => q.question === 'resolved')
    expect(resolved.distribution.map((d: {count: number}) => d.count)).toEqual([5, 1, 2])
    const why = s.questions.find((q: {question: string}) => q.question === 'why')
    expect(why.distribution.map((d: {count: number}) => d.count)).toEqual([1, 1, 1, 1, 0])
    const comment = s.questions.find((q: {question: string}) => q.question === 'comment')
    expect(comment.answered).toBe(5)
    expect(comment.words[0]).toMatchObject({word: '维修站', answers: 2})
    const text = await ccx(['report', 'survey', '--db', db])
    expect(text.stdout).toContain('post-chat v1 · nps (rating, 7 answers)')
    expect(text.stderr).toContain('post-chat v1: 1 answer(s) fit no question of this version')
  })

  it('by agent: each agent’s own figures', async () => {
    const r = await ccx(['report', 'survey', '--db', db, '--by', 'agent', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const rows = r.json().groups
    // A01: R0001 R0002 R0005 R0007 R0010 (csat 5 4 5 1 -; nps 10 9 8 0); A02: R0003 R0004 R0006 R0008 (csat 2 3 - 4; nps 3 7 - 10)
    expect(rows).toMatchObject([
      {
        survey: 'post-chat',
        version: 1,
        group: 'A01',
        shown: 5,
        answered: 5,
        response_rate: 1,
        csat_n: 4,
        csat_top2_box: 0.75,
        nps_n: 4,
        nps: 25,
        nps_high: 100,
      },
      {survey: 'post-chat', version: 1, group: 'A02', shown: 4, answered: 3, response_rate: 0.75, csat_n: 3, nps_n: 3, nps: 0},
    ])
    expect(rows[1].csat_top2_box).toBeCloseTo(1 / 3, 12)
    // A02: pP = pD = 1/3 → half-width 1.959964 × 100 × √((2/3)/3) = 92.394
    expect(rows[1].nps_low).toBeCloseTo(-92.394, 2)
    // A01: pP = 2/4, pD = 1/4 → 25 − 1.959964 × 100 × √((3/4 − 1/16)/4) = 25 − 81.256; the top is clipped at 100
    expect(rows[0].nps_low).toBeCloseTo(-56.256, 2)
    const csv = await ccx(['report', 'survey', '--db', db, '--by', 'channel', '--csv'])
    expect(csv.stdout.split('\n')[0]).toBe(
      'survey,version,group,shown,answered,response_rate,csat_n,csat_top2_box,nps_n,nps,nps_low,nps_high',
    )
    expect(csv.stdout).toContain('post-chat,1,wechat,2,1,0.5,1,0,1,-100')
  })

  it('a questionnaire changed mid-campaign keeps its versions apart; an undefined version is left out and said', async () => {
    const file = JSON.parse(readFileSync(join(ROOT, 'defaults/surveys.json'), 'utf8'))
    const v1 = file.surveys[0]
    const v2 = {
      ...v1,
      version: 2,
      questions: [
        v1.questions[0],
        {
          id: 'effort',
          type: 'single',
          text: {zh: '解决问题是否费力？', en: 'How easy was it?'},
          options: [
            {value: 'easy', label: {zh: '容易', en: 'Easy'}},
            {value: 'hard', label: {zh: '费力', en: 'Hard'}},
          ],
        },
        v1.questions[3],
      ],
    }
    const path = join(tmp.path, 'surveys.json')
    writeFileSync(path, JSON.stringify({surveys: [v1, v2, file.surveys[1]]}, null, 2))
    const ing = await ccx(['ingest', 'surveys', sample('answers-v2.ndjson'), '--db', db, '--json'])
    expect(ing.code, ing.stderr).toBe(0)
    expect(ing.json().totals.loaded).toBe(3)
    const r = await ccx(['report', 'survey', '--db', db, '--surveys', path, '--survey', 'post-chat', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.surveys.map((s: {version: number; shown: number}) => [s.version, s.shown])).toEqual([
      [1, 9],
      [2, 2],
    ])
    // "why" was dropped in version 2: the answer that still has it is counted as not fitting
    expect(out.surveys[1]).toMatchObject({
      answered: 2,
      invalidAnswers: 1,
      csat: {n: 2, top2: 2},
      nps: {n: 2, promoters: 1, detractors: 1, nps: 0},
    })
    expect(out.unknown).toEqual([{survey: 'post-chat', version: 3, displays: 1}])
    const text = await ccx(['report', 'survey', '--db', db, '--surveys', path])
    expect(text.stderr).toContain('1 shown questionnaire(s) of post-chat version 3 left out')
  })
})

describe('generated survey answers (fixtures generate → ingest surveys → report survey)', () => {
  it('the report counts what the file holds, computed here from the raw rows', async () => {
    const out = join(tmp.path, 'gen')
    const gen = await ccx(['fixtures', 'generate', '--out', out, '--visitors', '400', '--days', '3', '--seed', 'surveys', '--json'])
    expect(gen.code, gen.stderr).toBe(0)
    const file = join(out, 'survey_responses.ndjson')
    const rows = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
    const db = join(tmp.path, 'gen.duckdb')
    const ing = await ccx(['ingest', 'surveys', file, '--db', db, '--json'])
    expect(ing.code, ing.stderr).toBe(0)
    expect(ing.json().totals).toMatchObject({read: rows.length, loaded: rows.length, quarantined: 0})
    const r = await ccx(['report', 'survey', '--db', db, '--json'])
    expect(r.code, r.stderr).toBe(0)
    for (const id of ['post-chat', 'exit']) {
      const mine = rows.filter((x) => x.survey_id === id)
      const answered = mine.filter((x) => x.answers !== '').map((x) => JSON.parse(x.answers))
      const s = r.json().surveys.find((x: {survey: string}) => x.survey === id)
      expect(mine.length).toBeGreaterThan(0)
      expect(s).toMatchObject({shown: mine.length, answered: answered.length, invalidAnswers: 0})
      if (id === 'post-chat') {
        const csat = answered.map((a) => a.csat)
        expect(s.csat).toMatchObject({n: csat.length, top2: csat.filter((v) => v >= 4).length})
        const nps = answered.filter((a) => a.nps !== undefined).map((a) => a.nps)
        expect(s.nps.n).toBe(nps.length)
        expect(s.nps.nps).toBeCloseTo((100 * (nps.filter((v) => v >= 9).length - nps.filter((v) => v <= 6).length)) / nps.length, 9)
      }
    }
  })
})
