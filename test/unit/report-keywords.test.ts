import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Store} from '../../src/store/store.js'
import {keywordChart, keywordReport, needsVisitors} from '../../src/reports/marketing/keywords.js'
import {buildKeywordFixture} from '../helpers/report-fixture.js'

// Site A (industry printers): "bad" 2 leads / 200 visitors = 1%; "noise" 8 / 100 = 8%; "small" 0 / 10.
// Site B (same industry): "bad" 27 / 300 = 9%; "noise" 9 / 100 = 9%.
// Benchmark file: printers, any keyword, lead_rate 9%.
describe('keyword report', () => {
  let store: Store
  beforeAll(async () => {
    store = await Store.open(':memory:')
    await buildKeywordFixture(store)
  })
  afterAll(async () => store.close())
  const benchmarks = [{industry: 'printers', engine: '*', keyword: '*', lead_rate: 0.09, source: 'test figure'}]

  it('flags a keyword far below the benchmark and not one within noise', async () => {
    const r = await keywordReport(store, {site: 'A', from: '2026-11-01', to: '2026-11-30', benchmarks})
    const by = Object.fromEntries(r.rows.map((row) => [row.keyword, row]))
    expect(by.bad).toMatchObject({visitors: 200, leads: 2, rate: 0.01, reference: 'benchmark', reference_rate: 0.09, flag: 'below'})
    // exact binomial P(2 of 200 | 9%) two-sided = 2.7506e-6 (scipy.stats.binomtest); lost = 0.09·200 − 2 = 16
    expect(by.bad.p_value).toBeCloseTo(2.7506e-6, 9)
    expect(by.bad.lost).toBeCloseTo(16, 10)
    expect(by.bad.advice).toContain('converts at 1.0% where the benchmark converts at 9.0%')
    expect(by.bad.advice).toContain('https://A.cn/bad')
    expect(by.noise).toMatchObject({visitors: 100, leads: 8, flag: 'within noise'})
    expect(by.noise.p_value).toBeCloseTo(0.8619, 3)
    // 10 · 9% = 0.9 expected leads < 5: no test
    expect(by.small).toMatchObject({visitors: 10, flag: 'too few visitors', p_value: null})
    // the label says what the test needs: n ≥ 30 and n·9% ≥ 5 → n ≥ ⌈5 / 0.09⌉ = ⌈55.6⌉ = 56
    expect(by.small).toMatchObject({needs_visitors: 56, flag_label: 'needs ≥ 56 visitors at 9.0%'})
    expect(by.bad).toMatchObject({needs_visitors: null, flag_label: 'below', reference_source: 'test figure', benchmark_example: false})
    // ranked by leads lost: bad 0.09·200 − 2 = 16, noise 0.09·100 − 8 = 1, small 0.09·10 − 0 = 0.9
    expect(r.rows.map((x) => x.keyword)).toEqual(['bad', 'noise', 'small'])
    // Benjamini–Hochberg over the two tested keywords: q(bad) = p·2/1, q(noise) = p·2/2
    expect(by.bad.q_value).toBeCloseTo(2 * 2.7506e-6, 9)
  })

  it('compares with the pooled industry (other sites of the same industry)', async () => {
    const r = await keywordReport(store, {site: 'A', from: '2026-11-01', to: '2026-11-30', against: 'industry'})
    const by = Object.fromEntries(r.rows.map((row) => [row.keyword, row]))
    // bad: site A 2/200 vs site B 27/300 → z = −3.7492, p = 0.000177
    expect(by.bad).toMatchObject({reference: 'industry', industry_visitors: 300, flag: 'below'})
    expect(by.bad.industry_rate).toBeCloseTo(0.09, 12)
    expect(by.bad.p_value).toBeCloseTo(0.000177, 5)
    expect(by.noise.flag).toBe('within noise')
    expect(by.small.flag).toBe('no reference')
    // the industry reference names its pool: site B's 27 leads of 300 visitors
    expect(by.bad.reference_source).toBe('other printers sites in the database: 27 of 300 visitors')
    // Wilson 95% interval of 8/100: centre (0.08 + z²/200)/(1 + z²/100), z = 1.96 → 0.0411 … 0.1500
    expect(by.noise.ci_low).toBeCloseTo(0.0411, 4)
    expect(by.noise.ci_high).toBeCloseTo(0.15, 4)
  })

  it('marks an example figure as such in the rows and in the chart', async () => {
    const example = [{...benchmarks[0], source: 'ccx example figure', example: true}]
    const r = await keywordReport(store, {site: 'A', from: '2026-11-01', to: '2026-11-30', benchmarks: example})
    expect(
      r.rows.every((x) => x.reference_source === 'ccx example figure (example, not a published statistic)' && x.benchmark_example === true),
    ).toBe(true)
    const chart = keywordChart(r) as {title: {subtitle: string[]}}
    expect(chart.title.subtitle).toEqual(['reference: ccx example figure (example, not a published statistic)'])
  })

  it('solves the test minimum for n: n ≥ min visitors and n·p₀ ≥ 5', () => {
    expect(needsVisitors(30, 0.05)).toBe(100) // 5 / 0.05 = 100 exactly, not 101
    expect(needsVisitors(30, 0.5)).toBe(30) // 5 / 0.5 = 10 < 30
    expect(needsVisitors(30, 0.012)).toBe(417) // ⌈416.67⌉
    expect(needsVisitors(30, 0)).toBeNull()
  })
})
