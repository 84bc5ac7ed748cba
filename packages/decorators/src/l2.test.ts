import { CacheConfigError } from '@cache/core'
import { makeKey, stableHash } from '@cache/keys'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { FakeL2, FakeServer } from '../test/fakeL2.js'
import { deferred, flush, settle } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { cached } from './cached.js'
import type { ErrorContext } from './events.js'
import { l2KeyOf, type L2Store } from './l2.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

/** Two instances of one cache on one shared L2, as two processes on one Redis. */
function twoInstances(
  options: {
    ttl?: number
    negativeCache?: boolean
    staleWhileRevalidate?: boolean
    lock?: boolean
  } = {},
) {
  const { lock, ...cacheOptions } = options
  const server = new FakeServer()
  const storeA = new FakeL2(server, lock === undefined ? {} : { lock })
  const storeB = new FakeL2(server, lock === undefined ? {} : { lock })
  const errors: unknown[] = []
  const onError = (error: unknown) => errors.push(error)
  const a = new AsyncCache<string, unknown>({ ...cacheOptions, l2: storeA, onError })
  const b = new AsyncCache<string, unknown>({ ...cacheOptions, l2: storeB, onError })
  return { server, storeA, storeB, a, b, errors }
}

describe('l2KeyOf', () => {
  it('is the stable hash of the one-element argument list, or a stable hash itself', () => {
    expect(l2KeyOf(1)).toBe(stableHash([1]))
    expect(l2KeyOf('1')).toBe(stableHash(['1']))
    expect(l2KeyOf(1)).not.toBe(l2KeyOf('1'))
    const hash = stableHash([{ a: 1 }, 2])
    expect(l2KeyOf(hash)).toBe(hash)
    expect(l2KeyOf({ id: 1 })).toBe(stableHash([{ id: 1 }]))
  })

  it("keys cached() calls by the stable hash of their argument list, whatever makeKey's key", () => {
    for (const args of [[1], ['x'], [{ a: 1 }], [1, 2], []]) {
      expect(l2KeyOf(makeKey(args))).toBe(stableHash(args))
    }
  })
})

