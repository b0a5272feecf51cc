import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {botExchangeKpis, botExchangeRows} from '../../src/reports/service/bot-exchanges.js'
import {layersReport, parseExchangeLabels, type LayersReport} from '../../src/reports/service/layers.js'
import {runPipeline} from '../helpers/pipelines.js'
import {loadServiceFixtures} from '../fixtures/service/load.js'
import {ingestFiles} from '../../src/ingest/service.js'
import {wilsonInterval} from '../../src/stats/proportions.js'
import {Store} from '../../src/store/store.js'
import {batchLogLine} from '../../src/vocab/event-log.js'
import {tempDir} from '../helpers/cli.js'

// Hand-written exchanges as serve's /bot logs them, with the probe's feedback and "talk to a person" events, in an
// event-log segment: the report reads them after `ingest probe` like any log.
let n = 0
function line(ts: string, visitor: string, events: object[]): string {
  const batch = {site: 's1', visitor_id: visitor, events}
  const text = batchLogLine(
    {seq: `t-b${++n}`, ts, ip: '10.0.0.1', userAgent: 'Mozilla/5.0 test', visitCount: 1, rejected: []},
    Buffer.from(JSON.stringify(batch)),
    batch,
  )
  return typeof text === 'string' ? text : text.map((p) => p.toString()).join('')
}
function exchange(id: string, question: string, entry: string | null, handedOver: boolean) {
  const props = {
    exchange_id: id,
    question,
    context: null,
    entry_id: entry,
    entry_version: entry ? 1 : null,
    confidence: handedOver ? 0.1 : 0.8,
    handed_over: handedOver,
    reason: handedOver ? 'low_confidence' : 'answered',
    follow_up: false,
    alternatives: [],
  }
  return {id, type: 'bot_exchange', props: JSON.stringify(props)}
}
const vote = (id: string, v: 'up' | 'down') => ({id: `f-${id}-${v}`, type: 'bot_feedback', ref_id: id, props: JSON.stringify({vote: v})})
const person = (id: string) => ({id: `p-${id}`, type: 'chat_request', ref_id: id, props: JSON.stringify({source: 'bot'})})

