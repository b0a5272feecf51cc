import {predict, type IntentModel, type ModelPrediction} from './model.js'
import {compileRules, ruleHits, ruleScores, type CompiledRules} from './rules.js'
import {UNKNOWN, type IntentDecision, type IntentInput, type IntentsFile} from './types.js'

export type ClassifyMode = 'rules' | 'model' | 'rules+model'

export interface Classifier {
  threshold: number
  rules: CompiledRules
  model?: IntentModel
  /** Model answers per distinct model text: many (keyword, page, title) combinations share a keyword. */
  predictions: Map<string, ModelPrediction>
}

const PREDICTION_CACHE_LIMIT = 100_000

export function makeClassifier(file: IntentsFile, model?: IntentModel): Classifier {
  return {threshold: file.threshold, rules: compileRules(file.intents), model, predictions: new Map()}
}

function cachedPredict(c: Classifier, model: IntentModel, text: string): ModelPrediction {
  let p = c.predictions.get(text)
  if (!p) {
    p = predict(model, text)
    if (c.predictions.size >= PREDICTION_CACHE_LIMIT) c.predictions.clear()
    c.predictions.set(text, p)
  }
  return p
}

/** The text the model reads: the search keyword when there is one, else the landing page title. */
export function modelText(input: IntentInput): string {
  return (input.term && input.term.trim()) || (input.title ?? '')
}

/** The rules' answer when their winner reaches the threshold, else undefined. */
export function ruleDecision(input: IntentInput, c: Classifier): IntentDecision | undefined {
  const hits = ruleHits(input, c.rules)
  const r = ruleScores(hits)
  if (r.best === undefined || r.confidence < c.threshold) return undefined
  const evidence = hits
    .filter((h) => h.intent === r.best)
    .map((h) => `${h.field}~"${h.matched}"`)
    .join(', ')
  return {intent: r.best, confidence: round(r.confidence), method: 'rule', evidence: `rule: ${evidence}`}
}

/** The model's answer when its posterior reaches the threshold, else undefined. */
export function modelDecision(input: IntentInput, c: Classifier): IntentDecision | undefined {
  if (!c.model) return undefined
  const p = cachedPredict(c, c.model, modelText(input))
  if (p.intent === undefined || p.confidence < c.threshold) return undefined
  const top = p.contributions.slice(0, 3).map((f) => f.feature.slice(2))
  return {intent: p.intent, confidence: round(p.confidence), method: 'model', evidence: `model: ${top.join(', ')}`}
}

export const NO_DECISION: IntentDecision = {intent: UNKNOWN, confidence: 0, method: 'none', evidence: ''}

/**
 * Rules first (they are the reviewed, explainable part): a rule winner at or above the threshold is taken.
 * Otherwise the model's answer is taken when its posterior reaches the threshold. Otherwise `unknown`.
 */
export function classify(input: IntentInput, c: Classifier, mode: ClassifyMode = 'rules+model'): IntentDecision {
  const byRules = mode === 'model' ? undefined : ruleDecision(input, c)
  if (byRules) return byRules
  const byModel = mode === 'rules' ? undefined : modelDecision(input, c)
  return byModel ?? {...NO_DECISION}
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
