import {describe, expect, it} from 'vitest'
import {benjaminiHochberg, binomialTest, median, normalCdf, twoProportionZTest, wilsonInterval} from '../../src/reports/stats.js'

describe('report statistics', () => {
  it('Wilson intervals match Newcombe (1998), Table I', () => {
    // 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718
    const cases: Array<[number, number, number, number]> = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ]
    for (const [x, n, low, high] of cases) {
      const ci = wilsonInterval(x, n)!
      expect(ci.low).toBeCloseTo(low, 4)
      expect(ci.high).toBeCloseTo(high, 4)
    }
    expect(wilsonInterval(0, 0)).toBeNull()
  })

  it('exact binomial test matches R binom.test', () => {
    expect(binomialTest(682, 925, 0.75)).toBeCloseTo(0.3825, 4) // R's ?binom.test example
    expect(binomialTest(3, 10, 0.5)).toBeCloseTo(0.34375, 10) // 2·(1+10+45+120)/1024
    expect(binomialTest(8, 100, 0.09)).toBeCloseTo(0.8619, 3)
  })

  it('two-proportion z-test with pooled variance', () => {
    // p̂ = 29/500 = 0.058; se = sqrt(0.058·0.942·(1/200 + 1/300)) = 0.021337; z = (0.01 − 0.09)/se = −3.7492
    const t = twoProportionZTest(2, 200, 27, 300)!
    expect(t.z).toBeCloseTo(-3.7492, 3)
    expect(t.p).toBeCloseTo(2 * (1 - normalCdf(3.7492)), 6)
    expect(t.p).toBeCloseTo(0.000177, 5)
    expect(twoProportionZTest(0, 10, 0, 10)).toBeNull()
  })

  it('Benjamini–Hochberg adjusts in rank order and keeps nulls', () => {
    // sorted 0.005, 0.01, 0.03, 0.04 (m = 4): 0.02, 0.02, 0.04, 0.04
    expect(benjaminiHochberg([0.01, 0.04, 0.03, 0.005, null])).toEqual([0.02, 0.04, 0.04, 0.02, null])
  })

  it('normal CDF and median', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 6)
    expect(median([5, 1, 3, 2])).toBe(2.5)
    expect(median([])).toBeNull()
  })
})

describe('report ranges and durations', () => {
  it('turns --from/--to days into a half-open range and rejects impossible dates', async () => {
    const {resolveRange, parseDuration} = await import('../../src/reports/common.js')
    expect(resolveRange({from: '2026-11-01', to: '2026-11-30'})).toEqual({from: '2026-11-01 00:00:00', to: '2026-12-01 00:00:00'})
    expect(resolveRange({from: '2026-11-01 08:30', to: '2026-11-01 12:00:00'})).toEqual({
      from: '2026-11-01 08:30:00',
      to: '2026-11-01 12:00:00',
    })
    expect(() => resolveRange({from: '2026-13-01'})).toThrow(/not a calendar date/)
    expect(() => resolveRange({to: 'yesterday'})).toThrow(/not a date/)
    expect(parseDuration('7d', '--window')).toBe(604800)
    expect(parseDuration('90m', '--window')).toBe(5400)
    expect(() => parseDuration('soon', '--window')).toThrow(/not a duration/)
  })
})
