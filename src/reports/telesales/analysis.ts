import type {Library, LibraryScript} from '../../telesales/library.js'
import {createRng} from '../../stats/random.js'
import {benjaminiHochberg, holm} from '../../stats/adjust.js'
import {logFactorials} from '../../stats/proportions.js'
import {
  buildHitMatrix,
  percentileInterval,
  concentration,
  decideVerdict,
  DEFAULT_VERDICT,
  chiExcess,
  effectStats,
  permutationTest,
  type EffectStats,
  type Interval,
  type Verdict,
} from './stats.js'
import {concentrationPower, type PowerResult} from './power.js'
import {adjustedEffects, scriptPermutationTest, bootstrapEach, designRows, type CallDesign} from './adjusted.js'

/** One analysed call: its outcome, who/where, the scripts it hit and the stages it reached. */
export interface AnalysisCall {
  callId: string
  agentId: string | null
  campaign: string | null
  success: boolean
  scripts: string[]
  stages: string[]
  /**
   * The detector's best score per script on this call (0..1, the matcher's scale; call_script_scores), hits and
   * misses alike. When every call has them, the verdict's test and the adjusted effects read these instead of the hits.
   */
  scores?: ReadonlyMap<string, number>
}

export interface AnalysisOptions {
  seed: number
  permutations: number
  bootstrap: number
  topK: number
  stratify?: 'agent' | 'campaign'
  alpha: number
  concentratedShare: number
  minGroup: number
  minPower: number
  /** The effect the power is computed for: one script's odds ratio of a sale. */
  powerOddsRatio: number
  /** Simulated outcome sets per script for the power (0: not computed). */
  powerSimulations: number
  /** Scripts hit on none of the calls or on more than this share are untestable (warned about, no power). */
  maxHitRate: number
  /** Per script id, the detector's held-out call-level precision and recall: the power then counts detection errors. */
  detectionQuality?: Map<string, {precision: number; recall: number}>
}

export const DEFAULT_ANALYSIS: AnalysisOptions = {
  seed: 1,
  permutations: 999,
  bootstrap: 200,
  topK: 2,
  alpha: 0.05,
  concentratedShare: DEFAULT_VERDICT.concentratedShare,
  minGroup: DEFAULT_VERDICT.minGroup,
  minPower: DEFAULT_VERDICT.minPower,
  powerOddsRatio: 3,
  powerSimulations: 100,
  maxHitRate: 0.9,
}

export interface ScriptRow extends EffectStats {
  scriptId: string
  stage: string
  tags: string[]
  /** Consequence of a sale or said by the customer: shown, not tested. */
  excluded: boolean
  successHit: number
  qValue: number | null
  pHolm: number | null
  /** Log-odds ratio of a sale adjusted for the other scripts (ridge logistic regression), its se and Wald χ². */
  adjustedLogOdds: number | null
  adjustedSe: number | null
  adjustedChi: number | null
  /** Share of the success/failure difference this script carries (its χ² of the verdict's test beyond chance ÷ all scripts'). */
  share: number | null
  /** More common in successful (+1) or unsuccessful (−1) calls' hit distribution. */
  direction: 1 | -1 | 0
}

export interface StageRow extends EffectStats {
  stage: string
  name: string
  /** Stage-level test over this stage's scripts only: their G, their largest χ² and its permutation p. */
  g: number
  maxChi: number
  testPValue: number
  topScript: string | null
  topShare: number | null
}

export interface ScriptsAnalysis {
  calls: number
  successCalls: number
  failCalls: number
  conversion: number | null
  verdict: Verdict
  reason: string
  /** Power to reach "concentrated" had one script the stated effect (mean over testable scripts; per script). */
  power: Omit<PowerResult, 'perScript'> & {
    minPower: number
    effect: string
    perScript: Array<{scriptId: string; hitRate: number; p0: number; p1: number; power: number}>
  }
  /** Scripts no test can judge: hit on no call, or on ≥ maxHitRate of them. */
  warnings: Array<{scriptId: string; hitRate: number; message: string}>
  /**
   * pValue: permutation p of the largest per-script score-test χ² on the scores, else the hits (the verdict's test); pValueG and pValueJsd: of G and of the
   * Jensen–Shannon divergence between the hit distributions of successful and unsuccessful calls.
   */
  test: {
    maxChi: number
    pValue: number
    /** The largest marginal per-script χ² (each script alone) and its permutation p: shown, not the verdict's. */
    maxChiMarginal: number
    pValueMarginal: number
    g: number
    df: number
    pValueG: number
    jsd: number
    pValueJsd: number
    permutations: number
    stratify: string | null
    strata: number
  }
  concentration: {
    k: number
    scripts: number
    /** What the verdict's test and the adjusted effects read: the detector's scores on every call, or the hits. */
    evidence: 'scores' | 'hits'
    topKShare: number
    topKShareInterval: Interval
    concentrationIndex: number
    concentrationIndexInterval: Interval
    hhi: number
    hhiInterval: Interval
    bootstrap: number
    topScripts: Array<{scriptId: string; stage: string; share: number; direction: 1 | -1 | 0}>
  }
  scripts: ScriptRow[]
  stages: StageRow[]
  significantScripts: string[]
  seed: number
}

