/**
 * Script effects on a sale from each call's detection evidence (every script's score, else its hits):
 * - the verdict's statistic: each script's own score-test χ² (NullStepChi) with its permutation test and bootstrap;
 * - shown beside it, each script's effect adjusted for the other scripts said on the same calls: a logistic regression
 *   of the outcome on every tested script together, with a small ridge penalty so that a script hit on every (or no)
 *   successful call keeps a finite estimate.
 * Pure; docs/metrics.md "Adjusted effect" and "The verdict's test".
 */

export interface AdjustedEffects {
  /** Per column: the penalised log-odds ratio of a sale with the script, the other scripts held fixed. */
  beta: Float64Array
  /** Its standard error: √ of the diagonal of the inverse penalised information matrix. */
  se: Float64Array
  /** Wald χ² = (β ÷ se)² (1 degree of freedom). */
  chi: Float64Array
  intercept: number
  iterations: number
  /** The inverse penalised information matrix ((K+1)², row-major; index 0 the intercept). */
  inverse: Float64Array
}

/** The default ridge penalty λ on the script coefficients (not the intercept): a prior sd of 1/√λ ≈ 1 on the log-odds. */
export const ADJUSTED_RIDGE = 1

/** The design as flat arrays (row offsets, columns + 1, values): the per-call loops below run over typed arrays. */
function flatten(design: CallDesign): {offsets: Int32Array; index: Int32Array; value: Float64Array} {
  const n = design.cols.length
  const offsets = new Int32Array(n + 1)
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + design.cols[i].length
  const index = new Int32Array(offsets[n])
  const value = new Float64Array(offsets[n])
  for (let i = 0; i < n; i++) {
    const cols = design.cols[i]
    const x = design.values?.[i]
    for (let a = 0; a < cols.length; a++) {
      index[offsets[i] + a] = cols[a] + 1
      value[offsets[i] + a] = x ? x[a] : 1
    }
  }
  return {offsets, index, value}
}

/** The Cholesky factor L (A = L·Lᵀ) of a symmetric positive definite d×d matrix (row-major). */
function cholesky(a: Float64Array, d: number): Float64Array<ArrayBuffer> {
  const l = new Float64Array(d * d)
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * d + j]
      for (let k = 0; k < j; k++) sum -= l[i * d + k] * l[j * d + k]
      l[i * d + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * d + j]
    }
  }
  return l
}

/** x with L·Lᵀ·x = b. */
function solve(l: Float64Array, d: number, b: Float64Array): Float64Array<ArrayBuffer> {
  const y = new Float64Array(d)
  for (let i = 0; i < d; i++) {
    let sum = b[i]
    for (let k = 0; k < i; k++) sum -= l[i * d + k] * y[k]
    y[i] = sum / l[i * d + i]
  }
  const x = new Float64Array(d)
  for (let i = d - 1; i >= 0; i--) {
    let sum = y[i]
    for (let k = i + 1; k < d; k++) sum -= l[k * d + i] * x[k]
    x[i] = sum / l[i * d + i]
  }
  return x
}

/**
 * Penalised maximum likelihood by Newton's method: maximise Σ_patterns [sales·η − calls·log(1 + e^η)] − (λ/2)·Σⱼ βⱼ²,
 * η = β₀ + Σ_{j hit} βⱼ. Columns hit on no call get β = 0, se = ∞, χ² = 0 (nothing to estimate).
 */
export function adjustedEffects(
  data: {patterns: number[][]; values?: number[][]; calls: ArrayLike<number>; sales: ArrayLike<number>},
  scripts: number,
  ridge = ADJUSTED_RIDGE,
): AdjustedEffects {
  const d = scripts + 1
  const present = new Uint8Array(scripts)
  let n = 0
  let s = 0
  for (let p = 0; p < data.patterns.length; p++) {
    n += data.calls[p]
    s += data.sales[p]
    for (const j of data.patterns[p]) if (data.calls[p] > 0) present[j] = 1
  }
  const w = new Float64Array(d)
  // start at the overall log-odds (clamped so that all-sale or no-sale data stay finite)
  const rate = n > 0 ? Math.min(Math.max(s / n, 1e-6), 1 - 1e-6) : 0.5
  w[0] = Math.log(rate / (1 - rate))
  const h = new Float64Array(d * d)
  const g = new Float64Array(d)
  let l: Float64Array<ArrayBuffer>
  let iterations = 0
  const fill = () => {
    h.fill(0)
    g.fill(0)
    for (let p = 0; p < data.patterns.length; p++) {
      const c = data.calls[p]
      if (c === 0) continue
      const cols = data.patterns[p]
      const x = data.values?.[p]
      let eta = w[0]
      for (let a = 0; a < cols.length; a++) eta += w[cols[a] + 1] * (x ? x[a] : 1)
      const prob = 1 / (1 + Math.exp(-eta))
      const r = data.sales[p] - c * prob
      const v = c * prob * (1 - prob)
      g[0] += r
      h[0] += v
      for (let a = 0; a < cols.length; a++) {
        const j = cols[a] + 1
        const xa = x ? x[a] : 1
        g[j] += r * xa
        h[j] += v * xa
        h[j * d] += v * xa
        for (let b = 0; b < cols.length; b++) h[j * d + cols[b] + 1] += v * xa * (x ? x[b] : 1)
      }
    }
    for (let j = 1; j < d; j++) {
      g[j] -= ridge * w[j]
      h[j * d + j] += present[j - 1] ? ridge : 1
    }
  }
  for (; iterations < 50; iterations++) {
    fill()
    l = cholesky(h, d)
    const step = solve(l, d, g)
    let largest = 0
    for (let j = 0; j < d; j++) {
      w[j] += step[j]
      largest = Math.max(largest, Math.abs(step[j]))
    }
    if (largest < 1e-9) break
  }
  fill()
  l = cholesky(h, d)
  const beta = new Float64Array(scripts)
  const se = new Float64Array(scripts)
  const chi = new Float64Array(scripts)
  const inverse = new Float64Array(d * d)
  const unit = new Float64Array(d)
  for (let j = 0; j < d; j++) {
    unit.fill(0)
    unit[j] = 1
    inverse.set(solve(l, d, unit), j * d)
  }
  for (let j = 0; j < scripts; j++) {
    if (!present[j]) {
      se[j] = Infinity
      continue
    }
    const variance = inverse[(j + 1) * d + j + 1]
    beta[j] = w[j + 1]
    se[j] = Math.sqrt(variance)
    chi[j] = (beta[j] * beta[j]) / variance
  }
  return {beta, se, chi, intercept: w[0], iterations, inverse}
}

