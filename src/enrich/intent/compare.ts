import {classify, makeClassifier, type ClassifyMode} from './classify.js'
import {scorePredictions, splitRows, type EvalReport, type LabelledRow} from './evaluate.js'
import {trainModel} from './model.js'
import type {IntentsFile} from './types.js'

export interface CompareResult {
  seed: number
  testShare: number
  trainRows: number
  testRows: number
  modes: Record<ClassifyMode, EvalReport>
  /** Accuracy per `kind` of held-out text (when the labelled file tags kinds), per method. */
  byKind: Array<{kind: string; n: number} & Record<ClassifyMode, number>>
}

/** Trains on the seeded train split, scores rules-only, model-only and rules+model on the held-out split. */
export function compareMethods(rows: LabelledRow[], file: IntentsFile, options: {seed?: number; testShare?: number} = {}): CompareResult {
  const seed = options.seed ?? 42
  const testShare = options.testShare ?? 0.2
  const {train, test} = splitRows(rows, testShare, seed)
  const model = trainModel(train)
  const classifier = makeClassifier(file, model)
  const intents = file.intents.map((i) => i.id)
  const modes = {} as Record<ClassifyMode, EvalReport>
  const kinds = new Map<string, {n: number} & Record<ClassifyMode, number>>()
  for (const mode of ['rules', 'model', 'rules+model'] as const) {
    const pairs = test.map((r) => ({
      actual: r.intent,
      predicted: classify({term: r.text, url: r.url, title: r.title}, classifier, mode).intent,
    }))
    modes[mode] = scorePredictions(pairs, intents)
    test.forEach((r, i) => {
      if (!r.kind) return
      const k = kinds.get(r.kind) ?? {n: 0, rules: 0, model: 0, 'rules+model': 0}
      if (mode === 'rules') k.n++
      if (pairs[i].predicted === r.intent) k[mode]++
      kinds.set(r.kind, k)
    })
  }
  const byKind = [...kinds]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([kind, k]) => ({kind, n: k.n, rules: k.rules / k.n, model: k.model / k.n, 'rules+model': k['rules+model'] / k.n}))
  return {seed, testShare, trainRows: train.length, testRows: test.length, modes, byKind}
}
