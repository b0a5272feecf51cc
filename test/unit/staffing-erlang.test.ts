import {describe, expect, it} from 'vitest'
import {averageSpeedOfAnswer, erlangB, erlangC, serviceLevel, staffing, trafficErlangs} from '../../src/reports/service/erlang.js'
import {weekdayOccurrences} from '../../src/reports/service/staffing.js'

/*
 * Worked example reproduced widely, e.g. Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked
 * Example": 100 calls in 30 minutes, AHT 180 s, target 80% answered in 20 s.
 * Traffic A = 100 / 1800 s × 180 s = 10 Erlangs. With N = 14: P(wait) = 0.1741, SL = 1 − 0.1741·e^(−(14−10)·20/180)
 * = 0.88835 (≈ 88.8%; sources quoting 88.9% round up), ASA = 0.1741 × 180 / 4 = 7.8 s, occupancy 10/14 = 71.4%; 13 agents give SL 79.6% < 80%;
 * with 30% shrinkage 14 / 0.7 = 20 agents to schedule. (Verified here from the formula: ASA is 7.8 s, not 8.7 s.)
 */
describe('Erlang C worked example (100 calls / 30 min, AHT 180 s, 80/20)', () => {
  it('traffic, P(wait), service level and ASA at 14 agents', () => {
    const a = trafficErlangs(100, 1800, 180)
    expect(a).toBeCloseTo(10, 12)
    expect(erlangC(14, a)).toBeCloseTo(0.1741, 4)
    expect(serviceLevel(14, a, 180, 20)).toBeCloseTo(0.8884, 4)
    expect(averageSpeedOfAnswer(14, a, 180)).toBeCloseTo(7.84, 2)
    expect(serviceLevel(13, a, 180, 20)).toBeCloseTo(0.7956, 4)
  })

  it('staffing() picks 14 agents, 20 scheduled with 30% shrinkage', () => {
    const r = staffing({
      contacts: 100,
      intervalSeconds: 1800,
      ahtSeconds: 180,
      target: 0.8,
      thresholdSeconds: 20,
      shrinkage: 0.3,
      maxOccupancy: 0.85,
    })
    expect(r.agents).toBe(14)
    expect(r.scheduled).toBe(20)
    expect(r.occupancy).toBeCloseTo(10 / 14, 12)
    expect(r.limitedBy).toBe('service-level')
  })

  it('a tight occupancy cap raises the count: 10 Erlangs at ≤ 65% needs ⌈10/0.65⌉ = 16', () => {
    const r = staffing({contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, target: 0.8, thresholdSeconds: 20, maxOccupancy: 0.65})
    expect(r.agents).toBe(16)
    expect(r.limitedBy).toBe('max-occupancy')
  })

  it('chats: concurrency 2 turns 14 positions into 7 agents', () => {
    const r = staffing({contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, target: 0.8, thresholdSeconds: 20, concurrency: 2})
    expect(r.agents).toBe(7)
    expect(r.positions).toBe(14)
    const odd = staffing({contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, target: 0.8, thresholdSeconds: 20, concurrency: 3})
    expect(odd.agents).toBe(5) // ⌈14 / 3⌉
  })

  it('chats: a fractional concurrency gives whole positions, ⌊agents × concurrency⌋', () => {
    // A = 10; a 79% target is met by 13 positions (SL 79.6%, above); 13 / 1.5 → 9 agents, who hold ⌊9 × 1.5⌋ = 13
    // chats at once — Erlang C runs on 13 servers, not 13.5
    const r = staffing({contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, target: 0.79, thresholdSeconds: 20, concurrency: 1.5})
    expect(r.agents).toBe(9)
    expect(r.positions).toBe(13)
    expect(r.serviceLevel).toBeCloseTo(0.7956, 4)
    expect(r.occupancy).toBeCloseTo(10 / 13, 12)
    expect(() => staffing({contacts: 1, intervalSeconds: 60, ahtSeconds: 60, target: 0.8, thresholdSeconds: 20, concurrency: 0.5})).toThrow(
      /concurrency/,
    )
  })
})

describe('Erlang building blocks', () => {
  it('Erlang B by hand: A = 2, N = 2 → (2²/2!) / (1 + 2 + 2) = 0.4', () => {
    expect(erlangB(2, 2)).toBeCloseTo(0.4, 12)
  })
  it('Erlang C by hand: A = 1, N = 2 → (1/2 · 2/1) / (1 + 1 + 1) = 1/3', () => {
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 12)
  })
  it('overload and zero traffic', () => {
    expect(erlangC(5, 5)).toBe(1)
    expect(serviceLevel(5, 6, 180, 20)).toBe(0)
    expect(staffing({contacts: 0, intervalSeconds: 1800, ahtSeconds: 180, target: 0.8, thresholdSeconds: 20}).agents).toBe(0)
  })
  it('rejects a target given as a percent at the API', () => {
    expect(() => staffing({contacts: 1, intervalSeconds: 60, ahtSeconds: 60, target: 80, thresholdSeconds: 20})).toThrow(/share/)
  })
  it('counts weekdays in a span', () => {
    // 2026-01-05 is a Monday; two weeks and a day → Mondays 3, others 2
    expect(weekdayOccurrences('2026-01-05', '2026-01-19')).toEqual({1: 3, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2})
  })
})

/*
 * Published worked example of an Erlang C calculator's manual (personal.telefonica.terra.es/web/vr/erlang/eng/mcerlc.htm):
 * "If in one hour there are 600 calls with call length of 120 seconds, that is a traffic of 20 erlangs. For a target
 * delay probability of 15% the number of circuits needed are 26. The average delay is 2.5 sec/CCS, so ... 3 seconds
 * per call. If circuits are incremented to 30, delay is reduced to 2.5%." Stated precision: whole agents, the delay
 * probability to 0.5 percentage point, the delay per call to the second.
 */
describe('Erlang C published example (600 calls/h, 120 s, P(wait) ≤ 15%)', () => {
  it('20 Erlangs; 26 agents are the fewest with P(wait) ≤ 15%; ASA ≈ 3 s; 30 agents give P(wait) ≈ 2.5%', () => {
    const a = trafficErlangs(600, 3600, 120)
    expect(a).toBe(20)
    const fewest = Array.from({length: 20}, (_, i) => 21 + i).find((n) => erlangC(n, a) <= 0.15)
    expect(fewest).toBe(26)
    expect(Math.round(averageSpeedOfAnswer(26, a, 120))).toBe(3)
    expect(Math.abs(erlangC(30, a) - 0.025)).toBeLessThan(0.005)
  })
})
