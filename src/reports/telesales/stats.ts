/**
 * Statistics of script hits vs sales (hit matrices, JSD/G permutation test, concentration, verdict). Pure functions;
 * formulas in docs/metrics.md "Telesales scripts". The generic tests (Fisher, Benjamini–Hochberg, Holm) are in src/stats.
 */
import {fisherExact, Z95} from '../../stats/proportions.js'
import {createRng, type Rng} from '../../stats/random.js'

export interface TwoByTwo {
  /** hit & sale */
  a: number
  /** hit & no sale */
  b: number
  /** no hit & sale */
  c: number
  /** no hit & no sale */
  d: number
}

export interface EffectStats {
  calls: number
  hits: number
  hitRate: number
  convHit: number | null
  convMiss: number | null
  lift: number | null
  liftLow: number | null
  liftHigh: number | null
  /** ln odds ratio with the Haldane–Anscombe +0.5 correction, and its 95% Wald interval. */
  logOdds: number
  logOddsLow: number
  logOddsHigh: number
  pValue: number
}

export function effectStats(t: TwoByTwo, lf?: Float64Array): EffectStats {
  const hits = t.a + t.b
  const misses = t.c + t.d
  const calls = hits + misses
  const convHit = hits > 0 ? t.a / hits : null
  const convMiss = misses > 0 ? t.c / misses : null
  const lift = convHit !== null && convMiss !== null && convMiss > 0 ? convHit / convMiss : null
  let liftLow: number | null = null
  let liftHigh: number | null = null
  if (lift !== null && t.a > 0 && t.c > 0) {
    // Katz log relative-risk interval.
    const se = Math.sqrt(1 / t.a - 1 / hits + 1 / t.c - 1 / misses)
    liftLow = Math.exp(Math.log(lift) - Z95 * se)
    liftHigh = Math.exp(Math.log(lift) + Z95 * se)
  }
  const logOdds = Math.log(((t.a + 0.5) * (t.d + 0.5)) / ((t.b + 0.5) * (t.c + 0.5)))
  const se = Math.sqrt(1 / (t.a + 0.5) + 1 / (t.b + 0.5) + 1 / (t.c + 0.5) + 1 / (t.d + 0.5))
  return {
    calls,
    hits,
    hitRate: calls > 0 ? hits / calls : 0,
    convHit,
    convMiss,
    lift,
    liftLow,
    liftHigh,
    logOdds,
    logOddsLow: logOdds - Z95 * se,
    logOddsHigh: logOdds + Z95 * se,
    pValue: fisherExact(t.a, t.b, t.c, t.d, lf),
  }
}

/** The calls under analysis, compactly: per call a success flag, a stratum and its distinct scripts. */
export interface HitMatrix {
  /** Number of scripts (columns). */
  scripts: number
  success: Uint8Array
  /** Stratum index per call (all 0 when not stratified). */
  strata: Int32Array
  /** CSR layout: scripts of call i are idx[offsets[i] .. offsets[i+1]). */
  offsets: Int32Array
  idx: Int32Array
}

export function buildHitMatrix(calls: Array<{success: boolean; scripts: number[]; stratum?: string}>, scripts: number): HitMatrix {
  const offsets = new Int32Array(calls.length + 1)
  const success = new Uint8Array(calls.length)
  const strata = new Int32Array(calls.length)
  const strataIds = new Map<string, number>()
  let total = 0
  calls.forEach((c, i) => {
    total += new Set(c.scripts).size
    offsets[i + 1] = total
    success[i] = c.success ? 1 : 0
    const key = c.stratum ?? ''
    if (!strataIds.has(key)) strataIds.set(key, strataIds.size)
    strata[i] = strataIds.get(key)!
  })
  const idx = new Int32Array(total)
  calls.forEach((c, i) => idx.set([...new Set(c.scripts)], offsets[i]))
  return {scripts, success, strata, offsets, idx}
}

