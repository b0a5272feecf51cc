import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {layersReport, parseBotLabels} from '../../src/reports/service/layers.js'
import {bestQuestionMatch, bigrams, jaccard} from '../../src/reports/service/text-similarity.js'
import {wilsonInterval as wilson} from '../../src/stats/proportions.js'
import {Store} from '../../src/store/store.js'
import {runPipeline} from '../helpers/pipelines.js'
import {SERVICE_FIXTURES, loadServiceFixtures} from '../fixtures/service/load.js'

describe('text similarity', () => {
  it('bigram Jaccard by hand', () => {
    // question: 7 bigrams 深圳 圳维 维修 修站 站在 在哪 哪里; turn adds 我想 想问 问深 → 7 / 10
    expect(jaccard(bigrams('深圳维修站在哪里？'), bigrams('我想问深圳维修站在哪里'))).toBeCloseTo(0.7, 10)
    expect(bestQuestionMatch(['人工', '深圳维修站在哪里'], ['好的', '我想问深圳维修站在哪里']).score).toBeCloseTo(0.7, 10)
    expect(bestQuestionMatch(['人工'], ['人工']).score).toBe(0) // shorter than 4 characters: ignored
  })
  it('Wilson interval', () => {
    const ci = wilson(3, 4)!
    expect(ci.low).toBeCloseTo(0.3006, 3)
    expect(ci.high).toBeCloseTo(0.9544, 3)
  })
})

describe('ccx report layers on the service fixture', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await loadServiceFixtures(store)
    await store.run(`insert into raw_calls (call_id, site, direction, queue, agent_id, customer_id, offered_at, answered_at, ended_at, transferred_from, ingest_id) values
      ('c9',  's1', 'inbound', 'support', 'a1', null,  '2026-01-05 10:10:00', '2026-01-05 10:10:10', '2026-01-05 10:15:00', 'h2', 0),
      ('c10', 's1', 'inbound', 'sales',   'a1', null,  '2026-01-05 11:10:00', '2026-01-05 11:10:10', '2026-01-05 11:15:00', 'h3', 0),
      ('c11', 's1', 'inbound', 'sales',   'a2', null,  '2026-01-05 09:10:00', '2026-01-05 09:10:10', '2026-01-05 09:15:00', 'h1', 0),
      ('c12', 's1', 'inbound', 'sales',   'a2', 'cu1', '2026-01-05 15:10:00', '2026-01-05 15:10:10', '2026-01-05 15:15:00', 'h99', 0)`)
    await store.run(`insert into raw_transcript_turns values
      ('c9', 1, 'agent', 0, 1000, '您好', 0.9, 0),
      ('c9', 2, 'customer', 1000, 3000, '我想问深圳维修站在哪里', 0.9, 0),
      ('c9', 3, 'customer', 3000, 4000, '好的谢谢', 0.9, 0)`)
    // Minimal stand-ins for the normalize/intents outputs (owned by those pipelines).
    await store.run(`create table sessions as select * from (values
      ('s-v4', 's1', 'v4', timestamp '2026-01-05 11:55:00', false),
      ('s-v9', 's1', 'v9', timestamp '2026-01-05 13:00:00', false),
      ('s-v8', 's1', 'v8', timestamp '2026-01-05 13:30:00', false)) t(session_id, site, visitor_id, started_at, is_bot)`)
    await store.run(`create table session_intents as select * from (values
      ('s-v4', 'service_station', 0.9), ('s-v9', 'support', 0.8), ('s-v8', 'purchase', 0.9)) t(session_id, intent, confidence)`)
    await runPipeline(store, 'service')
  })
  afterAll(async () => store.close())

  it('highest layer per person, shares and satisfaction per layer', async () => {
    const r = await layersReport(store, {botLabels: join(SERVICE_FIXTURES, 'bot-labels.csv')})
    const by = Object.fromEntries(r.layers.map((l) => [l.layer, l]))
    // hotline: cu1..cu5 + v1 (c11), v2 (c9), v3 (c10) = 8; bot: v4 (its service session is below the bot); self-service: v9; v8 is not service demand
    expect([by['self-service'].people, by.bot.people, by['online agent'].people, by.hotline.people]).toEqual([1, 1, 0, 8])
    expect(r.selfServiceShare).toBeCloseTo(1 / 10, 10)
    expect(by.hotline.share).toBeCloseTo(8 / 10, 10)
    expect(by['online agent'].contacts).toBe(4) // h1 h2 h3 h5
    expect(by.bot.csatTop2Box).toBe(1) // h4: 5
    expect(by['online agent'].csatTop2Box).toBeCloseTo(2 / 3, 10) // 5, 4, 2
    expect(by.hotline.csatTop2Box).toBeCloseTo(2 / 3, 10) // 5, 3, 4
    expect(by['self-service'].csatTop2Box).toBeNull()
    expect(r.botContainment).toBeCloseTo(1 / 2, 10) // h2 and h4 reached the bot; h4 ended there
  })

  it('bot answer accuracy from labels', async () => {
    const r = await layersReport(store, {botLabels: join(SERVICE_FIXTURES, 'bot-labels.csv')})
    // matched bot messages: h2#2 (0), h2#7 (1), h4#2 (1), h4#4 (yes); h9#1 does not exist; h1#2 is an agent message
    expect(r.botAccuracy).toMatchObject({labelled: 4, correct: 3, unmatched: 2})
    expect(r.botAccuracy!.accuracy).toBeCloseTo(0.75, 10)
    expect(r.botAccuracy!.coverage).toBeCloseTo(4 / 5, 10) // 5 bot messages in range
  })

  it('hotline transfers that repeat an online question', async () => {
    const r = await layersReport(store, {})
    const d = Object.fromEntries(r.transfers.details.map((x) => [x.call_id, x]))
    expect(d.c9).toMatchObject({method: 'text', repeated: true})
    expect(d.c9.score).toBeCloseTo(0.7, 10)
    expect(d.c10).toMatchObject({method: 'topic', repeated: true}) // sales = sales
    expect(d.c11).toMatchObject({method: 'topic', repeated: false}) // support chat, sales call
    expect(d.c12).toMatchObject({method: 'none', repeated: false})
    expect(r.transfers).toMatchObject({calls: 4, repeated: 2, byText: 1, byTopic: 2, chatMissing: 1})
    expect(r.transfers.share).toBeCloseTo(0.5, 10)
    const strict = await layersReport(store, {similarity: 0.8})
    expect(strict.transfers.details.find((x) => x.call_id === 'c9')?.repeated).toBe(false)
  })

  it('bot label file errors name the line and field', () => {
    expect(() => parseBotLabels('conversation_id,seq,correct\nh2,2,maybe\n', 'l.csv')).toThrow(/l.csv, line 2, field correct/)
    expect(() => parseBotLabels('conversation_id,seq\nh2,2\n', 'l.csv')).toThrow(/missing column "correct"/)
  })
})
