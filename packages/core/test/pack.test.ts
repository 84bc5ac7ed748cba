// Installs only the packed @cache/core with npm into an empty project and uses it from ESM, CJS
// and TypeScript, through the exports map and the built dist.
import { describe, expect, it } from 'vitest'

import { packSmoke } from '../../../scripts/packSmoke.js'

const use = (load: string) => `${load}
const cache = createCache({ policy: 'tinylfu', maxSize: 2 })
cache.set('a', 1)
if (cache.get('a') !== 1 || !(cache instanceof TinyLFUCache)) throw new Error('broken')
try { new LRUCache({ maxSize: 0 }) } catch (e) { if (e.code !== 'ERR_CACHE_CONFIG') throw e }
console.log('ok')
`

describe('the packed package', () => {
  it('installs alone and works from ESM, CJS and TypeScript', () => {
    const result = packSmoke({
      packages: ['core'],
      esm: use("import { createCache, LRUCache, TinyLFUCache } from '@cache/core'"),
      cjs: use("const { createCache, LRUCache, TinyLFUCache } = require('@cache/core')"),
      ts: `import { createCache, type EvictionCache } from '@cache/core'
const cache: EvictionCache<string, number> = createCache<string, number>({ policy: 'lru', maxSize: 10 })
const value: number | undefined = cache.get('a')
export { value }
`,
    })
    expect(result.installed).toEqual(['core'])
    expect(result.esmOutput).toBe('ok\n')
    expect(result.cjsOutput).toBe('ok\n')
  }, 120_000)
})
