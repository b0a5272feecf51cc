import {describe, expect, it} from 'vitest'
import {benjaminiHochberg, holm} from '../../src/stats/adjust.js'
import {fisherExact} from '../../src/stats/proportions.js'
import {
  buildHitMatrix,
  callsToCloseSummary,
  chiExcess,
  concentration,
  decideVerdict,
  effectStats,
  gStatistic,
  jensenShannon,
  permutationTest,
  scriptChiSquares,
} from '../../src/reports/telesales/stats.js'
import {concentrationPower, effectRates, trueRates} from '../../src/reports/telesales/power.js'
import {createRng} from '../../src/stats/random.js'

describe('per-script statistics', () => {
  it('Fisher exact two-sided p: the lady tasting tea table [[3,1],[1,3]] → 34/70', () => {
    expect(fisherExact(3, 1, 1, 3)).toBeCloseTo(34 / 70, 10)
    expect(fisherExact(4, 0, 0, 4)).toBeCloseTo(2 / 70, 10)
  })

  it('hit rate, conversion, lift with Katz interval, Haldane log-odds with Wald interval', () => {
    // a = hit & sale 30, b = hit & no sale 70, c = no hit & sale 20, d = no hit & no sale 180
    const e = effectStats({a: 30, b: 70, c: 20, d: 180})
    expect(e.calls).toBe(300)
    expect(e.hitRate).toBeCloseTo(100 / 300, 12)
    expect(e.convHit).toBeCloseTo(0.3, 12)
    expect(e.convMiss).toBeCloseTo(0.1, 12)
    expect(e.lift).toBeCloseTo(3, 12)
    expect(e.liftLow).toBeCloseTo(1.797263, 5) // exp(ln 3 − 1.96·√(1/30 − 1/100 + 1/20 − 1/200))
    expect(e.liftHigh).toBeCloseTo(5.007614, 5)
    expect(e.logOdds).toBeCloseTo(1.33742, 5) // ln(30.5·180.5 / (70.5·20.5))
    expect(e.logOddsLow).toBeCloseTo(1.33742 - 1.959964 * 0.318264, 5)
    expect(e.logOddsHigh).toBeCloseTo(1.33742 + 1.959964 * 0.318264, 5)
  })

  it('Benjamini–Hochberg and Holm adjustments', () => {
    const p = [0.01, 0.04, 0.03, 0.2]
    const q = benjaminiHochberg(p)
    expect(q[0]).toBeCloseTo(0.04, 12)
    expect(q[1]).toBeCloseTo((0.04 * 4) / 3, 12)
    expect(q[2]).toBeCloseTo((0.04 * 4) / 3, 12)
    expect(q[3]).toBeCloseTo(0.2, 12)
    const h = holm(p)
    expect(h.map((x) => Number(x.toFixed(10)))).toEqual([0.04, 0.09, 0.09, 0.2])
  })
})

describe('global test and concentration', () => {
  it('Jensen–Shannon divergence in bits and its per-script contributions', () => {
    expect(jensenShannon([1, 0], [0, 1]).jsd).toBeCloseTo(1, 12)
    expect(jensenShannon([2, 2], [5, 5]).jsd).toBeCloseTo(0, 12)
    const r = jensenShannon([3, 1], [1, 3]) // p = (.75,.25), q = (.25,.75): 1 − H(0.25)
    expect(r.jsd).toBeCloseTo(0.188722, 6)
    expect(r.contributions[0]).toBeCloseTo(0.188722 / 2, 6)
  })

  it('G statistic of the 2×J hit table', () => {
    const r = gStatistic([10, 20], [20, 10]) // expected 15 everywhere
    expect(r.g).toBeCloseTo(6.795961, 5)
    expect(r.df).toBe(1)
    // each column: 2·(10·ln(10/15) + 20·ln(20/15)) = 3.39798
    expect(r.gContributions[0]).toBeCloseTo(3.397981, 5)
    expect(r.gContributions[0] + r.gContributions[1]).toBeCloseTo(r.g, 10)
  })

  it('top-k share, normalized-entropy concentration index and HHI', () => {
    const c = concentration([3, 1, 0, 0], 1)
    expect(c.ranking.slice(0, 2)).toEqual([0, 1])
    expect(c.topKShare).toBeCloseTo(0.75, 12)
    expect(c.concentrationIndex).toBeCloseTo(0.594361, 6) // 1 − H(.75,.25)/ln 4
    expect(c.hhi).toBeCloseTo(0.625, 12)
    expect(concentration([1, 1, 1, 1], 2).concentrationIndex).toBeCloseTo(0, 12)
  })

  it('permutation test keeps calls together, is reproducible with a seed and finds a planted effect', () => {
    const rng = createRng(3)
    const calls = Array.from({length: 400}, () => {
      const scripts = [0, 1, 2, 3, 4].filter(() => rng() < 0.4)
      return {success: rng() < (scripts.includes(2) ? 0.6 : 0.1), scripts, stratum: rng() < 0.5 ? 'a' : 'b'}
    })
    const m = buildHitMatrix(calls, 5)
    const r1 = permutationTest(m, {permutations: 199, rng: createRng(9)})
    const r2 = permutationTest(m, {permutations: 199, rng: createRng(9)})
    expect(r1).toEqual(r2)
    expect(r1.pValue).toBeCloseTo(1 / 200, 12) // no permutation reaches the observed JSD
    expect(concentration(r1.contributions, 1).ranking[0]).toBe(2)
    // Null data: labels independent of scripts.
    const nul = buildHitMatrix(
      calls.map((c) => ({...c, success: rng() < 0.3})),
      5,
    )
    expect(permutationTest(nul, {permutations: 199, rng: createRng(9)}).pValue).toBeGreaterThan(0.05)
    expect(permutationTest(buildHitMatrix(calls, 5), {permutations: 99, rng: createRng(9)}).stratified).toBe(true)
  })

  it('verdict rules: dispersed only with power or a bounded share; otherwise no evidence either way', () => {
    const base = {successCalls: 50, failCalls: 100, k: 2, topKShareInterval: {low: 0.2, high: 0.45}, power: 0.9, effect: 'x'}
    const v = (o: Partial<typeof base> & {pValue: number; topKShare: number}) => decideVerdict({...base, ...o}).verdict
    expect(v({successCalls: 5, pValue: 0.001, topKShare: 0.9})).toBe('no evidence either way')
    expect(decideVerdict({...base, successCalls: 5, pValue: 0.001, topKShare: 0.9}).reason).toMatch(/have 5 and 100/)
    expect(v({pValue: 0.01, topKShare: 0.7})).toBe('concentrated')
    // significant but spread: dispersed only when even the bootstrap's upper bound is below the 50% line
    expect(v({pValue: 0.01, topKShare: 0.3})).toBe('dispersed')
    expect(v({pValue: 0.01, topKShare: 0.3, topKShareInterval: {low: 0.2, high: 0.6}})).toBe('no evidence either way')
    // not significant: dispersed only when the calls had power ≥ 0.8 to see the stated effect
    expect(v({pValue: 0.2, topKShare: 0.9})).toBe('dispersed')
    expect(v({pValue: 0.2, topKShare: 0.9, power: 0.79})).toBe('no evidence either way')
    expect(decideVerdict({...base, pValue: 0.2, topKShare: 0.9, power: null}).verdict).toBe('no evidence either way')
  })
})

