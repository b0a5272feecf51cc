import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {journeyReport} from '../../src/reports/marketing/journey.js'
import {buildMarketingMoreFixture} from '../helpers/marketing-more-fixture.js'

describe('journey report', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await buildMarketingMoreFixture(store)
  })
  afterAll(async () => store.close())

  it("lays out a visitor's visits, pages, directives, chats, lead, order, calls and exits in time order", async () => {
    const r = await journeyReport(store, 'v1')
    expect(r.visits).toBe(2)
    expect(r.steps.map((s) => s.kind)).toEqual([
      'visit',
      'directive',
      'page',
      'page',
      'invite_shown',
      'invite_accepted',
      'chat',
      'chat_start',
      'lead',
      'exit',
      'visit',
      'page',
      'order',
      'exit',
      'call',
    ])
    expect(r.steps[2]).toMatchObject({ts: '2026-11-02 10:00:00', url: 'https://a.cn/p1', dwell_s: 60, visit_number: 1})
    expect(r.steps[6]).toMatchObject({ts: '2026-11-02 10:03:00', detail: 'c1 · web · agent a1 · csat 5 · lead', dwell_s: 600})
    expect(r.steps[9]).toMatchObject({kind: 'exit', ts: '2026-11-02 10:10:00', url: 'https://a.cn/p2', detail: 'left after 2 pages, 600 s'})
    expect(r.steps[12]).toMatchObject({kind: 'order', detail: 'O1 · X · 100.0 CNY'})
    expect(r.steps[14]).toMatchObject({kind: 'call', detail: 'k2 · outbound · no_answer · agent t1'})
    expect(r.first_seen).toBe('2026-11-02 10:00:00')
    expect(r.last_seen).toBe('2026-11-03 12:00:00')
  })

  it('adds clicks on request and narrows to a range', async () => {
    const withClicks = await journeyReport(store, 'v1', {clicks: true})
    expect(withClicks.steps.filter((s) => s.kind === 'click').map((s) => s.detail)).toEqual([
      'button.buy @10,20',
      'button.buy @60,20',
      '@40,45',
    ])
    const day2 = await journeyReport(store, 'v1', {from: '2026-11-03', to: '2026-11-03'})
    expect(day2.steps.map((s) => s.kind)).toEqual(['visit', 'page', 'order', 'exit', 'call'])
  })

  it('says so when the visitor is unknown', async () => {
    await expect(journeyReport(store, 'nobody')).rejects.toThrow(/no visitor nobody/)
  })
})
