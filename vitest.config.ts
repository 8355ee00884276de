import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['inboard-source'] },
  ssr: { resolve: { conditions: ['inboard-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'bench/*/test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 20_000,
    pool: 'forks',
    // CI asks for a JSON report to print its closing "N passed, N failed" line.
    ...(process.env['INBOARD_TEST_REPORT']
      ? { reporters: ['default', 'json'], outputFile: { json: process.env['INBOARD_TEST_REPORT'] } }
      : {}),
  },
})
