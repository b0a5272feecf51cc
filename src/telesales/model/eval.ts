/**
 * Held-out evaluation of script detection: calls split by a seed (kept whole), the model trained on the rest,
 * precision / recall / F1 per script at sentence and call level, macro averages, confusion between scripts, the
 * threshold curve, and the phrasing matcher alone as the baseline. Definitions: docs/telesales.md.
 */
import type {Library} from '../library.js'
import type {Tokenizer} from '../text.js'
import {PreparedTexts, ScriptDetector} from './detect.js'
import {groupCalls, type LabelledUtterance} from './labels.js'
import {DEFAULT_TRAIN, firstOfTurnFlags, trainScriptModel, type TrainOptions} from './train.js'
import {createRng, shuffle} from '../../stats/random.js'
import type {ModelEvaluation, ScriptModelFile} from './format.js'

export interface Prf {
  tp: number
  fp: number
  fn: number
  precision: number | null
  recall: number | null
  f1: number | null
}

export interface ScriptEval {
  scriptId: string
  detector: 'model' | 'phrasings'
  threshold: number | null
  sentence: Prf & {support: number}
  call: Prf & {goldCalls: number; firedCalls: number; goldRate: number; fireRate: number}
}

export interface MacroFigures {
  /** Scripts averaged: those with at least one gold call (call level) / sentence (sentence level) in the test part. */
  scripts: number
  precision: number
  recall: number
  f1: number
}

export interface TargetCheck {
  macroRecall: {value: number; target: number; ok: boolean}
  macroPrecision: {value: number; target: number; ok: boolean}
  allDetected: {missing: string[]; ok: boolean}
  overFiring: {scripts: Array<{scriptId: string; fireRate: number; goldRate: number}>; ok: boolean}
  ok: boolean
}

export interface DetectionEval {
  seed: number
  testShare: number
  trainCalls: number
  testCalls: number
  testSentences: number
  scripts: ScriptEval[]
  macro: {sentence: MacroFigures; call: MacroFigures}
  targets: TargetCheck
  /** Sentence level, rows = labelled script (or "none"), columns = detected scripts (or "none"). */
  confusion: {labels: string[]; counts: number[][]}
  /** Every model threshold moved by the same amount on the logit scale: call-level macro figures. */
  curve: Array<{logitShift: number; precision: number; recall: number; f1: number; maxFireRate: number}>
  /** Per model script: call-level precision, recall and firing rate at fixed probability thresholds. */
  scriptCurves: Array<{
    scriptId: string
    points: Array<{threshold: number; precision: number | null; recall: number | null; fireRate: number}>
  }>
  baseline: {macro: {sentence: MacroFigures; call: MacroFigures}; targets: TargetCheck}
}

export const TARGETS = {macroRecall: 0.6, macroPrecision: 0.7, maxFireRate: 0.6}

export function prf(tp: number, fp: number, fn: number): Prf {
  const precision = tp + fp > 0 ? tp / (tp + fp) : null
  const recall = tp + fn > 0 ? tp / (tp + fn) : null
  const f1 =
    precision !== null && recall !== null && precision + recall > 0
      ? (2 * precision * recall) / (precision + recall)
      : precision === null && recall === null
        ? null
        : 0
  return {tp, fp, fn, precision, recall, f1}
}

/** Macro average over scripts with gold support; a script never predicted counts precision 0. */
export function macro(rows: Prf[]): MacroFigures {
  const used = rows.filter((r) => r.tp + r.fn > 0)
  const mean = (f: (r: Prf) => number) => (used.length === 0 ? 0 : used.reduce((s, r) => s + f(r), 0) / used.length)
  return {scripts: used.length, precision: mean((r) => r.precision ?? 0), recall: mean((r) => r.recall ?? 0), f1: mean((r) => r.f1 ?? 0)}
}

/** Seeded split of call ids into a test share and the rest (calls kept whole). */
export function splitCalls(calls: string[], testShare: number, seed: number): {train: Set<string>; test: Set<string>} {
  const order = [...calls].sort()
  shuffle(createRng(seed), order)
  const nTest = Math.max(1, Math.round(order.length * testShare))
  return {test: new Set(order.slice(0, nTest)), train: new Set(order.slice(nTest))}
}

