import { defineConfig, type Options } from 'tsup'

const config: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  treeshake: true,
}

export default defineConfig(config) as Options
