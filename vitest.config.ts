import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // deadlines, not synchronisation: generous, so a 2-core machine shared with other work is slow but not red
    testTimeout: 600_000,
    hookTimeout: 900_000,
    // expect.poll waits for a condition; its 1 s default is a timing race on a busy machine (a browser test's events)
    expect: {poll: {timeout: 60_000}},
    // DuckDB files and child processes: keep files isolated, limit parallelism on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
})
