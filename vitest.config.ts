import { defineConfig } from 'vitest/config'

// Tests run in forked processes: the embedded ClickHouse engine is one per
// process and crashes when a worker thread that loaded it exits (DESIGN.md).
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['collector/**/*.test.ts', 'tools/**/*.test.ts', 'web/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
})
