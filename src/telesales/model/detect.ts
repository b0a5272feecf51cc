/**
 * Script detection over a call's utterances with a trained model and/or the phrasing matcher: the one path the
 * pipeline, `scripts hits` and `scripts eval` share, so the figures eval prints are those of what runs.
 */
import type {Library} from '../library.js'
import {ScriptMatcher} from '../matcher.js'
import type {Tokenizer} from '../text.js'
import type {ScriptModelFile} from './format.js'
import {ModelScorer} from './scorer.js'

export interface DetectUtterance {
  text: string
  speaker: string
  firstOfTurn: boolean
}

/** A library in which the scripts the model scores have no phrasings: the matcher then only sees the rest and the stage cues. */
function fallbackLibrary(library: Library, modelScripts: Set<string>): Library {
  return {...library, scripts: library.scripts.map((s) => (modelScripts.has(s.id) ? {...s, phrasings: []} : s))}
}

export class ScriptDetector {
  readonly matcher: ScriptMatcher
  readonly scorer?: ModelScorer
  /** Library index of each model column. */
  readonly modelScript: Int32Array
  readonly K: number

  constructor(
    readonly library: Library,
    model?: ScriptModelFile,
    tokenizer?: Tokenizer,
  ) {
    if (model) {
      this.scorer = new ModelScorer(model, tokenizer)
      const byId = new Map(library.scripts.map((s) => [s.id, s.index]))
      this.modelScript = Int32Array.from(this.scorer.ids, (id) => byId.get(id) ?? -1)
      this.matcher = new ScriptMatcher(fallbackLibrary(library, new Set(this.scorer.ids)), {tokenizer})
    } else {
      this.modelScript = new Int32Array(0)
      this.matcher = new ScriptMatcher(library, {tokenizer})
    }
    this.K = this.modelScript.length
  }

  /**
   * A model probability on the matcher's 0..1 scale: the script's threshold maps to the library's
   * matchThreshold (piecewise linear), so hits, scores and stage evidence keep one meaning.
   */
  matchScore(column: number, p: number): number {
    const t = this.scorer!.thresholds[column]
    const m = this.library.matchThreshold
    return p < t ? (t > 0 ? (m * p) / t : m) : t < 1 ? m + ((1 - m) * (p - t)) / (1 - t) : 1
  }

  /** Probabilities (n × K) of the model scripts for a call's utterances; empty without a model. */
  modelProbabilities(utterances: DetectUtterance[]): Float64Array {
    const scorer = this.scorer
    if (!scorer) return new Float64Array(0)
    const stride = scorer.stride
    const prepared = new Float64Array(utterances.length * stride)
    const offsets = utterances.map((u, i) => {
      scorer.prepareInto(u.text, prepared, i * stride)
      return i * stride
    })
    const out = new Float64Array(utterances.length * this.K)
    scorer.scoreSequence(
      prepared,
      offsets,
      utterances.map((u) => u.firstOfTurn),
      out,
    )
    return out
  }

  /**
   * Per utterance, every library script's score on the matcher's scale (0 when the script's speaker is not the
   * utterance's) and whether it is a hit. Row-major n × scripts.
   */
  scoreCall(utterances: DetectUtterance[]): {scores: Float64Array; hits: Uint8Array} {
    const S = this.library.scripts.length
    const scores = new Float64Array(utterances.length * S)
    const hits = new Uint8Array(utterances.length * S)
    const probs = this.modelProbabilities(utterances)
    utterances.forEach((u, i) => {
      for (const h of this.matcher.analyze(u.text).hits) {
        if (this.library.scripts[h.script].speaker !== u.speaker) continue
        scores[i * S + h.script] = h.score
        hits[i * S + h.script] = 1
      }
      for (let k = 0; k < this.K; k++) {
        const s = this.modelScript[k]
        if (s < 0 || this.library.scripts[s].speaker !== u.speaker) continue
        const p = probs[i * this.K + k]
        scores[i * S + s] = this.matchScore(k, p)
        hits[i * S + s] = p >= this.scorer!.thresholds[k] ? 1 : 0
      }
    })
    return {scores, hits}
  }
}

/** Splits a turn into sentences (after . ! ? and their full-width forms, and 。…); a text without any is one sentence. */
export function splitSentences(text: string): string[] {
  const out: string[] = []
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    const cjkEnd = c === '。' || c === '！' || c === '？' || c === '…'
    const latinEnd = (c === '.' || c === '!' || c === '?') && (i + 1 === text.length || /\s/.test(text[i + 1]))
    if (!cjkEnd && !latinEnd) continue
    // A run of end marks ("?!", "...") stays with its sentence.
    let j = i + 1
    while (j < text.length && /[.!?。！？…]/.test(text[j])) j++
    const s = text.slice(start, j).trim()
    if (s) out.push(s)
    start = j
    i = j - 1
  }
  const rest = text.slice(start).trim()
  if (rest) out.push(rest)
  return out.length > 0 ? out : [text]
}