describe('report layers: KPIs from the bot’s own exchanges', () => {
  const dir = tempDir('ccx-layers-bot-')
  let store: Store
  let before: LayersReport
  beforeAll(async () => {
    const log = [
      // w1, contact 1: answered (👍), then a different question answered (👎)
      line('2026-01-05 10:00:00', 'w1', [exchange('x1', '打印机卡纸怎么办', 'jam', false)]),
      line('2026-01-05 10:00:30', 'w1', [vote('x1', 'up')]),
      line('2026-01-05 10:02:00', 'w1', [exchange('x2', 'R50多少钱', 'r50-price', false)]),
      line('2026-01-05 10:02:20', 'w1', [vote('x2', 'down')]),
      // w1, contact 2 (an hour later): answered, then asked the same again (repeat), then handed over
      line('2026-01-05 11:00:00', 'w1', [exchange('x3', '深圳维修站在哪里', 'stations', false)]),
      line('2026-01-05 11:01:00', 'w1', [exchange('x4', '深圳的维修站在哪里啊', 'stations', false)]),
      line('2026-01-05 11:02:00', 'w1', [exchange('x5', '你们招聘吗', null, true)]),
      // w2: one answered question, then "talk to a person" 10 minutes later (not contained); votes 👎 then 👍: the last counts
      line('2026-01-05 12:00:00', 'w2', [exchange('x6', '驱动在哪下载', 'drivers', false)]),
      line('2026-01-05 12:00:10', 'w2', [vote('x6', 'down')]),
      line('2026-01-05 12:00:20', 'w2', [vote('x6', 'up')]),
      line('2026-01-05 12:10:00', 'w2', [person('x6')]),
      // w3: answered, contained; a chat_request 2 hours later belongs to no contact of the bot
      line('2026-01-05 13:00:00', 'w3', [exchange('x7', '保修多久', 'warranty', false)]),
      line('2026-01-05 15:00:00', 'w3', [person('x7')]),
      // outside the range
      line('2026-01-06 09:00:00', 'w4', [exchange('x8', '保修多久', 'warranty', false)]),
    ]
    const file = join(dir.path, 'seg-0001.ndjson')
    writeFileSync(file, log.join(''))
    store = await Store.open(':memory:')
    // the service fixture's chats and calls (visitors v1…v9) beside the bot's exchanges (w1…w4)
    await loadServiceFixtures(store)
    await runPipeline(store, 'service')
    before = await layersReport(store, {})
    const result = await ingestFiles(store, {source: 'probe', paths: [file]})
    expect(result.totals.quarantined).toBe(0)
  })
  afterAll(async () => {
    await store.close()
    dir.cleanup()
  })

  const inRange = `ts >= $from::TIMESTAMP and ts < $to::TIMESTAMP`
  const range = {from: '2026-01-05 00:00:00', to: '2026-01-06 00:00:00'}

  it('contacts, containment, hand-over rate, accuracy from feedback and repeats, by hand', async () => {
    const rows = await botExchangeRows(store, inRange, range)
    expect(rows.map((r) => [r.exchange_id, r.contact_no, r.person_requested])).toEqual([
      ['x1', 1, false],
      ['x2', 1, false],
      ['x3', 2, false],
      ['x4', 2, false],
      ['x5', 2, false],
      ['x6', 1, true],
      ['x7', 1, false],
    ])
    const k = botExchangeKpis(rows, {similarity: 0.5})
    expect(k).toMatchObject({exchanges: 7, visitors: 3, contacts: 4, answered: 6, handedOver: 1})
    expect(k.handoverRate).toBeCloseTo(1 / 7, 10)
    // contained: w1#1 and w3#1; w1#2 handed over (x5), w2#1 asked for a person
    expect(k.contained).toBe(2)
    expect(k.containment).toBeCloseTo(2 / 4, 10)
    // votes on answered exchanges: x1 up, x2 down, x6 up (its last vote) → 2 of 3; 3 of 6 answers voted on
    expect(k.fromFeedback).toMatchObject({judged: 3, correct: 2})
    expect(k.fromFeedback.accuracy).toBeCloseTo(2 / 3, 10)
    expect(k.fromFeedback.coverage).toBeCloseTo(3 / 6, 10)
    expect(k.fromFeedback.ci95).toEqual(wilsonInterval(2, 3))
    // x3 深圳维修站在哪里 (7 bigrams) → x4 深圳的维修站在哪里啊: 深圳 圳的 的维 维修 修站 站在 在哪 哪里 里啊 (9);
    // shared 6 (深圳 维修 修站 站在 在哪 哪里), union 10 → 0.6 ≥ 0.5; x1 → x2 share nothing; x4 → x5 is not asked again
    expect(k.repeats.repeated).toBe(1)
    expect(k.repeats.examples[0]!.score).toBeCloseTo(0.6, 10)
    expect(k.repeats.share).toBeCloseTo(1 / 6, 10)
    expect(k.fromLabels).toBeNull()
  })

  it('accuracy from labelled exchanges; labels naming no answered exchange are counted, not guessed', async () => {
    const rows = await botExchangeRows(store, inRange, range)
    const labels = parseExchangeLabels('exchange_id,correct\nx1,1\nx2,0\nx3,yes\nx5,0\nx99,1\n', 'labels.csv')
    const k = botExchangeKpis(rows, {similarity: 0.5, labels: new Map(labels.map((l) => [l.exchange_id, l.correct]))})
    // x1 ✓, x2 ✗, x3 ✓ → 2 of 3; x5 was handed over and x99 does not exist → 2 unmatched
    expect(k.fromLabels).toMatchObject({judged: 3, correct: 2, unmatched: 2})
    expect(k.fromLabels!.accuracy).toBeCloseTo(2 / 3, 10)
    expect(k.fromLabels!.coverage).toBeCloseTo(3 / 6, 10)
  })

  it('each visitor who used the bot and went no further counts in the bot layer, one contact per bot contact', async () => {
    const after = await layersReport(store, {})
    const bot = (r: LayersReport) => r.layers.find((l) => l.layer === 'bot')!
    // w1 … w4 reached no agent and no hotline; contacts: w1 two, w2, w3, w4 one each
    expect(bot(after).people - bot(before).people).toBe(4)
    expect(bot(after).contacts - bot(before).contacts).toBe(5)
    expect(before.botExchanges).toBeNull()
    expect(after.botExchanges).toMatchObject({exchanges: 8, contacts: 5})
  })

  it('a bad label file names the line and field', () => {
    expect(() => parseExchangeLabels('exchange_id,correct\nx1,1\nx1,0\n', 'l.csv')).toThrow(
      'l.csv, line 3, field exchange_id: "x1" already labelled on line 2',
    )
    expect(() => parseExchangeLabels('exchange_id,correct\nx1,maybe\n', 'l.csv')).toThrow('l.csv, line 2, field correct: "maybe"')
  })
})
