import { defineProject, mergeConfig, type ViteUserConfig } from 'vitest/config'

import { sharedConfig } from '../../vitest.shared.js'

const config: ViteUserConfig = mergeConfig(
  sharedConfig,
  defineProject({
    // Installs redis-server once when missing; every test file starts its own private server.
    test: { name: '@cache/redis', globalSetup: ['test/globalSetup.ts'] },
  }),
)

export default config
