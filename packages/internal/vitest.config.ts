import { defineProject, mergeConfig, type ViteUserConfig } from 'vitest/config'

import { sharedConfig } from '../../vitest.shared.js'

const config: ViteUserConfig = mergeConfig(
  sharedConfig,
  defineProject({ test: { name: '@cache/internal' } }),
)

export default config
