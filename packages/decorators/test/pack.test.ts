// Installs the packed @cache/decorators with its four @cache dependencies into an empty project
// with npm and uses it from ESM, CJS and TypeScript, through the exports maps and the built dist:
// first without @opentelemetry/api (an optional peer: the main entry must not need it), then
// with it, through @cache/decorators/otel.
import { realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

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
  // @opentelemetry/api is not installed: the main entry did without it, /otel cannot load.
  try { resolveFrom('@opentelemetry/api') } catch (e) {
    if (e.code !== 'MODULE_NOT_FOUND') throw e
    console.log('ok')
    return
  }
  throw new Error('@opentelemetry/api was installed')
}
main().catch((error) => { console.error(error); process.exit(1) })
`

/** With @opentelemetry/api installed: instrument() through the API's (no-op) global providers. */
const useOtel = (load: string) => `${load}
async function main() {
  if (INSTRUMENTATION_SCOPE !== '@cache/decorators') throw new Error('scope')
  const users = new AsyncCache({ name: 'users', maxSize: 10 })
  const stop = instrument(users)
  let calls = 0
  const parse = cached((text) => { calls++; return Number(text) }, { maxSize: 10 })
  const stopParse = instrument(parse, { name: 'parse' })
  // Loads run inside (no-op) spans, async and sync; hits as before.
  if ((await users.get('a', async () => 'A')) !== 'A' || (await users.get('a')) !== 'A') {
    throw new Error('users')
  }
  if (parse('2') !== 2 || parse('2') !== 2 || calls !== 1) throw new Error('parse: ' + calls)
  try { instrument(users) } catch (e) {
    if (e.code !== 'ERR_CACHE_CONFIG') throw e
    stop()
    stopParse()
    console.log('ok')
    return
  }
  throw new Error('instrumented twice')
}
main().catch((error) => { console.error(error); process.exit(1) })
`

const here = dirname(fileURLToPath(import.meta.url))
/** The workspace's own copy of the peer, installed as npm installs a registry package. */
const otelApi = realpathSync(join(here, '..', 'node_modules', '@opentelemetry', 'api'))

describe('the packed package', () => {
  it('installs with its dependencies and works from ESM, CJS and TypeScript, /otel once @opentelemetry/api is there', () => {
    const result = packSmoke({
      packages: ['keys', 'expiry', 'batch', 'core', 'decorators'],
      esm: use(
        "import { createRequire } from 'node:module'\nimport { AsyncCache, cached, CacheConfigError, clearAll } from '@cache/decorators'\nconst resolveFrom = createRequire(import.meta.url).resolve",
      ),
      cjs: use(
        "const { AsyncCache, cached, CacheConfigError, clearAll } = require('@cache/decorators')\nconst resolveFrom = require.resolve",
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
      then: {
        install: [otelApi],
        esm: useOtel(
          "import { AsyncCache, cached } from '@cache/decorators'\nimport { instrument, INSTRUMENTATION_SCOPE } from '@cache/decorators/otel'",
        ),
        cjs: useOtel(
          "const { AsyncCache, cached } = require('@cache/decorators')\nconst { instrument, INSTRUMENTATION_SCOPE } = require('@cache/decorators/otel')",
        ),
        ts: `import { AsyncCache, type L2Health } from '@cache/decorators'
import { instrument, L2_DURATION_BUCKETS, type InstrumentOptions, type Uninstrument } from '@cache/decorators/otel'
import { metrics } from '@opentelemetry/api'

const options: InstrumentOptions = { meterProvider: metrics.getMeterProvider(), tracerProvider: false }
const stop: Uninstrument = instrument(new AsyncCache<string, number>({ name: 'n' }), options)
const health: L2Health = { state: 'available', nodes: [{ node: 'a:6379', state: 'unavailable' }] }
const first: number | undefined = L2_DURATION_BUCKETS[0]
export { stop, health, first }
`,
      },
    })
    expect(result.installed).toEqual(['batch', 'core', 'decorators', 'expiry', 'keys'])
    expect(result.esmOutput).toBe('ok\n')
    expect(result.cjsOutput).toBe('ok\n')
    expect(result.then).toEqual({ esmOutput: 'ok\n', cjsOutput: 'ok\n' })
  }, 360_000)
})
