// redisStore() against a real, private redis-server: two caches in one process, each on its own
// connections, stand for two instances of a service.
import { AsyncCache, cached, l2KeyOf, stableHash, type ErrorHandler } from '@cache/decorators'
import { createClient } from 'redis'
import { describe, expect, it, vi } from 'vitest'

import {
  redisStore,
  RedisStoreError,
  type RedisStore,
  type RedisStoreOptions,
} from '../src/index.js'
import { lockKey, valueKey } from '../src/keys.js'
import { gate, settle, sleep, usePrivateServer, waitFor } from './helpers.js'

const env = usePrivateServer()
let counter = 0

/** A new prefix per test, so tests never see each other's keys. */
function newPrefix(): string {
  return `test${counter++}:`
}

/** A connected store on the private env.server. */
async function store(
  prefix: string,
  options: Partial<RedisStoreOptions> = {},
): Promise<RedisStore> {
  const where = options.client === undefined ? { url: env.server.url } : {}
  const created = redisStore({ ...where, prefix, ...options })
  env.stores.push(created)
  await created.connect()
  return created
}

/**
 * Keys 0…n-1 written to L2 (value: twice the key) by one cache, and a store on the same prefix
 * whose client records the name of every command sent from now on (the store's first TIME,
 * for its clock, is left out).
 */
async function seededReader(n: number) {
  const prefix = newPrefix()
  const writer = new AsyncCache<number, number>({ l2: await store(prefix) })
  await Promise.all(Array.from({ length: n }, (_, i) => writer.get(i, () => i * 2)))
  await writer.whenL2Settled()
  const client = createClient({ url: env.server.url, disableOfflineQueue: true })
  client.on('error', () => {})
  await client.connect()
  const commands: string[] = []
  /** Each script call's key count (EVALSHA's third argument). */
  const scriptKeys: number[] = []
  const send = client.sendCommand.bind(client)
  client.sendCommand = (args: readonly string[]) => {
    commands.push(args[0]!)
    if (args[0] === 'EVALSHA') scriptKeys.push(Number(args[2]))
    return send(args)
  }
  const l2 = await store(prefix, { client })
  commands.length = 0
  return { l2, client, commands, scriptKeys }
}

/** Two instances of one cache: separate stores (connections) on one prefix. */
async function twoCaches(
  options: { ttl?: number; negativeCache?: boolean; store?: Partial<RedisStoreOptions> } = {},
) {
  const prefix = newPrefix()
  const errors: unknown[] = []
  const onError: ErrorHandler = (error) => errors.push(error)
  const { store: storeOptions, ...cacheOptions } = options
  const storeA = await store(prefix, storeOptions)
  const storeB = await store(prefix, storeOptions)
  const a = new AsyncCache<string, unknown>({ ...cacheOptions, l2: storeA, onError })
  const b = new AsyncCache<string, unknown>({ ...cacheOptions, l2: storeB, onError })
  return { prefix, a, b, storeA, storeB, errors }
}

