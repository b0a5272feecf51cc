import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DuckDB files and child processes: keep files isolated, limit parallelism on a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
})
