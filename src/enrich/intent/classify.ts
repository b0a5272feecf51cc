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

/**
 * Rules first (they are the reviewed, explainable part): a rule winner at or above the threshold is taken.
 * Otherwise the model's answer is taken when its posterior reaches the threshold. Otherwise `unknown`.
 */
export function classify(input: IntentInput, c: Classifier, mode: ClassifyMode = 'rules+model'): IntentDecision {
  if (mode !== 'model') {
    const hits = ruleHits(input, c.rules)
    const r = ruleScores(hits)
    if (r.best !== undefined && r.confidence >= c.threshold) {
      const evidence = hits
        .filter((h) => h.intent === r.best)
        .map((h) => `${h.field}~"${h.matched}"`)
        .join(', ')
      return {intent: r.best, confidence: round(r.confidence), method: 'rule', evidence: `rule: ${evidence}`}
    }
  }
  if (mode !== 'rules' && c.model) {
    const text = modelText(input)
    const p = cachedPredict(c, c.model, text)
    if (p.intent !== undefined && p.confidence >= c.threshold) {
      const top = p.contributions.slice(0, 3).map((f) => f.feature.slice(2))
      return {intent: p.intent, confidence: round(p.confidence), method: 'model', evidence: `model: ${top.join(', ')}`}
    }
  }
  return {intent: UNKNOWN, confidence: 0, method: 'none', evidence: ''}
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}