/**
 * What the regression reads for each call: the columns of the scripts it has evidence for and, when the detector's
 * scores are known, each one's score (0..1, the matcher's scale, docs/telesales.md); without scores, 1 for a hit.
 */
export interface CallDesign {
  cols: number[][]
  values: number[][] | null
}

/** The fit's input: calls sharing a hit pattern aggregated (hits), or one row per call (scores). */
export function designRows(
  design: CallDesign,
  success: ArrayLike<number>,
): {patterns: number[][]; values?: number[][]; calls: Float64Array; sales: Float64Array} {
  if (design.values) {
    return {
      patterns: design.cols,
      values: design.values,
      calls: new Float64Array(design.cols.length).fill(1),
      sales: Float64Array.from(success),
    }
  }
  const index = new Map<string, number>()
  const patterns: number[][] = []
  const calls: number[] = []
  const sales: number[] = []
  design.cols.forEach((cols, i) => {
    const key = cols.join(',')
    let p = index.get(key)
    if (p === undefined) {
      p = patterns.length
      index.set(key, p)
      patterns.push(cols)
      calls.push(0)
      sales.push(0)
    }
    calls[p]++
    sales[p] += success[i]
  })
  return {patterns, calls: Float64Array.from(calls), sales: Float64Array.from(sales)}
}

/**
 * Each script's own score-test χ² ("does this script's evidence separate sales from non-sales?", one Newton step from
 * "no script matters" with the script's own intercept, the other scripts ignored): with c the observed conversion,
 * Sⱼ = Σᵢ xᵢⱼ and Qⱼ = Σᵢ xᵢⱼ² over all calls (computed once) and per simulation gⱼ = Σ_{sales} xᵢⱼ − (S/n)·Sⱼ,
 * χ²ⱼ = gⱼ² ÷ (c(1−c)·(Qⱼ − Sⱼ²/n)) (0 when the script's evidence does not vary). On hits it is the Pearson χ² of the
 * script's 2×2 table. One pass over the sales per simulation.
 */
export class NullStepChi {
  /** Per column + 1: 1 ÷ (c(1−c)·(Qⱼ − Sⱼ²/n)), 0 when the evidence does not vary. */
  private readonly inverse: Float64Array
  private readonly column: Float64Array
  private readonly d: number
  readonly chi: Float64Array
  readonly sums: Float64Array
  private readonly flat: ReturnType<typeof flatten>

  constructor(design: CallDesign, scripts: number, conversion: number) {
    this.d = scripts + 1
    this.flat = flatten(design)
    const n = design.cols.length
    // under "no script matters" every call weighs c(1−c)
    const v = Math.max(conversion * (1 - conversion), 1e-9)
    this.column = new Float64Array(this.d)
    const squares = new Float64Array(this.d)
    const {offsets, index, value} = this.flat
    for (let h = 0; h < offsets[n]; h++) {
      this.column[index[h]] += value[h]
      squares[index[h]] += value[h] * value[h]
    }
    this.column[0] = n
    this.inverse = new Float64Array(this.d)
    for (let j = 1; j < this.d; j++) {
      const spread = squares[j] - (this.column[j] * this.column[j]) / Math.max(1, n)
      this.inverse[j] = this.column[j] > 0 && spread > 1e-12 * n ? 1 / (v * spread) : 0
    }
    this.chi = new Float64Array(scripts)
    this.sums = new Float64Array(this.d)
  }

  /** Start a simulation. */
  reset(): void {
    this.sums.fill(0)
  }

  /** Call i made a sale in this simulation. */
  sale(i: number): void {
    const {offsets, index, value} = this.flat
    const sums = this.sums
    sums[0]++
    for (let h = offsets[i]; h < offsets[i + 1]; h++) sums[index[h]] += value[h]
  }