describe('reads and writes', () => {
  it('reads L1, then L2, then the loader; the loader writes both, with its TTL as PX', async () => {
    const { prefix, a, b } = await twoCaches({ ttl: 60_000 })
    const loader = vi.fn(() => 'v')
    await expect(a.get('k', loader)).resolves.toBe('v')
    await a.whenL2Settled()
    const key = valueKey(prefix, l2KeyOf('k'))
    expect(await env.raw.exists(key)).toBe(1)
    const pttl = await env.raw.pTTL(key)
    expect(pttl).toBeGreaterThan(59_000)
    expect(pttl).toBeLessThanOrEqual(60_000)
    await expect(b.get('k', loader)).resolves.toBe('v')
    expect(loader).toHaveBeenCalledTimes(1)
    expect(b.stats()).toMatchObject({ misses: 1, loads: 0, l2Hits: 1 })
    await expect(b.get('k', loader)).resolves.toBe('v')
    expect(b.stats()).toMatchObject({ hits: 1, l2Hits: 1 })
  })

  it('keeps a copy from L2 in L1 no longer than Redis keeps it', async () => {
    const { prefix, a, b } = await twoCaches({ ttl: 2_000 })
    await a.get('k', () => 'v')
    await a.whenL2Settled()
    await sleep(300)
    await b.get('k', () => 'unused')
    const pttl = await env.raw.pTTL(valueKey(prefix, l2KeyOf('k')))
    // Redis counted PTTL down from some moment before now: the key expires by now + pttl.
    const after = Date.now()
    expect(pttl).toBeLessThan(1_800)
    // PTTL truncates to whole ms, the two clocks count whole ms, and a busy machine delays the
    // timestamps around the calls: allow 10 ms, far below the 300 ms a stale L1 copy would show.
    expect(b.peek('k')!.expiresAt).toBeLessThanOrEqual(after + pttl + 10)
  })

  it('round-trips rich values through Redis', async () => {
    const { a, b } = await twoCaches()
    const value = {
      at: new Date(1_700_000_000_000),
      tags: new Set(['a', 'b']),
      scores: new Map<unknown, unknown>([
        ['x', 1n],
        [2, undefined],
      ]),
      big: 2n ** 70n,
      missing: undefined,
      bytes: Buffer.from('héllo'),
      floats: new Float64Array([1.5, -0, NaN]),
      nested: [{ $t: 'not a tag' }, -0, Infinity],
    }
    await a.get('rich', () => value)
    await a.whenL2Settled()
    const copy = (await b.get('rich', () => null)) as typeof value
    expect(copy).not.toBe(value)
    expect(copy).toEqual(value)
    expect(Buffer.isBuffer(copy.bytes)).toBe(true)
    expect(Object.is(copy.nested[1], -0)).toBe(true)
  })

  it('keeps a failure (negativeCache) in Redis, and the other instance rethrows it', async () => {
    const { a, b } = await twoCaches({ negativeCache: true })
    const error = Object.assign(new RangeError('no such user'), { code: 'E_404' })
    await expect(a.get('u', () => Promise.reject(error))).rejects.toBe(error)
    await a.whenL2Settled()
    const loader = vi.fn(() => 'found')
    const got = await settle(b.get('u', loader))
    expect(got.ok).toBe(false)
    const copy = (got as { error: RangeError & { code: string } }).error
    expect(copy).toBeInstanceOf(RangeError)
    expect([copy.message, copy.code]).toEqual(['no such user', 'E_404'])
    expect(loader).not.toHaveBeenCalled()
  })

  it('serves a value that cannot be encoded from L1 only, reporting ERR_REDIS_ENCODE', async () => {
    const { prefix, a, errors } = await twoCaches()
    const value = { id: 1, format: () => 'x' }
    const loader = vi.fn(() => value)
    await expect(a.get('k', loader)).resolves.toBe(value)
    await a.whenL2Settled()
    await expect(a.get('k', loader)).resolves.toBe(value)
    expect(loader).toHaveBeenCalledTimes(1)
    expect(await env.raw.exists(valueKey(prefix, l2KeyOf('k')))).toBe(0)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(RedisStoreError)
    expect(errors[0]).toMatchObject({ code: 'ERR_REDIS_ENCODE', key: l2KeyOf('k') })
    expect((errors[0] as Error).message).toContain('$.format')
  })

  it('reads unreadable data as a miss, reporting ERR_REDIS_DECODE', async () => {
    const { prefix, b, errors } = await twoCaches()
    await env.raw.set(valueKey(prefix, l2KeyOf('k')), 'not written by @cache/redis')
    await expect(b.get('k', () => 'loaded')).resolves.toBe('loaded')
    expect(errors.map((e) => (e as RedisStoreError).code)).toContain('ERR_REDIS_DECODE')
  })

  it('uses a custom serializer', async () => {
    const prefix = newPrefix()
    const serializer = {
      encode: (v: unknown) => `json:${JSON.stringify(v)}`,
      decode: (t: string) => JSON.parse(t.slice(5)) as unknown,
    }
    const cacheA = new AsyncCache({ l2: await store(prefix, { serializer }) })
    const cacheB = new AsyncCache({ l2: await store(prefix, { serializer }) })
    await cacheA.get('k', () => ({ n: 1 }))
    await cacheA.whenL2Settled()
    // v<expiry: none>|<version>|<load time>|<text>
    expect(await env.raw.get(valueKey(prefix, l2KeyOf('k')))).toMatch(
      /^v\|\d+\|\d+\|json:\{"n":1\}$/,
    )
    await expect(cacheB.get('k')).resolves.toEqual({ n: 1 })
  })

  it('keys cached() calls by prefix + the stable hash of their argument list', async () => {
    const prefix = newPrefix()
    const getUser = cached(
      async (id: number, options?: { full: boolean }) => {
        await sleep(1)
        return { id, ...options }
      },
      { l2: await store(prefix) },
    )
    await getUser(7)
    await getUser(8, { full: true })
    await getUser.cache.whenL2Settled()
    const keys = await env.raw.keys(`${prefix}*`)
    expect(keys.sort()).toEqual(
      [valueKey(prefix, stableHash([7])), valueKey(prefix, stableHash([8, { full: true }]))].sort(),
    )
  })

  it('batches the reads of one tick into one MGET (with TIME, in the same round trip)', async () => {
    const { l2, client, commands } = await seededReader(50)
    const reader = new AsyncCache<number, number>({ l2 })
    const values = await Promise.all(Array.from({ length: 50 }, (_, i) => reader.get(i)))
    expect(values).toEqual(Array.from({ length: 50 }, (_, i) => i * 2))
    expect(commands).toEqual(['MGET', 'TIME'])
    client.destroy()
  })

  it('reads or locks the keys of the loads of one tick in one script call, no other read', async () => {
    const { l2, client, commands, scriptKeys } = await seededReader(20)
    const reader = new AsyncCache<number, number>({ l2 })
    const loader = vi.fn(() => -1)
    // 20 keys in L2 and 5 that are not: one EVALSHA for all 25 (a value key and a lock key
    // each), then one EVALSHA that writes the 5 loaded values and releases their locks (the
    // clear marker, then a value key and a lock key each).
    const values = await Promise.all(Array.from({ length: 25 }, (_, i) => reader.get(i, loader)))
    await reader.whenL2Settled()
    expect(values).toEqual(Array.from({ length: 25 }, (_, i) => (i < 20 ? i * 2 : -1)))
    expect(loader).toHaveBeenCalledTimes(5)
    expect(commands).toEqual(['EVALSHA', 'EVALSHA'])
    expect(scriptKeys).toEqual([50, 11])
    client.destroy()
  })

  it('commits the loads that end in one turn in one script call, while another is in flight', async () => {
    const { l2, client, commands, scriptKeys } = await seededReader(0)
    const reader = new AsyncCache<number, number>({ l2 })
    // Each loader resolves in its own setImmediate callback, as I/O callbacks do: the first
    // commit goes alone (nothing in flight), the other 9 wait for the end of the turn.
    const loader = ({ key }: { key: number }) =>
      new Promise<number>((resolve) =>
        setImmediate(() => {
          resolve(key)
        }),
      )
    const values = await Promise.all(Array.from({ length: 10 }, (_, i) => reader.get(i, loader)))
    await reader.whenL2Settled()
    expect(values).toEqual(Array.from({ length: 10 }, (_, i) => i))
    expect(commands).toEqual(['EVALSHA', 'EVALSHA', 'EVALSHA'])
    expect(scriptKeys).toEqual([20, 1 + 2, 1 + 2 * 9])
    client.destroy()
  })
})