describe('reads: L1, then L2, then the loader', () => {
  it('serves a value another instance loaded from L2, without calling the loader', async () => {
    const { a, b, storeA } = twoInstances({ ttl: 60_000 })
    const loader = vi.fn(() => 'v')
    await expect(a.get('k', loader)).resolves.toBe('v')
    await a.whenL2Settled()
    expect(storeA.calls.set).toEqual([
      {
        writes: [
          {
            key: l2KeyOf('k'),
            value: 'v',
            isError: false,
            fetchedAt: 1_000_000,
            ttlMs: 60_000,
            ageMs: 0,
          },
        ],
        notify: false,
      },
    ])
    await expect(b.get('k', loader)).resolves.toBe('v')
    expect(loader).toHaveBeenCalledTimes(1)
    expect(b.has('k')).toBe(true)
    const stats = b.stats()
    expect([stats.misses, stats.loads, stats.l2Hits, stats.l2Misses]).toEqual([1, 0, 1, 0])
    expect(a.stats().l2Misses).toBe(1)
    await expect(b.get('k', loader)).resolves.toBe('v') // from L1 now
    expect(b.stats().l2Hits).toBe(1)
  })

  it('keeps an L2 value in L1 no longer than L2 keeps it', async () => {
    const { a, b } = twoInstances({ ttl: 10_000 })
    await a.get('k', () => 'v')
    await a.whenL2Settled()
    vi.advanceTimersByTime(4_000)
    await b.get('k', () => 'other')
    expect(b.peek('k')?.expiresAt).toBe(1_010_000)
    vi.advanceTimersByTime(6_000)
    expect(b.has('k')).toBe(false)
  })

  it('shares one L2 read among concurrent callers of one instance', async () => {
    const { a, b, storeB } = twoInstances()
    await a.get('k', () => 'v')
    await a.whenL2Settled()
    const values = await Promise.all([b.get('k', () => 'x'), b.get('k', () => 'y')])
    expect(values).toEqual(['v', 'v'])
    // With a lock, the read is the lock call (read or lock, one round trip): no get().
    expect([storeB.calls.lock.length, storeB.calls.get.length]).toEqual([1, 0])
  })

  it('reads with get() before loading when the store has no lock', async () => {
    const { a, b, storeB } = twoInstances({ lock: false })
    await a.get('k', () => 'v')
    await a.whenL2Settled()
    const values = await Promise.all([b.get('k', () => 'x'), b.get('k', () => 'y')])
    expect(values).toEqual(['v', 'v'])
    expect(storeB.calls.get).toEqual([[l2KeyOf('k')]])
  })

  it('consults L2 on get(key) without a loader, and keeps what it finds', async () => {
    const { a, b } = twoInstances()
    a.set('k', 'v')
    await a.whenL2Settled()
    await expect(b.get('k')).resolves.toBe('v')
    expect(b.has('k')).toBe(true)
    await expect(b.get('missing')).resolves.toBeUndefined()
    expect(b.stats().l2Misses).toBe(1)
  })

  it('does not write values that expire before they could be stored', async () => {
    const { a, storeA } = twoInstances()
    await a.get('k', () => 'v', { ttl: 1 })
    await a.whenL2Settled()
    expect(storeA.calls.set[0]?.writes[0]?.ttlMs).toBe(1)
    expect(storeA.calls.set).toHaveLength(1)
  })

  it('writes values that never expire with an infinite ttl', async () => {
    const { a, storeA } = twoInstances()
    await a.get('k', () => 'v')
    await a.whenL2Settled()
    expect(storeA.calls.set[0]?.writes[0]?.ttlMs).toBe(Infinity)
  })
})

describe('batches and background refreshes through L2', () => {
  it('getMany loads only what neither L1 nor L2 has, in one batch call', async () => {
    const { a, b } = twoInstances()
    const batchLoader = vi.fn((keys: readonly string[]) =>
      Promise.resolve(keys.map((key) => `v${key}`)),
    )
    await expect(a.getMany(['1', '2'], batchLoader)).resolves.toEqual(['v1', 'v2'])
    await a.whenL2Settled()
    await expect(b.getMany(['1', '2', '3'], batchLoader)).resolves.toEqual(['v1', 'v2', 'v3'])
    expect(batchLoader.mock.calls.map(([keys]) => keys)).toEqual([['1', '2'], ['3']])
  })

  it('a stale-while-revalidate refresh takes the value another instance put in L2', async () => {
    const { a, b } = twoInstances({ ttl: 1_000, staleWhileRevalidate: true })
    await a.get('k', () => 'v1')
    await a.whenL2Settled()
    vi.advanceTimersByTime(1_500) // stale in a's L1, expired in L2
    await b.get('k', () => 'v2') // b has nothing: it loads v2 into L2
    await b.whenL2Settled()
    const refresh = vi.fn(() => 'v3')
    await expect(a.get('k', refresh)).resolves.toBe('v1') // stale; refreshes in the background
    await flush(20)
    await expect(a.get('k', refresh)).resolves.toBe('v2')
    expect(refresh).not.toHaveBeenCalled()
  })
})

describe('negative caching through L2', () => {
  it('keeps a failure in L2 for negativeExpiration, and the other instance rethrows it', async () => {
    const { a, b } = twoInstances({ negativeCache: true })
    const error = new Error('not found')
    await expect(a.get('k', () => Promise.reject(error))).rejects.toBe(error)
    await a.whenL2Settled()
    const loader = vi.fn(() => 'v')
    await expect(b.get('k', loader)).rejects.toBe(error)
    expect(loader).not.toHaveBeenCalled()
    expect(b.peek('k')).toMatchObject({ isError: true, error, expiresAt: 1_010_000 })
  })

  it('does not keep failures without negativeCache', async () => {
    const { a, storeA } = twoInstances()
    await settle(a.get('k', () => Promise.reject(new Error('x'))))
    await a.whenL2Settled()
    expect(storeA.calls.set).toEqual([])
  })
})

