import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['inboard-source'] },
  ssr: { resolve: { conditions: ['inboard-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'bench/*/test/**/*.test.ts'],
    // Types, the `*.test-d.ts` type tests included, are checked once, by `pnpm typecheck` (tsc).
    testTimeout: 20_000,
    pool: 'forks',
    // On CI's two cores, files running side by side starved the timing-bound tests (the Chromium
    // dashboard test, the cross-process cancel within a second); one file at a time costs ~1 minute.
    fileParallelism: process.env['CI'] !== 'true',
    // CI asks for a JSON report to print its closing "N passed, N failed" line.
    ...(process.env['INBOARD_TEST_REPORT']
      ? { reporters: ['default', 'json'], outputFile: { json: process.env['INBOARD_TEST_REPORT'] } }
      : {}),
  },
})
