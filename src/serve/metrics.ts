/** Counters and a latency histogram, exposed in the Prometheus text format. */
export class Metrics {
  private counters = new Map<string, {help: string; values: Map<string, number>}>()
  private readonly buckets = [1, 2, 5, 10, 20, 50, 100, 250, 1000]
  private histogram = {counts: new Array(10).fill(0) as number[], sum: 0, count: 0}
  private gauges = new Map<string, {help: string; read: () => number}>()

  inc(name: string, help: string, labels: Record<string, string> = {}, by = 1): void {
    let c = this.counters.get(name)
    if (!c) this.counters.set(name, (c = {help, values: new Map()}))
    const key = labelKey(labels)
    c.values.set(key, (c.values.get(key) ?? 0) + by)
  }

  /** A pre-bound counter cell (the hot path counts without rebuilding the label key each time). */
  counter(name: string, help: string, labels: Record<string, string> = {}): (by?: number) => void {
    const key = labelKey(labels)
    let values: Map<string, number> | undefined // created on first use, so /metrics lists only counters that counted
    return (by = 1) => {
      if (!values) {
        let c = this.counters.get(name)
        if (!c) this.counters.set(name, (c = {help, values: new Map()}))
        values = c.values
      }
      values.set(key, (values.get(key) ?? 0) + by)
    }
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, {help, read})
  }

  observeMs(ms: number): void {
    let i = 0
    while (i < this.buckets.length && ms > this.buckets[i]) i++
    this.histogram.counts[i]++
    this.histogram.sum += ms
    this.histogram.count++
  }

  value(name: string, labels: Record<string, string> = {}): number {
    const key = labelKey(labels)
    return this.counters.get(name)?.values.get(key) ?? 0
  }

  render(): string {
    const out: string[] = []
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`)
      for (const [labels, v] of c.values) out.push(`${name}${labels ? `{${labels}}` : ''} ${v}`)
    }
    for (const [name, g] of this.gauges) out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`)
    out.push('# HELP ccx_collect_duration_ms Time to answer POST /collect', '# TYPE ccx_collect_duration_ms histogram')
    let cumulative = 0
    this.buckets.forEach((b, i) => {
      cumulative += this.histogram.counts[i]
      out.push(`ccx_collect_duration_ms_bucket{le="${b}"} ${cumulative}`)
    })
    out.push(`ccx_collect_duration_ms_bucket{le="+Inf"} ${this.histogram.count}`)
    out.push(`ccx_collect_duration_ms_sum ${this.histogram.sum}`, `ccx_collect_duration_ms_count ${this.histogram.count}`)
    return out.join('\n') + '\n'
  }
}

const labelKeys = new Map<string, string>()
/** `{route: "/collect"}` → `route="/collect"`, cached: the hot path counts with a handful of label sets. */
function labelKey(labels: Record<string, string>): string {
  let raw = ''
  for (const k in labels) raw += k + '\u0000' + labels[k] + '\u0001'
  let key = labelKeys.get(raw)
  if (key === undefined) {
    key = Object.entries(labels)
      .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
      .join(',')
    if (labelKeys.size < 10_000) labelKeys.set(raw, key)
  }
  return key
}
