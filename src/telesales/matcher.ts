import type {Library} from './library.js'
import {
  gramKeys,
  myersPattern,
  myersSubstringDistance,
  normalizeText,
  simpleTokens,
  substringEditDistance,
  type MyersPattern,
  type Tokenizer,
} from './text.js'

/** How a turn's text relates to the library: scripts it says and how much it sounds like each stage. */
export interface TextAnalysis {
  /** Scripts scored at or above the library's threshold, best first (script = index in library.scripts). */
  hits: Array<{script: number; score: number}>
  /** Per stage: evidence 0..1 that the text belongs to it (best script score or a cue word). */
  stageScores: number[]
  /** Scripts scored just below the threshold (≥ threshold − THRESHOLD_STEP): what a lower threshold would add. */
  near?: Array<{script: number; score: number}>
}

/** How far the verdict's robustness check moves the detection threshold (on the 0..1 match-score scale), each way. */
export const THRESHOLD_STEP = 0.05

interface Phrasing {
  script: number
  norm: string
  /** Bit-parallel edit-distance state for phrasings up to 31 characters. */
  myers?: MyersPattern
  gramCount: number
  tokens: Set<string>
}

export interface MatcherOptions {
  /** Tokenizer for the token-overlap part of the score; default: Latin words + CJK bigrams. */
  tokenizer?: Tokenizer
  /** Candidates whose n-gram containment is below this are not scored further (speed). */
  minContainment?: number
}

/** Score weights: n-gram containment, fuzzy substring match, token overlap (documented in docs/metrics.md). */
export const SCORE_WEIGHTS = {containment: 0.4, fuzzy: 0.4, tokens: 0.2} as const
const CUE_SCORE = 0.5

/**
 * Precomputes every phrasing's n-grams and an inverted index n-gram → phrasings, so a turn is compared
 * only with phrasings that share n-grams with it. Results are cached per distinct text.
 */
export class ScriptMatcher {
  private readonly phrasings: Phrasing[] = []
  private readonly index = new Map<number, number[]>()
  private readonly turnGrams = new Set<number>()
  private readonly counts: Int32Array
  private readonly cues: Array<{stage: number; norm: string}> = []
  private readonly cache = new Map<string, TextAnalysis>()
  private readonly tokenize: Tokenizer
  private readonly minContainment: number

  constructor(
    readonly library: Library,
    options: MatcherOptions = {},
  ) {
    this.tokenize = options.tokenizer ?? simpleTokens
    this.minContainment = options.minContainment ?? 0.34
    for (const script of library.scripts) {
      for (const text of script.phrasings) {
        const norm = normalizeText(text)
        const grams = gramKeys(norm)
        const id = this.phrasings.length
        this.phrasings.push({
          script: script.index,
          norm,
          myers: myersPattern(norm),
          gramCount: grams.size,
          tokens: new Set(this.tokenize(norm)),
        })
        for (const g of grams) {
          const list = this.index.get(g)
          if (list) list.push(id)
          else this.index.set(g, [id])
        }
      }
    }
    this.counts = new Int32Array(this.phrasings.length)
    for (const stage of library.stages) for (const cue of stage.cues) this.cues.push({stage: stage.index, norm: normalizeText(cue)})
  }

  get cacheSize(): number {
    return this.cache.size
  }

  analyze(text: string | null | undefined): TextAnalysis {
    const key = text ?? ''
    const cached = this.cache.get(key)
    if (cached) return cached
    const result = this.compute(key)
    if (this.cache.size < 2_000_000) this.cache.set(key, result)
    return result
  }

  /** Without the cache: for callers that already hold each distinct text once. */
  compute(text: string): TextAnalysis {
    // A plain array: hundreds of thousands of small typed arrays cost the GC far more.
    const stageScores = new Array<number>(this.library.stages.length).fill(0)
    const norm = normalizeText(text)
    if (norm.length === 0) return {hits: [], stageScores}
    // Every script scored by a trained model: only the stage cues are left to look for.
    if (this.phrasings.length === 0) {
      for (const cue of this.cues) if (stageScores[cue.stage] < CUE_SCORE && norm.includes(cue.norm)) stageScores[cue.stage] = CUE_SCORE
      return {hits: [], stageScores}
    }
    const touched: number[] = []
    for (const g of gramKeys(norm, this.turnGrams)) {
      const list = this.index.get(g)
      if (!list) continue
      for (const p of list) {
        if (this.counts[p] === 0) touched.push(p)
        this.counts[p]++
      }
    }
    // Per script, only its phrasing with the most n-grams in common is scored in full (edit distance is the cost).
    const candidate = new Map<number, {phrasing: number; containment: number}>()
    for (const p of touched) {
      const phrasing = this.phrasings[p]
      const containment = this.counts[p] / phrasing.gramCount
      this.counts[p] = 0
      if (containment < this.minContainment) continue
      const seen = candidate.get(phrasing.script)
      if (!seen || containment > seen.containment) candidate.set(phrasing.script, {phrasing: p, containment})
    }
    const best = new Map<number, number>()
    let turnTokens: Set<string> | undefined
    for (const [script, {phrasing: p, containment}] of candidate) {
      const phrasing = this.phrasings[p]
      const distance = phrasing.myers ? myersSubstringDistance(phrasing.myers, norm) : substringEditDistance(phrasing.norm, norm)
      const fuzzy = Math.max(0, 1 - distance / phrasing.norm.length)
      turnTokens ??= new Set(this.tokenize(norm))
      let shared = 0
      for (const t of phrasing.tokens) if (turnTokens.has(t)) shared++
      const tokens = phrasing.tokens.size === 0 ? 0 : shared / phrasing.tokens.size
      best.set(script, SCORE_WEIGHTS.containment * containment + SCORE_WEIGHTS.fuzzy * fuzzy + SCORE_WEIGHTS.tokens * tokens)
    }
    const hits: TextAnalysis['hits'] = []
    let near: TextAnalysis['near']
    const threshold = this.library.matchThreshold
    for (const [script, score] of best) {
      const stage = this.library.scripts[script].stageIndex
      if (score > stageScores[stage]) stageScores[stage] = score
      if (score >= threshold) hits.push({script, score: Math.round(score * 1000) / 1000})
      else if (score >= threshold - THRESHOLD_STEP) (near ??= []).push({script, score: Math.round(score * 1000) / 1000})
    }
    hits.sort((a, b) => b.score - a.score || a.script - b.script)
    for (const cue of this.cues) if (stageScores[cue.stage] < CUE_SCORE && norm.includes(cue.norm)) stageScores[cue.stage] = CUE_SCORE
    return near ? {hits, stageScores, near} : {hits, stageScores}
  }
}
