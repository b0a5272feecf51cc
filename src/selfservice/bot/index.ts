import type {KbEntry, KbLink} from '../kb/entry.js'
import {DEFAULT_WEIGHTS, features, jiebaCut, Synonyms, type Cut, type FeatureWeights, type Features} from './text.js'

/**
 * The FAQ bot's matcher: BM25 over the features of every question of every entry (standard and similar), an entry
 * scoring as its best question plus a little of its answer; a confidence in [0, 1]; short follow-ups borrow the
 * previous question. Pure and synchronous: built from KB rows, so `serve` can answer without the database.
 * docs/selfservice.md gives the formulas.
 */

export interface MatchOptions {
  /** BM25 term-frequency saturation and length normalisation. */
  k1: number
  b: number
  weights: FeatureWeights
  /** Share of the answer's BM25 score added to the entry's best question score. */
  answerWeight: number
  /** Weight of the previous question's features in a follow-up. */
  contextWeight: number
  /** Multiplier of entries in the previous answer's scene, for a follow-up. */
  sceneBoost: number
  /** A question with at most this many content characters is a follow-up when a previous question is known. */
  followUpChars: number
  /** Below this confidence the bot hands over to a person. */
  handoverBelow: number
  /** "Did you mean": at most this many other entries … */
  maxAlternatives: number
  /** … whose score is at least this share of the best. */
  alternativeRatio: number
}

export const DEFAULT_MATCH: MatchOptions = {
  k1: 1.2,
  b: 0.5,
  weights: DEFAULT_WEIGHTS,
  answerWeight: 0.15,
  contextWeight: 0.2,
  sceneBoost: 1.25,
  followUpChars: 6,
  handoverBelow: 0.3,
  maxAlternatives: 3,
  alternativeRatio: 0.5,
}

/** Asking for a person is answered by handing over, whatever the KB holds. */
const ASKS_FOR_PERSON =
  /(转|找|要|接)?人工(客服|服务|坐席)?|真人|人工台|(talk|speak|chat) (to|with) (a |an )?(person|human|agent|someone)|human agent|real person|live agent/

interface Field {
  /** term id → postings: doc indexes and each one's BM25 term weight idf·tf·(k1+1)/(tf + k1·(1−b+b·len/avg)), precomputed */
  postings: Map<number, {docs: Int32Array; weights: Float32Array}>
  avgLen: number
}

/** Terms this common (idf below it: in almost every entry, like the brand name) add nothing but time: skipped. */
const MIN_IDF = 0.05

export interface AskContext {
  /** The previous question in this conversation. */
  question?: string
  /** The entry that answered it (its scene keeps a short follow-up on topic). */
  entryId?: string
}

export interface EntryRef {
  id: string
  version: number
  question: string
  category: string | null
  scene: string | null
  confidence: number
}

export interface BotAnswer {
  question: string
  /** true: the entry's answer was given; false: handed over (or nothing to go on). */
  answered: boolean
  handedOver: boolean
  reason: 'matched' | 'low_confidence' | 'asked_for_person' | 'empty'
  confidence: number
  entry: (EntryRef & {answer: string; links: KbLink[]; followups: Array<{id: string; question: string}>}) | null
  /** Other entries the visitor may have meant, best first. */
  alternatives: EntryRef[]
  /** The previous question was used (a short follow-up). */
  followUp: boolean
  /** Every entry ranked, best first (for evaluation): only with `rankAll`. */
  ranking?: Array<{id: string; score: number}>
}

export class BotIndex {
  readonly entries: KbEntry[]
  readonly options: MatchOptions
  private readonly synonyms: Synonyms
  private readonly cut: Cut
  private readonly termIds = new Map<string, number>()
  private readonly idf: number[] = []
  private readonly maxIdf: number
  private readonly questions: Field
  private readonly answers: Field
  private readonly docEntry: Int32Array
  private readonly byId = new Map<string, number>()
  /** Score accumulators, all zeros between calls (scoreEntries resets what it touched). */
  private readonly docBuffer: Float64Array
  private readonly answerBuffer: Float64Array

