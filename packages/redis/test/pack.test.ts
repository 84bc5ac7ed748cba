// Installs the packed @cache/redis with its @cache dependencies (and `redis` from the npm
// registry) into an empty project with npm, and uses the built dist from ESM, CJS and
// TypeScript against the private redis-server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { packSmoke } from '../../../scripts/packSmoke.js'
import { startRedisServer, type RedisServer } from './redisServer.js'

let server: RedisServer

beforeAll(async () => {
  server = await startRedisServer()
})

afterAll(async () => {
  await server.stop()
})

const use = (load: string, url: string, prefix: string) => `${load}
async function main() {
  const a = redisStore({ url: '${url}', prefix: '${prefix}' })
  const b = redisStore({ url: '${url}', prefix: '${prefix}' })
  await Promise.all([a.connect(), b.connect()])
  const one = new AsyncCache({ l2: a, ttl: 60000 })
  const two = new AsyncCache({ l2: b, ttl: 60000 })
  let calls = 0
  await one.get('k', () => { calls++; return { at: new Date(0), n: 1n, tags: new Set(['x']) } })
  await one.whenL2Settled()
  const copy = await two.get('k', () => { calls++; return null })
  if (calls !== 1 || !(copy.at instanceof Date) || copy.n !== 1n || !copy.tags.has('x')) {
    throw new Error('not shared through Redis: ' + calls)
  }
  try { redisStore({ url: '${url}', prefix: '' }) } catch (e) {
    if (!(e instanceof CacheConfigError) || e.option !== 'prefix') throw e
  }
  if (new RedisStoreError('ERR_REDIS_TIMEOUT', 'x').code !== 'ERR_REDIS_TIMEOUT') throw new Error('code')
  await one.destroy()
  await two.destroy()
  await Promise.all([a.close(), b.close()])
  console.log('ok')
}
main().catch((error) => { console.error(error); process.exit(1) })
`

describe('the packed package', () => {
  it('installs with its dependencies and works from ESM, CJS and TypeScript', () => {
    const result = packSmoke({
      packages: ['keys', 'expiry', 'batch', 'core', 'decorators', 'redis'],
      esm: use(
        `import { AsyncCache, CacheConfigError } from '@cache/decorators'
import { redisStore, RedisStoreError } from '@cache/redis'`,
        server.url,
        'pack-esm:',
      ),
      cjs: use(
        `const { AsyncCache, CacheConfigError } = require('@cache/decorators')
const { redisStore, RedisStoreError } = require('@cache/redis')`,
        server.url,
        'pack-cjs:',
      ),
      ts: `import { AsyncCache, cached } from '@cache/decorators'
import { jsonSerializer, redisStore, type RedisStoreError, type RedisStoreOptions, type Serializer } from '@cache/redis'

const options: RedisStoreOptions = { url: 'redis://127.0.0.1:6379', prefix: 'users:', timeoutMs: 200 }
const store = redisStore(options)
const users = new AsyncCache<number, { id: number }>({ l2: store })
const getUser = cached(async (id: number) => ({ id }), { l2: store })
const code: RedisStoreError['code'] = 'ERR_REDIS_ENCODE'
const serializer: Serializer = { encode: (value) => JSON.stringify(value), decode: (text) => JSON.parse(text) as unknown }
const text: string = jsonSerializer.encode(new Map())
export { users, getUser, code, serializer, text }
`,
    })
    expect(result.installed).toEqual(['batch', 'core', 'decorators', 'expiry', 'keys', 'redis'])
    expect(result.esmOutput).toBe('ok\n')
    expect(result.cjsOutput).toBe('ok\n')
  }, 240_000)
})