/** Per-script counts of calls that hit it, among successful (s) and unsuccessful (u) calls. */
export function groupCounts(m: HitMatrix, labels: Uint8Array = m.success, rows?: Int32Array): {s: Float64Array; u: Float64Array} {
  const s = new Float64Array(m.scripts)
  const u = new Float64Array(m.scripts)
  const n = rows ? rows.length : labels.length
  for (let r = 0; r < n; r++) {
    const i = rows ? rows[r] : r
    const target = labels[i] ? s : u
    for (let k = m.offsets[i]; k < m.offsets[i + 1]; k++) target[m.idx[k]]++
  }
  return {s, u}
}

/**
 * Jensen–Shannon divergence (bits) between the hit distributions P (successful calls) and Q (the rest),
 * and each script's non-negative share of it: ½p·log2(p/m) + ½q·log2(q/m), m = (p+q)/2.
 */
export function jensenShannon(s: ArrayLike<number>, u: ArrayLike<number>): {jsd: number; contributions: Float64Array} {
  let ts = 0
  let tu = 0
  for (let j = 0; j < s.length; j++) {
    ts += s[j]
    tu += u[j]
  }
  const contributions = new Float64Array(s.length)
  if (ts === 0 || tu === 0) return {jsd: 0, contributions}
  let jsd = 0
  for (let j = 0; j < s.length; j++) {
    const p = s[j] / ts
    const q = u[j] / tu
    const mid = (p + q) / 2
    let c = 0
    if (p > 0) c += 0.5 * p * Math.log2(p / mid)
    if (q > 0) c += 0.5 * q * Math.log2(q / mid)
    contributions[j] = c
    jsd += c
  }
  return {jsd, contributions}
}

/**
 * G statistic of the 2×J table of hit counts (successful vs unsuccessful calls × scripts), and each script's
 * non-negative part of it: 2·Σ_group O·ln(O/E) over its column (= 2·nⱼ·KL(its sale split ‖ the overall split)).
 */
export function gStatistic(s: ArrayLike<number>, u: ArrayLike<number>): {g: number; df: number; gContributions: Float64Array} {
  let ts = 0
  let tu = 0
  let used = 0
  for (let j = 0; j < s.length; j++) {
    ts += s[j]
    tu += u[j]
    if (s[j] + u[j] > 0) used++
  }
  const n = ts + tu
  const gContributions = new Float64Array(s.length)
  if (ts === 0 || tu === 0) return {g: 0, df: 0, gContributions}
  let g = 0
  for (let j = 0; j < s.length; j++) {
    const col = s[j] + u[j]
    if (col === 0) continue
    const es = (ts * col) / n
    const eu = (tu * col) / n
    let c = 0
    if (s[j] > 0) c += s[j] * Math.log(s[j] / es)
    if (u[j] > 0) c += u[j] * Math.log(u[j] / eu)
    gContributions[j] = Math.max(0, 2 * c)
    g += c
  }
  return {g: 2 * g, df: Math.max(0, used - 1), gContributions}
}

/**
 * Per-script Pearson χ² of the 2×2 table calls × (hit, sale): a = sⱼ, b = nⱼ − sⱼ, c = S − sⱼ, d = N − nⱼ − S + sⱼ,
 * χ² = N(ad − bc)² / ((a+b)(c+d)(a+c)(b+d)); 0 when a margin is empty. sⱼ = successful calls that hit script j,
 * nⱼ = calls that hit it, S = successful calls, N = calls.
 */
export function scriptChiSquares(s: ArrayLike<number>, n: ArrayLike<number>, S: number, N: number, out?: Float64Array): Float64Array {
  const chi = out ?? new Float64Array(s.length)
  for (let j = 0; j < s.length; j++) {
    const a = s[j]
    const b = n[j] - a
    const c = S - a
    const d = N - n[j] - c
    const den = (a + b) * (c + d) * (a + c) * (b + d)
    chi[j] = den > 0 ? (N * (a * d - b * c) ** 2) / den : 0
  }
  return chi
}

/** What each script carries beyond chance: max(0, χ²ⱼ − 1) (a χ² with 1 df has mean 1 under no effect). */
export function chiExcess(chi: ArrayLike<number>): Float64Array {
  return Float64Array.from(chi as ArrayLike<number>, (x) => Math.max(0, x - 1))
}