describe('invalidation across instances', () => {
  it('delete() drops the copy in Redis and in the other instance', async () => {
    const { prefix, a, b } = await twoCaches()
    await a.get('k', () => 'v')
    await a.whenL2Settled()
    await b.get('k', () => 'unused')
    expect(b.has('k')).toBe(true)
    a.delete('k')
    await a.whenL2Settled()
    // What is left is a tombstone (`t|<version>|`), which expires by itself.
    expect(await env.raw.get(valueKey(prefix, l2KeyOf('k')))).toMatch(/^t\|\d+\|$/)
    expect(await env.raw.pTTL(valueKey(prefix, l2KeyOf('k')))).toBeGreaterThan(55_000)
    await waitFor(() => !b.has('k'), 2_000, "b's copy to be dropped")
    await expect(b.get('k', () => 'fresh')).resolves.toBe('fresh')
  })

  it('set() rewrites Redis and drops the stale copy in the other instance', async () => {
    const { a, b } = await twoCaches()
    await b.get('k', () => 'old')
    await b.whenL2Settled()
    a.set('k', 'new')
    await a.whenL2Settled()
    await waitFor(() => !b.has('k'), 2_000, "b's stale copy to be dropped")
    await expect(b.get('k', () => 'unused')).resolves.toBe('new')
  })

  it("invalidate() of cached() resolves once Redis and the other instance's copy are gone", async () => {
    const prefix = newPrefix()
    let calls = 0
    const fetchUser = async (id: number) => {
      calls++
      await sleep(1)
      return { id, calls }
    }
    const one = cached(fetchUser, { l2: await store(prefix) })
    const two = cached(fetchUser, { l2: await store(prefix) })
    await one(1)
    await one.cache.whenL2Settled()
    await expect(two(1)).resolves.toEqual({ id: 1, calls: 1 })
    await expect(one.invalidate(1)).resolves.toBe(true)
    await waitFor(() => !two.cache.has(1), 2_000)
    await expect(two(1)).resolves.toEqual({ id: 1, calls: 2 })
  })

  it('clear() removes exactly its own keys (SCAN + UNLINK by prefix), and clears the other instance', async () => {
    const { prefix, a, b } = await twoCaches()
    const nested = new AsyncCache({ l2: await store(`${prefix}admin:`) })
    await Promise.all([a.get('x', () => 1), b.get('y', () => 2), nested.get('z', () => 3)])
    await Promise.all([a.whenL2Settled(), b.whenL2Settled(), nested.whenL2Settled()])
    await env.raw.set(`${prefix}note`, 'not a cache entry')
    await env.raw.set('unrelated', '1')
    a.clear()
    await a.whenL2Settled()
    // Left: the nested prefix's key, a key that is not a cache entry, and the moment of the
    // clear (which drops writes whose loads started before it).
    expect((await env.raw.keys(`${prefix}*`)).sort()).toEqual(
      [valueKey(`${prefix}admin:`, l2KeyOf('z')), `${prefix}cleared`, `${prefix}note`].sort(),
    )
    expect(await env.raw.exists('unrelated')).toBe(1)
    await waitFor(() => b.size === 0, 2_000, 'b to be cleared')
    expect(nested.size).toBe(1)
  })
})

