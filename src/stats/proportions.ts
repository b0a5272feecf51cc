/**
 * Inference on proportions and counts, shared by every report (marketing, service, telesales): one Wilson interval,
 * one Fisher test, one Benjamini–Hochberg. Pure functions. Formulas and sources: docs/metrics.md.
 */

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054

/**
 * Wilson score interval for a binomial proportion (Wilson 1927; recommended over the Wald interval by
 * Brown, Cai & DasGupta 2001 because it keeps its coverage for small n and rates near 0 or 1).
 */
export function wilsonInterval(successes: number, n: number, z = Z95): {low: number; high: number} | null {
  if (n <= 0) return null
  const p = successes / n
  const z2 = z * z
  const denom = 1 + z2 / n
  const centre = (p + z2 / (2 * n)) / denom
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom
  return {low: Math.max(0, centre - half), high: Math.min(1, centre + half)}
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2)
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp((-x * x) / 2)
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2
}

/**
 * Two-proportion z-test with the pooled variance: z = (p1 − p2) / sqrt(p̂(1−p̂)(1/n1 + 1/n2)), p̂ = (x1+x2)/(n1+n2).
 * Two-sided p-value. Null when either sample is empty or the pooled rate is 0 or 1.
 */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): {z: number; p: number} | null {
  if (n1 <= 0 || n2 <= 0) return null
  const pooled = (x1 + x2) / (n1 + n2)
  if (pooled <= 0 || pooled >= 1) return null
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  const z = (x1 / n1 - x2 / n2) / se
  return {z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z))))}
}

/** ln Γ(x), Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0. */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ]
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x)
  x -= 1
  let a = c[0]
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += c[i] / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

function logBinomPmf(k: number, n: number, p: number): number {
  if (p <= 0) return k === 0 ? 0 : -Infinity
  if (p >= 1) return k === n ? 0 : -Infinity
  return lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log(1 - p)
}

/**
 * Exact two-sided binomial test of H0: rate = p0 (the method of R's binom.test): the p-value sums the
 * probabilities of every outcome no more likely than the one observed.
 */
export function binomialTest(successes: number, n: number, p0: number): number {
  if (n <= 0) return 1
  const observed = logBinomPmf(successes, n, p0)
  const tolerance = 1 + 1e-7
  let total = 0
  for (let k = 0; k <= n; k++) {
    const lp = logBinomPmf(k, n, p0)
    if (lp <= observed + Math.log(tolerance)) total += Math.exp(lp)
  }
  return Math.min(1, total)
}

/** ln(k!) for k = 0..n. */
export function logFactorials(n: number): Float64Array {
  const out = new Float64Array(n + 1)
  for (let k = 2; k <= n; k++) out[k] = out[k - 1] + Math.log(k)
  return out
}

/**
 * Two-sided Fisher exact test of a 2×2 table [[a, b], [c, d]] (a = hit & sale, b = hit & no sale,
 * c = no hit & sale, d = no hit & no sale): sum of the probabilities of all tables with the same margins
 * that are no more likely than the observed one. `lf`: ln-factorials up to at least a+b+c+d (reused across tests).
 */
export function fisherExact(a: number, b: number, c: number, d: number, lf?: Float64Array): number {
  const n = a + b + c + d
  const table = lf && lf.length > n ? lf : logFactorials(n)
  const r1 = a + b
  const c1 = a + c
  const base = table[r1] + table[n - r1] + table[c1] + table[n - c1] - table[n]
  const logP = (x: number) => base - table[x] - table[r1 - x] - table[c1 - x] - table[n - r1 - c1 + x]
  const observed = logP(a)
  let p = 0
  for (let x = Math.max(0, r1 + c1 - n); x <= Math.min(r1, c1); x++) {
    const lp = logP(x)
    if (lp <= observed + 1e-7) p += Math.exp(lp)
  }
  return Math.min(1, p)
}