export interface GlobalTest {
  jsd: number
  g: number
  df: number
  permutations: number
  /** (1 + #{permuted JSD ≥ observed}) / (1 + permutations) */
  pValue: number
  pValueG: number
  stratified: boolean
  strata: number
  /** Per-script parts of the JSD and of G. */
  contributions: Float64Array
  gContributions: Float64Array
  /** Per-script χ² of the 2×2 hit × sale tables, their maximum and its permutation p (the verdict's test). */
  chi: Float64Array
  maxChi: number
  pValueMax: number
  /** The permuted maxima (ascending): the null distribution the power simulation compares with. */
  nullMax: Float64Array
}

function subset(v: Float64Array, cols: number[] | undefined): Float64Array {
  return cols ? Float64Array.from(cols, (j) => v[j]) : v
}

/**
 * Does success depend on which scripts are said? Permutes the success labels between calls (each call's
 * hits stay together), within strata (agent or campaign) when given, and compares JSD and G with the observed.
 * `groups` (column subsets, e.g. the scripts of one stage) are tested on the same permutations.
 * Each permutation draws the successful calls of every stratum as a partial Fisher–Yates shuffle.
 */
export function permutationTest(m: HitMatrix, options: {permutations: number; rng: Rng}): GlobalTest
export function permutationTest(
  m: HitMatrix,
  options: {permutations: number; rng: Rng; groups: number[][]},
): GlobalTest & {groups: GlobalTest[]}
export function permutationTest(
  m: HitMatrix,
  options: {permutations: number; rng: Rng; groups?: number[][]},
): GlobalTest & {groups?: GlobalTest[]} {
  const observed = groupCounts(m)
  const total = new Float64Array(m.scripts)
  for (let j = 0; j < m.scripts; j++) total[j] = observed.s[j] + observed.u[j]
  const N = m.success.length
  let S = 0
  for (let i = 0; i < N; i++) S += m.success[i]
  const chiObserved = scriptChiSquares(observed.s, total, S, N)
  const maxOf = (chi: Float64Array, cols: number[] | undefined) => {
    let best = 0
    if (cols) for (const j of cols) best = Math.max(best, chi[j])
    else for (let j = 0; j < chi.length; j++) best = Math.max(best, chi[j])
    return best
  }
  const targets: Array<number[] | undefined> = [undefined, ...(options.groups ?? [])]
  const obs = targets.map((cols) => {
    const s = subset(observed.s, cols)
    const u = subset(observed.u, cols)
    return {
      ...jensenShannon(s, u),
      ...gStatistic(s, u),
      chi: subset(chiObserved, cols),
      maxChi: maxOf(chiObserved, cols),
      geJsd: 0,
      geG: 0,
      geMax: 0,
      nullMax: new Float64Array(options.permutations),
    }
  })
  const chi = new Float64Array(m.scripts)
  const byStratum = new Map<number, {rows: number[]; successes: number}>()
  m.strata.forEach((st, i) => {
    let entry = byStratum.get(st)
    if (!entry) byStratum.set(st, (entry = {rows: [], successes: 0}))
    entry.rows.push(i)
    if (m.success[i]) entry.successes++
  })
  const strata = [...byStratum.values()].map((e) => ({rows: Int32Array.from(e.rows), successes: e.successes}))
  const s = new Float64Array(m.scripts)
  const u = new Float64Array(m.scripts)
  for (let b = 0; b < options.permutations; b++) {
    s.fill(0)
    for (const {rows, successes} of strata) {
      const n = rows.length
      for (let k = 0; k < successes; k++) {
        const r = k + Math.floor(options.rng() * (n - k))
        const i = rows[r]
        rows[r] = rows[k]
        rows[k] = i
        for (let h = m.offsets[i]; h < m.offsets[i + 1]; h++) s[m.idx[h]]++
      }
    }
    for (let j = 0; j < m.scripts; j++) u[j] = total[j] - s[j]
    scriptChiSquares(s, total, S, N, chi)
    targets.forEach((cols, t) => {
      const ps = subset(s, cols)
      const pu = subset(u, cols)
      if (jensenShannon(ps, pu).jsd >= obs[t].jsd - 1e-12) obs[t].geJsd++
      if (gStatistic(ps, pu).g >= obs[t].g - 1e-9) obs[t].geG++
      const max = maxOf(chi, cols)
      obs[t].nullMax[b] = max
      if (max >= obs[t].maxChi - 1e-9) obs[t].geMax++
    })
  }
  const results = obs.map((o) => ({
    jsd: o.jsd,
    g: o.g,
    df: o.df,
    permutations: options.permutations,
    pValue: (1 + o.geJsd) / (1 + options.permutations),
    pValueG: (1 + o.geG) / (1 + options.permutations),
    stratified: strata.length > 1,
    strata: strata.length,
    contributions: o.contributions,
    gContributions: o.gContributions,
    chi: o.chi,
    maxChi: o.maxChi,
    pValueMax: (1 + o.geMax) / (1 + options.permutations),
    nullMax: o.nullMax.sort(),
  }))
  return options.groups ? {...results[0], groups: results.slice(1)} : results[0]
}

