import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['inboard-source'] },
  ssr: { resolve: { conditions: ['inboard-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts', 'bench/*/test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 20_000,
    pool: 'forks',
  },
})