function tested(s: LibraryScript): boolean {
  return !s.consequence && s.speaker === 'agent'
}

/** The whole `ccx report scripts` analysis on already-loaded calls. Deterministic for a given seed. */
export function analyzeScripts(library: Library, calls: AnalysisCall[], partial: Partial<AnalysisOptions> = {}): ScriptsAnalysis {
  const o = {...DEFAULT_ANALYSIS, ...partial}
  const testedScripts = library.scripts.filter(tested)
  const column = new Map(testedScripts.map((s, j) => [s.id, j]))
  const successCalls = calls.filter((c) => c.success).length
  const failCalls = calls.length - successCalls
  const lf = logFactorials(calls.length)

  const callSets = calls.map((c) => new Set(c.scripts))
  const twoByTwo = (has: (i: number) => boolean) => {
    const t = {a: 0, b: 0, c: 0, d: 0}
    calls.forEach((call, i) => {
      const h = has(i)
      if (h && call.success) t.a++
      else if (h) t.b++
      else if (call.success) t.c++
      else t.d++
    })
    return t
  }

  const stratumOf = (c: AnalysisCall) => (o.stratify === 'agent' ? (c.agentId ?? '') : o.stratify === 'campaign' ? (c.campaign ?? '') : '')
  const matrix = buildHitMatrix(
    calls.map((c) => ({
      success: c.success,
      stratum: stratumOf(c),
      scripts: c.scripts.filter((id) => column.has(id)).map((id) => column.get(id)!),
    })),
    testedScripts.length,
  )
  const stageColumns = library.stages.map((stage) => testedScripts.flatMap((x, j) => (x.stage === stage.id ? [j] : [])))
  const test = permutationTest(matrix, {permutations: o.permutations, rng: createRng(o.seed), groups: stageColumns})
  // What the tests read: each call's detector score for every script when all calls have them (they carry more than
  // the thresholded hit), else the hits.
  const K = testedScripts.length
  const useScores = calls.length > 0 && calls.every((c) => c.scores !== undefined)
  const design: CallDesign = {cols: [], values: useScores ? [] : null}
  calls.forEach((c, i) => {
    if (useScores) {
      const cols: number[] = []
      const values: number[] = []
      for (const [id, v] of c.scores!) {
        const j = column.get(id)
        if (j !== undefined && v > 0) {
          cols.push(j)
          values.push(v)
        }
      }
      design.cols.push(cols)
      design.values!.push(values)
    } else {
      const cols = new Set<number>()
      for (let h = matrix.offsets[i]; h < matrix.offsets[i + 1]; h++) cols.add(matrix.idx[h])
      design.cols.push([...cols].sort((a, b) => a - b))
    }
  })
  // Shown per script: the effect adjusted for the other scripts (joint ridge regression).
  const fit = adjustedEffects(designRows(design, matrix.success), K)
  // The verdict's test, the ranking and the shares read each script's own score test on the same evidence (its score
  // on every call, else its hits): on planted outcomes over the real dialogs it named the planted strategy more often
  // than the joint adjusted χ², whose collinear noisy scores split the signal (docs/telesales.md).
  const scriptTest = scriptPermutationTest(design, matrix.success, matrix.strata, K, o.permutations, createRng(o.seed + 3))
  const excess = chiExcess(scriptTest.chi)
  const conc = concentration(excess, o.topK, K)
  const replicates = {topKShare: [] as number[], concentrationIndex: [] as number[], hhi: [] as number[]}
  if (calls.length > 0)
    bootstrapEach(design, matrix.success, K, o.bootstrap, createRng(o.seed + 1), (chi) => {
      const c = concentration(chiExcess(chi), o.topK, K)
      replicates.topKShare.push(c.topKShare)
      replicates.concentrationIndex.push(c.concentrationIndex)
      replicates.hhi.push(c.hhi)
    })
  const boot = {
    topKShare: percentileInterval(replicates.topKShare),
    concentrationIndex: percentileInterval(replicates.concentrationIndex),
    hhi: percentileInterval(replicates.hhi),
  }
  const effect = `one script's odds ratio of ${o.powerOddsRatio} (its calls' odds of a sale × ${o.powerOddsRatio})`
  // The power of the same rule on the hits (against their own permutation null): its cost is scripts × simulations
  // passes over the calls' hits, where on the scores it would pass over every call's scores.
  const power = concentrationPower(matrix, test.nullMax, {
    oddsRatio: o.powerOddsRatio,
    simulations: o.permutations > 0 ? o.powerSimulations : 0,
    alpha: o.alpha,
    topK: o.topK,
    concentratedShare: o.concentratedShare,
    maxHitRate: o.maxHitRate,
    quality: o.detectionQuality ? testedScripts.map((x) => o.detectionQuality!.get(x.id) ?? null) : undefined,
    rng: createRng(o.seed + 2),
  })
  const decided = decideVerdict(
    {
      successCalls,
      failCalls,
      pValue: scriptTest.pValue,
      topKShare: conc.topKShare,
      topKShareInterval: boot.topKShare,
      k: o.topK,
      // dispersed claims no script has the effect: the data must have had the power to see it on every one
      power: power.min,
      effect,
    },
    o,
  )

  const {verdict} = decided
  const floor = 1 / (o.permutations + 1)
  const reason =
    floor >= o.alpha
      ? `${decided.reason} (note: with ${o.permutations} permutations the smallest possible p is ${floor.toFixed(3)}; use more)`
      : decided.reason
  const totalContribution = excess.reduce((a, b) => a + b, 0)
  const rows: ScriptRow[] = library.scripts.map((s) => {
    const t = twoByTwo((i) => callSets[i].has(s.id))
    const j = column.get(s.id)
    const e = effectStats(t, lf)
    const direction: 1 | -1 | 0 = e.convHit === null || e.convMiss === null ? 0 : e.logOdds > 0 ? 1 : e.logOdds < 0 ? -1 : 0
    return {
      scriptId: s.id,
      stage: s.stage,
      tags: s.tags,
      excluded: !tested(s),
      successHit: t.a,
      ...e,
      qValue: null,
      pHolm: null,
      adjustedLogOdds: j === undefined || !Number.isFinite(fit.se[j]) ? null : fit.beta[j],
      adjustedSe: j === undefined || !Number.isFinite(fit.se[j]) ? null : fit.se[j],
      adjustedChi: j === undefined || !Number.isFinite(fit.se[j]) ? null : fit.chi[j],
      share: j === undefined || totalContribution === 0 ? null : excess[j] / totalContribution,
      direction,
    }
  })
  const testedRows = rows.filter((r) => !r.excluded)
  const q = benjaminiHochberg(testedRows.map((r) => r.pValue))
  const h = holm(testedRows.map((r) => r.pValue))
  testedRows.forEach((r, i) => {
    r.qValue = q[i]
    r.pHolm = h[i]
  })

  const stages: StageRow[] = library.stages.map((stage) => {
    const t = twoByTwo((i) => calls[i].stages.includes(stage.id))
    const stageScripts = stageColumns[stage.index].map((j) => testedScripts[j])
    const st = test.groups[stage.index]
    const stageExcess = Float64Array.from(stageColumns[stage.index], (j) => excess[j])
    const c = concentration(stageExcess, 1, stageScripts.length)
    const any = stageExcess.some((x) => x > 0)
    return {
      stage: stage.id,
      name: stage.name,
      ...effectStats(t, lf),
      g: st.g,
      maxChi: st.maxChi,
      testPValue: st.pValueMax,
      topScript: stageScripts.length > 0 && any ? stageScripts[c.ranking[0]].id : null,
      topShare: stageScripts.length > 0 && any ? c.topKShare : null,
    }
  })

  const warnings = rows
    .filter((r) => !r.excluded && calls.length > 0 && (r.hitRate === 0 || r.hitRate >= o.maxHitRate))
    .map((r) => ({
      scriptId: r.scriptId,
      hitRate: r.hitRate,
      message:
        r.hitRate === 0
          ? `${r.scriptId} is hit on no call: untestable (is it said, and does detection find it?)`
          : `${r.scriptId} is hit on ${(r.hitRate * 100).toFixed(0)}% of calls (≥ ${(o.maxHitRate * 100).toFixed(0)}%): too few calls without it to test it`,
    }))

  return {
    calls: calls.length,
    successCalls,
    failCalls,
    conversion: calls.length > 0 ? successCalls / calls.length : null,
    verdict,
    reason,
    power: {
      oddsRatio: power.oddsRatio,
      simulations: power.simulations,
      power: power.power,
      min: power.min,
      max: power.max,
      minPower: o.minPower,
      effect,
      perScript: power.perScript.map((p) => ({scriptId: testedScripts[p.column].id, hitRate: p.hitRate, p0: p.p0, p1: p.p1, power: p.power})),
    },
    warnings,
    test: {
      maxChi: scriptTest.maxChi,
      pValue: scriptTest.pValue,
      maxChiMarginal: test.maxChi,
      pValueMarginal: test.pValueMax,
      g: test.g,
      df: test.df,
      pValueG: test.pValueG,
      jsd: test.jsd,
      pValueJsd: test.pValue,
      permutations: test.permutations,
      stratify: o.stratify ?? null,
      strata: test.strata,
    },
    concentration: {
      k: o.topK,
      scripts: testedScripts.length,
      evidence: useScores ? 'scores' : 'hits',
      topKShare: conc.topKShare,
      topKShareInterval: boot.topKShare,
      concentrationIndex: conc.concentrationIndex,
      concentrationIndexInterval: boot.concentrationIndex,
      hhi: conc.hhi,
      hhiInterval: boot.hhi,
      bootstrap: o.bootstrap,
      topScripts: conc.ranking.slice(0, Math.max(o.topK, 3)).map((j, r) => {
        const id = testedScripts[j].id
        return {
          scriptId: id,
          stage: testedScripts[j].stage,
          share: conc.shares[r],
          direction: rows.find((x) => x.scriptId === id)!.direction,
        }
      }),
    },
    scripts: rows,
    stages,
    significantScripts: testedRows.filter((r) => (r.qValue ?? 1) < o.alpha).map((r) => r.scriptId),
    seed: o.seed,
  }
}