  constructor(entries: KbEntry[], options: {synonyms?: string[][]; match?: Partial<MatchOptions>; cut?: Cut} = {}) {
    this.entries = entries
    this.options = {...DEFAULT_MATCH, ...options.match, weights: {...DEFAULT_MATCH.weights, ...options.match?.weights}}
    this.synonyms = new Synonyms(options.synonyms ?? [])
    this.cut = options.cut ?? jiebaCut
    const qDocs: Array<Map<string, number>> = []
    const docEntry: number[] = []
    const aDocs: Array<Map<string, number>> = []
    const entryTerms: Array<Set<string>> = []
    entries.forEach((e, k) => {
      this.byId.set(e.id, k)
      const seen = new Set<string>()
      for (const q of [e.question, ...e.similar]) {
        const f = this.featuresOf(q).terms
        qDocs.push(f)
        docEntry.push(k)
        for (const t of f.keys()) seen.add(t)
      }
      const a = this.featuresOf(e.answer).terms
      aDocs.push(a)
      entryTerms.push(seen)
    })
    // Document frequency over entries, not questions: an entry with many paraphrases must not make its own words common.
    const df = new Map<string, number>()
    for (const s of entryTerms) for (const t of s) df.set(t, (df.get(t) ?? 0) + 1)
    for (const a of aDocs) for (const t of a.keys()) if (!df.has(t)) df.set(t, 0)
    const n = entries.length
    for (const [t, d] of df) {
      this.termIds.set(t, this.idf.length)
      this.idf.push(Math.log(1 + (n - d + 0.5) / (d + 0.5)))
    }
    this.maxIdf = Math.log(1 + (n + 0.5) / 0.5)
    this.docEntry = Int32Array.from(docEntry)
    this.questions = this.field(qDocs)
    this.answers = this.field(aDocs)
    this.docBuffer = new Float64Array(this.docEntry.length)
    this.answerBuffer = new Float64Array(entries.length)
  }

  private featuresOf(text: string): Features {
    return features(text, this.synonyms, this.options.weights, this.cut)
  }

