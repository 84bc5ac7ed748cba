// Shared vitest settings: every package resolves workspace dependencies to their sources through
// the `@cache/source` export condition, so tests never need a prior build (see vitest#6992 for
// why the condition is set in both resolve and ssr.resolve).
import type { ViteUserConfig } from 'vitest/config'

/** The settings every package's `vitest.config.ts` merges in. */
export const sharedConfig: ViteUserConfig = {
  resolve: { conditions: ['@cache/source'] },
  ssr: { resolve: { conditions: ['@cache/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    pool: 'threads',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
}
