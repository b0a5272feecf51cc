import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {addCounters, kpisFromCounters, emptyCounters} from '../../src/reports/service/kpis.js'
import {serviceReport} from '../../src/reports/service/service.js'
import {Store} from '../../src/store/store.js'
import {runPipeline} from '../helpers/pipelines.js'
import {loadServiceFixtures} from '../fixtures/service/load.js'

// Hand-computed from test/fixtures/service/{calls.csv,chats.ndjson}; the arithmetic is spelled out next to each value.
let store: Store

beforeAll(async () => {
  store = await Store.open(':memory:')
  await loadServiceFixtures(store)
  await runPipeline(store, 'service')
})
afterAll(async () => store.close())

describe('call KPIs (inbound c1..c6, c8; outbound c7 left out)', () => {
  it('counts offered, answered, abandoned and short abandons', async () => {
    const r = await serviceReport(store, {by: 'total', kind: 'call'})
    const t = r.total
    expect(t.offered).toBe(7)
    expect(t.answered).toBe(4) // c1 c2 c3 c8
    expect(t.abandoned).toBe(3) // c4 (3 s, before any agent) c5 (30 s) c6 (15 s)
    expect(t.shortAbandoned).toBe(1) // c4: 3 s < 5 s
    expect(t.abandonRate).toBeCloseTo(3 / 7, 10)
    expect(t.abandonRateExShort).toBeCloseTo(2 / 6, 10)
  })

  it('service level variants; answered at exactly the threshold (c2, 20 s) counts as within', async () => {
    const t = (await serviceReport(store, {by: 'total', kind: 'call', thresholdS: 20})).total
    // within 20 s: c1 (10 s), c2 (20 s), c8 (5 s); c3 waited 45 s
    expect(t.serviceLevel).toBeCloseTo(3 / 7, 10)
    expect(t.serviceLevelOfAnswered).toBeCloseTo(3 / 4, 10)
    expect(t.serviceLevelExShort).toBeCloseTo(3 / 6, 10)
    const strict = (await serviceReport(store, {by: 'total', kind: 'call', thresholdS: 19})).total
    expect(strict.serviceLevelOfAnswered).toBeCloseTo(2 / 4, 10)
  })

  it('ASA, AHT (talk + hold + wrap), CSAT top-2-box, resolution, repeat contact', async () => {
    const t = (await serviceReport(store, {by: 'total', kind: 'call'})).total
    expect(t.asaSeconds).toBeCloseTo((10 + 20 + 45 + 5) / 4, 10)
    // c1 300+20+30, c2 120+0+10, c3 240+60+0, c8 120+0+15
    expect(t.ahtSeconds).toBeCloseTo((350 + 130 + 300 + 135) / 4, 10)
    expect(t.csatTop2Box).toBeCloseTo(2 / 3, 10) // 5, 3, 4 → two of three ≥ 4
    expect(t.csatAverage).toBeCloseTo(4, 10)
    expect(t.csatResponseRate).toBeCloseTo(3 / 4, 10) // c8 not surveyed
    expect(t.resolutionRate).toBeCloseTo(3 / 4, 10) // c2 unresolved
    expect(t.resolutionSeconds).toBeCloseTo((310 + 285 + 125) / 3, 10) // offered → ended of c1, c3, c8
    // cu1: c1 then c3 20 min later → c1 repeats; cu2: c2 then c8 next day → c2 repeats
    expect(t.repeatRate).toBeCloseTo(2 / 4, 10)
    expect(t.fcr).toBeCloseTo(2 / 4, 10)
    // a 0-day window: only a contact at the same instant would repeat
    expect((await serviceReport(store, {by: 'total', kind: 'call', repeatDays: 0})).total.repeatRate).toBe(0)
  })

  it('groups by day, queue and agent', async () => {
    const byDay = await serviceReport(store, {by: 'day', kind: 'call'})
    expect(byDay.rows.map((r) => [r.group, r.offered])).toEqual([
      ['2026-01-05', 6],
      ['2026-01-06', 1],
    ])
    const byQueue = await serviceReport(store, {by: 'queue', kind: 'call'})
    expect(byQueue.rows.map((r) => [r.group, r.offered, r.answered])).toEqual([
      ['sales', 4, 2],
      ['support', 3, 2],
    ])
    const byAgent = await serviceReport(store, {by: 'agent', kind: 'call'})
    expect(byAgent.rows.find((r) => r.group === 'a1')?.ahtSeconds).toBeCloseTo((350 + 300) / 2, 10)
    expect(byAgent.rows.find((r) => r.group === '(none)')?.abandoned).toBe(3)
  })

  it('--from/--to limit by the contact start; a bare --to day is inclusive', async () => {
    expect((await serviceReport(store, {by: 'total', kind: 'call', to: '2026-01-05'})).total.offered).toBe(6)
    expect((await serviceReport(store, {by: 'total', kind: 'call', from: '2026-01-06'})).total.offered).toBe(1)
  })
})

