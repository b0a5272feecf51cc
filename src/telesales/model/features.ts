/**
 * Hashed sparse features of an utterance for the trained script detector. Pure, no I/O.
 *
 * Own text: words (jieba words inside Chinese runs when a tokenizer is given), word bigrams, character n-grams
 * inside words (any language; character bigrams inside Chinese runs) and a few shape features (question mark,
 * length). Context: the words of the previous and the next utterance of the call and the utterance's position,
 * in their own hash namespaces. Each block is scaled to a fixed L2 norm, so the score of a linear model is a sum
 * of per-block dot products: the pipeline computes each distinct text's blocks once and adds them per call.
 */
import {normalizeText, type Tokenizer} from '../text.js'

export interface FeatureOptions {
  /** log2 of the number of hash buckets. */
  bits: number
  /** Character n-gram lengths inside Latin words (with word-boundary marks). */
  charMin: number
  charMax: number
  /** Word bigrams on or off. */
  bigrams: boolean
  /** L2 norm of the previous / next utterance's word block (0 = no context). */
  context: number
  /** Value of the position features (0 = none). */
  position: number
}

export const DEFAULT_FEATURES: FeatureOptions = {bits: 20, charMin: 3, charMax: 4, bigrams: true, context: 0.5, position: 0.5}

/** Hash namespaces: the same word in the own text and in the previous utterance are different features. */
export const NS = {word: 1, bigram: 2, char: 3, shape: 4, prev: 5, next: 6, position: 7} as const

const CJK_RE = /[\u3400-\u9fff\uf900-\ufaff]/

function isCjk(c: number): boolean {
  return (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)
}

/** FNV-1a over UTF-16 units of s[start, end), seeded by a namespace, finished with murmur3's fmix32. */
export function hashRange(s: string, start: number, end: number, ns: number, pre = 0, post = 0): number {
  let h = (0x811c9dc5 ^ Math.imul(ns, 0x9e3779b1)) >>> 0
  if (pre) h = Math.imul(h ^ pre, 0x01000193)
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) c = 48 // every digit is '0': amounts and dates generalise
    h = Math.imul(h ^ c, 0x01000193)
  }
  if (post) h = Math.imul(h ^ post, 0x01000193)
  return fmix(h)
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export function combine(a: number, b: number, ns: number): number {
  return fmix((Math.imul(a, 31) ^ b ^ Math.imul(ns, 0x27d4eb2d)) >>> 0)
}

/** A sparse vector: bucket indices (distinct) and one value shared by all of them (binary features, unit norm). */
export interface Block {
  index: Int32Array
  value: number
}

const EMPTY: Block = {index: new Int32Array(0), value: 0}

/** Words of a normalized text: Latin words as they are, Chinese runs cut by the tokenizer (else into characters). */
export function words(normalized: string, tokenizer?: Tokenizer): string[] {
  const out: string[] = []
  for (const part of normalized.split(' ')) {
    if (!part) continue
    if (CJK_RE.test(part)) {
      if (tokenizer) for (const t of tokenizer(part)) out.push(t)
      else for (const ch of part) out.push(ch)
    } else out.push(part)
  }
  return out
}

/**
 * Features of one utterance's own text, and its word block (what its neighbours see as context).
 * `raw` is the text as said (punctuation gives the shape features); `tokenizer` cuts Chinese into words.
 */
export class Featurizer {
  readonly mask: number
  private readonly own = new Collector()
  private readonly prev = new Collector()
  private readonly next = new Collector()
  private readonly wordHashes: number[] = []

  constructor(
    readonly options: FeatureOptions = DEFAULT_FEATURES,
    private readonly tokenizer?: Tokenizer,
  ) {
    this.mask = (1 << options.bits) - 1
  }

