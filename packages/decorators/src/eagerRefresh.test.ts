import { CacheConfigError } from '@cache/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { flush } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { cached } from './cached.js'
import type { CacheEvent } from './events.js'
import type { LoadContext } from './flight.js'
import { MemoryL2Server, memoryL2Store } from './testing/memoryL2Store.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

const TTL = 10_000
const LOAD_MS = 50
const HIT_EVERY_MS = 100
const RUN_MS = 10 * 60_000

/** A source that takes LOAD_MS to answer, counting its calls. */
function slowSource() {
  const source = {
    calls: 0,
    load: async ({ key }: LoadContext<string>): Promise<string> => {
      const n = ++source.calls
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS))
      return `${key}#${n}`
    },
  }
  return source
}

/**
 * Calls `get` on each cache every HIT_EVERY_MS for RUN_MS (simulated); returns how many calls
 * were not answered at once (their promise still pending after two promise jobs: they waited on
 * a load or an L2 read).
 */
async function hitForTenMinutes(gets: (() => Promise<unknown>)[]): Promise<number> {
  let waited = 0
  for (let t = 0; t < RUN_MS; t += HIT_EVERY_MS) {
    for (const get of gets) {
      const state = { done: false }
      void get().then(() => (state.done = true))
      await flush(2)
      if (!state.done) waited++
    }
    await vi.advanceTimersByTimeAsync(HIT_EVERY_MS)
  }
  return waited
}

// The load at 0 lands at 50, so a hit at 8,000 + 50 → the first hit past it, 8,100, refreshes;
// that value lands at 8,150, is refreshed by the hit at 16,200, and so on: one refresh every
// 8,100 ms, the 74th at 599,400. With the first load: 75 loads in ten minutes.
const REFRESHES = Math.floor((RUN_MS - HIT_EVERY_MS) / 8_100)

describe('eagerRefresh: options', () => {
  it.each([0, 1, 1.5, -0.2, Number.NaN, '0.8', true])(
    'refuses %s with a CacheConfigError naming the option',
    (value) => {
      const make = () => new AsyncCache({ ttl: TTL, eagerRefresh: value as number })
      expect(make).toThrow(CacheConfigError)
      expect(make).toThrow(
        /`eagerRefresh` must be a fraction of an entry's life between 0 and 1 \(exclusive\), such as 0\.8, or false/,
      )
    },
  )

  it('takes false and fractions strictly between 0 and 1', () => {
    expect(() => new AsyncCache({ eagerRefresh: false })).not.toThrow()
    expect(() => new AsyncCache({ eagerRefresh: 0.5 })).not.toThrow()
    expect(() =>
      cached((n: number) => Promise.resolve(n), { async: true, eagerRefresh: 0.9 }),
    ).not.toThrow()
  })

  it('refuses eagerRefresh for a sync function, which cannot refresh in the background', () => {
    expect(() => cached((n: number) => n, { ttl: TTL, eagerRefresh: 0.8 })).toThrow(
      /`eagerRefresh` must be left out for a sync function/,
    )
  })

  it("rejects a call's invalid eagerRefresh with a CacheConfigError, loading nothing", async () => {
    const cache = new AsyncCache<string, string>({ ttl: TTL })
    const loader = vi.fn(() => 'v')
    await expect(cache.get('k', loader, { eagerRefresh: 2 })).rejects.toBeInstanceOf(
      CacheConfigError,
    )
    expect(loader).not.toHaveBeenCalled()
  })
})

