import {describe, expect, it} from 'vitest'
import {
  adjustedEffects,
  bootstrapEach,
  designRows,
  NullStepChi,
  scriptPermutationTest,
  type CallDesign,
} from '../../src/reports/telesales/adjusted.js'
import {createRng} from '../../src/stats/random.js'

/** Calls from (columns, calls, sales) groups: the first `sales` of each group are sales. */
function calls(groups: Array<[number[], number, number]>): {design: CallDesign; success: Uint8Array} {
  const cols: number[][] = []
  const success: number[] = []
  for (const [c, n, s] of groups)
    for (let i = 0; i < n; i++) {
      cols.push(c)
      success.push(i < s ? 1 : 0)
    }
  return {design: {cols, values: null}, success: Uint8Array.from(success)}
}

describe('adjusted script effects (docs/metrics.md "Adjusted effect")', () => {
  it('one script, no penalty: the 2×2 log odds ratio and Woolf variance', () => {
    // hit: 30 sales, 10 not; no hit: 20 sales, 40 not → β = log(30·40 / (10·20)) = log 6, se² = 1/30 + 1/10 + 1/20 + 1/40
    const {design, success} = calls([
      [[0], 40, 30],
      [[], 60, 20],
    ])
    const fit = adjustedEffects(designRows(design, success), 1, 1e-9)
    expect(fit.beta[0]).toBeCloseTo(Math.log(6), 6)
    expect(fit.se[0] ** 2).toBeCloseTo(1 / 30 + 1 / 10 + 1 / 20 + 1 / 40, 6)
    expect(fit.chi[0]).toBeCloseTo(Math.log(6) ** 2 / (1 / 30 + 1 / 10 + 1 / 20 + 1 / 40), 5)
    expect(fit.intercept).toBeCloseTo(Math.log(20 / 40), 6)
  })

  it('a script that only fires with another takes no credit the other explains', () => {
    // A on 40 calls (30 sales) whether or not B fires with it; B fires only with A. Marginally B's calls convert 75% vs
    // 42%; adjusted for A: β_B = log((15/5) ÷ (15/5)) = 0, β_A = log((15/5) ÷ (10/30)) = log 9 (saturated, no penalty).
    const {design, success} = calls([
      [[0, 1], 20, 15],
      [[0], 20, 15],
      [[], 40, 10],
    ])
    const fit = adjustedEffects(designRows(design, success), 2, 1e-9)
    expect(fit.beta[0]).toBeCloseTo(Math.log(9), 6)
    expect(fit.beta[1]).toBeCloseTo(0, 6)
    expect(fit.chi[1]).toBeCloseTo(0, 6)
  })

  it('the ridge penalty: the fit satisfies Σ xᵢ(yᵢ − pᵢ) = λ·β for every script, and a never-hit script gets nothing', () => {
    const {design, success} = calls([
      [[0, 1], 12, 10],
      [[0], 9, 4],
      [[1], 7, 1],
      [[], 30, 6],
    ])
    const fit = adjustedEffects(designRows(design, success), 3, 1)
    const grad = [0, 0, 0]
    design.cols.forEach((cols, i) => {
      const p = 1 / (1 + Math.exp(-(fit.intercept + cols.reduce((a, j) => a + fit.beta[j], 0))))
      for (const j of cols) grad[j] += success[i] - p
    })
    expect(grad[0]).toBeCloseTo(fit.beta[0], 8)
    expect(grad[1]).toBeCloseTo(fit.beta[1], 8)
    expect([fit.beta[2], fit.se[2], fit.chi[2]]).toEqual([0, Infinity, 0])
  })

  it('scores as covariates: one row per call, the score multiplies the coefficient', () => {
    // the same two groups as the first test with the hit's value 0.5: β doubles (the linear predictor is β·0.5)
    const {design, success} = calls([
      [[0], 40, 30],
      [[], 60, 20],
    ])
    const scored: CallDesign = {cols: design.cols, values: design.cols.map((c) => c.map(() => 0.5))}
    const fit = adjustedEffects(designRows(scored, success), 1, 1e-9)
    expect(fit.beta[0]).toBeCloseTo(2 * Math.log(6), 6)
    expect(fit.chi[0]).toBeCloseTo(Math.log(6) ** 2 / (1 / 30 + 1 / 10 + 1 / 20 + 1 / 40), 5)
  })

  it("on hits, a script's score-test χ² is the Pearson χ² of its 2×2 table", () => {
    // n = 100, S = 50, hit calls 40 with 30 sales: g = 30 − 0.5·40 = 10, χ² = n·g² ÷ (c(1−c)·n₁·n₀) = 100·100 ÷ (0.25·40·60)
    const {design, success} = calls([
      [[0], 40, 30],
      [[], 60, 20],
    ])
    const step = new NullStepChi(design, 1, 0.5)
    step.reset()
    success.forEach((s, i) => s && step.sale(i))
    expect(step.finish()[0]).toBeCloseTo(10000 / 600, 5)
  })

  it("each script alone (the verdict's statistic): the score test of its own score, the other scripts ignored", () => {
    // script 0 scores (1, 0.5, 0.5, 0) on four calls, script 1 (0.5, 0, 0, 0); sales on the first two: c = 0.5.
    // Script 0: S = 2, Q = 1.5, sales' sum 1.5 → g = 1.5 − 0.5·2 = 0.5, Q − S²/n = 0.5, χ² = 0.25 ÷ (0.25·0.5) = 2.
    // Script 1: S = 0.5, Q = 0.25, sales' sum 0.5 → g = 0.25, Q − S²/n = 0.1875, χ² = 0.0625 ÷ (0.25·0.1875) = 4/3.
    const design: CallDesign = {cols: [[0, 1], [0], [0], []], values: [[1, 0.5], [0.5], [0.5], []]}
    const step = new NullStepChi(design, 2, 0.5)
    step.reset()
    step.sale(0)
    step.sale(1)
    const chi = step.finish()
    expect(chi[0]).toBeCloseTo(2, 10)
    expect(chi[1]).toBeCloseTo(4 / 3, 10)
  })

  it('permutation test and bootstrap: p small with an effect, large without; replicates centre on the observed χ²', () => {
    const rng = createRng(5)
    const cols = Array.from({length: 400}, () => [0, 1, 2].filter(() => rng() < 0.4))
    const effect = Uint8Array.from(cols, (c) => (rng() < (c.includes(1) ? 0.7 : 0.3) ? 1 : 0))
    const none = Uint8Array.from(cols, () => (rng() < 0.4 ? 1 : 0))
    const design: CallDesign = {cols, values: null}
    const strata = new Int32Array(400)
    expect(scriptPermutationTest(design, effect, strata, 3, 199, createRng(1)).pValue).toBe(1 / 200)
    expect(scriptPermutationTest(design, none, strata, 3, 199, createRng(1)).pValue).toBeGreaterThan(0.05)
    const observed = scriptPermutationTest(design, effect, strata, 3, 0, createRng(1)).chi[1]
    const chis: number[] = []
    bootstrapEach(design, effect, 3, 200, createRng(2), (chi) => chis.push(chi[1]))
    chis.sort((a, b) => a - b)
    expect(chis[10]).toBeLessThan(observed)
    expect(chis[189]).toBeGreaterThan(observed)
  })
})
