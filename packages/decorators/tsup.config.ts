import { defineConfig, type Options } from 'tsup'

import { packageBuild } from '../../tsup.shared.js'

// Three entries: the package, `@cache/decorators/testing` (the L2 conformance suite, which
// imports vitest, and memoryL2Store) and `@cache/decorators/otel` (which imports
// @opentelemetry/api), so that the main entry never loads vitest or OpenTelemetry.
export default defineConfig({
  ...packageBuild,
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', otel: 'src/otel/index.ts' },
}) as Options
