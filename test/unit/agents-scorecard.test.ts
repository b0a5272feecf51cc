import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {agentsReport, loadScorecard} from '../../src/reports/service/agents.js'
import {parseScorecard, percentileScores, scoreAgents} from '../../src/reports/service/scorecard.js'
import {Store} from '../../src/store/store.js'
import {runPipeline} from '../helpers/pipelines.js'
import {loadServiceFixtures} from '../fixtures/service/load.js'

describe('scorecard (pure)', () => {
  it('mid-rank percentile scores, higher and lower better', () => {
    // 4 values: 10 beats 3 others → 100; 5 and 5 tie: 1 worse + ½ tie → (1 + 0.5)/3
    expect(percentileScores([10, 5, 5, 1], 'higher')).toEqual([100, 50, 50, 0])
    expect(percentileScores([10, 5, null, 1], 'lower')).toEqual([0, 50, null, 100])
    expect(percentileScores([7, null], 'higher')).toEqual([50, null])
  })

  it('weights renormalise over present metrics; small agents are not ranked; ties share a rank', () => {
    const card = parseScorecard(
      {
        minContacts: 3,
        metrics: [
          {id: 'csat_top2', weight: 3},
          {id: 'aht_s', weight: 1},
        ],
      },
      'test',
    )
    const r = scoreAgents(
      [
        {agent_id: 'x', handled: 10, metrics: {csat_top2: 0.9, aht_s: 100}},
        {agent_id: 'y', handled: 10, metrics: {csat_top2: 0.5, aht_s: 200}},
        {agent_id: 'z', handled: 10, metrics: {csat_top2: 0.9, aht_s: null}},
        {agent_id: 'tiny', handled: 2, metrics: {csat_top2: 1, aht_s: 10}},
      ],
      card,
    )
    const by = Object.fromEntries(r.map((a) => [a.agent_id, a]))
    // csat: x, z tie at top → 75 each, y 0; aht among x, y: x 100, y 0; z has no AHT → csat only
    expect(by.x.score).toBeCloseTo((3 * 75 + 100) / 4, 10)
    expect(by.z.score).toBeCloseTo(75, 10)
    expect(by.y.score).toBeCloseTo(0, 10)
    expect([by.x.rank, by.z.rank, by.y.rank]).toEqual([1, 2, 3])
    expect(by.tiny.ranked).toBe(false)
    expect(by.tiny.rank).toBeNull()
    expect(by.tiny.reason).toMatch(/fewer than 3/)
  })

  it('rejects unknown metrics and the default file parses', () => {
    expect(() => parseScorecard({metrics: [{id: 'speed', weight: 1}]}, 'f.json')).toThrow(/f.json: metrics\[0\].id "speed"/)
    expect(loadScorecard({}).metrics.length).toBe(11)
    // config "scoring" may override a single key
    const partial = loadScorecard({config: {minContacts: 50}})
    expect([partial.minContacts, partial.metrics.length]).toEqual([50, 11])
    expect(() => loadScorecard({config: {metrics: [{id: 'csat_top2', weight: -1}]}})).toThrow(/config "scoring": metrics\[0\].weight/)
  })
})