interface Scored {
  /** Per test call: utterances with gold labels, hits per library script (n × scripts) and best model probabilities (n × K). */
  calls: Array<{labels: string[][]; speakers: string[]; hits: Uint8Array; probs: Float64Array}>
}

/** Scores test calls through the pipeline's path (PreparedTexts): each labelled row is a turn of its call. */
function scoreCalls(detector: ScriptDetector, calls: LabelledUtterance[][]): Scored {
  const S = detector.library.scripts.length
  return {
    calls: calls.map((call) => {
      const prepared = new PreparedTexts(detector, call.length)
      const ids = call.map((u) => prepared.add(u.text))
      const speakers = call.map((u) => u.speaker)
      const analyses = prepared.analyzeCall(ids, speakers, firstOfTurnFlags(call))
      const hits = new Uint8Array(call.length * S)
      analyses.forEach((a, i) => {
        for (const h of a.hits) if (detector.library.scripts[h.script].speaker === speakers[i]) hits[i * S + h.script] = 1
      })
      return {labels: call.map((u) => u.labels), speakers, hits, probs: detector.scorer ? prepared.lastBest.slice() : new Float64Array(0)}
    }),
  }
}

function measure(
  library: Library,
  scored: Scored,
  model?: ScriptModelFile,
): {scripts: ScriptEval[]; macro: DetectionEval['macro']; targets: TargetCheck; confusion: DetectionEval['confusion']} {
  const S = library.scripts.length
  const nCalls = scored.calls.length
  const scripts: ScriptEval[] = library.scripts.map((script) => {
    let tp = 0
    let fp = 0
    let fn = 0
    let ctp = 0
    let cfp = 0
    let cfn = 0
    let goldCalls = 0
    let firedCalls = 0
    for (const call of scored.calls) {
      let gold = false
      let fired = false
      call.labels.forEach((labels, i) => {
        if (call.speakers[i] !== script.speaker) return
        const g = labels.includes(script.id)
        const h = call.hits[i * S + script.index] === 1
        if (g && h) tp++
        else if (h) fp++
        else if (g) fn++
        gold ||= g
        fired ||= h
      })
      if (gold) goldCalls++
      if (fired) firedCalls++
      if (gold && fired) ctp++
      else if (fired) cfp++
      else if (gold) cfn++
    }
    const m = model?.scripts.find((x) => x.id === script.id)
    const detector = m?.detector ?? 'phrasings'
    return {
      scriptId: script.id,
      detector,
      threshold: detector === 'model' ? m!.threshold : null,
      sentence: {...prf(tp, fp, fn), support: tp + fn},
      call: {
        ...prf(ctp, cfp, cfn),
        goldCalls,
        firedCalls,
        goldRate: goldCalls / Math.max(1, nCalls),
        fireRate: firedCalls / Math.max(1, nCalls),
      },
    }
  })
  const macroFigures = {sentence: macro(scripts.map((s) => s.sentence)), call: macro(scripts.map((s) => s.call))}
  const labels = [...library.scripts.map((s) => s.id), 'none']
  const counts = labels.map(() => labels.map(() => 0))
  const ids = new Map(labels.map((l, i) => [l, i]))
  for (const call of scored.calls) {
    call.labels.forEach((gold, i) => {
      const speaker = call.speakers[i]
      const goldIdx = gold.map((g) => ids.get(g)).filter((x): x is number => x !== undefined && library.scripts[x]?.speaker === speaker)
      const predicted: number[] = []
      for (let s = 0; s < S; s++) if (call.hits[i * S + s]) predicted.push(s)
      if (goldIdx.length === 0 && predicted.length === 0 && speaker !== 'agent') return
      for (const g of goldIdx.length > 0 ? goldIdx : [S]) for (const p of predicted.length > 0 ? predicted : [S]) counts[g][p]++
    })
  }
  return {scripts, macro: macroFigures, targets: checkTargets(scripts, macroFigures.call), confusion: {labels, counts}}
}

