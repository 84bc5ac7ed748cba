// The build every package shares: ESM + CJS + declarations from src/index.ts.
import type { Options } from 'tsup'

/** tsup options for a `@cache/*` package; each package's tsup.config.ts uses them as they are. */
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
}
