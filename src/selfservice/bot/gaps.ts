import {normalize} from './text.js'

export interface GapQuestion {
  question: string
  /** The entry the bot would have picked, below the hand-over confidence. */
  bestGuess: string | null
  confidence: number
}

export interface GapCluster {
  /** The most frequent question of the group (its wording as asked). */
  question: string
  count: number
  distinct: number
  examples: string[]
  bestGuess: string | null
  meanConfidence: number
}

/** Han bigrams and Latin words of a question (what "similar" means for grouping). */
export function shingles(text: string): Set<string> {
  const out = new Set<string>()
  for (const m of normalize(text).matchAll(/\p{Script=Han}+|[a-z0-9]+/gu)) {
    const run = m[0]
    if (/^[a-z0-9]/.test(run)) out.add(run)
    else if (run.length === 1) out.add(run)
    else for (let k = 0; k + 1 < run.length; k++) out.add(run.slice(k, k + 2))
  }
  return out
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0
  let inter = 0
  for (const x of a) if (b.has(x)) inter++
  return inter / (a.size + b.size - inter)
}

/**
 * Groups unanswered questions by similarity (leader clustering, most frequent wording first): a question joins the
 * first group whose leader it shares at least `similarity` Jaccard of bigrams with. Groups by count, largest first.
 */
export function clusterGaps(questions: GapQuestion[], similarity = 0.35): GapCluster[] {
  const byText = new Map<string, {q: GapQuestion; n: number}>()
  for (const q of questions) {
    const key = normalize(q.question)
    if (!key) continue
    const x = byText.get(key)
    if (x) x.n++
    else byText.set(key, {q, n: 1})
  }
  const distinct = [...byText.values()].sort((a, b) => b.n - a.n || a.q.question.localeCompare(b.q.question))
  const clusters: Array<{leader: Set<string>; members: Array<{q: GapQuestion; n: number}>}> = []
  for (const d of distinct) {
    const s = shingles(d.q.question)
    const home = clusters.find((c) => jaccard(c.leader, s) >= similarity)
    if (home) home.members.push(d)
    else clusters.push({leader: s, members: [d]})
  }
  return clusters
    .map((c) => {
      const count = c.members.reduce((a, m) => a + m.n, 0)
      const guesses = new Map<string, number>()
      for (const m of c.members) if (m.q.bestGuess) guesses.set(m.q.bestGuess, (guesses.get(m.q.bestGuess) ?? 0) + m.n)
      const bestGuess = [...guesses.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null
      return {
        question: c.members[0].q.question,
        count,
        distinct: c.members.length,
        examples: c.members.slice(0, 5).map((m) => m.q.question),
        bestGuess,
        meanConfidence: Math.round((c.members.reduce((a, m) => a + m.q.confidence * m.n, 0) / count) * 1e4) / 1e4,
      }
    })
    .sort((a, b) => b.count - a.count || a.question.localeCompare(b.question))
}