describe('invalidation across instances', () => {
  it('delete() removes the L2 copy and drops the other instances L1 copies', async () => {
    const { a, b, server } = twoInstances()
    await a.get('k', () => 'v')
    await a.whenL2Settled()
    await b.get('k', () => 'unused')
    expect(b.has('k')).toBe(true)
    a.delete('k')
    await a.whenL2Settled()
    expect(b.has('k')).toBe(false)
    expect(server.values.size).toBe(0)
    await expect(b.get('k', () => 'fresh')).resolves.toBe('fresh')
  })

  it('set() writes through and drops the other instances stale copies', async () => {
    const { a, b, server } = twoInstances()
    await b.get('k', () => 'old')
    await b.whenL2Settled()
    a.set('k', 'new')
    await a.whenL2Settled()
    expect(b.has('k')).toBe(false)
    expect(server.read(l2KeyOf('k'))?.value).toBe('new')
    await expect(b.get('k', () => 'unused')).resolves.toBe('new')
  })

  it('clear() clears the store and every other instance, keeping their statistics', async () => {
    const { a, b, storeA, server } = twoInstances()
    await Promise.all([a.get('x', () => 1), b.get('y', () => 2)])
    await Promise.all([a.whenL2Settled(), b.whenL2Settled()])
    a.clear()
    await a.whenL2Settled()
    expect(storeA.calls.clear).toBe(1)
    expect(server.values.size).toBe(0)
    expect([a.size, b.size]).toEqual([0, 0])
    expect(b.stats().misses).toBe(1)
  })

  it('an invalidation during a load keeps its result out of L1 and L2 (callers still get it)', async () => {
    const { a, b, storeB } = twoInstances()
    const gate = deferred<string>()
    const pending = b.get('k', () => gate.promise)
    await flush()
    a.delete('k')
    await a.whenL2Settled()
    gate.resolve('old')
    await expect(pending).resolves.toBe('old')
    await b.whenL2Settled()
    expect(b.has('k')).toBe(false)
    expect(storeB.calls.set).toEqual([])
  })

  it('destroy() stops listening and leaves the shared L2 as it is', async () => {
    const { a, b, storeA, server } = twoInstances()
    await a.get('k', () => 'v')
    await a.whenL2Settled()
    await a.destroy()
    expect(storeA.subscribers.size).toBe(0)
    expect(server.values.size).toBe(1)
    await b.get('k', () => 'unused')
    b.delete('k')
    await b.whenL2Settled()
    expect(storeA.calls.clear).toBe(0)
  })
})

