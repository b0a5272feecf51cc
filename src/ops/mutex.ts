/**
 * DuckDB allows one writing process per file: inside one scheduler, steps that open the database
 * and the job_runs writes take turns through this mutex.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve()

  async lock(): Promise<() => void> {
    let release!: () => void
    const next = new Promise<void>((resolve) => (release = resolve))
    const previous = this.tail
    this.tail = previous.then(() => next)
    await previous
    return release
  }

  async with<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.lock()
    try {
      return await fn()
    } finally {
      release()
    }
  }
}
