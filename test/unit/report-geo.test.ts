import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {geoReport} from '../../src/reports/marketing/geo.js'
import {buildMarketingMoreFixture} from '../helpers/marketing-more-fixture.js'

describe('geo report', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await buildMarketingMoreFixture(store)
  })
  afterAll(async () => store.close())

  it('distributes sessions by province with conversion, Wilson interval and index', async () => {
    const r = await geoReport(store, {from: '2026-11-02', to: '2026-11-03', level: 'province', minSessions: 1})
    // 广东省: S1 S2 S4 S7 (v1 v2 v6); 北京: S3 S6 S8 (v3 v5 v7); one lead (S1) in 7 sessions overall
    expect(r.total).toMatchObject({sessions: 7, visitors: 6, leads: 1, lead_rate: 1 / 7})
    const gd = r.rows[0]
    expect(gd).toMatchObject({
      province: '广东省',
      city: null,
      sessions: 4,
      visitors: 3,
      share: 4 / 7,
      inquiries: 1,
      leads: 1,
      orders: 2,
      inquiry_rate: 1 / 4,
      lead_rate: 1 / 4,
    })
    // Wilson, n = 4, x = 1, z = 1.96: centre (0.25 + z²/8)/(1 + z²/4) = 0.37247, half-width 0.32689
    expect(gd.ci_low).toBeCloseTo(0.04559, 4)
    expect(gd.ci_high).toBeCloseTo(0.69936, 4)
    // index (1/4) ÷ (1/7) = 1.75
    expect(gd.lead_index).toBeCloseTo(1.75, 12)
    expect(r.rows[1]).toMatchObject({province: '北京', sessions: 3, visitors: 3, inquiries: 1, leads: 0, lead_rate: 0, lead_index: 0})
  })

  it('breaks down by city and leaves the index out below --min-sessions', async () => {
    const r = await geoReport(store, {from: '2026-11-02', to: '2026-11-03', minSessions: 4})
    expect(r.rows.map((x) => [x.province, x.city, x.sessions, x.leads, x.lead_index])).toEqual([
      ['北京', '北京市', 3, 0, null], // ties in sessions: by name (code points: 北 < 广)
      ['广东省', '深圳市', 3, 1, null],
      ['广东省', '广州市', 1, 0, null],
    ])
    const limited = await geoReport(store, {from: '2026-11-02', to: '2026-11-03', limit: 1})
    expect(limited.rows).toHaveLength(1)
    expect(limited.rows_dropped).toBe(2)
  })

  it('filters with --where', async () => {
    // search sessions only: 广东省 S1 S2 S7, 北京 S3 S8
    const r = await geoReport(store, {from: '2026-11-02', to: '2026-11-03', level: 'province', where: "s.medium = 'search'"})
    expect(r.rows.map((x) => [x.province, x.sessions])).toEqual([
      ['广东省', 3],
      ['北京', 2],
    ])
  })
})
