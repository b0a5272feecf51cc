/**
 * Script detection over a call's utterances with a trained model and/or the phrasing matcher: the one path the
 * pipeline, `scripts hits` and `scripts eval` share, so the figures eval prints are those of what runs.
 */
import {CcxError, EXIT} from '../../errors.js'
import type {Library} from '../library.js'
import {ScriptMatcher, THRESHOLD_STEP, type TextAnalysis} from '../matcher.js'
import {analyzeSortedTurns, type CallAnalysis, type TranscriptTurn} from '../segment.js'
import type {Tokenizer} from '../text.js'
import type {ScriptModelFile} from './format.js'
import {ModelScorer} from './scorer.js'

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
      checkModelLibrary(model, library)
      // The words must be cut as in training: jieba when the model was trained with it, never otherwise.
      if (model.tokenizer === 'jieba' && !tokenizer) throw new Error('this script model needs the jieba tokenizer')
      this.scorer = new ModelScorer(model, model.tokenizer === 'jieba' ? tokenizer : undefined)
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

/**
 * Distinct texts prepared once (matcher result packed in flat arrays; each sentence's model partial scores), then
 * calls analysed from text ids: what the pipeline does for millions of turns without per-turn objects kept alive.
 */
export class PreparedTexts {
  private readonly S: number
  private stageScores: Float64Array
  private readonly hitOffsets: number[] = [0]
  private readonly hitScript: number[] = []
  private readonly hitScore: number[] = []
  /** Per text, how many of its entries [hitOffsets[id], hitOffsets[id + 1]) are hits; the rest are near-misses. */
  private hitCount: Int32Array
  /** Per text: first sentence number and sentence count. */
  private sentenceStart: Int32Array
  private sentenceCount: Int32Array
  private partials: Float32Array
  private sentences = 0
  private texts = 0

  constructor(
    readonly detector: ScriptDetector,
    expectedTexts = 1024,
  ) {
    this.S = detector.library.stages.length
    const n = Math.max(16, expectedTexts)
    this.stageScores = new Float64Array(n * this.S)
    this.sentenceStart = new Int32Array(n)
    this.sentenceCount = new Int32Array(n)
    this.hitCount = new Int32Array(n)
    this.partials = new Float32Array(detector.scorer ? Math.ceil(n * 1.3) * detector.scorer.stride : 0)
  }

  get size(): number {
    return this.texts
  }

  /** Prepares the next text; its id is the number of texts added before it. */
  add(text: string): number {
    const id = this.texts++
    if (id >= this.sentenceStart.length) this.grow()
    const a = this.detector.matcher.compute(text)
    const S = this.S
    for (let k = 0; k < S; k++) this.stageScores[id * S + k] = a.stageScores[k]
    for (const h of a.hits) {
      this.hitScript.push(h.script)
      this.hitScore.push(h.score)
    }
    this.hitCount[id] = a.hits.length
    for (const h of a.near ?? []) {
      this.hitScript.push(h.script)
      this.hitScore.push(h.score)
    }
    this.hitOffsets.push(this.hitScript.length)
    const scorer = this.detector.scorer
    if (scorer) {
      const parts = text.trim() === '' ? [] : splitSentences(text)
      this.sentenceStart[id] = this.sentences
      this.sentenceCount[id] = parts.length
      const stride = scorer.stride
      if ((this.sentences + parts.length) * stride > this.partials.length) {
        const bigger = new Float32Array(Math.max(this.partials.length * 2, (this.sentences + parts.length) * stride))
        bigger.set(this.partials)
        this.partials = bigger
      }
      for (const part of parts) scorer.prepareInto(part, this.partials, this.sentences++ * stride)
    }
    return id
  }

  private grow(): void {
    const n = this.sentenceStart.length * 2
    const stage = new Float64Array(n * this.S)
    stage.set(this.stageScores)
    this.stageScores = stage
    const start = new Int32Array(n)
    start.set(this.sentenceStart)
    this.sentenceStart = start
    const count = new Int32Array(n)
    count.set(this.sentenceCount)
    this.sentenceCount = count
    const hitCount = new Int32Array(n)
    hitCount.set(this.hitCount)
    this.hitCount = hitCount
  }

  /** The matcher's analysis of a text (fallback scripts and stage cues only when a model is used). */
  base(id: number): TextAnalysis {
    const hits: TextAnalysis['hits'] = []
    const from = this.hitOffsets[id]
    const to = this.hitOffsets[id + 1]
    const hitEnd = from + this.hitCount[id]
    for (let h = from; h < hitEnd; h++) hits.push({script: this.hitScript[h], score: this.hitScore[h]})
    const stageScores = new Array<number>(this.S)
    for (let k = 0; k < this.S; k++) stageScores[k] = this.stageScores[id * this.S + k]
    if (hitEnd === to) return {hits, stageScores}
    const near: TextAnalysis['hits'] = []
    for (let h = hitEnd; h < to; h++) near.push({script: this.hitScript[h], score: this.hitScore[h]})
    return {hits, stageScores, near}
  }

