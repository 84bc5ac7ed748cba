// Bundles bench/instructionsWorkload.ts into `<outDir>/hits.js`, one plain file node loads at once:
// our packages from source, as the bench runs them; the OpenTelemetry SDK as installed (`outDir`
// must be under the package's node_modules so that the bundle resolves it).
import { fileURLToPath } from 'node:url'

import { build } from 'tsup'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

/** Builds `<outDir>/hits.js` from the telemetry hit workload. */
export async function buildWorkload(outDir: string): Promise<void> {
  await build({
    config: false,
    entry: { hits: `${packageDir}bench/instructionsWorkload.ts` },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    noExternal: [/^@cache\//],
    external: [/^@opentelemetry\//],
    esbuildOptions: (options) => {
      options.conditions = ['@cache/source']
    },
    silent: true,
  })
}