describe("the verdict's statistic and its power", () => {
  it('per-script χ² and the χ² beyond chance (docs/metrics.md examples)', () => {
    // a=30 b=70 c=20 d=180: 300·(30·180 − 70·20)² / (100·200·50·250) = 300·4000²/250e6 = 19.2
    expect(scriptChiSquares([30], [100], 50, 300)[0]).toBeCloseTo(19.2, 10)
    // an empty margin (script on every call) → 0
    expect(scriptChiSquares([50], [300], 50, 300)[0]).toBe(0)
    expect([...chiExcess([19.2, 3, 0.5])]).toEqual([18.2, 2, 0])
    const c = concentration(chiExcess([19.2, 3, 0.5]), 1, 3)
    expect(c.topKShare).toBeCloseTo(18.2 / 20.2, 10)
  })

  it('effect rates keep the conversion; true rates undo the detector errors', () => {
    // h = 0.5, c = 0.5, OR = 9: p0 = 0.25, p1 = 0.75 (odds 1/3 and 3)
    const e = effectRates(0.5, 0.5, 9)
    expect(e.p0).toBeCloseTo(0.25, 9)
    expect(e.p1).toBeCloseTo(0.75, 9)
    // h = 0.25, P = 0.8, R = 0.5: g = 0.8·0.25/0.5 = 0.4; without a hit (0.4 − 0.2)/0.75 = 0.26667
    const t = trueRates(0.25, {precision: 0.8, recall: 0.5})
    expect(t.rate).toBeCloseTo(0.4, 12)
    expect(t.saidIfHit).toBe(0.8)
    expect(t.saidIfNot).toBeCloseTo(0.2 / 0.75, 12)
    expect(trueRates(0.25, null)).toEqual({rate: 0.25, saidIfHit: 1, saidIfNot: 0})
  })

  it('power: high for a strong effect on many calls, lower when detection misses what was said', () => {
    // 400 calls, 4 scripts, each on every other call in its own pattern; half the calls sell. With P = R = 0.6 a hit
    // call said the script with probability 0.6, a call without one with 0.4: the planted effect is mostly blurred.
    const calls = Array.from({length: 400}, (_, i) => ({
      success: i % 2 === 0,
      stratum: '',
      scripts: [0, 1, 2, 3].filter((j) => ((i >> (j + 1)) & 1) === 1),
    }))
    const m = buildHitMatrix(calls, 4)
    const test = permutationTest(m, {permutations: 199, rng: createRng(1)})
    expect(test.pValueMax).toBeGreaterThan(0.05)
    const options = {oddsRatio: 9, simulations: 40, alpha: 0.05, topK: 1, concentratedShare: 0.5, maxHitRate: 0.9}
    const exact = concentrationPower(m, test.nullMax, {...options, rng: createRng(2)})
    expect(exact.perScript.length).toBe(4)
    expect(exact.min!).toBeGreaterThan(0.9)
    const noisy = concentrationPower(m, test.nullMax, {
      ...options,
      rng: createRng(2),
      quality: [0, 1, 2, 3].map(() => ({precision: 0.6, recall: 0.6})),
    })
    expect(noisy.power!).toBeLessThan(exact.power! - 0.2)
  })
})

describe('calls to close', () => {
  it('median and mean from the histogram', () => {
    // customers needing 1,1,1,2,2,4 calls: median (1+2)/2, mean 11/6
    const s = callsToCloseSummary([
      {calls: 2, customers: 2},
      {calls: 1, customers: 3},
      {calls: 4, customers: 1},
    ])
    expect(s.customers).toBe(6)
    expect(s.median).toBe(1.5)
    expect(s.mean).toBeCloseTo(11 / 6, 12)
    expect(s.distribution.map((d) => d.calls)).toEqual([1, 2, 4])
    expect(s.distribution[0].share).toBeCloseTo(0.5, 12)
    expect(callsToCloseSummary([]).median).toBeNull()
  })
})