export interface Recommendation {
  stage: string
  segment: string | null
  calls: number
  scripts: Array<ScriptRow & {evidence: 'works' | 'hurts' | 'unclear'}>
  agents: Array<{
    agentId: string
    calls: number
    gaps: Array<{stage: string; workingScripts: string[]; agentRate: number; teamRate: number; calls: number}>
  }>
}

/**
 * Scripts of a stage ranked by the lower bound of their log-odds interval (the evidence that they help),
 * and per agent the stages where they say the working scripts clearly less often than the team.
 */
export function recommendScripts(
  library: Library,
  calls: AnalysisCall[],
  options: {stage: string; segment?: string; alpha?: number; minAgentCalls?: number; gap?: number},
): Recommendation {
  const alpha = options.alpha ?? 0.1
  const analysis = analyzeScripts(library, calls, {permutations: 0, bootstrap: 0, powerSimulations: 0})
  const rank = (rows: ScriptRow[]) => [...rows].sort((a, b) => b.logOddsLow - a.logOddsLow)
  const evidence = (r: ScriptRow): 'works' | 'hurts' | 'unclear' =>
    (r.qValue ?? 1) < alpha ? (r.logOdds > 0 ? 'works' : 'hurts') : 'unclear'
  const stageRows = rank(analysis.scripts.filter((r) => r.stage === options.stage && !r.excluded)).map((r) => ({
    ...r,
    evidence: evidence(r),
  }))

  const working = new Map<string, string[]>()
  for (const r of analysis.scripts)
    if (!r.excluded && evidence(r) === 'works') working.set(r.stage, [...(working.get(r.stage) ?? []), r.scriptId])
  const usesWorking = (c: AnalysisCall, stage: string) => (working.get(stage) ?? []).some((id) => c.scripts.includes(id))
  const teamRate = new Map<string, number>()
  for (const stage of working.keys()) teamRate.set(stage, calls.filter((c) => usesWorking(c, stage)).length / Math.max(1, calls.length))
  const byAgent = new Map<string, AnalysisCall[]>()
  for (const c of calls) if (c.agentId) byAgent.set(c.agentId, [...(byAgent.get(c.agentId) ?? []), c])
  const minCalls = options.minAgentCalls ?? 10
  const gap = options.gap ?? 0.1
  const agents: Recommendation['agents'] = []
  for (const [agentId, own] of [...byAgent].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (own.length < minCalls) continue
    const gaps = []
    for (const stage of library.stages) {
      const ids = working.get(stage.id)
      if (!ids) continue
      const agentRate = own.filter((c) => usesWorking(c, stage.id)).length / own.length
      const team = teamRate.get(stage.id)!
      if (agentRate < team - gap) gaps.push({stage: stage.id, workingScripts: ids, agentRate, teamRate: team, calls: own.length})
    }
    if (gaps.length > 0) agents.push({agentId, calls: own.length, gaps})
  }
  return {stage: options.stage, segment: options.segment ?? null, calls: calls.length, scripts: stageRows, agents}
}
