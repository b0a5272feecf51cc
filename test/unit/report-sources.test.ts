import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {sourcesReport, sourcesRows} from '../../src/reports/marketing/sources.js'
import {buildMarketingMoreFixture} from '../helpers/marketing-more-fixture.js'

describe('sources report', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await buildMarketingMoreFixture(store)
  })
  afterAll(async () => store.close())

  it('shares sessions by medium, engine and keyword', async () => {
    const r = await sourcesReport(store, {from: '2026-11-02', to: '2026-11-03'})
    expect(r.sessions).toBe(7)
    // search: S1 S2 S3 S7 S8 (visitors v1 v2 v3 v6 v7); inquiries S1 (chat), S3 (message, call); lead S1; order S2 (O2)
    expect(r.mediums[0]).toEqual({
      medium: 'search',
      sessions: 5,
      visitors: 5,
      inquiries: 2,
      leads: 1,
      orders: 1,
      lead_rate: 1 / 5,
      share: 5 / 7,
    })
    expect(r.mediums.slice(1).map((m) => [m.medium, m.sessions, m.share, m.orders])).toEqual([
      ['direct', 1, 1 / 7, 1],
      ['social', 1, 1 / 7, 0],
    ])
    // engines: Baidu S1 S2 S7 S8 = 4 of 5 search sessions, Sogou S3 = 1
    expect(r.search_sessions).toBe(5)
    expect(r.engines.map((e) => [e.engine, e.sessions, e.share])).toEqual([
      ['Baidu', 4, 4 / 5],
      ['Sogou', 1, 1 / 5],
    ])
    // keywords: Baidu k1 (S1 S7 S8) 3/4, k2 1/4; Sogou without a keyword
    expect(r.keywords.map((k) => [k.engine, k.keyword, k.rank, k.sessions, k.share_of_engine])).toEqual([
      ['Baidu', 'k1', 1, 3, 3 / 4],
      ['Baidu', 'k2', 2, 1, 1 / 4],
      ['Sogou', '(not provided)', 1, 1, 1],
    ])
    expect(sourcesRows(r)).toHaveLength(3 + 2 + 3)
  })

  it('keeps the top keywords per engine and filters by site', async () => {
    const r = await sourcesReport(store, {from: '2026-11-02', to: '2026-11-03', topKeywords: 1})
    expect(r.keywords.map((k) => k.keyword)).toEqual(['k1', '(not provided)'])
    const none = await sourcesReport(store, {site: 'other'})
    expect(none.sessions).toBe(0)
    expect(none.mediums).toEqual([])
  })

  it('filters sessions with --where on s.* and si.intent, and names the flag when it is wrong', async () => {
    // purchase sessions: S1 S2 S7 (search / Baidu) and S4 (direct)
    const r = await sourcesReport(store, {from: '2026-11-02', to: '2026-11-03', where: "si.intent = 'purchase'"})
    expect(r.mediums.map((m) => [m.medium, m.sessions, m.share])).toEqual([
      ['search', 3, 3 / 4],
      ['direct', 1, 1 / 4],
    ])
    await expect(sourcesReport(store, {where: 's.no_such_column = 1'})).rejects.toThrow(/--where s.no_such_column = 1/)
  })
})