describe('distributed single flight', () => {
  it('runs the loader once for concurrent misses on two instances', async () => {
    const { a, b, storeA, storeB } = twoInstances()
    const gate = deferred<string>()
    const loader = vi.fn(() => gate.promise)
    const first = a.get('k', loader)
    const second = b.get('k', loader)
    await flush(20)
    expect(loader).toHaveBeenCalledTimes(1)
    gate.resolve('v')
    await expect(Promise.all([first, second])).resolves.toEqual(['v', 'v'])
    expect(loader).toHaveBeenCalledTimes(1)
    expect(storeA.calls.release).toEqual([true])
    expect(storeB.calls.release).toEqual([])
    expect(b.stats().l2Hits).toBe(1)
  })

  it('releases the lock as not written when the load fails, and the waiter loads itself', async () => {
    const { a, b, storeA } = twoInstances()
    const gate = deferred<string>()
    const first = settle(a.get('k', () => gate.promise))
    const second = b.get('k', () => 'second')
    await flush(20)
    gate.reject(new Error('down'))
    expect((await first).error).toBeInstanceOf(Error)
    await expect(second).resolves.toBe('second')
    expect(storeA.calls.release).toEqual([false])
  })

  it('loads without the lock when waiting times out', async () => {
    const { a, b, storeB } = twoInstances()
    storeB.waitMs = 100
    const gate = deferred<string>()
    const first = a.get('k', () => gate.promise)
    const second = b.get('k', () => 'mine')
    await flush(20)
    await vi.advanceTimersByTimeAsync(100)
    await expect(second).resolves.toBe('mine')
    gate.resolve('v')
    await expect(first).resolves.toBe('v')
  })

  it('loads on every instance without a lock when the store has none', async () => {
    const { a, b } = twoInstances({ lock: false })
    const loader = vi.fn(() => Promise.resolve('v'))
    await Promise.all([a.get('k', loader), b.get('k', loader)])
    expect(loader).toHaveBeenCalledTimes(2)
  })

  it('releases its lock as not written when every caller gave up during the load', async () => {
    const { a, server, storeA } = twoInstances()
    const controller = new AbortController()
    const gate = deferred<string>()
    const call = settle(a.get('k', () => gate.promise, { signal: controller.signal }))
    await flush(20)
    expect(server.locks.size).toBe(1)
    controller.abort(new Error('bye'))
    expect((await call).error).toEqual(new Error('bye'))
    gate.resolve('v')
    await flush(20)
    expect(storeA.calls.release).toEqual([false])
    expect(server.locks.size).toBe(0)
    expect(server.values.size).toBe(0)
  })

  it("asks for a lease as long as the load's own bound: timeouts, retries and backoffs", async () => {
    const server = new FakeServer()
    const bounded = new FakeL2(server)
    const unbounded = new FakeL2(server)
    const retry = { count: 2, backoffMs: 100 }
    const a = new AsyncCache<string, string>({ l2: bounded, timeoutMs: 1_000, retry })
    const b = new AsyncCache<string, string>({ l2: unbounded })
    await a.get('k', () => 'v')
    await b.get('j', () => 'v')
    // 3 attempts of 1,000 ms, and backoffs of 100 and 200 ms between them.
    expect(bounded.calls.lockOptions).toEqual([{ leaseMs: 3_300 }])
    // No timeout, no bound: the store's own default lease.
    expect(unbounded.calls.lockOptions).toEqual([{}])
  })

  it('orders its L2 write by when the load started: a delete during the load wins', async () => {
    const { a, b, server, storeA } = twoInstances({ lock: false })
    // a does not hear the delete (a lost message): only the ordering keeps its value out.
    storeA.subscribers.clear()
    const gate = deferred<string>()
    const load = a.get('k', () => gate.promise)
    await flush(5)
    vi.advanceTimersByTime(50)
    b.delete('k') // the source changed and was invalidated while a was loading
    await b.whenL2Settled()
    vi.advanceTimersByTime(50)
    gate.resolve('read before the delete')
    await expect(load).resolves.toBe('read before the delete')
    await a.whenL2Settled()
    expect(storeA.calls.set.map(({ writes }) => writes[0]?.ageMs)).toEqual([100])
    expect(server.values.has(l2KeyOf('k'))).toBe(false)
    await expect(b.get('k', () => 'fresh')).resolves.toBe('fresh')
  })
})