export function checkTargets(scripts: ScriptEval[], callMacro: MacroFigures): TargetCheck {
  const supported = scripts.filter((s) => s.call.goldCalls > 0)
  const missing = supported.filter((s) => s.call.tp === 0).map((s) => s.scriptId)
  const over = scripts
    .filter((s) => s.call.fireRate > TARGETS.maxFireRate && s.call.goldRate <= TARGETS.maxFireRate)
    .map((s) => ({scriptId: s.scriptId, fireRate: s.call.fireRate, goldRate: s.call.goldRate}))
  const t: TargetCheck = {
    macroRecall: {value: callMacro.recall, target: TARGETS.macroRecall, ok: callMacro.recall >= TARGETS.macroRecall},
    macroPrecision: {value: callMacro.precision, target: TARGETS.macroPrecision, ok: callMacro.precision >= TARGETS.macroPrecision},
    allDetected: {missing, ok: missing.length === 0},
    overFiring: {scripts: over, ok: over.length === 0},
    ok: false,
  }
  t.ok = t.macroRecall.ok && t.macroPrecision.ok && t.allDetected.ok && t.overFiring.ok
  return t
}

const logit = (p: number) => Math.log(p / (1 - p))
const clampP = (p: number) => Math.min(1 - 1e-9, Math.max(1e-9, p))

function curves(library: Library, detector: ScriptDetector, scored: Scored): Pick<DetectionEval, 'curve' | 'scriptCurves'> {
  const scorer = detector.scorer
  if (!scorer) return {curve: [], scriptCurves: []}
  const K = detector.K
  // Best probability per call and model script, and gold per call.
  const best = scored.calls.map((call) => {
    const out = new Float64Array(K).fill(-1)
    call.labels.forEach((_, i) => {
      for (let k = 0; k < K; k++) {
        const s = detector.modelScript[k]
        if (s >= 0 && library.scripts[s].speaker === call.speakers[i]) out[k] = Math.max(out[k], call.probs[i * K + k])
      }
    })
    return out
  })
  // Gold as in measure(): labels on utterances of the script's own speaker only.
  const gold = scored.calls.map((call) =>
    scorer.ids.map((id, k) => call.labels.some((l, i) => l.includes(id) && call.speakers[i] === scorer.speakers[k])),
  )
  const at = (k: number, threshold: number) => {
    let tp = 0
    let fp = 0
    let fn = 0
    best.forEach((b, c) => {
      const fired = b[k] >= threshold
      if (fired && gold[c][k]) tp++
      else if (fired) fp++
      else if (gold[c][k]) fn++
    })
    return {...prf(tp, fp, fn), fireRate: (tp + fp) / Math.max(1, best.length)}
  }
  const curve = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2].map((shift) => {
    const rows = scorer.ids.map((_, k) => at(k, 1 / (1 + Math.exp(-(logit(clampP(scorer.thresholds[k])) + shift)))))
    const m = macro(rows)
    return {logitShift: shift, precision: m.precision, recall: m.recall, f1: m.f1, maxFireRate: Math.max(0, ...rows.map((r) => r.fireRate))}
  })
  const grid = Array.from({length: 19}, (_, i) => Math.round((i + 1) * 5) / 100)
  const scriptCurves = scorer.ids.map((id, k) => ({
    scriptId: id,
    points: grid.map((threshold) => {
      const r = at(k, threshold)
      return {threshold, precision: r.precision, recall: r.recall, fireRate: r.fireRate}
    }),
  }))
  return {curve, scriptCurves}
}

export interface EvalOptions {
  seed: number
  testShare: number
  train: TrainOptions
}

/** Train on the calls outside a seeded test share, evaluate on it; the phrasing matcher alone as baseline. */
export function evaluateDetection(
  utterances: LabelledUtterance[],
  library: Library,
  options: EvalOptions = {seed: 1, testShare: 0.3, train: DEFAULT_TRAIN},
  tokenizer?: Tokenizer,
  log: (m: string) => void = () => {},
): DetectionEval {
  const grouped = groupCalls(utterances)
  const {train, test} = splitCalls([...grouped.keys()], options.testShare, options.seed)
  const trainRows = utterances.filter((u) => train.has(u.call))
  const testCalls = [...test].sort().map((c) => grouped.get(c)!)
  const {model} = trainScriptModel({file: '(split)', utterances: trainRows}, library, options.train, tokenizer, log)
  const detector = new ScriptDetector(library, model, tokenizer)
  const scored = scoreCalls(detector, testCalls)
  const measured = measure(library, scored, model)
  const baseline = measure(library, scoreCalls(new ScriptDetector(library, undefined, tokenizer), testCalls))
  return {
    seed: options.seed,
    testShare: options.testShare,
    trainCalls: train.size,
    testCalls: test.size,
    testSentences: testCalls.reduce((n, c) => n + c.length, 0),
    ...measured,
    ...curves(library, detector, scored),
    baseline: {macro: baseline.macro, targets: baseline.targets},
  }
}

