/** Multiple-comparison adjustments of p-values (docs/metrics.md). Pure. */

/**
 * Benjamini–Hochberg adjusted p-values (q-values), in input order: q(i) = min over j ≥ i of p(j)·m/j in rank order.
 * Nulls (and non-finite values) stay null and do not count in m.
 */
export function benjaminiHochberg<T extends number | null>(pValues: T[]): T[] {
  const indexed = pValues.map((p, i) => ({p, i})).filter((e): e is {p: number & T; i: number} => e.p !== null && Number.isFinite(e.p))
  const m = indexed.length
  const out = pValues.map(() => null) as T[]
  indexed.sort((a, b) => a.p - b.p)
  let running = 1
  for (let rank = m; rank >= 1; rank--) {
    const e = indexed[rank - 1]
    running = Math.min(running, (e.p * m) / rank)
    out[e.i] = running as T
  }
  return out
}

/** Holm step-down adjusted p-values, in input order. */
export function holm(pValues: number[]): number[] {
  const m = pValues.length
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0])
  const out = new Array<number>(m)
  let running = 0
  order.forEach(([p, i], r) => {
    running = Math.max(running, Math.min(1, p * (m - r)))
    out[i] = running
  })
  return out
}
