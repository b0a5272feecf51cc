import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {ccx, ROOT, tempDir} from '../helpers/cli.js'
import {TEST_SITE} from '../helpers/serve.js'
import {startInProcess, type InProcessServe} from '../helpers/serve-app.js'

const dir = tempDir('ccx-surveys-serve-')
afterAll(() => dir.cleanup())

/** A post-chat survey once per visitor, asked when the site's chat widget reports the chat's end. */
const SCENARIOS = {
  scenarios: [
    {
      id: 'post-chat-survey',
      when: {on: ['chat_end']},
      actions: [{type: 'survey', survey: 'post-chat'}],
      limits: {perVisitor: 1},
    },
  ],
}

async function post(base: string, visitor: string, events: unknown[]) {
  const res = await fetch(`${base}/collect`, {
    method: 'POST',
    body: JSON.stringify({site: TEST_SITE.id, key: TEST_SITE.key, visitor_id: visitor, events}),
    // a browser's user agent: serve fires nothing for bots
    headers: {
      'content-type': 'text/plain',
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
    },
  })
  return {status: res.status, body: (await res.json()) as any}
}

describe('survey directives through serve, the event log and DuckDB', () => {
  let s: InProcessServe | undefined
  afterAll(async () => s?.stop())

  it('a chat end fires the survey once; answers are validated, logged, ingested and counted', async () => {
    const scenarios = join(dir.path, 'scenarios.json')
    writeFileSync(scenarios, JSON.stringify(SCENARIOS))
    s = await startInProcess(dir.path, {configExtra: {files: {scenarios, surveys: join(ROOT, 'defaults/surveys.json')}}})
    const page = await post(s.base, 'v1', [{type: 'pageview', url: 'https://www.canon.com.cn/support/'}])
    expect(page.body.directives).toEqual([])

    const end = await post(s.base, 'v1', [{type: 'chat_end', ref_id: 'CV-9'}])
    expect(end.status).toBe(200)
    expect(end.body.directives).toHaveLength(1)
    const d = end.body.directives[0]
    expect(d).toMatchObject({
      type: 'survey',
      scenarioId: 'post-chat-survey',
      survey: {id: 'post-chat', version: 1, campaign: 'service-csat', conversation_id: 'CV-9'},
    })
    expect(d.survey.questions.map((q: {id: string}) => q.id)).toEqual(['csat', 'resolved', 'why', 'nps', 'comment'])
    // perVisitor 1: the next chat end asks nothing
    expect((await post(s.base, 'v1', [{type: 'chat_end', ref_id: 'CV-10'}])).body.directives).toEqual([])

    const props = (answers?: object) =>
      JSON.stringify({survey: 'post-chat', version: 1, campaign: 'service-csat', conversation_id: 'CV-9', answers})
    const shown = await post(s.base, 'v1', [{type: 'survey_shown', directive_id: d.id, props: props()}])
    expect(shown.body.rejected).toEqual([])
    const answered = await post(s.base, 'v1', [
      {type: 'survey_answer', directive_id: d.id, props: props({csat: 4, resolved: 'yes', nps: 9, comment: '客服回复很快'})},
      // a survey event without its questionnaire version is refused, the rest of the batch kept
      {type: 'survey_answer', directive_id: d.id, props: JSON.stringify({survey: 'post-chat', answers: {csat: 1}})},
    ])
    expect(answered.body.accepted).toBe(1)
    expect(answered.body.rejected).toEqual([{index: 1, field: 'props.version', reason: expect.any(String)}])
    // a second visitor is shown the survey and closes it
    const other = await post(s.base, 'v2', [{type: 'chat_end', ref_id: 'CV-11'}])
    await post(s.base, 'v2', [{type: 'survey_shown', directive_id: other.body.directives[0].id, props: props()}])
    await s.stop()
    s = undefined

    const db = join(dir.path, 'ccx.duckdb')
    const chats = join(dir.path, 'chats.csv')
    writeFileSync(chats, 'conversation_id,agent_id,channel,requested_at\nCV-9,A07,web,2026-03-02 10:00:00\n')
    expect((await ccx(['ingest', 'chats', chats, '--db', db])).code).toBe(0)
    const ingest = await ccx(['ingest', 'probe', '--from-log', join(dir.path, 'log'), '--db', db, '--json'], {cwd: dir.path})
    expect(ingest.code, ingest.stderr).toBe(0)
    const r = await ccx(['report', 'survey', '--db', db, '--by', 'agent', '--json'], {cwd: dir.path})
    expect(r.code, r.stderr).toBe(0)
    const out = r.json()
    expect(out.surveys[0]).toMatchObject({
      survey: 'post-chat',
      version: 1,
      shown: 2,
      answered: 1,
      responseRate: 0.5,
      csat: {n: 1, top2: 1},
      nps: {n: 1, promoters: 1},
    })
    // the agent comes through the conversation the chat end named
    expect(out.groups.map((g: {group: string; shown: number; answered: number}) => [g.group, g.shown, g.answered])).toEqual([
      ['(no agent)', 1, 0],
      ['A07', 1, 1],
    ])
  })
})