describe('ccx report agents on the service fixture', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await loadServiceFixtures(store)
    await runPipeline(store, 'service')
  })
  afterAll(async () => store.close())

  it('values, scores and ranks by hand', async () => {
    const card = {...loadScorecard({}), minSegmentContacts: 1}
    const r = await agentsReport(store, card, {minContacts: 3})
    const by = Object.fromEntries(r.agents.map((a) => [a.agent_id, a]))
    expect(by.a1.handled).toBe(2)
    expect(by.a1.ranked).toBe(false) // 2 contacts < 3
    expect(by.a2.values.aht_s).toBeCloseTo((130 + 180 + 135) / 3, 10) // c2, c7 (outbound), c8
    expect(by.a2.values.fcr).toBeCloseTo(0.5, 10)
    expect(by.a3.values.lead_rate).toBeCloseTo(1 / 3, 10)
    expect(by.a3.values.first_response_s).toBeCloseTo(25, 10)
    // weighted percentile scores (weights from defaults/scorecard.json), see docs/metrics.md
    expect(by.a2.score).toBeCloseTo(12.5 / 0.8, 8)
    expect(by.a3.score).toBeCloseTo(70 / 0.85, 8)
    expect(by.a3.rank).toBe(1)
    expect(by.a2.rank).toBe(2)
    // a volume compares with the average agent, not the team total: 8 contacts by a1, a2, a3 → 8 / 3 each
    expect(r.team.handled).toBeCloseTo(8 / 3, 10)
    expect(by.a2.vsTeam.handled).toBeCloseTo(3 - 8 / 3, 10)
    expect(by.a1.vsTeam.handled).toBeCloseTo(2 - 8 / 3, 10)
    expect(r.team.fcr).toBeCloseTo(4 / 7, 10)
    expect(r.team.lead_rate).toBeCloseTo(2 / 8, 10)
    expect(r.team.order_rate).toBeCloseTo(1 / 8, 10)
    expect(by.a3.vsTeam.lead_rate).toBeCloseTo(1 / 3 - 1 / 4, 10)
    expect(r.notes.join(' ')).toMatch(/adherence: n\/a/)
    // no transcripts or chats inspected: the QA score is n/a and its weight goes to the other metrics
    expect(by.a2.values.qa_score).toBeNull()
    expect(r.notes.join(' ')).toMatch(/QA score: n\/a/)
  })

  it('quality component: the QA score (report qa mean per agent) is scored like the other metrics', async () => {
    const card = {...loadScorecard({}), minSegmentContacts: 1}
    const qa = new Map([
      ['a1', {conversations: 4, meanScore: 95}],
      ['a2', {conversations: 2, meanScore: 80}],
      ['a3', {conversations: 1, meanScore: 100}],
    ])
    const r = await agentsReport(store, card, {minContacts: 3, qa})
    const by = Object.fromEntries(r.agents.map((a) => [a.agent_id, a]))
    expect(by.a2.values.qa_score).toBe(80)
    // among the ranked a2, a3: a3 100 → percentile 100, a2 0; weight 0.15 added to the earlier sums (0.8 and 0.85)
    expect(by.a2.subScores.qa_score).toBe(0)
    expect(by.a3.subScores.qa_score).toBe(100)
    expect(by.a2.score).toBeCloseTo(12.5 / 0.95, 8)
    expect(by.a3.score).toBeCloseTo((70 + 15) / 1.0, 8)
    // team: pooled over conversations, (4·95 + 2·80 + 1·100) ÷ 7
    expect(r.team.qa_score).toBeCloseTo(640 / 7, 10)
    expect(by.a2.vsTeam.qa_score).toBeCloseTo(80 - 640 / 7, 10)
    expect(r.notes.join(' ')).not.toMatch(/QA score: n\/a/)
  })

  it('profile tags: segments an agent converts better than the team', async () => {
    const card = {...loadScorecard({}), minSegmentContacts: 1}
    const r = await agentsReport(store, card, {minContacts: 3})
    const by = Object.fromEntries(r.agents.map((a) => [a.agent_id, a]))
    // a1: returning customers 1/1 vs team 1/3 → lift 3; topic support 1/1 vs 2/5 (c3 c8 h1 h2 h5) → 2.5;
    // industry 1/2 vs 2/8 → 2; product printer: a1's lead L2 ordered, a3's L1 not → 1/1 vs 1/2 → 2 (fewer contacts)
    expect(by.a1.tags.map((t) => [t.dimension, t.value, t.lift])).toEqual([
      ['customer_type', 'returning', 3],
      ['topic', 'support', 2.5],
      ['industry', 'office-equipment', 2],
      ['product', 'printer', 2],
    ])
    // a3: new customers 1/2 vs team 1/5 → 2.5; industry 1/3 vs 1/4 → 4/3 ≥ minTagLift 1.2; topic support 1/3 < 2/5
    expect(by.a3.tags.map((t) => t.dimension)).toEqual(['customer_type', 'industry'])
    expect(by.a3.tags[0]).toMatchObject({value: 'new', lift: 2.5})
    expect(by.a3.tags[1].lift).toBeCloseTo(4 / 3, 10)
    expect(by.a2.tags).toEqual([])
    expect(r.bestAgents.find((b) => b.dimension === 'product' && b.value === 'printer')?.agent_id).toBe('a1')
    expect(r.bestAgents.find((b) => b.dimension === 'topic' && b.value === 'sales')).toBeUndefined() // nobody converted sales
    // stricter lift: a3's industry tag (4/3) goes
    const strict = await agentsReport(store, {...card, minTagLift: 1.5}, {minContacts: 3})
    expect(strict.agents.find((a) => a.agent_id === 'a3')!.tags.map((t) => t.dimension)).toEqual(['customer_type'])
  })

  it('intent tags from the visitor session intent (ASOF: latest session at or before the contact)', async () => {
    const s = await Store.open(':memory:')
    await loadServiceFixtures(s)
    await s.run(`create table sessions as select * from (values
      ('x1', 'v2', timestamp '2026-01-05 09:50:00'), ('x2', 'v2', timestamp '2026-01-05 10:30:00'), ('x3', 'v1', timestamp '2026-01-05 08:00:00'))
      t(session_id, visitor_id, started_at)`)
    await s.run(`create table session_intents as select * from (values
      ('x1', 'service_station', 0.9), ('x2', 'purchase', 0.9), ('x3', 'support', 0.7)) t(session_id, intent, confidence)`)
    await runPipeline(s, 'service')
    const r = await agentsReport(s, {...loadScorecard({}), minSegmentContacts: 1}, {minContacts: 1})
    // h2 (v2, 10:00) takes x1 (09:50), not x2 (10:30, after the contact); h1 and h5 (v1) take x3
    const best = r.bestAgents.find((b) => b.dimension === 'intent' && b.value === 'service_station')
    expect(best).toMatchObject({agent_id: 'a3', contacts: 1, conversion: 1})
    expect(r.bestAgents.find((b) => b.dimension === 'intent' && b.value === 'purchase')).toBeUndefined()
    expect(r.bestAgents.find((b) => b.dimension === 'intent' && b.value === 'support')).toBeUndefined() // h1, h5: no lead
    await s.close()
  })

  it('script adherence from the telesales tables: stages reached ÷ stages in the library', async () => {
    const s = await Store.open(':memory:')
    await loadServiceFixtures(s)
    await s.run(`create table call_stages as select * from (values ('c1', 'greeting'), ('c1', 'introduction'), ('c3', 'objection'), ('c3', 'close'))
      t(call_id, stage)`)
    await s.run(`create table call_script_summary as select * from (values
      ('c1', 's1', 'a1', timestamp '2026-01-05 09:00:00', 2), ('c3', 's1', 'a1', timestamp '2026-01-05 09:20:00', 4),
      ('c2', 's1', 'a2', timestamp '2026-01-05 09:10:00', 1)) t(call_id, site, agent_id, offered_at, stages_reached)`)
    await runPipeline(s, 'service')
    const r = await agentsReport(s, loadScorecard({}), {minContacts: 1})
    const by = Object.fromEntries(r.agents.map((a) => [a.agent_id, a]))
    // 4 distinct stages: a1 (2/4 + 4/4) / 2, a2 1/4; team and industry: mean over the three calls
    expect(by.a1.values.adherence).toBeCloseTo(0.75, 10)
    expect(by.a2.values.adherence).toBeCloseTo(0.25, 10)
    expect(by.a3.values.adherence).toBeNull()
    expect(r.team.adherence).toBeCloseTo(1.75 / 3, 10)
    expect(r.industries[0].values.adherence).toBeCloseTo(1.75 / 3, 10)
    expect(by.a1.subScores.adherence).toBe(100)
    await s.close()
  })

  it('industry average pools every site of the industry', async () => {
    await store.run(`insert into sites values ('s2', 'Site two', 'office-equipment', null)`)
    await store.run(`insert into raw_calls (call_id, site, direction, queue, agent_id, offered_at, answered_at, ended_at, hold_s, wrap_s, csat, ingest_id)
      values ('z1', 's2', 'inbound', 'sales', 'a9', '2026-01-05 09:00:00', '2026-01-05 09:00:05', '2026-01-05 09:01:05', 0, 0, 5, 0)`)
    await store.bumpTableVersion('raw_calls') // as ingest does; the facts are rebuilt only when an input changed
    await runPipeline(store, 'service')
    const r = await agentsReport(store, loadScorecard({}), {minContacts: 3, site: 's1'})
    expect(r.agents.map((a) => a.agent_id)).not.toContain('a9')
    const ind = r.industries.find((i) => i.industry === 'office-equipment')!
    expect(ind.sites).toBe(2)
    // 9 contacts by a1, a2, a3 (s1) and a9 (s2): 9 / 4 per agent of the industry
    expect(ind.values.handled).toBeCloseTo(9 / 4, 10)
    // s1 surveys: calls 5, 3, 4 and chats 5, 4, 2 (4 of 6 in the top two boxes); s2 adds z1's 5 → 5 of 7
    expect(ind.values.csat_top2).toBeCloseTo(5 / 7, 10)
    expect(r.team.handled).toBeCloseTo(8 / 3, 10)
  })
})
