import {createRequire} from 'node:module'
import type {Jieba} from '@node-rs/jieba'

let jieba: Jieba | undefined
const cache = new Map<string, string[]>()
const CACHE_LIMIT = 200_000

/** One jieba instance per process: loading the dictionary costs ~200 ms. */
function segmenter(): Jieba {
  if (!jieba) {
    // @node-rs/jieba is CommonJS without an exports map; require keeps its native binding loading simple.
    const require = createRequire(import.meta.url)
    const {Jieba: JiebaClass} = require('@node-rs/jieba') as typeof import('@node-rs/jieba')
    const {dict} = require('@node-rs/jieba/dict') as {dict: Uint8Array}
    jieba = JiebaClass.withDict(dict)
  }
  return jieba
}

const HAN = /\p{Script=Han}/u

/** Lowercases, folds full-width ASCII, and turns URL/punctuation separators into spaces. */
export function normalizeText(text: string): string {
  return text
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toLowerCase()
    .replace(/[\s_\-+/\\|.,;:!?'"()[\]{}<>=&%#@*~`^$，。、；：！？“”‘’（）【】《》…·]+/g, ' ')
    .trim()
}

/** jieba words (Chinese) and whole Latin/digit words, cached per distinct text. */
export function tokenize(text: string): string[] {
  const norm = normalizeText(text)
  const hit = cache.get(norm)
  if (hit) return hit
  const tokens: string[] = []
  if (norm.length > 0) {
    const words = HAN.test(norm) ? segmenter().cut(norm, true) : norm.split(' ')
    for (const w of words) {
      const t = w.trim()
      if (t.length > 0) tokens.push(t)
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(norm, tokens)
  return tokens
}

/**
 * Model features: words, Han character bigrams (robust to segmentation and typos) and Latin character
 * trigrams (robust to pinyin spelled with or without spaces and English typos).
 */
export function features(text: string): string[] {
  const out: string[] = []
  const tokens = tokenize(text)
  for (const t of tokens) out.push(`w:${t}`)
  const compact = normalizeText(text)
  const han = compact
    .replace(/[^\p{Script=Han}]+/gu, ' ')
    .split(' ')
    .filter(Boolean)
  for (const run of han) {
    if (run.length === 1) out.push(`c:${run}`)
    for (let i = 0; i + 1 < run.length; i++) out.push(`b:${run.slice(i, i + 2)}`)
  }
  const latin = compact.replace(/[^a-z0-9]+/g, '')
  for (let i = 0; i + 2 < latin.length; i++) out.push(`t:${latin.slice(i, i + 3)}`)
  return out
}