describe('distributed single flight', () => {
  it('runs the loader once for concurrent misses on two instances, and releases the lock', async () => {
    const prefix = newPrefix()
    let calls = 0
    const load = async (id: number) => {
      calls++
      await sleep(100)
      return `user ${id}`
    }
    const one = cached(load, { l2: await store(prefix) })
    const two = cached(load, { l2: await store(prefix) })
    const values = await Promise.all([
      ...Array.from({ length: 10 }, () => one(1)),
      ...Array.from({ length: 10 }, () => two(1)),
    ])
    expect(new Set(values)).toEqual(new Set(['user 1']))
    expect(calls).toBe(1)
    expect(await env.raw.exists(lockKey(prefix, stableHash([1])))).toBe(0)
    // One instance loaded; the other got its value from Redis once the lock was released.
    expect((await one.stats()).l2Hits + (await two.stats()).l2Hits).toBe(1)
  })

  it('waiters load for themselves after waitMs when the holder takes too long', async () => {
    const { a, b } = await twoCaches({ store: { singleFlight: { waitMs: 200 } } })
    const slow = gate<string>()
    const first = a.get('k', () => slow.promise)
    await sleep(30)
    const started = Date.now()
    await expect(b.get('k', () => 'mine')).resolves.toBe('mine')
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
    expect(Date.now() - started).toBeLessThan(1_000)
    slow.resolve('theirs')
    await expect(first).resolves.toBe('theirs')
  })

  it('waiters stop waiting and load when the holder fails', async () => {
    const { a, b } = await twoCaches({ store: { singleFlight: { waitMs: 5_000 } } })
    const failing = gate<string>()
    const first = settle(
      a.get('k', () => failing.promise.then(() => Promise.reject(new Error('down')))),
    )
    await sleep(30)
    const second = b.get('k', () => 'second')
    await sleep(30)
    const started = Date.now()
    failing.resolve('')
    expect((await first).ok).toBe(false)
    await expect(second).resolves.toBe('second')
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('can be turned off: every instance loads', async () => {
    const { a, b } = await twoCaches({ store: { singleFlight: false } })
    const loader = vi.fn(async () => {
      await sleep(50)
      return 'v'
    })
    await Promise.all([a.get('k', loader), b.get('k', loader)])
    expect(loader).toHaveBeenCalledTimes(2)
  })
})

describe('configuration', () => {
  it('checks options at creation', () => {
    expect(() => redisStore({ prefix: 'x:' })).toThrow(/`url` must be/)
    expect(() => redisStore({ url: 'http://x', prefix: 'x:' })).toThrow(/redis:\/\//)
    expect(() => redisStore({ url: env.server.url, prefix: '' })).toThrow(/prefix/)
    expect(() => redisStore({ url: env.server.url, prefix: 'x:', timeoutMs: 0 })).toThrow(
      /timeoutMs/,
    )
    expect(() =>
      redisStore({ url: env.server.url, prefix: 'x:', breaker: { cooldown: 1 } as never }),
    ).toThrow(/breaker\.cooldown/)
    expect(() =>
      redisStore({ url: env.server.url, prefix: 'x:', serializer: {} as never }),
    ).toThrow(/serializer/)
    expect(() => redisStore({ url: env.server.url, prefix: 'x:', ttl: 1 } as never)).toThrow(
      /`ttl`/,
    )
  })
})

describe('fail-safe on Redis', () => {
  it('keeps the key for ttl + maxStale with its logical expiry; a cold instance serves it when the source fails', async () => {
    const prefix = newPrefix()
    const options = { ttl: 300, failSafe: { maxStale: 60_000, throttle: 5_000 } }
    const a = new AsyncCache<string, string>({ ...options, l2: await store(prefix) })
    await a.get('k', () => 'v1')
    await a.whenL2Settled()
    const key = valueKey(prefix, l2KeyOf('k'))
    const pttl = await env.raw.pTTL(key)
    expect(pttl).toBeGreaterThan(60_000)
    expect(pttl).toBeLessThanOrEqual(60_300)
    expect(await env.raw.get(key)).toMatch(/^v\d+\+60000\|/)
    await sleep(400) // stale in L2 now
    const cold = new AsyncCache<string, string>({ ...options, l2: await store(prefix) })
    const failing = vi.fn(() => Promise.reject(new Error('source down')))
    await expect(cold.get('k', failing)).resolves.toBe('v1')
    await expect(cold.get('k', failing)).resolves.toBe('v1') // throttled
    expect(failing).toHaveBeenCalledTimes(1)
    expect(cold.stats()).toMatchObject({ failSafeActivations: 1, l2Misses: 1 })
    // Without fail-safe the same read is a miss and the caller gets the error.
    const strict = new AsyncCache<string, string>({ ttl: 300, l2: await store(prefix) })
    await expect(strict.get('k', failing)).rejects.toThrow('source down')
  })

  it('a tagged copy kept stale: V<at>+<stale>| with its tags, served when the source fails, gone once its tag is invalidated', async () => {
    const prefix = newPrefix()
    const options = { ttl: 300, failSafe: { maxStale: 60_000, throttle: 5_000 } }
    const a = new AsyncCache<string, string>({ ...options, l2: await store(prefix) })
    await a.get('k', () => 'v1', { tags: ['team:7'] })
    await a.get('j', () => 'w1', { tags: ['team:9'] })
    await a.whenL2Settled()
    const key = valueKey(prefix, l2KeyOf('k'))
    expect(await env.raw.get(key)).toMatch(/^V\d+\+60000\|\d+\|\d+\|10\|\["team:7"\]"v1"$/)
    expect(await env.raw.pTTL(key)).toBeGreaterThan(60_000)
    await sleep(400) // stale in L2 now
    const failing = vi.fn(() => Promise.reject(new Error('source down')))
    const cold = new AsyncCache<string, string>({ ...options, l2: await store(prefix) })
    await expect(cold.get('k', failing)).resolves.toBe('v1')
    expect(cold.stats()).toMatchObject({ failSafeActivations: 1 })
    await expect(a.invalidateTags(['team:7'])).resolves.toBe(1)
    // A fresh instance reading only L2: the invalidated stale copy is not served, the other is.
    const fresh = new AsyncCache<string, string>({ ...options, l2: await store(prefix) })
    await expect(fresh.get('k', failing)).rejects.toThrow('source down')
    await expect(fresh.get('j', failing)).resolves.toBe('w1')
    expect(failing).toHaveBeenCalledTimes(3)
    // The invalidated stale copy found by the read became a tombstone as of the invalidation.
    const at = Number(await env.raw.get(`${prefix}tag:team:7`))
    await waitFor(
      async () => (await env.raw.get(key)) === `t|${at}|`,
      2_000,
      'the invalidated stale copy to become a tombstone',
    )
  })

  it('lock() and an eager refresh lock treat a stale copy as absent (the lock is taken)', async () => {
    const prefix = newPrefix()
    const l2 = await store(prefix)
    const now = Date.now()
    const fetchedAt = now + 1_000_000 // later than any refreshOf below
    // Past its expiry, kept stale for a minute; one untagged, one tagged.
    await env.raw.set(
      valueKey(prefix, 's'),
      `v${now - 1_000}+60000|${now - 2_000}|${fetchedAt}|"old"`,
    )
    await env.raw.set(
      valueKey(prefix, 't'),
      `V${now - 1_000}+60000|${now - 2_000}|${fetchedAt}|5|["x"]"old"`,
    )
    await env.raw.set(
      valueKey(prefix, 'f'),
      `v${now + 60_000}+60000|${now - 2_000}|${fetchedAt}|"new"`,
    )
    const [stale, staleTagged, live] = await l2.get(['s', 't', 'f'])
    expect(stale).toMatchObject({ value: 'old', staleMs: 60_000 })
    expect(stale!.ttlMs).toBeLessThanOrEqual(0)
    expect(staleTagged).toMatchObject({ value: 'old', staleMs: 60_000, tags: ['x'] })
    expect(live).toMatchObject({ value: 'new', staleMs: 60_000 })
    expect(live!.ttlMs).toBeGreaterThan(0)
    for (const key of ['s', 't']) {
      const locked = await l2.lock!(key)
      expect(locked.status, key).toBe('acquired')
      if (locked.status === 'acquired') await locked.release(false)
      const refresh = await l2.lock!(key, { refreshOf: 0 })
      expect(refresh.status, key).toBe('acquired')
      if (refresh.status === 'acquired') await refresh.release(false)
    }
    // A fresh copy newer than the one refreshed is answered, not locked.
    await expect(l2.lock!('f', { refreshOf: 0 })).resolves.toMatchObject({
      status: 'loaded',
      record: { value: 'new' },
    })
  })

  it('soft timeout: the caller gets the stale value, the background load lands in L1 and Redis', async () => {
    const prefix = newPrefix()
    const options = { ttl: 200, failSafe: { maxStale: 60_000 }, timeouts: { soft: 50 } }
    const a = new AsyncCache<string, string>({ ...options, l2: await store(prefix) })
    await a.get('k', () => 'old')
    await a.whenL2Settled()
    await sleep(250)
    const started = Date.now()
    const slow = () => sleep(400).then(() => 'new')
    await expect(a.get('k', slow)).resolves.toBe('old')
    const waited = Date.now() - started
    expect(waited).toBeGreaterThanOrEqual(45)
    expect(waited).toBeLessThan(350)
    await waitFor(() => a.stats().backgroundLoads === 1, 2_000)
    await a.whenL2Settled()
    expect(a.peek('k')).toMatchObject({ value: 'new', stale: false })
    const b = new AsyncCache<string, string>({ ...options, l2: await store(prefix) })
    await expect(b.get('k', () => 'unused')).resolves.toBe('new')
    expect(b.stats()).toMatchObject({ l2Hits: 1, loads: 0 })
  })
})