  private offsets: number[] = []
  private first: boolean[] = []
  private turnOf: number[] = []
  private probs = new Float64Array(0)
  /** After analyzeCall: the best model probability per turn and model script (turns × K, −1 when no sentence). */
  lastBest = new Float64Array(0)

  /**
   * Each turn's analysis for one call (turns in order, by text id and speaker; `firstOfTurn` false for a row that
   * continues its speaker's turn, as in a labelled file of sentences): the model scores every sentence
   * with its neighbours (across turns), a turn says a script when its best sentence of the script's speaker
   * reaches the threshold; stage evidence is the best script score of the stage (or the matcher's cue).
   */
  analyzeCall(textIds: ArrayLike<number>, speakers: ArrayLike<string>, firstOfTurn?: ArrayLike<boolean>): TextAnalysis[] {
    const out: TextAnalysis[] = []
    for (let t = 0; t < textIds.length; t++) out.push(this.base(textIds[t]))
    const scorer = this.detector.scorer
    if (!scorer) return out
    const stride = scorer.stride
    const offsets = this.offsets
    const first = this.first
    const turnOf = this.turnOf
    offsets.length = 0
    first.length = 0
    turnOf.length = 0
    for (let t = 0; t < textIds.length; t++) {
      const id = textIds[t]
      for (let s = 0; s < this.sentenceCount[id]; s++) {
        offsets.push((this.sentenceStart[id] + s) * stride)
        first.push(s === 0 && (firstOfTurn ? firstOfTurn[t] : true))
        turnOf.push(t)
      }
    }
    const K = scorer.K
    if (this.probs.length < offsets.length * K) this.probs = new Float64Array(offsets.length * K * 2)
    scorer.scoreSequence(this.partials, offsets, first, this.probs)
    const library = this.detector.library
    // Best probability per turn and model script.
    const best = new Float64Array(textIds.length * K).fill(-1)
    this.lastBest = best
    for (let i = 0; i < offsets.length; i++) {
      const t = turnOf[i]
      for (let k = 0; k < K; k++) if (this.probs[i * K + k] > best[t * K + k]) best[t * K + k] = this.probs[i * K + k]
    }
    const nearFloor = library.matchThreshold - THRESHOLD_STEP
    for (let t = 0; t < textIds.length; t++) {
      const a = out[t]
      let added = false
      for (let k = 0; k < K; k++) {
        const s = this.detector.modelScript[k]
        const p = best[t * K + k]
        if (s < 0 || p < 0 || library.scripts[s].speaker !== speakers[t]) continue
        const score = Math.round(this.detector.matchScore(k, p) * 1000) / 1000
        const stage = library.scripts[s].stageIndex
        if (score > a.stageScores[stage]) a.stageScores[stage] = score
        if (p >= scorer.thresholds[k]) {
          a.hits.push({script: s, score})
          added = true
        } else if (score >= nearFloor) (a.near ??= []).push({script: s, score})
      }
      if (added) a.hits.sort((x, y) => y.score - x.score || x.script - y.script)
    }
    return out
  }
}

/** A model trained for another library cannot score this one: every learnt script must exist here, same speaker. */
export function checkModelLibrary(model: ScriptModelFile, library: Library): void {
  const byId = new Map(library.scripts.map((s) => [s.id, s]))
  const wrong = model.scripts.filter((s) => s.detector === 'model' && byId.get(s.id)?.speaker !== s.speaker).map((s) => s.id)
  if (wrong.length > 0) {
    throw new CcxError(
      `the script model (trained with ${model.library.source}) learnt scripts that ${library.source} does not have with the same speaker: ${wrong.join(', ')}`,
      {
        code: 'MODEL_LIBRARY_MISMATCH',
        exit: EXIT.invalidConfig,
        suggestions: [
          'Train the model with the same library (`ccx scripts train --scripts FILE`), or point files.scripts at that library.',
        ],
      },
    )
  }
}

/** Stages and hits of one call exactly as the telesales pipeline finds them (same detector, same sentence context). */
export function detectCall(detector: ScriptDetector, turns: TranscriptTurn[]): CallAnalysis {
  const sorted = [...turns].sort((a, b) => a.turnNo - b.turnNo)
  const prepared = new PreparedTexts(detector, sorted.length)
  const ids = sorted.map((t) => prepared.add(t.text ?? ''))
  const analyses = prepared.analyzeCall(
    ids,
    sorted.map((t) => t.speaker),
  )
  return analyzeSortedTurns(sorted, analyses, detector.library)
}
