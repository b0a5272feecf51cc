// "Did you mean": the names of a vocabulary nearest to a mistyped one (commands, flags, config keys, time zones).

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => [i, ...new Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/**
 * The candidates nearest to what was typed: within a third of its length (at least 1, at most 3 edits), or that it
 * starts (a truncated name). At most 3, nearest first.
 */
export function closest(typed: string, candidates: string[]): string[] {
  const t = typed.toLowerCase()
  if (!t) return []
  const limit = Math.min(3, Math.max(1, Math.floor(t.length / 3)))
  return [...new Set(candidates)]
    .map((c) => ({c, d: c.toLowerCase().startsWith(t) && t.length >= 3 ? 0.5 : editDistance(t, c.toLowerCase())}))
    .filter((x) => x.d <= limit && x.c.toLowerCase() !== t)
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c))
    .slice(0, 3)
    .map((x) => x.c)
}