  private field(docs: Array<Map<string, number>>): Field {
    const lists = new Map<number, {docs: number[]; tfs: number[]}>()
    const docLen = new Float64Array(docs.length)
    let total = 0
    docs.forEach((terms, d) => {
      let len = 0
      for (const [t, tf] of terms) {
        len += tf
        const id = this.termIds.get(t)!
        let l = lists.get(id)
        if (!l) lists.set(id, (l = {docs: [], tfs: []}))
        l.docs.push(d)
        l.tfs.push(tf)
      }
      docLen[d] = len
      total += len
    })
    const avgLen = docs.length > 0 ? total / docs.length : 1
    const {k1, b} = this.options
    const postings = new Map<number, {docs: Int32Array; weights: Float32Array}>()
    for (const [id, l] of lists) {
      if (this.idf[id] < MIN_IDF) continue
      const weights = Float32Array.from(
        l.tfs,
        (tf, i) => (this.idf[id] * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * docLen[l.docs[i]]) / avgLen)),
      )
      postings.set(id, {docs: Int32Array.from(l.docs), weights})
    }
    return {postings, avgLen}
  }

  entry(id: string): KbEntry | undefined {
    const k = this.byId.get(id)
    return k === undefined ? undefined : this.entries[k]
  }

  /** BM25 of `terms` over a field, into `out` (one slot per doc); the docs touched are pushed to `touched`. */
  private score(field: Field, terms: Map<string, number>, out: Float64Array, touched: number[]): void {
    for (const [t, qtf] of terms) {
      const id = this.termIds.get(t)
      if (id === undefined) continue
      const p = field.postings.get(id)
      if (!p) continue
      const {docs, weights} = p
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]
        if (out[d] === 0) touched.push(d)
        out[d] += qtf * weights[i]
      }
    }
  }

  /**
   * What the query would score against a question identical to itself: the ceiling its real score is divided by for
   * the confidence. Terms the KB never saw count with the highest idf, so a question about something else is unsure.
   */
  private selfScore(terms: Map<string, number>): number {
    const {k1, b} = this.options
    let len = 0
    for (const tf of terms.values()) len += tf
    let s = 0
    for (const [t, qtf] of terms) {
      const id = this.termIds.get(t)
      const idf = id === undefined ? this.maxIdf : this.idf[id]
      if (idf < MIN_IDF) continue
      s += (idf * qtf * qtf * (k1 + 1)) / (qtf + k1 * (1 - b + (b * len) / this.questions.avgLen))
    }
    return s
  }

  /** Each entry's score: its best question's BM25 plus a share of its answer's. Only the docs a term reaches are visited. */
  private scoreEntries(terms: Map<string, number>): Float64Array {
    const qScores = this.docBuffer
    const touched: number[] = []
    this.score(this.questions, terms, qScores, touched)
    const entryScores = new Float64Array(this.entries.length)
    for (const d of touched) {
      const e = this.docEntry[d]
      if (qScores[d] > entryScores[e]) entryScores[e] = qScores[d]
      qScores[d] = 0
    }
    if (this.options.answerWeight > 0) {
      const aScores = this.answerBuffer
      const touchedAnswers: number[] = []
      this.score(this.answers, terms, aScores, touchedAnswers)
      for (const e of touchedAnswers) {
        entryScores[e] += this.options.answerWeight * aScores[e]
        aScores[e] = 0
      }
    }
    return entryScores
  }

  /** The k entries most like `text` (no context, no hand-over), with their confidence: for similarity search. */
  search(text: string, k: number): Array<{index: number; confidence: number}> {
    const terms = this.featuresOf(text).terms
    const scores = this.scoreEntries(terms)
    const ceiling = this.selfScore(terms)
    return topK(scores, k).map((index) => ({index, confidence: round(ceiling > 0 ? Math.min(1, scores[index] / ceiling) : 0)}))
  }

  ask(question: string, context: AskContext = {}, opts: {rankAll?: boolean; handoverBelow?: number} = {}): BotAnswer {
    const o = this.options
    const threshold = opts.handoverBelow ?? o.handoverBelow
    const empty = (reason: BotAnswer['reason'], handedOver: boolean): BotAnswer => ({
      question,
      answered: false,
      handedOver,
      reason,
      confidence: 0,
      entry: null,
      alternatives: [],
      followUp: false,
      ...(opts.rankAll ? {ranking: []} : {}),
    })
    const norm = question.normalize('NFKC').toLowerCase()
    if (ASKS_FOR_PERSON.test(norm)) return empty('asked_for_person', true)
    const q = this.featuresOf(question)
    if (q.terms.size === 0 && !context.question) return empty('empty', true)

    let previous: KbEntry | undefined = context.entryId ? this.entry(context.entryId) : undefined
    const prevQuestion = context.question ?? previous?.question
    const followUp = prevQuestion !== undefined && (q.contentChars <= o.followUpChars || q.followUpMarker)
    const terms = new Map(q.terms)
    if (followUp) {
      for (const [t, w] of this.featuresOf(prevQuestion).terms) terms.set(t, (terms.get(t) ?? 0) + w * o.contextWeight)
      if (!previous && context.question) {
        const prev = this.ask(context.question, {}, {handoverBelow: 0})
        previous = prev.entry ? this.entry(prev.entry.id) : undefined
      }
    }
    const entryScores = this.scoreEntries(terms)
    const scene = followUp ? previous?.scene : null
    if (scene) for (let e = 0; e < entryScores.length; e++) if (this.entries[e].scene === scene) entryScores[e] *= o.sceneBoost
    const ceiling = this.selfScore(terms) * (scene ? o.sceneBoost : 1)
    const order = topK(entryScores, opts.rankAll ? this.entries.length : o.maxAlternatives + 1)
    const conf = (s: number) => (ceiling > 0 ? Math.min(1, s / ceiling) : 0)
    const ref = (e: number): EntryRef => {
      const x = this.entries[e]
      return {
        id: x.id,
        version: x.version,
        question: x.question,
        category: x.category,
        scene: x.scene,
        confidence: round(conf(entryScores[e])),
      }
    }
    const ranking = opts.rankAll ? {ranking: order.map((e) => ({id: this.entries[e].id, score: round(entryScores[e])}))} : {}
    if (order.length === 0 || entryScores[order[0]] <= 0) return {...empty('low_confidence', true), followUp, ...ranking}
    const best = order[0]
    const confidence = conf(entryScores[best])
    const alternatives = order
      .slice(1, o.maxAlternatives + 1)
      .filter((e) => entryScores[e] > 0 && entryScores[e] >= o.alternativeRatio * entryScores[best])
      .map(ref)
    const answered = confidence >= threshold
    const x = this.entries[best]
    return {
      question,
      answered,
      handedOver: !answered,
      reason: answered ? 'matched' : 'low_confidence',
      confidence: round(confidence),
      entry: {
        ...ref(best),
        answer: x.answer,
        links: x.links,
        followups: x.followups.flatMap((id) => {
          const f = this.entry(id)
          return f ? [{id, question: f.question}] : []
        }),
      },
      alternatives,
      followUp,
      ...ranking,
    }
  }
}

const round = (v: number) => Math.round(v * 1e4) / 1e4

/** Indexes of the k largest values, largest first (ties: lower index first). */
function topK(values: Float64Array, k: number): number[] {
  if (k >= values.length) return [...values.keys()].sort((a, b) => values[b] - values[a] || a - b)
  const best: number[] = []
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v <= 0) continue
    if (best.length === k && v <= values[best[k - 1]]) continue
    let j = best.length < k ? best.length : k - 1
    best[j] = i
    while (j > 0 && values[best[j - 1]] < v) {
      best[j] = best[j - 1]
      best[j - 1] = i
      j--
    }
  }
  return best
}
