import { defineProject, mergeConfig, type ViteUserConfig } from 'vitest/config'

import { sharedConfig } from '../../vitest.shared.js'

// Only the shared `test` settings: unlike the packages, the playground's tests resolve @cache/*
// to their built `dist/` (no `@cache/source` condition), as the app's bundle and `pnpm sim` do,
// so the numbers the tests expect come from the very code the browser runs. turbo builds the
// packages before `test`.
const config: ViteUserConfig = mergeConfig(
  { test: sharedConfig.test },
  defineProject({
    test: {
      name: 'playground',
      // The end-to-end test's setup may install Chromium with apt the first time.
      hookTimeout: 600_000,
    },
  }),
)

export default config
