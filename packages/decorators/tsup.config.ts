import { defineConfig, type Options } from 'tsup'

import { packageBuild } from '../../tsup.shared.js'

// Two entries: the package, and `@cache/decorators/testing` (the L2 conformance suite, which
// imports vitest, and memoryL2Store), so that the main entry never loads vitest.
export default defineConfig({
  ...packageBuild,
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
}) as Options
