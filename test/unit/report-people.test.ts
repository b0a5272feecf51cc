import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {profileReport} from '../../src/reports/marketing/profile.js'
import {pathsReport} from '../../src/reports/marketing/paths.js'
import {journeyReport} from '../../src/reports/marketing/journey.js'
import {funnelReport} from '../../src/reports/marketing/funnel.js'
import {attributionReport} from '../../src/reports/marketing/attribution.js'
import {LI_IDS, loadPeople} from '../helpers/people-fixture.js'

// Issue 16 #4, #5 and their acceptance, on the planted people of fixtures/samples/people (hand-written in the formats
// ccx ingests: probe events, chats with messages, call records, CRM leads and orders). Expected values are counted
// by hand from those files.

const H = 3600
const D = 86400

describe('persons across channels (planted people)', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await loadPeople(store)
  })
  afterAll(async () => store.close())

  it('Li (two devices, a login, a chat with a typed phone number, a call from it, an order) is one customer, by any of their ids', async () => {
    for (const id of LI_IDS) {
      const r = await profileReport(store, id)
      expect(r.customer_id, id).toBe('customer:C-2001')
      expect(r.identity.visitors, id).toEqual(['v-li-pc', 'v-li-phone'])
      expect(r.identity.members, id).toEqual(['m-2001'])
      expect(r.identity.customer_ids, id).toEqual(['C-2001'])
      // contacts shown masked only
      expect(r.identity.phones, id).toEqual(['138****5678'])
      expect([r.visits.length, r.chats.length, r.calls.length, r.leads.length, r.orders.length], id).toEqual([2, 1, 1, 1, 1])
    }
    const r = await profileReport(store, 'm-2001')
    expect([r.first_seen, r.last_seen]).toEqual(['2026-11-02 09:00:00', '2026-11-04 11:00:00'])
    expect(r.visits.map((v) => [v.visitor_id, v.source, v.term])).toEqual([
      ['v-li-phone', 'Baidu', '佳能传真机报价'],
      ['v-li-pc', null, null],
    ])
    expect(r.orders.map((o) => [o.order_id, o.amount])).toEqual([['ord-li-1', 3200]])
    // the call of 2026-11-04 10:00 is the last contact with an agent
    expect(r.last_agent).toMatchObject({agent_id: 'a202'})
    // csat 5 (chat) and 4 (call): mean 4.5
    expect(r.satisfaction).toMatchObject({ratings: 2, mean: 4.5})
    // order values of the 6 persons who ordered: 599, 1099, 2399, 3200 (Li), 3958, 6799 → cume_dist 4/6 → medium;
    // one invitation shown, one accepted, no outbound call → 1/1 responsive
    expect(r.tags).toMatchObject({
      intents: ['price_quote'],
      value_percentile: 4 / 6,
      value_tier: 'medium',
      responsiveness: 'responsive',
      attempts: 1,
      responses: 1,
    })
    expect(JSON.stringify(r)).not.toContain('13812345678')
  })

  it('a placeholder customer id shared by three callers merges nobody and says so', async () => {
    await expect(profileReport(store, '0', {kind: 'customer'})).rejects.toMatchObject({code: 'SHARED_ID'})
    const callers = await Promise.all(['13600003331', '13600003332', '13600003333'].map((p) => profileReport(store, p)))
    expect(new Set(callers.map((c) => c.customer_id)).size).toBe(3)
    for (const c of callers) expect(c.calls.length).toBe(1)
  })

  it('report paths: channel sequences before an order, counted and timed by hand', async () => {
    const r = await pathsReport(store, {conversion: 'order'})
    // 11 persons touched (Li, Wang, Zhao, Sun, Zhou, Zheng, Qian, Wu, 3 placeholder callers; the crawler is none);
    // 6 ordered (Li, Wang, Zhao, Sun, Zheng, Qian)
    expect([r.persons, r.converted, r.converted_without_touch]).toEqual([11, 6, 0])
    const by = Object.fromEntries(r.paths.map((p) => [p.path, p]))
    // Wang 14:00 web → 14:05 chat → next day 09:00 order; Sun 09:00 web → 09:02 chat → 09:20 order; Zhou never ordered
    expect(by['web → chat']).toMatchObject({persons: 3, converted: 2, share_of_conversions: 2 / 6})
    expect(by['web → chat']!.median_gap_s).toEqual([(300 + 120) / 2, (68100 + 1080) / 2])
    expect(by['web → chat']!.median_s_to_conversion).toBe((19 * H + 20 * 60) / 2)
    // Li: phone visit 11-02 09:00 → chat 11-03 20:02 → call 11-04 10:00 → order 11:00
    expect(by['web → chat → call']).toMatchObject({persons: 1, converted: 1, median_gap_s: [D + 11 * H + 2 * 60, 13 * H + 58 * 60, H]})
    // Zhao: web, chat, back on the web two days later, ordered online
    expect(by['web → chat → web']).toMatchObject({persons: 1, converted: 1})
    // Zheng: inbound call, then two outbound calls (one run), order 15 minutes after the second
    expect(by['call → call-out']).toMatchObject({persons: 1, converted: 1, median_gap_s: [29 * H, 19 * H + 15 * 60]})
    expect(by['wechat']).toMatchObject({persons: 1, converted: 1, median_gap_s: [30 * 60]})
    expect(by['call']).toMatchObject({persons: 3, converted: 0})
    expect(by['web']).toMatchObject({persons: 1, converted: 0})
  })

  it("report journey by a member id shows the person's timeline across devices and channels; --visitor-only one device", async () => {
    const r = await journeyReport(store, 'm-2001')
    expect(r.customer_id).toBe('customer:C-2001')
    expect(r.visitors).toEqual(['v-li-pc', 'v-li-phone'])
    expect(
      r.steps
        .filter((s) => !['page', 'exit', 'identify', 'invite_shown', 'invite_accepted'].includes(s.kind))
        .map((s) => [s.kind, s.channel]),
    ).toEqual([
      ['visit', 'web'],
      ['visit', 'web'],
      ['chat', 'chat'],
      ['lead', 'chat'],
      ['call', 'call'],
      ['order', 'phone'],
    ])
    const one = await journeyReport(store, 'v-li-phone', {visitorOnly: true})
    expect(one.customer_id).toBeNull()
    expect(new Set(one.steps.map((s) => s.visitor_id))).toEqual(new Set(['v-li-phone']))
  })

  it('funnel --unit customer counts persons: the lead and order Li made by chat and phone join their web visits', async () => {
    const count = async (unit: 'visitor' | 'customer') => (await funnelReport(store, {unit, source: 'live'})).total.map((s) => s.count)
    // visitors: 7 with a session (bot excluded), 5 chatted, leads of v-wang and v-zhao, only v-zhao's order names a visitor
    expect(await count('visitor')).toEqual([7, 5, 2, 1])
    // persons: Li's two devices are one (6), the 5 who chatted, Li's lead joins (3), orders after a lead: Li, Wang, Zhao
    expect(await count('customer')).toEqual([6, 5, 3, 3])
    const orders = (await funnelReport(store, {unit: 'customer', source: 'live'})).total[3]!
    // lead → order: Li 14h50m, Wang 18h45m, Zhao 2d6h; first visit → order: Li 2d2h, Wang 19h, Zhao 2d6h10m
    expect([orders.median_s_from_previous, orders.median_s_from_first]).toEqual([18 * H + 45 * 60, 2 * D + 2 * H])
  })

  it("attribution --unit customer credits Li's order to the sessions of both of Li's devices", async () => {
    const visitor = await attributionReport(store, {unit: 'visitor', conversion: 'order'})
    const customer = await attributionReport(store, {unit: 'customer', conversion: 'order'})
    const linear = (r: typeof visitor, channel: string) => r.rows.find((x) => x.channel === channel)?.linear ?? 0
    // Li's phone visit came from Baidu, the PC visit was direct: half a credit each, only when the person is the unit
    expect(linear(visitor, 'search / Baidu')).toBe(0)
    expect(linear(customer, 'search / Baidu')).toBe(0.5)
    expect(customer.rows.find((x) => x.channel === 'search / Baidu')?.revenue_linear).toBe(1600)
  })
})
