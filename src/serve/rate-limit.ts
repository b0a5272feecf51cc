/** Per-key token bucket: `rate` requests per second with bursts up to `burst`. */
export class RateLimiter {
  private buckets = new Map<string, {tokens: number; at: number}>()

  constructor(
    private readonly rate: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** true when the request may proceed. */
  take(key: string): boolean {
    const t = this.now()
    const b = this.buckets.get(key) ?? {tokens: this.burst, at: t}
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.rate)
    b.at = t
    const ok = b.tokens >= 1
    if (ok) b.tokens -= 1
    this.buckets.set(key, b)
    if (this.buckets.size > 100_000) this.prune(t, 50_000)
    return ok
  }

  /** Drops buckets that are full again (they would answer as a new one does); beyond `max`, the oldest too. */
  prune(t = this.now(), max = 100_000): void {
    for (const [k, b] of this.buckets) if (t - b.at > (this.burst / this.rate) * 1000) this.buckets.delete(k)
    // many addresses at once (a flood): bound the map anyway — a forgotten address only gets a fresh burst
    let over = this.buckets.size - max
    for (const k of this.buckets.keys()) {
      if (over-- <= 0) break
      this.buckets.delete(k)
    }
  }
}
