import {createRequire} from 'node:module'
import type {Jieba} from '@node-rs/jieba'

/**
 * Text → weighted features for the FAQ bot: jieba words (search mode, so 打印机 also yields 打印), Han character
 * bigrams and single characters (robust to segmentation and one-character typos), Latin/digit words and their
 * character trigrams (robust to "pixma"/"pxima", "g3800"/"g 3800"). Pure apart from loading jieba's dictionary.
 */

let jieba: Jieba | undefined
function segmenter(): Jieba {
  if (!jieba) {
    // CommonJS without an exports map: require keeps the native binding simple (as src/enrich/intent/tokenize.ts)
    const require = createRequire(import.meta.url)
    const {Jieba: JiebaClass} = require('@node-rs/jieba') as typeof import('@node-rs/jieba')
    const {dict} = require('@node-rs/jieba/dict') as {dict: Uint8Array}
    jieba = JiebaClass.withDict(dict)
  }
  return jieba
}

export type Cut = (hanRun: string) => string[]
export const jiebaCut: Cut = (s) => segmenter().cutForSearch(s, true)
/** Plain segmentation (each character once), for rebuilding text from its words. */
export const jiebaWords: Cut = (s) => segmenter().cut(s, true)

const HAN = /\p{Script=Han}/u
const HAN_RUN = /\p{Script=Han}+|[a-z0-9]+/gu

/** Particles, greetings and pronouns: they say nothing about which entry is meant. */
const STOP = new Set(
  (
    '的 了 吗 嘛 呢 啊 阿 吧 呀 哦 噢 哈 呗 啦 么 滴 得 地 着 过 请 请问 问 问下 问一下 一下 下 你好 您好 您 你 你们 我 我们 我的 想 想问 ' +
    '要 能 能不能 可以 可不可以 是 是不是 有 有没有 在 个 这 那 这个 那个 就 都 也 还 和 与 及 或 谢谢 麻烦 帮 帮忙 一个 ' +
    'hi hello hey please pls plz the a an is are was be i my me we our you your it its to do does did of for on in at and or can could would ' +
    'thanks thank ok'
  ).split(' '),
)

/** Markers of a follow-up that leans on the previous question ("那多少钱？", "what about the price"). */
const FOLLOW_UP_START = /^(那|那么|那这|这个|这款|那个|那款|它|它的|还有|另外|然后|再问|and |what about |how about |also )/

export interface Features {
  /** feature → weighted count */
  terms: Map<string, number>
  /** Number of characters of content (stop words left out): short questions lean on their context. */
  contentChars: number
  followUpMarker: boolean
}

export interface FeatureWeights {
  word: number
  bigram: number
  char: number
  latin: number
  trigram: number
}

export const DEFAULT_WEIGHTS: FeatureWeights = {word: 1, bigram: 0.5, char: 0.3, latin: 1, trigram: 0.25}

/** NFKC (full-width → half-width), lower case, punctuation → one space. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

/** Synonym groups: every variant is rewritten to its group's first word before features are taken. */
export class Synonyms {
  private readonly canonical = new Map<string, string>()
  private readonly pattern: RegExp | null

  constructor(groups: string[][]) {
    for (const group of groups) {
      const words = group.map(normalize).filter(Boolean)
      for (const w of words.slice(1)) if (w !== words[0]) this.canonical.set(w, words[0])
    }
    // Canonical words are in the pattern too (mapped to themselves): scanning "维修站" must take 维修 whole, not the
    // variant 修 inside it.
    for (const group of groups) {
      const head = normalize(group[0] ?? '')
      if (head && !this.canonical.has(head)) this.canonical.set(head, head)
    }
    const variants = [...this.canonical.keys()].sort((a, b) => b.length - a.length)
    // Latin variants only as whole words ("price" not inside "priceless"); Han variants anywhere
    this.pattern =
      variants.length === 0
        ? null
        : new RegExp(variants.map((v) => (HAN.test(v) ? escape(v) : `(?<![a-z0-9])${escape(v)}(?![a-z0-9])`)).join('|'), 'gu')
  }

  apply(normalized: string): string {
    return this.pattern ? normalized.replace(this.pattern, (m) => this.canonical.get(m) ?? m) : normalized
  }

  get size(): number {
    return this.canonical.size
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export function features(text: string, synonyms?: Synonyms, weights: FeatureWeights = DEFAULT_WEIGHTS, cut: Cut = jiebaCut): Features {
  const norm = normalize(text)
  const rewritten = synonyms ? synonyms.apply(norm) : norm
  const terms = new Map<string, number>()
  const add = (t: string, w: number) => {
    if (w > 0) terms.set(t, (terms.get(t) ?? 0) + w)
  }
  let contentChars = 0
  for (const m of rewritten.matchAll(HAN_RUN)) {
    const run = m[0]
    if (HAN.test(run)) {
      const words = cut(run).filter((w) => w.trim() !== '')
      const content = words.filter((w) => !STOP.has(w))
      for (const w of content) add(`w:${w}`, weights.word)
      // characters of words that are only particles do not count as content
      const stopChars = new Set(words.filter((w) => STOP.has(w)).join(''))
      for (const ch of run) if (!stopChars.has(ch)) contentChars++
      if (run.length === 1) {
        if (!STOP.has(run)) add(`c:${run}`, weights.char)
        continue
      }
      for (let k = 0; k + 1 < run.length; k++) {
        const bigram = run.slice(k, k + 2)
        if (!STOP.has(bigram)) add(`b:${bigram}`, weights.bigram)
      }
      for (const ch of run) if (!STOP.has(ch)) add(`c:${ch}`, weights.char)
    } else {
      if (STOP.has(run)) continue
      contentChars += Math.min(run.length, 4)
      add(`l:${run}`, weights.latin)
      const padded = `^${run}$`
      for (let k = 0; k + 2 < padded.length; k++) add(`t:${padded.slice(k, k + 3)}`, weights.trigram)
    }
  }
  return {terms, contentChars, followUpMarker: FOLLOW_UP_START.test(rewritten)}
}