describe('chat KPIs (h1, h2, h3, h5 offered; h4 bot-only)', () => {
  it('bot-only chat is not offered to agents; never-answered chat is abandoned', async () => {
    const t = (await serviceReport(store, {by: 'total', kind: 'chat'})).total
    expect(t.botOnly).toBe(1)
    expect(t.offered).toBe(4)
    expect(t.answered).toBe(3)
    expect(t.abandoned).toBe(1) // h3 waited 60 s
    expect(t.serviceLevel).toBeCloseTo(1 / 4, 10) // only h5 (15 s) within 20 s
  })

  it('first response and reply time exclude the bot phase', async () => {
    const t = (await serviceReport(store, {by: 'total', kind: 'chat'})).total
    // h1: 09:00:00 → 09:00:30 = 30; h2: hand-off 10:00:25 → 10:00:55 = 30 (not 55); h5: 15
    expect(t.firstResponseSeconds).toBeCloseTo((30 + 30 + 15) / 3, 10)
    expect(t.asaSeconds).toBeCloseTo((30 + 30 + 15) / 3, 10)
    // h1 turns: 09:01:00 → 09:01:40 = 40, 09:02:00 → 09:02:20 = 20; h2: 10:02:00 → 10:02:30 = 30 (the bot-answered turn is left out)
    expect(t.replySeconds).toBeCloseTo((40 + 20 + 30) / 3, 10)
    // handle = answered → ended: h1 150, h2 125 (answered = first agent message), h5 75
    expect(t.ahtSeconds).toBeCloseTo((150 + 125 + 75) / 3, 10)
    expect(t.resolutionRate).toBeCloseTo(2 / 3, 10)
    expect(t.resolutionSeconds).toBeCloseTo(180, 10)
    expect(t.csatTop2Box).toBeCloseTo(2 / 3, 10) // 5, 4, 2
    expect(t.repeatRate).toBeCloseTo(1 / 3, 10) // v1: h1 then h5
  })

  it('concurrency: time-weighted chats held at once by agent a3', async () => {
    const r = await serviceReport(store, {by: 'agent', kind: 'chat'})
    const a3 = r.rows.find((x) => x.group === 'a3')!
    // 09:00:30–09:01:15 one chat (45 s), 09:01:15–09:02:30 two (75 s), 09:02:30–09:03:00 one (30 s), 10:00:55–10:03:00 one (125 s)
    expect(a3.concurrency).toBeCloseTo((45 + 150 + 30 + 125) / 275, 10)
    expect(a3.maxConcurrency).toBe(2)
    expect(a3.occupancy).toBeNull()
    expect(r.notes.join(' ')).toMatch(/occupancy: n\/a/)
  })
})

describe('occupancy when agent states exist', () => {
  it('busy ÷ (busy + available)', async () => {
    const s = await Store.open(':memory:')
    await s.run(`insert into raw_agent_states values
      ('a1', 's1', 'available', '2026-01-05 09:00:00', '2026-01-05 09:30:00', null),
      ('a1', 's1', 'talk', '2026-01-05 09:30:00', '2026-01-05 10:00:00', null),
      ('a1', 's1', 'break', '2026-01-05 10:00:00', '2026-01-05 10:15:00', null),
      ('a1', 's1', 'wrap', '2026-01-05 10:15:00', '2026-01-05 10:45:00', null)`)
    await runPipeline(s, 'service')
    const r = await serviceReport(s, {by: 'agent'})
    expect(r.total.occupancy).toBeCloseTo(60 / 90, 10) // break left out
    await s.close()
  })
})

describe('kpisFromCounters', () => {
  it('gives null, not zero, when there is nothing to divide by', () => {
    const k = kpisFromCounters(emptyCounters())
    expect(k.serviceLevel).toBeNull()
    expect(k.fcr).toBeNull()
    const sum = addCounters([
      {...emptyCounters(), offered: 2, answered: 1},
      {...emptyCounters(), offered: 3, answered: 3},
    ])
    expect(kpisFromCounters(sum).abandonRate).toBeCloseTo(0, 10)
    expect(sum.offered).toBe(5)
  })
})

describe('service_kpis_daily mart (default thresholds)', () => {
  it('holds the same counters as the report, per day × site × kind × channel × queue', async () => {
    const rows = await store.all<Record<string, unknown>>('select * from service_kpis_daily order by day, kind, channel, queue')
    const calls0105 = rows.filter((r) => r.day === '2026-01-05' && r.kind === 'call')
    expect(calls0105.map((r) => [r.queue, r.offered, r.answered_within])).toEqual([
      ['sales', 4, 2],
      ['support', 2, 0],
    ])
    const total = addCounters(rows as never)
    const report = await serviceReport(store, {by: 'total'})
    const {group: _g, concurrency: _c, maxConcurrency: _m, occupancy: _o, ...reportKpis} = report.total
    expect(kpisFromCounters(total)).toEqual(reportKpis)
    expect(total.offered).toBe(11)
  })
})
