import { defineConfig, type Options } from 'tsup'

import { packageBuild } from '../../tsup.shared.js'

// Three entries: the package, `@cache/decorators/testing` (the L2 conformance suite, which
// imports vitest, and memoryL2Store) and `@cache/decorators/otel` (which imports
// @opentelemetry/api), so that the main entry never loads vitest or OpenTelemetry. Split into
// shared chunks in CJS too (tsup splits only ESM by default): each CJS entry would otherwise
// carry its own copy of AsyncCache, and instrument() from /otel would not know a cache made by
// the main entry (the packed-package test runs exactly that).
export default defineConfig({
  ...packageBuild,
  splitting: true,
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts', otel: 'src/otel/index.ts' },
}) as Options
