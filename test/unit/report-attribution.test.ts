import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {attributionReport, touchCredits} from '../../src/reports/marketing/attribution.js'
import {createIntermediateTables, insertRows} from '../helpers/report-fixture.js'

const DAY = 86400

describe('attribution models on a 3-touch path', () => {
  // social 14 days before the conversion, search 7 days before, direct on the day
  const path = [
    {channel: 'social', age_s: 14 * DAY},
    {channel: 'search', age_s: 7 * DAY},
    {channel: 'direct', age_s: 0},
  ]
  it('first and last touch', () => {
    expect(touchCredits(path, 'first')).toEqual([1, 0, 0])
    expect(touchCredits(path, 'last')).toEqual([0, 0, 1])
  })
  it('linear: 1/3 each', () => {
    expect(touchCredits(path, 'linear')).toEqual([1 / 3, 1 / 3, 1 / 3])
  })
  it('time decay with a 7-day half-life: weights 1/4, 1/2, 1 → 1/7, 2/7, 4/7', () => {
    const c = touchCredits(path, 'time_decay', 7 * DAY)
    ;[1 / 7, 2 / 7, 4 / 7].forEach((v, i) => expect(c[i]).toBeCloseTo(v, 12))
  })
  it('position based: 40/20/40, and 50/50 with two touches', () => {
    expect(touchCredits(path, 'position')).toEqual([0.4, 0.2, 0.4])
    expect(touchCredits(path.slice(1), 'position')).toEqual([0.5, 0.5])
    const four = touchCredits([...path, {channel: 'x', age_s: 0}], 'position')
    expect(four).toEqual([0.4, 0.1, 0.1, 0.4])
  })
})

describe('attribution report', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await createIntermediateTables(store)
    const s = (id: string, visitor: string, start: string, medium: string, source: string | null, bot = false) => ({
      session_id: id,
      site: 'a',
      visitor_id: visitor,
      started_at: start,
      ended_at: start,
      medium,
      source,
      is_bot: bot,
    })
    await insertRows(store, 'sessions', [
      s('old', 'v9', '2026-10-06 10:00:00', 'referral', 'old.cn'), // 40 days before: outside the 30-day lookback
      s('t1', 'v9', '2026-11-01 10:00:00', 'social', 'Weibo'),
      s('t2', 'v9', '2026-11-08 10:00:00', 'search', 'Baidu'),
      s('bot', 'v9', '2026-11-10 10:00:00', 'search', 'Bing', true),
      s('t3', 'v9', '2026-11-15 10:00:00', 'direct', null),
      s('after', 'v9', '2026-11-16 10:00:00', 'search', 'Sogou'), // after the conversion
      s('u1', 'v10', '2026-11-15 09:00:00', 'search', 'Baidu'),
    ])
    await insertRows(store, 'events', [
      {
        event_id: 'e1',
        site: 'a',
        visitor_id: 'v9',
        session_id: 't3',
        ts: '2026-11-15 10:00:00',
        type: 'order',
        ref_id: 'O9',
        value: 700,
        is_bot: false,
      },
      {
        event_id: 'e2',
        site: 'a',
        visitor_id: 'v10',
        session_id: 'u1',
        ts: '2026-11-15 09:30:00',
        type: 'lead',
        ref_id: 'L10',
        is_bot: false,
      },
    ])
    await insertRows(store, 'raw_orders', [
      {order_id: 'O9', ts: '2026-11-15 10:00:00', site: 'a', visitor_id: 'v9', amount: 700, ingest_id: 1},
    ])
    await insertRows(store, 'raw_leads', [
      {lead_id: 'L11', ts: '2026-11-15 12:00:00', site: 'a', visitor_id: null, channel: 'phone', ingest_id: 1},
    ])
  })
  afterAll(async () => store.close())

  it('credits the order of a 3-touch path to its channels under every model', async () => {
    const r = await attributionReport(store, {from: '2026-11-15', to: '2026-11-15', conversion: 'order'})
    expect(r.conversions).toEqual({lead: 0, order: 1})
    expect(r.mean_path_length.order).toBe(3)
    const by = Object.fromEntries(r.rows.map((x) => [x.channel, x]))
    expect(Object.keys(by).sort()).toEqual(['direct', 'search / Baidu', 'social / Weibo'])
    expect(by['social / Weibo']).toMatchObject({touched: 1, first: 1, last: 0, linear: 1 / 3, position: 0.4})
    expect(by['search / Baidu']).toMatchObject({first: 0, last: 0, linear: 1 / 3, position: 0.2})
    expect(by.direct).toMatchObject({first: 0, last: 1, linear: 1 / 3, position: 0.4})
    // time decay, half-life 7 d: 700 × 1/7, 2/7, 4/7
    expect(by['social / Weibo'].time_decay).toBeCloseTo(1 / 7, 12)
    expect(by['social / Weibo'].revenue_time_decay).toBeCloseTo(100, 9)
    expect(by['search / Baidu'].revenue_time_decay).toBeCloseTo(200, 9)
    expect(by.direct.revenue_time_decay).toBeCloseTo(400, 9)
    expect(by.direct.revenue_position).toBeCloseTo(280, 9)
  })

  it('a shorter half-life, another channel definition, and conversions without a session', async () => {
    const r = await attributionReport(store, {from: '2026-11-15', to: '2026-11-15', channel: 'medium', halfLifeS: 14 * DAY})
    // half-life 14 d: weights 2^-1, 2^-0.5, 1 → sum 2.2071; direct gets 1/2.2071 of the order
    const order = r.rows.filter((x) => x.conversion === 'order')
    expect(order.find((x) => x.channel === 'direct')!.time_decay).toBeCloseTo(1 / (0.5 + Math.SQRT1_2 + 1), 12)
    // leads: L10 (one touch: search) and L11 (phone, no visitor)
    expect(r.conversions).toEqual({lead: 2, order: 1})
    expect(r.unattributed).toEqual({lead: 1, order: 0})
    const leads = Object.fromEntries(r.rows.filter((x) => x.conversion === 'lead').map((x) => [x.channel, x.linear]))
    expect(leads).toEqual({search: 1, '(no session)': 1})
    const short = await attributionReport(store, {from: '2026-11-15', to: '2026-11-15', conversion: 'order', lookbackS: 10 * DAY})
    // only t2 (7 d) and t3 remain
    expect(short.mean_path_length.order).toBe(2)
  })
})
