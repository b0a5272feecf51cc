/** Text helpers for matching ASR transcripts against script phrasings. Pure, no I/O. */

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/

const LETTER = /[\p{L}\p{N}]/u

function isCjkCode(c: number): boolean {
  return (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff)
}

/**
 * NFKC (full-width → half-width), lower case, punctuation and spaces collapsed to one space, no space
 * between two CJK characters. A single pass over the characters: this runs once per distinct turn text.
 */
export function normalizeText(text: string): string {
  // NFKC only when there is something it changes that matters here (full-width forms, compatibility chars).
  const source = /[\uff00-\uffef\u3000\u2000-\u206f\uf900-\ufaff]/.test(text) ? text.normalize('NFKC') : text
  let out = ''
  let pendingSpace = false
  let lastCjk = false
  for (let i = 0; i < source.length; i++) {
    let c = source.charCodeAt(i)
    let ch: string
    if (c < 128) {
      if (c >= 65 && c <= 90) c += 32
      const alnum = (c >= 97 && c <= 122) || (c >= 48 && c <= 57)
      if (!alnum) {
        pendingSpace = out.length > 0
        continue
      }
      ch = String.fromCharCode(c)
    } else if (isCjkCode(c)) {
      ch = source[i]
    } else {
      // Other scripts: keep letters and digits (lower-cased), drop the rest; surrogate pairs stay together.
      const cp = source.codePointAt(i)!
      ch = String.fromCodePoint(cp)
      if (cp > 0xffff) i++
      if (!LETTER.test(ch)) {
        pendingSpace = out.length > 0
        continue
      }
      ch = ch.toLowerCase()
    }
    const cjk = isCjkCode(c)
    if (pendingSpace && !(cjk && lastCjk)) out += ' '
    pendingSpace = false
    out += ch
    lastCjk = cjk
  }
  return out
}

/**
 * Character n-grams robust to ASR errors: bigrams inside runs of CJK characters (a one-character run
 * yields itself), padded trigrams inside Latin words and numbers. One wrong character breaks at most
 * two grams, so most of a paraphrase still overlaps.
 */
export function charGrams(normalized: string): Set<string> {
  const out = new Set<string>()
  let run = ''
  const flushCjk = () => {
    if (run.length === 1) out.add(run)
    for (let k = 0; k + 1 < run.length; k++) out.add(run.slice(k, k + 2))
    run = ''
  }
  let word = ''
  const flushWord = () => {
    if (word.length > 0) {
      const w = `^${word}$`
      for (let k = 0; k + 2 < w.length; k++) out.add(w.slice(k, k + 3))
      if (w.length < 3) out.add(w)
    }
    word = ''
  }
  for (const ch of normalized) {
    if (CJK.test(ch)) {
      flushWord()
      run += ch
    } else if (ch === ' ') {
      flushCjk()
      flushWord()
    } else {
      flushCjk()
      word += ch
    }
  }
  flushCjk()
  flushWord()
  return out
}

const SINGLE_CJK = 2 ** 22
const PAD_START = 1
const PAD_END = 2

/**
 * The same n-grams as `charGrams`, as numbers (no substring allocations: this runs for every distinct turn):
 * CJK bigram = c1·65536 + c2, lone CJK char = 2²² + c, Latin trigram = 7-bit symbols packed in 21 bits.
 * Fills and returns `out` (cleared first).
 */
export function gramKeys(normalized: string, out: Set<number> = new Set()): Set<number> {
  out.clear()
  let runLen = 0
  let prev = 0
  let first = 0
  let inWord = false
  let w1 = -1
  let w2 = -1
  const endRun = () => {
    if (runLen === 1) out.add(SINGLE_CJK + first)
    runLen = 0
  }
  const endWord = () => {
    if (inWord) out.add(((w1 < 0 ? PAD_START : w1) << 14) | (w2 << 7) | PAD_END)
    inWord = false
  }
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized.charCodeAt(i)
    if (isCjkCode(c)) {
      endWord()
      if (runLen > 0) out.add(prev * 65536 + c)
      else first = c
      runLen++
      prev = c
    } else if (c === 32) {
      endRun()
      endWord()
    } else {
      endRun()
      const sym = c < 128 ? c : 3 + (c % 125)
      if (!inWord) {
        inWord = true
        w1 = -1
        w2 = PAD_START
      }
      if (w1 >= 0) out.add((w1 << 14) | (w2 << 7) | sym)
      w1 = w2
      w2 = sym
    }
  }
  endRun()
  endWord()
  return out
}

