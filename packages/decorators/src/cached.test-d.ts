// Type tests, checked by `tsc` (pnpm typecheck): cached() keeps the function's exact types.
import { expectTypeOf } from 'vitest'

import { AsyncCache } from './asyncCache.js'
import { cached, methodCache, type CachedInfo } from './cached.js'
import type { CacheEntry } from './entry.js'
import type { CacheStats } from './stats.js'

interface User {
  id: number
  name: string
}

declare function fetchUser(id: number, options?: { signal?: AbortSignal }): Promise<User>
declare function parse(text: string, strict: boolean): number

// An async function: same parameters and return type; helpers return promises.
const getUser = cached(fetchUser, { ttl: 1_000 })
expectTypeOf(getUser).parameters.toEqualTypeOf<[id: number, options?: { signal?: AbortSignal }]>()
expectTypeOf(getUser).returns.toEqualTypeOf<Promise<User>>()
expectTypeOf(getUser.invalidate).parameters.toEqualTypeOf<
  [id: number, options?: { signal?: AbortSignal }]
>()
expectTypeOf(getUser.invalidate).returns.toEqualTypeOf<Promise<boolean>>()
expectTypeOf(getUser.clear).returns.toEqualTypeOf<Promise<void>>()
expectTypeOf(getUser.stats).returns.toEqualTypeOf<Promise<CacheStats>>()
expectTypeOf(getUser.info).returns.toEqualTypeOf<Promise<CachedInfo>>()
expectTypeOf(getUser.removeExpired).returns.toEqualTypeOf<Promise<number>>()
expectTypeOf(getUser.cache).toEqualTypeOf<AsyncCache<unknown, User>>()
expectTypeOf(getUser.original).toEqualTypeOf<typeof fetchUser>()

// A sync function: sync helpers.
const parsed = cached(parse)
expectTypeOf(parsed).parameters.toEqualTypeOf<[text: string, strict: boolean]>()
expectTypeOf(parsed).returns.toEqualTypeOf<number>()
expectTypeOf(parsed.invalidate).returns.toEqualTypeOf<boolean>()
expectTypeOf(parsed.clear).returns.toBeVoid()
expectTypeOf(parsed.stats).returns.toEqualTypeOf<CacheStats>()
expectTypeOf(parsed.removeExpired).returns.toEqualTypeOf<number>()

// `this` is kept.
const method = cached(function (this: { base: number }, n: number): number {
  return this.base + n
})
expectTypeOf(method).thisParameter.toEqualTypeOf<{ base: number }>()

// Options are typed by the function: key functions get its parameters, expirations its value.
cached(fetchUser, {
  key: (id, options) => {
    expectTypeOf(id).toEqualTypeOf<number>()
    expectTypeOf(options).toEqualTypeOf<{ signal?: AbortSignal } | undefined>()
    return id
  },
  expiration: (item) => {
    expectTypeOf(item.value).toEqualTypeOf<User>()
    return '1h'
  },
})
// @ts-expect-error: a key function must accept the function's parameters
cached(fetchUser, { key: (id: string) => id })
// @ts-expect-error: maxSize is a number or null
cached(fetchUser, { maxSize: '10' })
// @ts-expect-error: unknown options are errors
cached(fetchUser, { maxsize: 10 })

// The decorator keeps the method's type, and methodCache() types the helpers by the method.
class Users {
  @cached({ ttl: 1_000 })
  async byId(id: number): Promise<User> {
    return fetchUser(id)
  }

  @cached
  count(): number {
    return 1
  }
}
const users = new Users()
expectTypeOf<Users['byId']>().toEqualTypeOf<(id: number) => Promise<User>>()
expectTypeOf(methodCache(users, 'byId').invalidate).toEqualTypeOf<
  (id: number) => Promise<boolean>
>()
expectTypeOf(methodCache(users, 'count').stats).returns.toEqualTypeOf<CacheStats>()
// @ts-expect-error: not a method of Users
methodCache(users, 'nope')

// AsyncCache: get with a loader gives V, without one V | undefined; peek gives an entry.
const cache = new AsyncCache<number, User>({ maxSize: 10 })
expectTypeOf(cache.get(1)).toEqualTypeOf<Promise<User | undefined>>()
expectTypeOf(cache.get(1, ({ key }) => fetchUser(key))).toEqualTypeOf<Promise<User>>()
expectTypeOf(
  cache.get(1, { batchLoader: (ids) => Promise.all(ids.map((id) => fetchUser(id))) }),
).toEqualTypeOf<Promise<User>>()
expectTypeOf(cache.getMany([1, 2], () => [])).toEqualTypeOf<Promise<User[]>>()
expectTypeOf(cache.peek(1)).toEqualTypeOf<CacheEntry<User> | undefined>()
const entry = cache.peek(1)
if (entry !== undefined && !entry.isError) expectTypeOf(entry.value).toEqualTypeOf<User>()
