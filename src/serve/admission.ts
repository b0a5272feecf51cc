/**
 * Global admission control (docs/serve.md, "Security"): the per-address rate limit does not stop a flood from many
 * addresses, so every site request first passes two process-wide limits — requests in flight, and memory — and is
 * answered 503 with Retry-After beyond them. Memory is sampled on a timer, never per request.
 */
export interface AdmissionOptions {
  maxInFlight: number
  /** heap used + external (Buffers), in bytes. */
  maxMemoryBytes: number
  sampleMs?: number
  /** What memory to compare (tests pass their own). */
  memory?: () => number
  /** Runs when memory goes over the limit: caches give back what they can, so admission can open again. */
  onHigh?: () => void
}

export type Overload = 'in_flight' | 'memory'

export class Admission {
  inFlight = 0
  private memoryHigh = false
  private timer: NodeJS.Timeout | null = null
  private readonly memory: () => number

  constructor(private readonly options: AdmissionOptions) {
    this.memory =
      options.memory ??
      (() => {
        const m = process.memoryUsage()
        return m.heapUsed + m.external
      })
    this.sample()
    this.timer = setInterval(() => this.sample(), options.sampleMs ?? 250)
    this.timer.unref()
  }

  sample(): number {
    const used = this.memory()
    const high = used > this.options.maxMemoryBytes
    if (high && !this.memoryHigh) this.options.onHigh?.()
    this.memoryHigh = high
    return used
  }

  /** Null when the request may proceed (then it counts as in flight until `leave`), else why it may not. */
  enter(): Overload | null {
    if (this.inFlight >= this.options.maxInFlight) return 'in_flight'
    if (this.memoryHigh) return 'memory'
    this.inFlight++
    return null
  }

  leave(): void {
    this.inFlight--
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}