export interface SpreadFigure {
  mean: number
  sd: number
  min: number
  max: number
}

function spread(values: number[]): SpreadFigure {
  const mean = values.reduce((s, v) => s + v, 0) / values.length
  const sd = values.length > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1)) : 0
  return {mean, sd, min: Math.min(...values), max: Math.max(...values)}
}

/** Several seeded splits: the mean and spread of the macro figures (how much one split's figure can be trusted). */
export function summarizeSplits(runs: DetectionEval[]): {
  seeds: number[]
  callPrecision: SpreadFigure
  callRecall: SpreadFigure
  callF1: SpreadFigure
  sentencePrecision: SpreadFigure
  sentenceRecall: SpreadFigure
  sentenceF1: SpreadFigure
  targetsMet: number
  missingScripts: number
  overFiringScripts: number
  /** Per split: scripts with labelled calls never detected, and scripts over-firing (the other two targets). */
  missingPerSplit: SpreadFigure
  overFiringPerSplit: SpreadFigure
  /** Per split, the largest firing rate among scripts whose gold rate is within the limit (target: ≤ 0.6). */
  maxFireRate: SpreadFigure
} {
  return {
    seeds: runs.map((r) => r.seed),
    callPrecision: spread(runs.map((r) => r.macro.call.precision)),
    callRecall: spread(runs.map((r) => r.macro.call.recall)),
    callF1: spread(runs.map((r) => r.macro.call.f1)),
    sentencePrecision: spread(runs.map((r) => r.macro.sentence.precision)),
    sentenceRecall: spread(runs.map((r) => r.macro.sentence.recall)),
    sentenceF1: spread(runs.map((r) => r.macro.sentence.f1)),
    targetsMet: runs.filter((r) => r.targets.ok).length,
    missingScripts: runs.reduce((n, r) => n + r.targets.allDetected.missing.length, 0),
    overFiringScripts: runs.reduce((n, r) => n + r.targets.overFiring.scripts.length, 0),
    missingPerSplit: spread(runs.map((r) => r.targets.allDetected.missing.length)),
    overFiringPerSplit: spread(runs.map((r) => r.targets.overFiring.scripts.length)),
    maxFireRate: spread(
      runs.map((r) => Math.max(0, ...r.scripts.filter((x) => x.call.goldRate <= TARGETS.maxFireRate).map((x) => x.call.fireRate))),
    ),
  }
}

/** What the model file keeps of an evaluation: the spread of the macro figures and each script's mean call-level figures. */
export function evaluationRecord(runs: DetectionEval[], labels: string, at: Date): ModelEvaluation {
  const summary = summarizeSplits(runs)
  const mean = (xs: Array<number | null>) => {
    const v = xs.filter((x): x is number => x !== null)
    return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length
  }
  return {
    labels,
    at: at.toISOString(),
    seeds: summary.seeds,
    testShare: runs[0].testShare,
    testCalls: runs[0].testCalls,
    callPrecision: summary.callPrecision,
    callRecall: summary.callRecall,
    callF1: summary.callF1,
    targetsMet: summary.targetsMet,
    scripts: runs[0].scripts.map((s, i) => ({
      id: s.scriptId,
      precision: mean(runs.map((r) => r.scripts[i].call.precision)),
      recall: mean(runs.map((r) => r.scripts[i].call.recall)),
      fireRate: mean(runs.map((r) => r.scripts[i].call.fireRate)) ?? 0,
      goldRate: mean(runs.map((r) => r.scripts[i].call.goldRate)) ?? 0,
    })),
  }
}
