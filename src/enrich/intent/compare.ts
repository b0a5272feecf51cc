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
  for (const mode of ['rules', 'model', 'rules+model'] as const) {
    const pairs = test.map((r) => ({actual: r.intent, predicted: classify({term: r.text, url: r.url, title: r.title}, classifier, mode).intent}))
    modes[mode] = scorePredictions(pairs, intents)
  }
  return {seed, testShare, trainRows: train.length, testRows: test.length, modes}
}
