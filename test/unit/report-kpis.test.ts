import {describe, expect, it} from 'vitest'
import {change, closeRange, previousPeriod} from '../../src/reports/kpis.js'
import {duration, grouped, pValue} from '../../src/format/numbers.js'

describe('KPI tiles (docs/metrics.md, "KPI tiles")', () => {
  it('compares with the period of the same length just before', () => {
    expect(previousPeriod({from: '2026-11-01 00:00:00', to: '2026-11-08 00:00:00'})).toEqual({
      from: '2026-10-25 00:00:00',
      to: '2026-11-01 00:00:00',
    })
    // one day, across a month end
    expect(previousPeriod({from: '2026-03-01 00:00:00', to: '2026-03-02 00:00:00'})).toEqual({
      from: '2026-02-28 00:00:00',
      to: '2026-03-01 00:00:00',
    })
  })

  it('counts change relatively, shares by the difference in points; nothing before is no change', () => {
    // 5,718 visitors after 4,798: +920 / 4,798 = +19.17%
    expect(change('count', 5718, 4798)).toBeCloseTo(0.191747, 6)
    // invitation acceptance 30.6% after 28.8%: +1.8 points
    expect(change('share', 0.306, 0.288)).toBeCloseTo(0.018, 10)
    expect(change('count', 5, 0)).toBeNull()
    expect(change('share', 0.5, null)).toBeNull()
  })

  it("closes an open range with the data's first and last day", () => {
    const days = {first: '2026-10-18', last: '2026-10-31'}
    expect(closeRange({from: null, to: null}, days)).toEqual({from: '2026-10-18 00:00:00', to: '2026-11-01 00:00:00'})
    expect(closeRange({from: '2026-10-25 00:00:00', to: null}, days)).toEqual({from: '2026-10-25 00:00:00', to: '2026-11-01 00:00:00'})
    expect(closeRange({from: null, to: null}, null)).toBeNull()
  })
})

describe('numbers for people', () => {
  it('durations, thousands and p-values', () => {
    expect([duration(4.25), duration(45), duration(93), duration(3600), duration(93204.5), duration(200_000)]).toEqual([
      '4.3 s',
      '45 s',
      '1 min 33 s',
      '1 h',
      '25 h 53 min',
      '2 d 7 h',
    ])
    expect([grouped(1234567), grouped(1234.5, 1), grouped(null)]).toEqual(['1,234,567', '1,234.5', ''])
    expect([pValue(0.0004), pValue(0.0451)]).toEqual(['< 0.001', '0.045'])
  })
})
