import {features} from './tokenize.js'

/** Multinomial naive Bayes over words + character n-grams (see tokenize.ts), stored as JSON. */
export interface IntentModel {
  kind: 'naive-bayes'
  version: 1
  classes: string[]
  alpha: number
  trainedOn: number
  classLogPrior: number[]
  /** feature → log P(feature | class), per class in `classes` order (rounded to 4 decimals). */
  logLikelihood: Record<string, number[]>
}

export interface LabelledText {
  text: string
  intent: string
}

/** Features counted once per text: short queries repeat little, and presence is what matters. */
function docFeatures(text: string): string[] {
  return [...new Set(features(text))]
}

export function trainModel(rows: LabelledText[], options: {alpha?: number; minCount?: number} = {}): IntentModel {
  const alpha = options.alpha ?? 0.3
  const minCount = options.minCount ?? 1
  const classes = [...new Set(rows.map((r) => r.intent))].sort()
  const idx = new Map(classes.map((c, i) => [c, i]))
  const docsPerClass = new Array(classes.length).fill(0)
  const counts = new Map<string, number[]>()
  for (const r of rows) {
    const c = idx.get(r.intent)!
    docsPerClass[c]++
    for (const f of docFeatures(r.text)) {
      let v = counts.get(f)
      if (!v) counts.set(f, (v = new Array(classes.length).fill(0)))
      v[c]++
    }
  }
  for (const [f, v] of counts) if (v.reduce((a, b) => a + b, 0) < minCount) counts.delete(f)
  const vocab = counts.size
  const totals = new Array(classes.length).fill(0)
  for (const v of counts.values()) v.forEach((n, i) => (totals[i] += n))
  const round = (x: number) => Math.round(x * 10_000) / 10_000
  const logLikelihood: Record<string, number[]> = {}
  for (const [f, v] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    logLikelihood[f] = v.map((n, i) => round(Math.log((n + alpha) / (totals[i] + alpha * vocab))))
  }
  return {
    kind: 'naive-bayes',
    version: 1,
    classes,
    alpha,
    trainedOn: rows.length,
    classLogPrior: docsPerClass.map((n) => round(Math.log(n / rows.length))),
    logLikelihood,
  }
}

export interface ModelPrediction {
  intent?: string
  confidence: number
  /** Posterior per class, same order as model.classes. */
  posterior: number[]
  /** Features the model knows, with their pull towards the winner vs the runner-up. */
  contributions: Array<{feature: string; weight: number}>
}

export function predict(model: IntentModel, text: string): ModelPrediction {
  const known = docFeatures(text).filter((f) => f in model.logLikelihood)
  if (known.length === 0) return {confidence: 0, posterior: model.classes.map(() => 0), contributions: []}
  const scores = model.classLogPrior.slice()
  for (const f of known) {
    const ll = model.logLikelihood[f]
    for (let i = 0; i < scores.length; i++) scores[i] += ll[i]
  }
  const max = Math.max(...scores)
  const exp = scores.map((s) => Math.exp(s - max))
  const sum = exp.reduce((a, b) => a + b, 0)
  const posterior = exp.map((e) => e / sum)
  const order = posterior.map((p, i) => [p, i] as const).sort((a, b) => b[0] - a[0])
  const best = order[0][1]
  const second = order[1]?.[1] ?? best
  const contributions = known
    .map((f) => ({feature: f, weight: Math.round((model.logLikelihood[f][best] - model.logLikelihood[f][second]) * 1000) / 1000}))
    .sort((a, b) => b.weight - a.weight)
  return {intent: model.classes[best], confidence: posterior[best], posterior, contributions}
}
