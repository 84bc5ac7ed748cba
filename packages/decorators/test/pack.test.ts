// Installs the packed @cache/decorators with its four @cache dependencies into an empty project
// with npm and uses it from ESM, CJS and TypeScript, through the exports maps and the built dist.
import { describe, expect, it } from 'vitest'

import { packSmoke } from '../../../scripts/packSmoke.js'

const use = (load: string) => `${load}
let calls = 0
const double = cached(async (n) => { calls++; return n * 2 }, { ttl: 60_000 })
const cache = new AsyncCache({ maxSize: 10, policy: 'tinylfu' })
async function main() {
  const values = await Promise.all([double(2), double(2), double(2)])
  if (values.join() !== '4,4,4' || calls !== 1) throw new Error('not shared: ' + calls)
  if ((await cache.get('k', () => 'v')) !== 'v' || !cache.has('k')) throw new Error('broken')
  try { cached(async () => 1, { maxSize: -1 }) } catch (e) {
    if (!(e instanceof CacheConfigError) || e.option !== 'maxSize') throw e
  }
  await clearAll()
  if (cache.has('k')) throw new Error('clearAll missed a cache')
  console.log('ok')
}
main().catch((error) => { console.error(error); process.exit(1) })
`

describe('the packed package', () => {
  it('installs with its dependencies and works from ESM, CJS and TypeScript', () => {
    const result = packSmoke({
      packages: ['keys', 'expiry', 'batch', 'core', 'decorators'],
      esm: use(
        "import { AsyncCache, cached, CacheConfigError, clearAll } from '@cache/decorators'",
      ),
      cjs: use(
        "const { AsyncCache, cached, CacheConfigError, clearAll } = require('@cache/decorators')",
      ),
      ts: `import { AsyncCache, cached, methodCache, SINGLE_KEY, type CacheStats } from '@cache/decorators'
import { MemoryL2Server, memoryL2Store, testL2Store, type L2StoreFactory, type MemoryL2Store } from '@cache/decorators/testing'

const parse = cached((text: string): number => Number(text), { maxSize: 100 })
const n: number = parse('1')
const stats: CacheStats = parse.stats()

class Users {
  @cached({ ttl: 1_000, key: SINGLE_KEY })
  async all(): Promise<string[]> {
    return ['ada']
  }
}
const pending: Promise<boolean> = methodCache(new Users(), 'all').invalidate()
const cache = new AsyncCache<number, string>({ maxSize: null })
const value: Promise<string> = cache.get(1, ({ key }) => String(key))

// The testing entry's types resolve from ESM and CJS alike (running it needs vitest).
const factory: L2StoreFactory<MemoryL2Store> = ({ lockWaitMs }) => memoryL2Store({ lockWaitMs })
const shared = new AsyncCache<string, number>({ l2: memoryL2Store({ server: new MemoryL2Server() }) })
const register: typeof testL2Store = testL2Store
export { n, stats, pending, value, factory, shared, register }
`,
    })
    expect(result.installed).toEqual(['batch', 'core', 'decorators', 'expiry', 'keys'])
    expect(result.esmOutput).toBe('ok\n')
    expect(result.cjsOutput).toBe('ok\n')
  }, 240_000)
})