export interface ConcentrationStats {
  k: number
  /** Share of the contributions (per-script χ² beyond chance, in the verdict) carried by the k largest. */
  topKShare: number
  /** 1 − H(shares)/ln(J): 0 = spread evenly over the J scripts, 1 = all on one. */
  concentrationIndex: number
  /** Herfindahl–Hirschman index Σ share². */
  hhi: number
  /** Script indices, largest contribution first. */
  ranking: number[]
  shares: number[]
}

export function concentration(contributions: ArrayLike<number>, k: number, scripts = contributions.length): ConcentrationStats {
  let total = 0
  for (let j = 0; j < contributions.length; j++) total += contributions[j]
  const ranking = Array.from({length: contributions.length}, (_, j) => j).sort((x, y) => contributions[y] - contributions[x] || x - y)
  const shares = ranking.map((j) => (total > 0 ? contributions[j] / total : 0))
  let entropy = 0
  let hhi = 0
  for (const s of shares) {
    if (s > 0) entropy -= s * Math.log(s)
    hhi += s * s
  }
  const topKShare = shares.slice(0, k).reduce((a, b) => a + b, 0)
  return {
    k,
    topKShare,
    concentrationIndex: total > 0 && scripts > 1 ? 1 - entropy / Math.log(scripts) : 0,
    hhi,
    ranking,
    shares,
  }
}