/** Words for token overlap: jieba for Chinese when a tokenizer is given, else Latin words + CJK bigrams. */
export type Tokenizer = (normalized: string) => string[]

export function simpleTokens(normalized: string): string[] {
  const out: string[] = []
  for (const part of normalized.split(' ')) {
    if (!part) continue
    if (CJK.test(part)) for (let k = 0; k + 1 < part.length; k++) out.push(part.slice(k, k + 2))
    else out.push(part)
  }
  return out
}

/** Loads @node-rs/jieba lazily (its dictionary takes a moment) and returns a tokenizer. */
export async function createJiebaTokenizer(): Promise<Tokenizer> {
  const {Jieba} = await import('@node-rs/jieba')
  const {dict} = await import('@node-rs/jieba/dict.js')
  const jieba = Jieba.withDict(dict)
  return (normalized) => {
    const out: string[] = []
    for (const part of normalized.split(' ')) {
      if (!part) continue
      if (CJK.test(part)) for (const t of jieba.cut(part, false)) out.push(t)
      else out.push(part)
    }
    return out
  }
}

let rowA = new Uint16Array(128)
let rowB = new Uint16Array(128)

/**
 * Smallest edit distance between `pattern` and any substring of `text` (Sellers' algorithm):
 * how many typos separate the phrasing from the best-matching stretch of the turn.
 */
export function substringEditDistance(pattern: string, text: string): number {
  const m = pattern.length
  if (m === 0) return 0
  if (rowA.length <= m) {
    rowA = new Uint16Array(2 * m + 2)
    rowB = new Uint16Array(2 * m + 2)
  }
  let prev = rowA
  let cur = rowB
  for (let i = 0; i <= m; i++) prev[i] = i
  let best = m
  for (let j = 1; j <= text.length; j++) {
    cur[0] = 0
    const tc = text.charCodeAt(j - 1)
    for (let i = 1; i <= m; i++) {
      const sub = prev[i - 1] + (pattern.charCodeAt(i - 1) === tc ? 0 : 1)
      const del = prev[i] + 1
      const ins = cur[i - 1] + 1
      cur[i] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins
    }
    if (cur[m] < best) best = cur[m]
    const t = prev
    prev = cur
    cur = t
  }
  return best
}

/** Pattern bitmasks for `myersSubstringDistance` (patterns of at most 31 UTF-16 units). */
export interface MyersPattern {
  length: number
  peq: Map<number, number>
}

export function myersPattern(pattern: string): MyersPattern | undefined {
  if (pattern.length === 0 || pattern.length > 31) return undefined
  const peq = new Map<number, number>()
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i)
    peq.set(c, (peq.get(c) ?? 0) | (1 << i))
  }
  return {length: pattern.length, peq}
}

/**
 * Same result as `substringEditDistance`, bit-parallel (Myers 1999, Hyyrö's formulation): one pass over the
 * text with a few word operations per character, for patterns up to 31 characters.
 */
export function myersSubstringDistance(p: MyersPattern, text: string): number {
  const m = p.length
  const high = 1 << (m - 1)
  const mask = m === 31 ? 0x7fffffff : (1 << m) - 1
  let pv = mask
  let mv = 0
  let score = m
  let best = m
  for (let j = 0; j < text.length; j++) {
    const eq = p.peq.get(text.charCodeAt(j)) ?? 0
    const xv = eq | mv
    const xh = ((((eq & pv) + pv) & mask) ^ pv) | eq
    let ph = mv | (~(xh | pv) & mask)
    let mh = pv & xh
    if (ph & high) score++
    else if (mh & high) score--
    // Text may start anywhere: no 1 shifted into the horizontal delta.
    ph = (ph << 1) & mask
    mh = (mh << 1) & mask
    pv = mh | (~(xv | ph) & mask)
    mv = ph & xv
    if (score < best) best = score
  }
  return best
}

/** Plain Levenshtein distance (used in tests and for short cue words). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  let prev = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]
}
