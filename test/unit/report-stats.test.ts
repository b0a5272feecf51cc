import {describe, expect, it} from 'vitest'
import {benjaminiHochberg} from '../../src/stats/adjust.js'
import {binomialTest, normalCdf, twoProportionZTest, wilsonInterval} from '../../src/stats/proportions.js'
import {median} from '../../src/stats/summary.js'

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
    const {parseRange, sqlRange, rangeDays} = await import('../../src/reports/range.js')
    const {parseDuration} = await import('../../src/reports/marketing/common.js')
    expect(sqlRange({from: '2026-11-01', to: '2026-11-30'})).toEqual({from: '2026-11-01 00:00:00', to: '2026-12-01 00:00:00'})
    expect(sqlRange({from: '2026-11-01 08:30', to: '2026-11-01 12:00:00'})).toEqual({
      from: '2026-11-01 08:30:00',
      to: '2026-11-01 12:00:00',
    })
    expect(sqlRange({})).toEqual({from: '1970-01-01 00:00:00', to: '9999-12-31 00:00:00'})
    expect(parseRange({})).toEqual({from: null, to: null})
    // the parser's own output parses to itself (the runner parses once, the report functions again)
    const once = parseRange({from: '2026-02-28', to: '2026-02-28'})
    expect(parseRange({from: once.from!, to: once.to!})).toEqual(once)
    expect(once).toEqual({from: '2026-02-28 00:00:00', to: '2026-03-01 00:00:00'})
    expect(rangeDays(once)).toEqual({first: '2026-02-28', last: '2026-02-28'})
    expect(() => parseRange({from: '2026-13-01'})).toThrow(/not a calendar date/)
    expect(() => parseRange({from: '2026-02-30'})).toThrow(/not a calendar date/)
    expect(() => parseRange({to: 'tomorrow'})).toThrow(/not a date: use YYYY-MM-DD/)
    expect(() => parseRange({from: '2026-11-01 24:00'})).toThrow(/not a time of day/)
    expect(() => parseRange({from: '2026-11-02', to: '2026-11-01'})).toThrow(/not before --to/)
    expect(parseDuration('7d', '--window')).toBe(604800)
    expect(parseDuration('90m', '--window')).toBe(5400)
    expect(() => parseDuration('soon', '--window')).toThrow(/not a duration/)
  })

  it('relative days are calendar days of the configured time zone', async () => {
    const {parseRange} = await import('../../src/reports/range.js')
    // 2026-03-01 20:30 UTC is already 03-02 04:30 in Shanghai (UTC+8), still 03-01 in UTC
    const now = new Date('2026-03-01T20:30:00Z')
    expect(parseRange({from: 'yesterday', to: 'yesterday'}, {timeZone: 'Asia/Shanghai', now})).toEqual({
      from: '2026-03-01 00:00:00',
      to: '2026-03-02 00:00:00',
    })
    expect(parseRange({from: 'today'}, {timeZone: 'UTC', now})).toEqual({from: '2026-03-01 00:00:00', to: null})
    // 7d: the day seven days before today; through today inclusive
    expect(parseRange({from: '7d', to: 'today'}, {timeZone: 'Asia/Shanghai', now})).toEqual({
      from: '2026-02-23 00:00:00',
      to: '2026-03-03 00:00:00',
    })
    expect(() => parseRange({from: 'today'}, {timeZone: 'Mars/Olympus', now})).toThrow(/not an IANA time zone/)
  })
})
