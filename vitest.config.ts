// Runs every package's tests in one vitest process: `pnpm vitest`.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: { projects: ['packages/*', 'apps/*'] },
})
