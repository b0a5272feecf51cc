import {normalize} from '../bot/text.js'

/**
 * Agent replies → templates: variable parts become placeholders, so "您的订单 20261029-8812 已发货" and "您的订单
 * 20261030-1203 已发货" count as one phrase. Known shapes first (URLs, e-mails, phones, order ids, money, dates, times,
 * numbers, names with an honorific), then slots mined from the replies themselves: where many replies agree on every
 * word but one, that word is a placeholder. Pure.
 */

const RULES: Array<[RegExp, string]> = [
  [/https?:\/\/\S+|www\.\S+/gi, '{url}'],
  [/[\w.+-]+@[\w-]+\.[\w.-]+/g, '{email}'],
  [
    /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)|(?<!\d)400[- ]?\d{3}[- ]?\d{4}(?!\d)|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)/g,
    '{phone}',
  ],
  // order and ticket ids: letters + six or more digits, or eight or more digits (model names like LBP2900 stay)
  [/\b[A-Za-z]{1,5}[-_]?\d{6,}[A-Za-z0-9-]*\b|(?<![\w])\d{8,}(?:-\d+)?(?![\w])/g, '{id}'],
  [/(?:[¥￥$]\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?(?:元|块钱|块|万元|dollars?|cents?|usd|rmb))/gi, '{money}'],
  [/\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?|\d{1,2}月\d{1,2}[日号]/g, '{date}'],
  [/\d{1,2}[:：]\d{2}(?:\s?[-–~至到]\s?\d{1,2}[:：]\d{2})?/g, '{time}'],
  [
    /(?<![\p{Script=Han}])[王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤](?:先生|女士|小姐|老师|总|经理|工)/gu,
    '{name}',
  ],
  [/(?:客服|顾问|专员)(?:小)?[\p{Script=Han}]{1,2}(?=[，,。!！\s]|$|为|在|已|很)/gu, '客服{agent}'],
  // numbers, but not the digits of a model name (LBP2900, Win11)
  [/(?<![A-Za-z\d.])\d+(?:\.\d+)?(?![A-Za-z\d])/g, '{n}'],
]

/** Known variable parts → placeholders; whitespace collapsed. */
export function placeholders(text: string): string {
  let out = text.normalize('NFKC').replace(/\s+/g, ' ').trim()
  for (const [re, tag] of RULES) out = out.replace(re, tag)
  return out
}

export interface Phrase {
  template: string
  count: number
  /** count ÷ all agent replies of the group */
  share: number
  example: string
}

/** Splits a template into tokens: placeholders whole, Han runs by jieba, other words whole, punctuation dropped. */
export type Tokenize = (template: string) => string[]

const IS_PLACEHOLDER = /^\{[a-z]+\}$/

/**
 * The most frequent reply templates of one group: placeholders first, then a mined slot where at least `minFillers`
 * different words fill one position of otherwise identical replies.
 */
export function minePhrases(
  replies: string[],
  tokenize: Tokenize,
  options: {top?: number; minCount?: number; minFillers?: number} = {},
): Phrase[] {
  const top = options.top ?? 20
  const minCount = options.minCount ?? 2
  const minFillers = options.minFillers ?? 3
  const templated = replies.map((r) => ({raw: r, template: placeholders(r)}))
  // token sequences of each distinct template
  const distinct = new Map<string, {tokens: string[]; count: number; example: string}>()
  for (const t of templated) {
    const d = distinct.get(t.template)
    if (d) d.count++
    else distinct.set(t.template, {tokens: tokenize(t.template), count: 1, example: t.raw})
  }
  // Slot mining: mask each position; a masked key filled by many different words is a template with a slot.
  const fillers = new Map<string, Set<string>>()
  for (const [, d] of distinct) {
    if (d.tokens.length < 3) continue
    d.tokens.forEach((tok, i) => {
      if (IS_PLACEHOLDER.test(tok) || isPunct(tok)) return
      const key = maskKey(d.tokens, i)
      let s = fillers.get(key)
      if (!s) fillers.set(key, (s = new Set()))
      s.add(tok)
    })
  }
  const merged = new Map<string, {count: number; example: string}>()
  for (const [template, d] of distinct) {
    let best: {key: string; n: number} | null = null
    if (d.tokens.length >= 3) {
      d.tokens.forEach((_, i) => {
        const key = maskKey(d.tokens, i)
        const n = fillers.get(key)?.size ?? 0
        if (n >= minFillers && (!best || n > best.n)) best = {key, n}
      })
    }
    const final = best ? (best as {key: string}).key : template
    const m = merged.get(final)
    if (m) m.count += d.count
    else merged.set(final, {count: d.count, example: d.example})
  }
  return [...merged.entries()]
    .filter(([, m]) => m.count >= minCount)
    .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([template, m]) => ({template, count: m.count, share: m.count / replies.length, example: m.example}))
}

function maskKey(tokens: string[], i: number): string {
  return joinTokens([...tokens.slice(0, i), '{x}', ...tokens.slice(i + 1)])
}

const isPunct = (t: string) => !/[\p{L}\p{N}]/u.test(t)

/** Joins tokens back into readable text: no space between Han tokens or around placeholders next to Han. */
export function joinTokens(tokens: string[]): string {
  let out = ''
  for (const t of tokens) {
    const prev = out.slice(-1)
    const needsSpace = out !== '' && /[a-z0-9}]/i.test(prev) && /^[a-z0-9{]/i.test(t) && !(prev === '}' && t.startsWith('{'))
    out += (needsSpace ? ' ' : '') + t
  }
  return out
}

/** A tokenizer over a word cutter: keeps placeholders and punctuation as tokens (so templates read back naturally). */
export function templateTokenizer(cut: (han: string) => string[]): Tokenize {
  return (template) => {
    const out: string[] = []
    for (const m of template.matchAll(/\{[a-z]+\}|\p{Script=Han}+|[A-Za-z0-9'’]+|[^\s\p{Script=Han}A-Za-z0-9{]+/gu)) {
      const t = m[0]
      if (/^\p{Script=Han}/u.test(t)) out.push(...cut(t))
      else out.push(/^[A-Za-z]/.test(t) ? t.toLowerCase() : t)
    }
    return out
  }
}

export {normalize}
