/**
 * Could these calls have shown concentration if it were there? The power of the verdict's test, by simulation on the
 * observed hits: one script at a time is given a stated effect (its calls' odds of a sale × the odds ratio, the overall
 * conversion kept), outcomes are drawn, and the verdict's rule (the largest per-script χ²'s permutation p < α against
 * the observed permutation null, top-k share of the χ² beyond chance ≥ the line) is applied. Pure; docs/metrics.md "Verdict".
 */
import type {Rng} from '../../stats/random.js'
import {chiExcess, concentration, scriptChiSquares, type HitMatrix} from './stats.js'

export interface PowerOptions {
  /** The stated effect: odds of a sale on calls that hit the script ÷ odds on calls that do not. */
  oddsRatio: number
  /** Simulated outcome sets per script. */
  simulations: number
  alpha: number
  topK: number
  concentratedShare: number
  /** Scripts hit on more than this share of calls (or on none) cannot show an effect: untestable, left out. */
  maxHitRate: number
  /**
   * Per column, the detector's held-out call-level precision and recall (model evaluation): the stated effect is then
   * on what was really said, seen through the detector's errors. Without it, the hits are taken as the truth.
   */
  quality?: Array<{precision: number; recall: number} | null>
  rng: Rng
}

export interface ScriptPower {
  /** Column of the hit matrix. */
  column: number
  hitRate: number
  /** Sale probability on calls without / with the script under the stated effect. */
  p0: number
  p1: number
  power: number
}

export interface PowerResult {
  oddsRatio: number
  simulations: number
  /** Mean over the testable scripts (the effect on a script drawn at random); null when none is testable. */
  power: number | null
  min: number | null
  max: number | null
  perScript: ScriptPower[]
}

/**
 * p0 and p1 with p1/(1−p1) = OR·p0/(1−p0) and h·p1 + (1−h)·p0 = c: the effect of one script with hit rate h,
 * keeping the overall conversion c. Bisection on p0 (the left side grows with p0).
 */
export function effectRates(hitRate: number, conversion: number, oddsRatio: number): {p0: number; p1: number} {
  const p1Of = (p0: number) => (oddsRatio * p0) / (1 - p0 + oddsRatio * p0)
  let lo = 0
  let hi = conversion
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2
    if (hitRate * p1Of(mid) + (1 - hitRate) * mid < conversion) lo = mid
    else hi = mid
  }
  const p0 = (lo + hi) / 2
  return {p0, p1: p1Of(p0)}
}

/**
 * What was really said behind a hit rate h, given the detector's precision P and recall R: the script's true rate
 * g = P·h/R (capped at 1), said on a hit call with probability P, on a call without a hit with (g − P·h)/(1 − h)
 * = g·(1 − R)/(1 − h). Without quality figures the hits are the truth (1 and 0). h = 0.25, P = 0.8, R = 0.5 →
 * g = 0.4, 0.8 and 0.2667.
 */
export function trueRates(h: number, q: {precision: number; recall: number} | null): {rate: number; saidIfHit: number; saidIfNot: number} {
  if (!q || q.recall <= 0 || h >= 1) return {rate: h, saidIfHit: 1, saidIfNot: 0}
  const rate = Math.min(1, (q.precision * h) / q.recall)
  const saidIfNot = h < 1 ? Math.min(1, Math.max(0, (rate - q.precision * h) / (1 - h))) : 0
  return {rate, saidIfHit: q.precision, saidIfNot}
}

/** Number of values in an ascending array at or above x (the permutation p's count). */
function countAtLeast(sorted: Float64Array, x: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid] < x) lo = mid + 1
    else hi = mid
  }
  return sorted.length - lo
}

/**
 * Power to reach `concentrated` when one script carries the stated effect, per testable script and averaged.
 * `nullMax` is the test's permutation distribution of the largest χ² (ascending) on the observed calls; simulated outcomes are
 * independent draws (their number of sales varies around the observed: an approximation the docs state).
 */
export function concentrationPower(m: HitMatrix, nullMax: Float64Array, options: PowerOptions): PowerResult {
  const n = m.success.length
  const J = m.scripts
  const empty = {oddsRatio: options.oddsRatio, simulations: options.simulations, power: null, min: null, max: null, perScript: []}
  if (n === 0 || nullMax.length === 0 || options.simulations <= 0) return empty
  let sales = 0
  for (let i = 0; i < n; i++) sales += m.success[i]
  const conversion = sales / n
  const total = new Float64Array(J)
  for (let k = 0; k < m.idx.length; k++) total[m.idx[k]]++
  const B = nullMax.length
  const s = new Float64Array(J)
  const chi = new Float64Array(J)
  const prob = new Float64Array(n)
  const perScript: ScriptPower[] = []
  for (let j = 0; j < J; j++) {
    const hitRate = total[j] / n
    if (total[j] === 0 || hitRate >= options.maxHitRate) continue
    const {rate, saidIfHit, saidIfNot} = trueRates(hitRate, options.quality?.[j] ?? null)
    // said on (nearly) every call once detection misses are counted: as untestable as a script hit on every call
    if (rate >= options.maxHitRate) continue
    const {p0, p1} = effectRates(rate, conversion, options.oddsRatio)
    for (let i = 0; i < n; i++) {
      let hit = false
      for (let k = m.offsets[i]; k < m.offsets[i + 1]; k++) if (m.idx[k] === j) hit = true
      prob[i] = hit ? saidIfHit : saidIfNot
    }
    let concentrated = 0
    for (let r = 0; r < options.simulations; r++) {
      s.fill(0)
      let S = 0
      for (let i = 0; i < n; i++) {
        // Said or not (through the detector's errors), then the sale with the stated effect on what was said.
        const said = options.rng() < prob[i]
        if (options.rng() >= (said ? p1 : p0)) continue
        S++
        for (let k = m.offsets[i]; k < m.offsets[i + 1]; k++) s[m.idx[k]]++
      }
      scriptChiSquares(s, total, S, n, chi)
      let max = 0
      for (let c = 0; c < J; c++) max = Math.max(max, chi[c])
      const p = (1 + countAtLeast(nullMax, max - 1e-9)) / (1 + B)
      if (p < options.alpha && concentration(chiExcess(chi), options.topK, J).topKShare >= options.concentratedShare) concentrated++
    }
    perScript.push({column: j, hitRate, p0, p1, power: concentrated / options.simulations})
  }
  if (perScript.length === 0) return empty
  const powers = perScript.map((p) => p.power)
  return {
    oddsRatio: options.oddsRatio,
    simulations: options.simulations,
    power: powers.reduce((a, b) => a + b, 0) / powers.length,
    min: Math.min(...powers),
    max: Math.max(...powers),
    perScript,
  }
}