describe('eagerRefresh: one instance', () => {
  it('keeps a key hit every 100 ms for 10 minutes fresh: no caller waits after the first, one load per refresh period', async () => {
    const source = slowSource()
    const cache = new AsyncCache<string, string>({ ttl: TTL, eagerRefresh: 0.8 })
    const waited = await hitForTenMinutes([() => cache.get('k', source.load)])
    expect(REFRESHES).toBe(74)
    expect(waited).toBe(1) // the very first call, on an empty cache
    expect(source.calls).toBe(1 + REFRESHES)
    const stats = cache.stats()
    expect(stats.misses).toBe(1)
    expect(stats.dedupHits).toBe(0)
    expect(stats.staleHits).toBe(0)
    expect(stats.expirations).toBe(0)
    expect(stats.eagerRefreshes).toBe(REFRESHES)
    expect(stats.loads).toBe(1 + REFRESHES)
    expect(stats.hits).toBe(RUN_MS / HIT_EVERY_MS - 1)
  })

  it('without eagerRefresh, the same traffic waits on a load at each expiry', async () => {
    const source = slowSource()
    const cache = new AsyncCache<string, string>({ ttl: TTL })
    const waited = await hitForTenMinutes([() => cache.get('k', source.load)])
    // Loaded at 0 (lands at 50), expired at 10,050: the hit at 10,100 waits, and so on every
    // 10,100 ms: 60 loads, each waited on by one caller.
    expect(waited).toBe(60)
    expect(source.calls).toBe(60)
    expect(cache.stats().eagerRefreshes).toBe(0)
  })

  it('serves the cached value at once past the refresh point, and the new one after the refresh', async () => {
    const source = slowSource()
    const cache = new AsyncCache<string, string>({ ttl: TTL, eagerRefresh: 0.5 })
    const events: CacheEvent<string>[] = []
    cache.on((event) => {
      if (event.type === 'eagerRefresh') events.push(event)
    })
    const first = cache.get('k', source.load)
    await vi.advanceTimersByTimeAsync(LOAD_MS)
    await expect(first).resolves.toBe('k#1')
    await vi.advanceTimersByTimeAsync(4_999) // 5,049: before the point (50 + 5,000)
    await expect(cache.get('k', source.load)).resolves.toBe('k#1')
    expect(source.calls).toBe(1)
    await vi.advanceTimersByTimeAsync(1) // 5,050: the point
    await expect(cache.get('k', source.load)).resolves.toBe('k#1')
    await expect(cache.get('k', source.load)).resolves.toBe('k#1') // one refresh, not two
    expect(source.calls).toBe(2)
    expect(events).toEqual([{ type: 'eagerRefresh', key: 'k', outcome: 'started' }])
    await vi.advanceTimersByTimeAsync(LOAD_MS)
    await expect(cache.get('k', source.load)).resolves.toBe('k#2')
    expect(cache.peek('k')).toMatchObject({ value: 'k#2', fetchedAt: 5_100, expiresAt: 15_100 })
  })

  it('keeps the entry when a refresh fails, counts it and emits an event', async () => {
    let fail = false
    const loader = vi.fn(() => {
      if (fail) throw new Error('source down')
      return 'v'
    })
    const errors: unknown[] = []
    const cache = new AsyncCache<string, string>({
      ttl: TTL,
      eagerRefresh: 0.8,
      onError: (error) => errors.push(error),
    })
    const events: CacheEvent<string>[] = []
    cache.on((event) => {
      if (event.type === 'eagerRefresh') events.push(event)
    })
    await cache.get('k', loader)
    fail = true
    vi.advanceTimersByTime(8_000)
    await expect(cache.get('k', loader)).resolves.toBe('v')
    await flush()
    expect(loader).toHaveBeenCalledTimes(2)
    expect(cache.peek('k')).toMatchObject({ value: 'v', fetchedAt: 0, expiresAt: TTL })
    expect(cache.stats()).toMatchObject({ eagerRefreshes: 1, eagerRefreshErrors: 1, loadErrors: 1 })
    expect(events).toEqual([
      { type: 'eagerRefresh', key: 'k', outcome: 'started' },
      { type: 'eagerRefresh', key: 'k', outcome: 'failed', error: new Error('source down') },
    ])
    expect(errors).toEqual([new Error('source down')])
    // The next hit tries again; once the source is back, the entry is renewed.
    fail = false
    await expect(cache.get('k', loader)).resolves.toBe('v')
    await flush()
    expect(cache.peek('k')).toMatchObject({ fetchedAt: 8_000, expiresAt: 18_000 })
  })

  it("lets a call set its entry's eagerRefresh, or turn it off", async () => {
    const cache = new AsyncCache<string, string>({ ttl: TTL, eagerRefresh: 0.8 })
    const loader = vi.fn(() => 'v')
    await cache.get('off', loader, { eagerRefresh: false })
    await cache.get('half', loader, { eagerRefresh: 0.5 })
    vi.advanceTimersByTime(5_000)
    await cache.get('off', loader)
    await cache.get('half', loader)
    expect(loader).toHaveBeenCalledTimes(3) // 'half' refreshed at 5,000
    vi.advanceTimersByTime(4_999)
    await cache.get('off', loader)
    expect(loader).toHaveBeenCalledTimes(3) // 'off' is never refreshed early
  })

  it('works for cached() async functions and @cached methods', async () => {
    const source = slowSource()
    const fn = cached(async (key: string) => source.load({ key } as LoadContext<string>), {
      ttl: TTL,
      eagerRefresh: 0.8,
    })
    class Repo {
      @cached({ ttl: TTL, eagerRefresh: 0.8 })
      async find(key: string): Promise<string> {
        return source.load({ key } as LoadContext<string>)
      }
    }
    const repo = new Repo()
    const waited = await hitForTenMinutes([() => fn('a'), () => repo.find('b')])
    expect(waited).toBe(2)
    expect(source.calls).toBe(2 * (1 + REFRESHES))
    expect(await fn.stats()).toMatchObject({ misses: 1, eagerRefreshes: REFRESHES })
  })
})

describe('eagerRefresh: across instances sharing an L2 with locks', () => {
  it('makes one load per refresh period fleet-wide, and no caller waits on a load', async () => {
    const server = new MemoryL2Server()
    const source = slowSource()
    const caches = [1, 2, 3].map(
      () =>
        new AsyncCache<string, string>({
          ttl: TTL,
          eagerRefresh: 0.8,
          l2: memoryL2Store({ server }),
        }),
    )
    const busy: number[] = [0, 0, 0]
    caches.forEach((cache, i) =>
      cache.on((event) => {
        if (event.type === 'eagerRefresh' && event.outcome === 'busy') busy[i]!++
      }),
    )
    const waited = await hitForTenMinutes(caches.map((cache) => () => cache.get('k', source.load)))
    // The first call of each instance: the first loads, the other two wait on its lock.
    expect(waited).toBe(3)
    expect(source.calls).toBe(1 + REFRESHES)
    for (const cache of caches) {
      const stats = cache.stats()
      expect(stats.misses).toBe(1)
      expect(stats.expirations).toBe(0)
    }
    // The first instance to pass the point refreshes; the others, in the same tick, find the
    // lock held (busy), then read the new value from L2 at their next hit.
    const refreshes = caches.map((cache) => cache.stats().eagerRefreshes)
    expect(refreshes).toEqual([REFRESHES, 2 * REFRESHES, 2 * REFRESHES])
    expect(busy).toEqual([0, REFRESHES, REFRESHES])
    expect(caches.map((cache) => cache.stats().loads)).toEqual([1 + REFRESHES, 0, 0])
  })
})
