/** Text overlap for "did the caller repeat a question already asked online" (pure; works for Chinese and English). */

/** Lower-case, drop spaces and punctuation, then character bigrams (a 1-character text is its own gram). */
export function bigrams(text: string): Set<string> {
  const chars = [...text.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '')]
  const out = new Set<string>()
  if (chars.length === 1) out.add(chars[0])
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1])
  return out
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0
  let inter = 0
  for (const g of a) if (b.has(g)) inter++
  return inter / (a.size + b.size - inter)
}

/**
 * The best match between a chat's visitor questions and a call's customer turns: the highest bigram Jaccard over all
 * (question, turn) pairs. Questions shorter than `minChars` characters (greetings, "ok") are ignored.
 */
export function bestQuestionMatch(
  questions: string[],
  turns: string[],
  minChars = 4,
): {score: number; question: string | null; turn: string | null} {
  let best = {score: 0, question: null as string | null, turn: null as string | null}
  const turnGrams = turns.map((t) => [t, bigrams(t)] as const)
  for (const q of questions) {
    if ([...q.replace(/[\s\p{P}\p{S}]+/gu, '')].length < minChars) continue
    const qg = bigrams(q)
    for (const [t, tg] of turnGrams) {
      const s = jaccard(qg, tg)
      if (s > best.score) best = {score: s, question: q, turn: t}
    }
  }
  return best
}