  /** The simulation's χ² per column. */
  finish(): Float64Array {
    const rate = this.sums[0] / this.column[0]
    for (let j = 0; j < this.d - 1; j++) {
      const g = this.sums[j + 1] - rate * this.column[j + 1]
      this.chi[j] = g * g * this.inverse[j + 1]
    }
    return this.chi
  }
}

/**
 * The verdict's test: T = the largest per-script score-test χ² (NullStepChi) over the scripts; its null distribution by
 * permuting the outcomes within strata (the number of sales of each stratum kept), p = (1 + #{T_b ≥ T}) ÷ (1 + B).
 * nullMax ascending.
 */
export function scriptPermutationTest(
  design: CallDesign,
  success: ArrayLike<number>,
  strata: ArrayLike<number>,
  scripts: number,
  permutations: number,
  rng: () => number,
): {maxChi: number; chi: Float64Array; pValue: number; nullMax: Float64Array; statistic: NullStepChi} {
  const n = success.length
  let sales = 0
  for (let i = 0; i < n; i++) sales += success[i]
  const statistic = new NullStepChi(design, scripts, n > 0 ? sales / n : 0)
  const max = (chi: Float64Array) => chi.reduce((a, b) => Math.max(a, b), 0)
  statistic.reset()
  for (let i = 0; i < n; i++) if (success[i]) statistic.sale(i)
  const chi = Float64Array.from(statistic.finish())
  const maxChi = max(chi)
  const byStratum = new Map<number, {rows: number[]; successes: number}>()
  for (let i = 0; i < n; i++) {
    let entry = byStratum.get(strata[i])
    if (!entry) byStratum.set(strata[i], (entry = {rows: [], successes: 0}))
    entry.rows.push(i)
    if (success[i]) entry.successes++
  }
  const groups = [...byStratum.values()].map((e) => ({rows: Int32Array.from(e.rows), successes: e.successes}))
  const nullMax = new Float64Array(permutations)
  let atLeast = 0
  for (let b = 0; b < permutations; b++) {
    statistic.reset()
    for (const {rows, successes} of groups) {
      for (let k = 0; k < successes; k++) {
        const r = k + Math.floor(rng() * (rows.length - k))
        const i = rows[r]
        rows[r] = rows[k]
        rows[k] = i
        statistic.sale(i)
      }
    }
    nullMax[b] = max(statistic.finish())
    if (nullMax[b] >= maxChi - 1e-9) atLeast++
  }
  return {maxChi, chi, pValue: (1 + atLeast) / (1 + permutations), nullMax: nullMax.sort(), statistic}
}

/**
 * Bootstrap replicates of each script's own score-test χ² (NullStepChi): calls resampled with replacement within the
 * successful and the unsuccessful ones (sizes kept); per resample, with c = S/n the conversion, soldⱼ and restⱼ the
 * drawn sales' and other calls' sums of xᵢⱼ: uⱼ = soldⱼ − c·(soldⱼ + restⱼ), χ²ⱼ = uⱼ² ÷ (c(1−c)·(Qⱼ − Sⱼ²/n)) with the
 * denominator from all calls (one addition per drawn call and script). Calls `each` with every replicate's χ² (reused
 * array).
 */
export function bootstrapEach(
  design: CallDesign,
  success: ArrayLike<number>,
  scripts: number,
  resamples: number,
  rng: () => number,
  each: (chi: Float64Array) => void,
): void {
  const n = design.cols.length
  const {offsets, index, value} = flatten(design)
  const succ: number[] = []
  const fail: number[] = []
  for (let i = 0; i < n; i++) (success[i] ? succ : fail).push(i)
  const c = n > 0 ? succ.length / n : 0
  const inverse = new Float64Array(scripts + 1)
  const sum = new Float64Array(scripts + 1)
  for (let h = 0; h < offsets[n]; h++) {
    sum[index[h]] += value[h]
    inverse[index[h]] += value[h] * value[h]
  }
  for (let j = 1; j <= scripts; j++) {
    const spread = inverse[j] - (sum[j] * sum[j]) / Math.max(1, n)
    inverse[j] = c > 0 && c < 1 && spread > 1e-12 * n ? 1 / (c * (1 - c) * spread) : 0
  }
  const sold = new Float64Array(scripts + 1)
  const rest = new Float64Array(scripts + 1)
  const chi = new Float64Array(scripts)
  const draw = (group: number[], target: Float64Array) => {
    for (let r = 0; r < group.length; r++) {
      const i = group[Math.floor(rng() * group.length)]
      for (let h = offsets[i]; h < offsets[i + 1]; h++) target[index[h]] += value[h]
    }
  }
  for (let b = 0; b < resamples; b++) {
    sold.fill(0)
    rest.fill(0)
    draw(succ, sold)
    draw(fail, rest)
    for (let j = 0; j < scripts; j++) {
      const u = sold[j + 1] - c * (sold[j + 1] + rest[j + 1])
      chi[j] = u * u * inverse[j + 1]
    }
    each(chi)
  }
}