export interface Interval {
  low: number
  high: number
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

/** The 2.5% and 97.5% percentiles of bootstrap replicates (NaN when there are none). */
export function percentileInterval(xs: number[]): Interval {
  const sorted = [...xs].sort((x, y) => x - y)
  return {low: percentile(sorted, 0.025), high: percentile(sorted, 0.975)}
}

export type Verdict = 'concentrated' | 'dispersed' | 'no evidence either way'

export interface VerdictOptions {
  alpha: number
  /** Top-k share at or above which a significant effect counts as concentrated. */
  concentratedShare: number
  /** Fewest successful and unsuccessful calls (each) for any verdict but "no evidence either way". */
  minGroup: number
  /** Power (to see one script's effect of the stated size, on the least powered script) needed before "no difference" may read as dispersed. */
  minPower: number
}

export const DEFAULT_VERDICT: VerdictOptions = {alpha: 0.05, concentratedShare: 0.5, minGroup: 20, minPower: 0.8}

export interface VerdictInput {
  successCalls: number
  failCalls: number
  pValue: number
  topKShare: number
  /** Bootstrap interval of the top-k share (NaN bounds when not bootstrapped). */
  topKShareInterval: Interval
  k: number
  /** Power to see concentration at the stated effect (null: not computed), and the effect's description. */
  power: number | null
  effect: string
}

const pct0 = (x: number) => `${(x * 100).toFixed(0)}%`

/**
 * The verdict says only what the data can carry: `concentrated` when the scripts said separate sales from non-sales
 * and the top k carry most of the difference; `dispersed` when they separate them but the top k's share is below
 * the line even at its upper bootstrap bound, or when they do not separate them although the data had the power to
 * see one script's effect of the stated size; otherwise `no evidence either way`, with the reason.
 */
export function decideVerdict(input: VerdictInput, o: VerdictOptions = DEFAULT_VERDICT): {verdict: Verdict; reason: string} {
  if (input.successCalls < o.minGroup || input.failCalls < o.minGroup) {
    return {
      verdict: 'no evidence either way',
      reason: `too few calls to judge: need at least ${o.minGroup} successful and ${o.minGroup} unsuccessful calls with transcripts (have ${input.successCalls} and ${input.failCalls})`,
    }
  }
  const share = `the top ${input.k} carry ${pct0(input.topKShare)} of the difference`
  if (input.pValue < o.alpha) {
    if (input.topKShare >= o.concentratedShare) {
      return {verdict: 'concentrated', reason: `scripts matter (p = ${input.pValue.toFixed(3)}) and ${share} (≥ ${pct0(o.concentratedShare)})`}
    }
    const high = input.topKShareInterval.high
    if (Number.isFinite(high) && high < o.concentratedShare) {
      return {
        verdict: 'dispersed',
        reason: `scripts matter (p = ${input.pValue.toFixed(3)}) but ${share}, at most ${pct0(high)} by the bootstrap (< ${pct0(o.concentratedShare)}): the effect is spread over many scripts`,
      }
    }
    return {
      verdict: 'no evidence either way',
      reason: `scripts matter (p = ${input.pValue.toFixed(3)}) and ${share}, but its bootstrap interval reaches ${Number.isFinite(high) ? pct0(high) : 'an unknown bound'} (≥ ${pct0(o.concentratedShare)}): a few scripts may or may not carry it`,
    }
  }
  if (input.power === null) {
    return {
      verdict: 'no evidence either way',
      reason: `no difference found (p = ${input.pValue.toFixed(3)} ≥ ${o.alpha}) and the power to find one was not computed: absence of evidence is not evidence of dispersion`,
    }
  }
  if (input.power >= o.minPower) {
    return {
      verdict: 'dispersed',
      reason: `no difference found (p = ${input.pValue.toFixed(3)} ≥ ${o.alpha}) although these calls had power of at least ${input.power.toFixed(2)} (≥ ${o.minPower}) to find ${input.effect} on any testable script: success does not concentrate on a few scripts, calls mostly notify`,
    }
  }
  return {
    verdict: 'no evidence either way',
    reason: `no difference found (p = ${input.pValue.toFixed(3)} ≥ ${o.alpha}), but on some script these calls had power only ${input.power.toFixed(2)} (< ${o.minPower}) to find ${input.effect}: more calls (or better detection) are needed to tell concentrated from dispersed`,
  }
}

/** Distribution of "calls needed before the first sale" per customer: median and mean from a histogram. */
export function callsToCloseSummary(histogram: Array<{calls: number; customers: number}>): {
  customers: number
  median: number | null
  mean: number | null
  distribution: Array<{calls: number; customers: number; share: number}>
} {
  const sorted = [...histogram].sort((a, b) => a.calls - b.calls)
  const customers = sorted.reduce((n, h) => n + h.customers, 0)
  if (customers === 0) return {customers, median: null, mean: null, distribution: []}
  const valueAt = (rank: number) => {
    let seen = 0
    for (const h of sorted) {
      seen += h.customers
      if (rank < seen) return h.calls
    }
    return sorted.at(-1)!.calls
  }
  const median = customers % 2 === 1 ? valueAt((customers - 1) / 2) : (valueAt(customers / 2 - 1) + valueAt(customers / 2)) / 2
  const mean = sorted.reduce((n, h) => n + h.calls * h.customers, 0) / customers
  return {customers, median, mean, distribution: sorted.map((h) => ({...h, share: h.customers / customers}))}
}

export {createRng}
