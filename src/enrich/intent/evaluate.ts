import {existsSync, readFileSync} from 'node:fs'
import Papa from 'papaparse'
import {CcxError, EXIT} from '../../errors.js'
import {UNKNOWN} from './types.js'
import {mulberry32} from '../../stats/random.js'

export interface LabelledRow {
  text: string
  intent: string
  url?: string
  title?: string
  /** Optional tag of how the text was made (clean, typo, pinyin…): eval reports accuracy per kind. */
  kind?: string
}

/** A labelled file: NDJSON ({"text","intent",...} per line) or CSV with a header naming text and intent. */
export function readLabels(path: string): LabelledRow[] {
  if (!existsSync(path)) throw new CcxError(`labels file not found: ${path}`, {code: 'LABELS_MISSING', exit: EXIT.badInput})
  const body = readFileSync(path, 'utf8').replace(/^\uFEFF/, '')
  const rows: LabelledRow[] = []
  if (/\.(nd)?jsonl?$/i.test(path) || body.trimStart().startsWith('{')) {
    body.split('\n').forEach((line, i) => {
      if (!line.trim()) return
      let o: Record<string, unknown>
      try {
        o = JSON.parse(line)
      } catch {
        throw new CcxError(`${path}:${i + 1}: not valid JSON`, {code: 'LABELS_INVALID', exit: EXIT.badInput})
      }
      if (typeof o.text !== 'string' || typeof o.intent !== 'string') {
        throw new CcxError(`${path}:${i + 1}: needs string fields "text" and "intent"`, {code: 'LABELS_INVALID', exit: EXIT.badInput})
      }
      rows.push({
        text: o.text,
        intent: o.intent,
        url: o.url as string | undefined,
        title: o.title as string | undefined,
        kind: o.kind as string | undefined,
      })
    })
  } else {
    const parsed = Papa.parse<Record<string, string>>(body, {header: true, skipEmptyLines: true})
    const fields = parsed.meta.fields ?? []
    if (!fields.includes('text') || !fields.includes('intent')) {
      throw new CcxError(`${path}: the CSV header must name the columns "text" and "intent" (found: ${fields.join(', ')})`, {
        code: 'LABELS_INVALID',
        exit: EXIT.badInput,
      })
    }
    for (const r of parsed.data)
      rows.push({
        text: r.text ?? '',
        intent: r.intent ?? '',
        url: r.url || undefined,
        title: r.title || undefined,
        kind: r.kind || undefined,
      })
  }
  if (rows.length === 0) throw new CcxError(`${path}: no labelled rows`, {code: 'LABELS_EMPTY', exit: EXIT.badInput})
  return rows
}

/** Deterministic PRNG, so a seed reproduces a split. */
export const seededRandom = mulberry32

/** Stratified split: each intent contributes round(n × testShare) rows to the test part. */
export function splitRows<T extends {intent: string}>(rows: T[], testShare: number, seed: number): {train: T[]; test: T[]} {
  const rand = seededRandom(seed)
  const byIntent = new Map<string, T[]>()
  for (const r of rows) {
    const list = byIntent.get(r.intent) ?? []
    list.push(r)
    byIntent.set(r.intent, list)
  }
  const train: T[] = []
  const test: T[] = []
  for (const key of [...byIntent.keys()].sort()) {
    const list = byIntent.get(key)!.slice()
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[list[i], list[j]] = [list[j], list[i]]
    }
    const n = Math.round(list.length * testShare)
    test.push(...list.slice(0, n))
    train.push(...list.slice(n))
  }
  return {train, test}
}

export interface ClassMetrics {
  intent: string
  support: number
  predicted: number
  precision: number
  recall: number
  f1: number
}

export interface EvalReport {
  n: number
  accuracy: number
  macroF1: number
  unknownShare: number
  perIntent: ClassMetrics[]
  /** confusion[actual][predicted]; predicted includes `unknown`. */
  confusion: Record<string, Record<string, number>>
}

/**
 * precision = TP / predicted, recall = TP / support, F1 = 2PR/(P+R) (0 when P+R = 0);
 * macro-F1 = mean F1 over the labelled intents; `unknown` predictions count as misses.
 */
export function scorePredictions(pairs: Array<{actual: string; predicted: string}>, intents?: string[]): EvalReport {
  const labels = intents ?? [...new Set(pairs.map((p) => p.actual))].sort()
  const columns = [...labels, UNKNOWN]
  const confusion: Record<string, Record<string, number>> = {}
  for (const a of labels) confusion[a] = Object.fromEntries(columns.map((c) => [c, 0]))
  let correct = 0
  let unknown = 0
  for (const {actual, predicted} of pairs) {
    const row = (confusion[actual] ??= Object.fromEntries(columns.map((c) => [c, 0])))
    row[predicted] = (row[predicted] ?? 0) + 1
    if (actual === predicted) correct++
    if (predicted === UNKNOWN) unknown++
  }
  const perIntent = labels.map((intent) => {
    const tp = confusion[intent]?.[intent] ?? 0
    const support = pairs.filter((p) => p.actual === intent).length
    const predicted = pairs.filter((p) => p.predicted === intent).length
    const precision = predicted === 0 ? 0 : tp / predicted
    const recall = support === 0 ? 0 : tp / support
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
    return {intent, support, predicted, precision, recall, f1}
  })
  const macroF1 = perIntent.length === 0 ? 0 : perIntent.reduce((s, m) => s + m.f1, 0) / perIntent.length
  return {
    n: pairs.length,
    accuracy: pairs.length ? correct / pairs.length : 0,
    macroF1,
    unknownShare: pairs.length ? unknown / pairs.length : 0,
    perIntent,
    confusion,
  }
}
