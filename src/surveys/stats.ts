// Pure survey statistics (docs/metrics.md, "Surveys"): top-2-box CSAT with its Wilson interval, NPS with the normal
// interval from the promoter/detractor proportions.
import {wilsonInterval, Z95} from '../stats/proportions.js'

export interface CsatStats {
  /** Valid 1–5 ratings. */
  n: number
  /** Ratings of 4 or 5. */
  top2: number
  /** top2 ÷ n. */
  top2Box: number | null
  ci95: {low: number; high: number} | null
  mean: number | null
}

export function csatStats(ratings: number[]): CsatStats {
  const n = ratings.length
  const top2 = ratings.filter((r) => r >= 4).length
  return {
    n,
    top2,
    top2Box: n > 0 ? top2 / n : null,
    ci95: wilsonInterval(top2, n),
    mean: n > 0 ? ratings.reduce((a, b) => a + b, 0) / n : null,
  }
}

export interface NpsStats {
  /** Valid 0–10 ratings. */
  n: number
  /** 9–10. */
  promoters: number
  /** 7–8. */
  passives: number
  /** 0–6. */
  detractors: number
  /** 100 × (promoters − detractors) ÷ n, in [−100, 100]. */
  nps: number | null
  /** nps ± 1.96 × 100 × √((pP + pD − (pP − pD)²) ÷ n), clipped to [−100, 100]; null under 2 answers. */
  ci95: {low: number; high: number} | null
}

export function npsStats(ratings: number[]): NpsStats {
  const n = ratings.length
  const promoters = ratings.filter((r) => r >= 9).length
  const detractors = ratings.filter((r) => r <= 6).length
  const passives = n - promoters - detractors
  if (n === 0) return {n, promoters, passives, detractors, nps: null, ci95: null}
  const pP = promoters / n
  const pD = detractors / n
  const nps = 100 * (pP - pD)
  if (n < 2) return {n, promoters, passives, detractors, nps, ci95: null}
  const half = Z95 * 100 * Math.sqrt((pP + pD - (pP - pD) ** 2) / n)
  return {n, promoters, passives, detractors, nps, ci95: {low: Math.max(-100, nps - half), high: Math.min(100, nps + half)}}
}

/** Words that say nothing about what a respondent meant (after jieba). */
const STOP = new Set(
  (
    '的 了 吗 呢 啊 吧 呀 哦 啦 么 得 地 着 过 也 都 就 还 很 太 非常 比较 是 有 在 和 与 及 或 我 我们 你 你们 您 他 她 它 这 那 这个 那个 ' +
    '一个 没有 不 没 又 能 会 要 给 让 被 把 对 说 吧 就是 但是 还是 可以 一下 谢谢 ' +
    'the a an is are was were be been i my me we our you your it its to do does did of for on in at and or but not no so very too ' +
    'this that with was have has had can could would just'
  ).split(' '),
)

export interface FrequentWord {
  word: string
  /** Answers that use it (an answer counts once). */
  answers: number
  /** Up to `examples` distinct answers that use it, shortest first (they read best in a table). */
  examples: string[]
}

/** The words most answers use (jieba for Chinese, whole words otherwise), with example answers. */
export function frequentWords(texts: string[], tokenize: (s: string) => string[], top = 10, examples = 2): FrequentWord[] {
  const uses = new Map<string, Set<number>>()
  texts.forEach((text, k) => {
    for (const w of new Set(tokenize(text))) {
      if (STOP.has(w) || /^\d+$/.test(w) || [...w].length < 2) continue
      let set = uses.get(w)
      if (!set) uses.set(w, (set = new Set()))
      set.add(k)
    }
  })
  return [...uses.entries()]
    .filter(([, s]) => s.size >= 2 || texts.length < 5)
    .sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]))
    .slice(0, top)
    .map(([word, set]) => ({
      word,
      answers: set.size,
      // distinct answers: the same short reply given ten times is one example
      examples: [...new Set([...set].map((k) => texts[k]))].sort((a, b) => a.length - b.length || a.localeCompare(b)).slice(0, examples),
    }))
}
