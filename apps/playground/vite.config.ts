// The playground is two static pages and a module worker. @cache/core and @cache/decorators are
// resolved through their exports maps with Vite's default conditions, i.e. their built `dist/`,
// exactly as an application installing them from npm would (never the `@cache/source` sources).
import { fileURLToPath } from 'node:url'

import { defineConfig } from 'vite'

const page = (name: string): string => fileURLToPath(new URL(name, import.meta.url))

export default defineConfig({
  // Relative asset URLs, so `dist/` can be served from any path.
  base: './',
  build: {
    target: 'es2022',
    rolldownOptions: {
      input: { simulator: page('index.html'), behaviour: page('behaviour.html') },
    },
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
})
