// What a cache does when its store says invalidations may have been missed (its subscription
// was lost and is back): L1 copies are no longer served as fresh, but fail-safe keeps them.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { flush } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import type { L2Subscriber } from './l2.js'
import { MemoryL2Server, memoryL2Store } from './testing/memoryL2Store.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

const TTL = 60_000
const MAX_STALE = 600_000

type Options = ConstructorParameters<typeof AsyncCache<string, string>>[0]

/** One cache on a memory L2, its values loaded once, then an outage that ends (`missed`). */
async function afterAnOutage(options: Options = {}, keys = ['a', 'b']) {
  const server = new MemoryL2Server()
  const cache = new AsyncCache<string, string>({
    ttl: TTL,
    l2: memoryL2Store({ server }),
    onError: () => {},
    ...options,
  })
  for (const key of keys) await cache.get(key, () => `${key}@1`)
  await cache.whenL2Settled()
  server.disconnect()
  vi.advanceTimersByTime(1_000)
  server.reconnect()
  return { server, cache }
}

const failing = (): Promise<string> => Promise.reject(new Error('the source is down'))

describe('missed invalidations (the store reconnected)', () => {
  it('serves no L1 copy as fresh: the next get reads L2 again', async () => {
    const { server, cache } = await afterAnOutage({ failSafe: { maxStale: MAX_STALE } })
    expect(cache.has('a')).toBe(false)
    // Another instance changed 'a' in L2 while this one could not hear it.
    server.removeAll()
    const loader = vi.fn(() => Promise.resolve('a@2'))
    await expect(cache.get('a', loader)).resolves.toBe('a@2')
    expect(loader).toHaveBeenCalledTimes(1)
    await expect(cache.get('a', loader)).resolves.toBe('a@2')
    expect(loader).toHaveBeenCalledTimes(1)
  })

  it('keeps the values for fail-safe: a failed load is answered with the copy', async () => {
    const { server, cache } = await afterAnOutage({
      failSafe: { maxStale: MAX_STALE, throttle: 1_000 },
    })
    server.removeAll() // a Redis restarted without its data
    await expect(cache.get('a', failing)).resolves.toBe('a@1')
    await expect(cache.get('b', failing)).resolves.toBe('b@1')
    expect(cache.stats().failSafeActivations).toBe(2)
  })

  it('keeps them for maxStale from the reconnection, not longer', async () => {
    const { server, cache } = await afterAnOutage({
      ttl: Infinity,
      failSafe: { maxStale: MAX_STALE, throttle: 1_000 },
    })
    server.removeAll()
    vi.advanceTimersByTime(MAX_STALE - 1)
    await expect(cache.get('a', failing)).resolves.toBe('a@1')
    vi.advanceTimersByTime(1)
    await expect(cache.get('b', failing)).rejects.toThrow('the source is down')
  })

  it('serves nothing stale under staleWhileRevalidate: a get waits for the load', async () => {
    const { server, cache } = await afterAnOutage({
      staleWhileRevalidate: 3_600_000,
      failSafe: { maxStale: MAX_STALE },
    })
    server.removeAll() // another instance deleted 'a' (its notice was missed)
    const loader = vi.fn(() => Promise.resolve('a@2'))
    await expect(cache.get('a', loader)).resolves.toBe('a@2')
    expect(loader).toHaveBeenCalledTimes(1)
    expect(cache.peek('b')).toBeUndefined()
  })

  it('drops the L1 copies without fail-safe', async () => {
    const { server, cache } = await afterAnOutage()
    expect(cache.size).toBe(0)
    server.removeAll()
    await expect(cache.get('a', failing)).rejects.toThrow('the source is down')
  })

  it('a kept error is no value for fail-safe: a failed load after it rejects', async () => {
    const server = new MemoryL2Server()
    const cache = new AsyncCache<string, string>({
      ttl: TTL,
      negativeCache: true,
      l2: memoryL2Store({ server }),
      failSafe: { maxStale: MAX_STALE, throttle: 1_000 },
      onError: () => {},
    })
    await expect(cache.get('e', () => Promise.reject(new Error('e failed')))).rejects.toThrow(
      'e failed',
    )
    await expect(cache.get('e', failing)).rejects.toThrow('e failed') // kept: not loaded again
    await cache.get('a', () => 'a@1')
    await cache.whenL2Settled()
    server.disconnect()
    server.reconnect()
    server.removeAll()
    await expect(cache.get('e', failing)).rejects.toThrow('the source is down')
    await expect(cache.get('a', failing)).resolves.toBe('a@1')
  })

  it('a store without missed() still drops L1 with invalidate(null)', async () => {
    let subscriber: L2Subscriber | undefined
    const cache = new AsyncCache<string, string>({
      ttl: TTL,
      failSafe: { maxStale: MAX_STALE },
      l2: {
        get: (keys) => Promise.resolve(keys.map(() => undefined)),
        set: () => Promise.resolve(),
        delete: () => Promise.resolve(),
        clear: () => Promise.resolve(),
        subscribe: (s) => {
          subscriber = s
          return () => {}
        },
      },
      onError: () => {},
    })
    await cache.get('a', () => 'a@1')
    await flush()
    expect(cache.size).toBe(1)
    // What the cache hands a store has missed(); a store that only knows invalidate(null):
    subscriber!.invalidate(null)
    expect(cache.size).toBe(0)
  })
})