describe('faults: L2 never fails a call', () => {
  it('serves from the loader and reports to onError when the store rejects', async () => {
    const { a, storeA, errors } = twoInstances()
    const down = new Error('store down')
    storeA.failWith = down
    await expect(a.get('k', () => 'v')).resolves.toBe('v')
    await a.whenL2Settled()
    expect(a.has('k')).toBe(true)
    expect(errors).toEqual([down, down]) // the read-or-lock, the write
  })

  it('treats a store that throws synchronously like one that rejects', async () => {
    const onError = vi.fn<(error: unknown, context: ErrorContext) => void>()
    const boom = new Error('sync')
    const store: L2Store = {
      get: () => {
        throw boom
      },
      set: () => {
        throw boom
      },
      delete: () => {
        throw boom
      },
      clear: () => {
        throw boom
      },
    }
    const cache = new AsyncCache<string, string>({ l2: store, onError })
    await expect(cache.get('k', () => 'v')).resolves.toBe('v')
    expect(cache.delete('k')).toBe(true)
    cache.clear()
    await cache.whenL2Settled()
    expect(onError.mock.calls.map(([, context]) => context.operation)).toEqual([
      'l2',
      'l2',
      'l2',
      'l2',
    ])
  })

  it('keeps serving L1 hits while the store fails', async () => {
    const { a, storeA } = twoInstances()
    await a.get('k', () => 'v')
    storeA.failWith = new Error('down')
    const loader = vi.fn(() => 'x')
    await expect(a.get('k', loader)).resolves.toBe('v')
    expect(loader).not.toHaveBeenCalled()
  })
})

describe('cached() with l2', () => {
  it('shares values between two wrappers (two processes) through L2, keyed by argument list', async () => {
    const server = new FakeServer()
    let calls = 0
    const fn = async (id: number, options?: { full: boolean }) => {
      calls++
      await flush(1)
      return { id, full: options?.full }
    }
    const one = cached(fn, { l2: new FakeL2(server) })
    const two = cached(fn, { l2: new FakeL2(server) })
    await one(1)
    await one(2, { full: true })
    await one.cache.whenL2Settled()
    expect([...server.values.keys()].sort()).toEqual(
      [stableHash([1]), stableHash([2, { full: true }])].sort(),
    )
    await expect(two(1)).resolves.toEqual({ id: 1, full: undefined })
    await expect(two(2, { full: true })).resolves.toEqual({ id: 2, full: true })
    expect(calls).toBe(2)
  })

  it('invalidate() resolves once the other instances have been told', async () => {
    const server = new FakeServer()
    const fn = async (id: number) => {
      await flush(1)
      return id * 2
    }
    const one = cached(fn, { l2: new FakeL2(server) })
    const two = cached(fn, { l2: new FakeL2(server) })
    await one(1)
    await one.cache.whenL2Settled()
    await two(1)
    await expect(one.invalidate(1)).resolves.toBe(true)
    expect(two.cache.has(1)).toBe(false)
    await one.clear()
    expect(server.values.size).toBe(0)
  })

  it('reports l2 in info()', async () => {
    const one = () => Promise.resolve(1)
    const fn = cached(one, { l2: new FakeL2(new FakeServer()), async: true })
    expect((await fn.info()).l2).toBe(true)
    expect((await cached(one, { async: true }).info()).l2).toBe(false)
  })
})

describe('configuration', () => {
  const store = () => new FakeL2(new FakeServer())

  it('rejects what is not a store, naming l2', () => {
    for (const value of [null, 1, {}, { get() {}, set() {}, delete() {} }]) {
      expect(() => new AsyncCache({ l2: value as never })).toThrow(CacheConfigError)
    }
    const withBadLock = { get() {}, set() {}, delete() {}, clear() {}, lock: 1 }
    expect(() => new AsyncCache({ l2: withBadLock as never })).toThrow(/l2\.lock/)
  })

  it('needs an L1: maxSize 0 is refused', () => {
    expect(() => new AsyncCache({ l2: store(), maxSize: 0 })).toThrow(/maxSize/)
  })

  it('is refused for sync functions, at creation', () => {
    expect(() => cached((n: number) => n, { l2: store() })).toThrow(/l2/)
    expect(() =>
      cached((n: number) => Promise.resolve(n), { l2: store(), async: true }),
    ).not.toThrow()
  })

  it('is refused for per-instance method caches', () => {
    expect(() => cached({ l2: store() })).toThrow(/perInstance/)
    expect(() => cached({ l2: store(), perInstance: false })).not.toThrow()
  })
})