  /** Own-text block, and the previous/next-context blocks of the same text. */
  text(raw: string): {own: Block; asPrev: Block; asNext: Block} {
    const norm = normalizeText(raw)
    const ws = words(norm, this.tokenizer)
    const own = this.own
    own.reset()
    const mask = this.mask
    const wordHashes = this.wordHashes
    wordHashes.length = 0
    for (const w of ws) wordHashes.push(hashRange(w, 0, w.length, NS.word))
    for (const h of wordHashes) own.add(h & mask)
    if (this.options.bigrams) {
      for (let k = 0; k + 1 < wordHashes.length; k++) own.add(combine(wordHashes[k], wordHashes[k + 1], NS.bigram) & mask)
      if (wordHashes.length > 0) {
        own.add(combine(0, wordHashes[0], NS.bigram) & mask) // sentence start
        own.add(combine(wordHashes.at(-1)!, 0, NS.bigram) & mask) // sentence end
      }
    }
    this.charGrams(norm, own)
    // Shape: questions are most of the "inquiry" strategies; length separates acknowledgements from appeals.
    if (raw.includes('?') || raw.includes('？')) own.add(SHAPE_QUESTION & mask)
    if (raw.includes('!') || raw.includes('！')) own.add(SHAPE_EXCLAIM & mask)
    own.add(SHAPE_LENGTH[ws.length <= 3 ? 0 : ws.length <= 8 ? 1 : ws.length <= 20 ? 2 : 3] & mask)
    const ownBlock = own.block(1)
    if (this.options.context <= 0 || wordHashes.length === 0) return {own: ownBlock, asPrev: EMPTY, asNext: EMPTY}
    const prev = this.prev
    const next = this.next
    prev.reset()
    next.reset()
    for (const h of wordHashes) {
      prev.add(fmix(h ^ 0x5bd1e995 ^ NS.prev) & mask)
      next.add(fmix(h ^ 0x1b873593 ^ NS.next) & mask)
    }
    return {own: ownBlock, asPrev: prev.block(this.options.context), asNext: next.block(this.options.context)}
  }

  /** Bucket of a position feature: where in the call the utterance is, and whether it opens its turn. */
  positionBuckets(index: number, count: number, firstOfTurn: boolean): number[] {
    if (this.options.position <= 0) return []
    const abs = index < 3 ? `a${index}` : index < 6 ? 'a3-5' : index < 12 ? 'a6-11' : index < 24 ? 'a12-23' : 'a24+'
    const rel = `r${Math.min(4, Math.floor((5 * index) / Math.max(1, count)))}`
    const fromEnd = count - 1 - index
    const end = fromEnd < 2 ? `e${fromEnd}` : fromEnd < 6 ? 'e2-5' : 'e6+'
    const out = [abs, rel, end, firstOfTurn ? 'turn:first' : 'turn:later'].map((s) => hashRange(s, 0, s.length, NS.position) & this.mask)
    return out
  }

  private charGrams(norm: string, out: Collector): void {
    const {charMin, charMax} = this.options
    let i = 0
    while (i < norm.length) {
      if (norm.charCodeAt(i) === 32) {
        i++
        continue
      }
      let j = i
      const cjk = isCjk(norm.charCodeAt(i))
      while (j < norm.length && norm.charCodeAt(j) !== 32 && isCjk(norm.charCodeAt(j)) === cjk) j++
      if (cjk) {
        // Chinese: character bigrams (and a lone character), robust to jieba cutting a misheard word differently.
        if (j - i === 1) out.add(hashRange(norm, i, j, NS.char) & this.mask)
        for (let k = i; k + 2 <= j; k++) out.add(hashRange(norm, k, k + 2, NS.char) & this.mask)
      } else {
        // "^word$" n-grams: the marks are virtual (codes 1 and 2), no string is built.
        const len = j - i + 2
        for (let n = charMin; n <= charMax; n++) {
          if (n > len) break
          for (let s = 0; s + n <= len; s++) {
            const pre = s === 0 ? 1 : 0
            const post = s + n === len ? 2 : 0
            const from = i + Math.max(s, 1) - 1
            const to = i + Math.min(s + n, len - 1) - 1
            out.add(hashRange(norm, from, to, NS.char, pre, post) & this.mask)
          }
        }
      }
      i = j
    }
  }
}

const SHAPE_QUESTION = hashRange('?', 0, 1, NS.shape)
const SHAPE_EXCLAIM = hashRange('!', 0, 1, NS.shape)
const SHAPE_LENGTH = ['len:s', 'len:m', 'len:l', 'len:xl'].map((s) => hashRange(s, 0, s.length, NS.shape))

/** Bucket indices gathered in a reused buffer, then sorted and deduplicated into a block (no Set per text). */
class Collector {
  private buf = new Int32Array(256)
  private n = 0
  reset(): void {
    this.n = 0
  }
  add(index: number): void {
    if (this.n === this.buf.length) {
      const bigger = new Int32Array(this.buf.length * 2)
      bigger.set(this.buf)
      this.buf = bigger
    }
    this.buf[this.n++] = index
  }
  block(norm: number): Block {
    if (this.n === 0) return EMPTY
    const sorted = this.buf.subarray(0, this.n).sort()
    let u = 1
    for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[u - 1]) sorted[u++] = sorted[i]
    return {index: sorted.slice(0, u), value: norm / Math.sqrt(u)}
  }
}
