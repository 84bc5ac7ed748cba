import { CacheConfigError } from '@cache/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { deferred, flush, settle } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { cached } from './cached.js'
import { CacheTimeoutError } from './errors.js'
import type { CacheEvent, ErrorContext } from './events.js'
import { l2KeyOf } from './l2.js'
import { MemoryL2Server, memoryL2Store } from './testing/memoryL2Store.js'

const T0 = 1_000_000

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

/** A source that can go down: while `down`, every call rejects (after `delayMs`, if any). */
function source() {
  const calls = new Map<string, number>()
  const state = { down: false, version: 1 }
  const load = ({ key }: { key: string }): Promise<string> => {
    calls.set(key, (calls.get(key) ?? 0) + 1)
    return state.down
      ? Promise.reject(new Error(`source down (${key})`))
      : Promise.resolve(`${key}@${state.version}`)
  }
  return { calls, state, load }
}

describe('fail-safe: the source fails for 30 s', () => {
  it('every caller of a key that was ever cached gets a value; the source is called once per throttle per key', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e']
    const events: CacheEvent<string>[] = []
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      failSafe: { maxStale: '1h', throttle: '5s' },
      onEvent: (event) => {
        if (event.type === 'failSafe') events.push(event)
      },
    })
    const src = source()
    for (const key of keys) expect(await cache.get(key, src.load)).toBe(`${key}@1`)
    vi.advanceTimersByTime(1_000) // every entry has just expired
    src.state.down = true
    let errors = 0
    const served = new Set<string>()
    // A caller per key every 100 ms, for 30 s: 300 rounds.
    for (let t = 0; t < 30_000; t += 100) {
      const results = await Promise.all(keys.map((key) => settle(cache.get(key, src.load))))
      for (const result of results) {
        if (result.error !== undefined) errors++
        else served.add(result.value!)
      }
      vi.advanceTimersByTime(100)
    }
    expect(errors).toBe(0)
    expect([...served].sort()).toEqual(keys.map((key) => `${key}@1`))
    // The first load and, in the outage, one failing call at 0, 5, 10, 15, 20 and 25 s.
    for (const key of keys) expect(src.calls.get(key)).toBe(7)
    expect(cache.stats().failSafeActivations).toBe(30)
    expect(cache.stats().loadErrors).toBe(30)
    expect(events).toHaveLength(30)
    expect(events[0]).toMatchObject({ type: 'failSafe', key: 'a' })
    expect((events[0] as { error: Error }).error.message).toBe('source down (a)')
    // The source is back: the next call after the throttle loads the new value.
    src.state.down = false
    src.state.version = 2
    expect(await cache.get('a', src.load)).toBe('a@2')
    expect(src.calls.get('a')).toBe(8)
  })

  it('works for cached() functions, async and sync', async () => {
    let down = false
    let calls = 0
    const fetchUser = cached(
      async (id: number) => {
        calls++
        await Promise.resolve()
        if (down) throw new Error('down')
        return { id }
      },
      { ttl: 1_000, failSafe: { maxStale: 60_000, throttle: 2_000 } },
    )
    const first = await fetchUser(1)
    down = true
    vi.advanceTimersByTime(1_500)
    expect(await fetchUser(1)).toBe(first)
    expect(await fetchUser(1)).toBe(first) // fresh again for the throttle: no call
    expect(calls).toBe(2)

    let syncDown = false
    let syncCalls = 0
    const double = cached(
      (n: number) => {
        syncCalls++
        if (syncDown) throw new Error('down')
        return n * 2
      },
      { ttl: 1_000, failSafe: { maxStale: 60_000, throttle: 2_000 } },
    )
    expect(double(2)).toBe(4)
    syncDown = true
    vi.advanceTimersByTime(1_500)
    expect(double(2)).toBe(4)
    expect(double(2)).toBe(4)
    expect(syncCalls).toBe(2)
    vi.advanceTimersByTime(2_000)
    expect(double(2)).toBe(4)
    expect(syncCalls).toBe(3)
    expect(double.stats().failSafeActivations).toBe(2)
  })

  it('gives the error when nothing was ever cached, or once maxStale is over', async () => {
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      failSafe: { maxStale: 10_000, throttle: 1_000 },
    })
    const src = source()
    await cache.get('k', src.load)
    src.state.down = true
    const never = await settle(cache.get('other', src.load))
    expect((never.error as Error).message).toBe('source down (other)')
    vi.advanceTimersByTime(1_000 + 10_000) // expired 10 s ago: maxStale is over
    const late = await settle(cache.get('k', src.load))
    expect((late.error as Error).message).toBe('source down (k)')
    expect(cache.stats().failSafeActivations).toBe(0)
  })

  it('serves no stale value after delete() or clear()', async () => {
    const cache = new AsyncCache<string, string>({ ttl: 1_000, failSafe: { maxStale: '1h' } })
    const src = source()
    await cache.get('k', src.load)
    await cache.get('j', src.load)
    vi.advanceTimersByTime(2_000)
    src.state.down = true
    cache.delete('k')
    expect((await settle(cache.get('k', src.load))).error).toBeInstanceOf(Error)
    cache.clear()
    expect((await settle(cache.get('j', src.load))).error).toBeInstanceOf(Error)
  })
})

describe('fail-safe with the other options', () => {
  it('negativeCache never hides a stale value: the error is not kept, the value is', async () => {
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      negativeCache: true,
      failSafe: { maxStale: '1h', throttle: 3_000 },
    })
    const src = source()
    await cache.get('k', src.load)
    await cache.get('new', src.load)
    cache.delete('new')
    vi.advanceTimersByTime(1_000)
    src.state.down = true
    expect(await cache.get('k', src.load)).toBe('k@1')
    expect(cache.peek('k')).toMatchObject({ isError: false, value: 'k@1', stale: false })
    expect(cache.peek('k')?.expiresAt).toBe(T0 + 1_000 + 3_000)
    // Without a stale value the error is kept as before.
    expect((await settle(cache.get('new', src.load))).error).toBeInstanceOf(Error)
    expect(cache.peek('new')).toMatchObject({ isError: true })
  })

  it('makes every retry first, then serves the stale value', async () => {
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      retry: { count: 2, backoffMs: 100 },
      failSafe: { maxStale: '1h', throttle: 1_000 },
    })
    const src = source()
    await cache.get('k', src.load)
    vi.advanceTimersByTime(1_000)
    src.state.down = true
    const call = cache.get('k', src.load)
    await vi.advanceTimersByTimeAsync(300)
    expect(await call).toBe('k@1')
    expect(src.calls.get('k')).toBe(4)
    expect(cache.stats()).toMatchObject({ retries: 2, failSafeActivations: 1 })
  })

  it('a failing staleWhileRevalidate refresh throttles: one refresh per throttle', async () => {
    const errors: ErrorContext[] = []
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      staleWhileRevalidate: true,
      failSafe: { maxStale: '1h', throttle: 2_000 },
      onError: (_error, context) => errors.push(context),
    })
    const src = source()
    await cache.get('k', src.load)
    vi.advanceTimersByTime(1_000)
    src.state.down = true
    for (let t = 0; t < 10_000; t += 100) {
      expect(await cache.get('k', src.load)).toBe('k@1')
      await flush()
      vi.advanceTimersByTime(100)
    }
    // Refreshes at 0, 2, 4, 6 and 8 s.
    expect(src.calls.get('k')).toBe(1 + 5)
    expect(errors).toEqual(Array.from({ length: 5 }, () => ({ operation: 'refresh', key: 'k' })))
  })

  it('with eagerRefresh: a throttled stale value starts no eager refresh; one load per throttle', async () => {
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      eagerRefresh: 0.8,
      failSafe: { maxStale: '1h', throttle: 2_000 },
    })
    const src = source()
    await cache.get('k', src.load)
    vi.advanceTimersByTime(1_000)
    src.state.down = true
    for (let t = 0; t < 10_000; t += 100) {
      expect(await cache.get('k', src.load)).toBe('k@1')
      await flush()
      vi.advanceTimersByTime(100)
    }
    // Loads at 1, 3, 5, 7 and 9 s (each failing, the stale value fresh again for 2 s).
    expect(src.calls.get('k')).toBe(1 + 5)
    expect(cache.stats()).toMatchObject({ failSafeActivations: 5, eagerRefreshes: 0 })
    // The source is back: past 80% of the new value's life, a hit refreshes it in the background.
    src.state.down = false
    src.state.version = 2
    vi.advanceTimersByTime(2_000)
    expect(await cache.get('k', src.load)).toBe('k@2')
    vi.advanceTimersByTime(800)
    expect(await cache.get('k', src.load)).toBe('k@2')
    await flush()
    expect(cache.stats().eagerRefreshes).toBe(1)
    expect(src.calls.get('k')).toBe(1 + 5 + 2)
  })

  it('a copy in L2 that is both tagged and stale: served by fail-safe until its tag is invalidated', async () => {
    const server = new MemoryL2Server({ now: () => Date.now() })
    const options = { ttl: 1_000, failSafe: { maxStale: '1h', throttle: 2_000 } }
    const a = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    const src = source()
    await a.get('k', src.load, { tags: ['t'] })
    await a.whenL2Settled()
    expect(server.values.get(l2KeyOf('k'))).toMatchObject({ staleMs: 3_600_000, tags: ['t'] })
    vi.advanceTimersByTime(1_500)
    src.state.down = true
    const b = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    await expect(b.get('k', src.load)).resolves.toBe('k@1')
    expect(b.has('k')).toBe(true)
    await a.invalidateTags(['t'])
    // b's copy, from L2's stale one, carries the tag: the message drops it.
    expect(b.has('k')).toBe(false)
    const c = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    await expect(c.get('k', src.load)).rejects.toThrow('source down (k)')
    expect(server.values.has(l2KeyOf('k'))).toBe(false)
  })

  it('per call: false gives the error, true falls back on a cache with enabled: false', async () => {
    const on = new AsyncCache<string, string>({ ttl: 1_000, failSafe: { maxStale: '1h' } })
    const off = new AsyncCache<string, string>({
      ttl: 1_000,
      failSafe: { maxStale: '1h', enabled: false },
    })
    const src = source()
    await on.get('k', src.load)
    await off.get('k', src.load)
    vi.advanceTimersByTime(1_000)
    src.state.down = true
    const strict = await settle(on.get('k', src.load, { failSafe: false }))
    expect((strict.error as Error).message).toBe('source down (k)')
    expect(await on.get('k', src.load)).toBe('k@1')
    expect((await settle(off.get('k', src.load))).error).toBeInstanceOf(Error)
    expect(await off.get('k', src.load, { failSafe: true })).toBe('k@1')
    // A strict caller and a fail-safe caller on one load: each gets what it asked for.
    const both = new AsyncCache<string, string>({ ttl: 1_000, failSafe: { maxStale: '1h' } })
    src.state.down = false
    await both.get('k', src.load)
    vi.advanceTimersByTime(1_000)
    const gate = deferred<string>()
    const lenient = both.get('k', () => gate.promise)
    const strictToo = settle(both.get('k', () => gate.promise, { failSafe: false }))
    gate.reject(new Error('late failure'))
    expect(await lenient).toBe('k@1')
    expect(((await strictToo).error as Error).message).toBe('late failure')
  })

  it('refuses a per-call failSafe on a cache without it, with a typed error', async () => {
    const cache = new AsyncCache<string, string>({ ttl: 1_000 })
    const result = await settle(cache.get('k', () => 'v', { failSafe: true }))
    expect(result.error).toBeInstanceOf(CacheConfigError)
    expect((result.error as Error).message).toContain('failSafe')
    const withIt = new AsyncCache<string, string>({ failSafe: { maxStale: 1 } })
    const bad = await settle(withIt.get('k', () => 'v', { failSafe: 'yes' as unknown as boolean }))
    expect(bad.error).toBeInstanceOf(CacheConfigError)
  })
})

describe('soft and hard timeouts', () => {
  function slowSource(delayMs: number) {
    let calls = 0
    const signals: AbortSignal[] = []
    const load = ({ signal }: { signal: AbortSignal }): Promise<string> => {
      calls++
      signals.push(signal)
      const n = calls
      return new Promise((resolve) =>
        setTimeout(() => {
          resolve(`v${n}`)
        }, delayMs),
      )
    }
    return { load, signals, calls: () => calls }
  }

  it('soft: callers get the stale value at the bound; the load lands later, with its events', async () => {
    const events: string[] = []
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      failSafe: { maxStale: '1h' },
      timeouts: { soft: 100, hard: 2_000 },
      onEvent: (event) => events.push(event.type),
    })
    const src = slowSource(500)
    const first = cache.get('k', src.load)
    await vi.advanceTimersByTimeAsync(500) // no stale value yet: the first caller waits
    expect(await first).toBe('v1')
    vi.advanceTimersByTime(1_000)
    events.length = 0
    let answer: string | undefined
    void cache.get('k', src.load).then((value) => (answer = value))
    await vi.advanceTimersByTimeAsync(99)
    expect(answer).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(answer).toBe('v1')
    // A caller meanwhile gets the stale value at once, and starts no second load.
    expect(await cache.get('k', src.load)).toBe('v1')
    await vi.advanceTimersByTimeAsync(400)
    expect(await cache.get('k', src.load)).toBe('v2')
    expect(src.calls()).toBe(2)
    // The stale entry is replaced ('remove') by the value the background load kept.
    expect(events).toEqual([
      'miss',
      'softTimeout',
      'hit',
      'remove',
      'load',
      'backgroundLoad',
      'hit',
    ])
    expect(cache.stats()).toMatchObject({ softTimeouts: 1, backgroundLoads: 1 })
  })

  it('soft does not apply without a stale value, nor to a caller that refuses one', async () => {
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      failSafe: { maxStale: '1h' },
      timeouts: { soft: 100 },
    })
    const src = slowSource(500)
    let answer: string | undefined
    void cache.get('k', src.load).then((value) => (answer = value))
    await vi.advanceTimersByTimeAsync(499)
    expect(answer).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(answer).toBe('v1')
    vi.advanceTimersByTime(1_000)
    answer = undefined
    void cache.get('k', src.load, { failSafe: false }).then((value) => (answer = value))
    await vi.advanceTimersByTimeAsync(499)
    expect(answer).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(answer).toBe('v2')
    expect(cache.stats().softTimeouts).toBe(0)
  })

  it('hard aborts the attempt: with a stale value the caller gets it, else CacheTimeoutError', async () => {
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      failSafe: { maxStale: '1h' },
      timeouts: { hard: '1s' },
    })
    const signals: AbortSignal[] = []
    const hang = ({ signal }: { signal: AbortSignal }) => {
      signals.push(signal)
      return new Promise<string>(() => {})
    }
    const cold = settle(cache.get('k', hang))
    await vi.advanceTimersByTimeAsync(1_000)
    const error = (await cold).error as CacheTimeoutError
    expect(error).toBeInstanceOf(CacheTimeoutError)
    expect(error.timeoutMs).toBe(1_000)
    expect(signals[0]!.aborted).toBe(true)
    await cache.get('k', () => 'v')
    vi.advanceTimersByTime(1_000)
    const warm = cache.get('k', hang)
    await vi.advanceTimersByTimeAsync(1_000)
    expect(await warm).toBe('v')
    expect(signals[1]!.aborted).toBe(true)
    expect(cache.stats()).toMatchObject({ timeouts: 2, failSafeActivations: 1 })
  })

  it('soft then hard: the caller has the stale value at soft, the background load fails at hard', async () => {
    const events: CacheEvent<string>[] = []
    const errors: ErrorContext[] = []
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      failSafe: { maxStale: '1h', throttle: 5_000 },
      timeouts: { soft: 50, hard: 1_000 },
      onEvent: (event) => events.push(event),
      onError: (_error, context) => errors.push(context),
    })
    await cache.get('k', () => 'v')
    vi.advanceTimersByTime(1_000)
    const call = cache.get('k', () => new Promise<string>(() => {}))
    await vi.advanceTimersByTimeAsync(50)
    expect(await call).toBe('v')
    await vi.advanceTimersByTimeAsync(950)
    expect(events.map((event) => event.type)).toContain('backgroundLoadError')
    expect(errors).toEqual([{ operation: 'refresh', key: 'k' }])
    expect(cache.stats()).toMatchObject({
      softTimeouts: 1,
      backgroundLoadErrors: 1,
      failSafeActivations: 1,
    })
    // Throttled: fresh for 5 s from the failure, the source is not called.
    const loader = vi.fn(() => 'new')
    vi.advanceTimersByTime(4_999)
    expect(await cache.get('k', loader)).toBe('v')
    expect(loader).not.toHaveBeenCalled()
  })

  it('timeoutMs and timeouts.hard are one bound: the L2 lock lease matches it', async () => {
    const server = new MemoryL2Server()
    const store = memoryL2Store({ server })
    const lock = vi.spyOn(store, 'lock')
    const cache = new AsyncCache<string, string>({
      l2: store,
      retry: { count: 2, backoffMs: 100 },
      failSafe: { maxStale: '1h' },
      timeouts: { hard: '1s', soft: 10 },
    })
    expect(cache.info()).toMatchObject({ timeoutMs: 1_000, softTimeoutMs: 10 })
    await cache.get('k', () => 'v')
    // With fail-safe callers, the lock call also takes L2's stale copy (onStale).
    expect(lock.mock.calls[0]![1]).toEqual({ leaseMs: 3_300, onStale: expect.any(Function) })
  })
})

describe('fail-safe across tiers (memoryL2Store)', () => {
  it('keeps the L2 copy for ttl + maxStale; a cold instance serves it when the source fails', async () => {
    const server = new MemoryL2Server()
    const options = { ttl: 1_000, failSafe: { maxStale: 60_000, throttle: 5_000 } }
    const a = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    const src = source()
    await a.get('k', src.load)
    await a.whenL2Settled()
    const stored = server.values.get(l2KeyOf('k'))
    expect(stored).toMatchObject({ value: 'k@1', expiresAt: T0 + 1_000, staleMs: 60_000 })
    vi.advanceTimersByTime(30_000)
    src.state.down = true
    const cold = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    expect(await cold.get('k', src.load)).toBe('k@1')
    expect(src.calls.get('k')).toBe(2)
    expect(await cold.get('k', src.load)).toBe('k@1') // throttled in L1
    expect(src.calls.get('k')).toBe(2)
    expect(cold.stats()).toMatchObject({ failSafeActivations: 1, l2Misses: 1 })
    // The L2 copy keeps its logical expiry: no fresh value was made up there.
    expect(server.values.get(l2KeyOf('k'))?.expiresAt).toBe(T0 + 1_000)
    // Without fail-safe the cold instance gets the error; past ttl + maxStale, the copy is gone.
    const strict = new AsyncCache<string, string>({ ttl: 1_000, l2: memoryL2Store({ server }) })
    expect((await settle(strict.get('k', src.load))).error).toBeInstanceOf(Error)
    vi.advanceTimersByTime(31_000)
    const late = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    expect((await settle(late.get('k', src.load))).error).toBeInstanceOf(Error)
    expect(server.values.has(l2KeyOf('k'))).toBe(false)
  })

  it('soft: the background load lands in both tiers', async () => {
    const server = new MemoryL2Server()
    const options = {
      ttl: 1_000,
      failSafe: { maxStale: '1h' },
      timeouts: { soft: 100 },
    } as const
    const a = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    const b = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    await a.get('k', () => 'old')
    await a.whenL2Settled()
    vi.advanceTimersByTime(1_000)
    const slow = () =>
      new Promise<string>((resolve) =>
        setTimeout(() => {
          resolve('new')
        }, 400),
      )
    let answer: string | undefined
    void a.get('k', slow).then((value) => (answer = value))
    await vi.advanceTimersByTimeAsync(100)
    expect(answer).toBe('old')
    await vi.advanceTimersByTimeAsync(300)
    await a.whenL2Settled()
    expect(a.peek('k')).toMatchObject({ value: 'new', stale: false })
    expect(server.values.get(l2KeyOf('k'))).toMatchObject({ value: 'new' })
    expect(await b.get('k', () => 'unused')).toBe('new')
  })

  it('the L2 circuit open and the source failing: the L1 stale value is served', async () => {
    const server = new MemoryL2Server()
    const cache = new AsyncCache<string, string>({
      ttl: 1_000,
      failSafe: { maxStale: '1h' },
      l2: memoryL2Store({ server }),
      onError: () => {},
    })
    const src = source()
    await cache.get('k', src.load)
    vi.advanceTimersByTime(1_000)
    server.disconnect()
    src.state.down = true
    expect(await cache.get('k', src.load)).toBe('k@1')
    expect(cache.stats().l2Errors).toBeGreaterThan(0)
  })
})

describe('options are checked at creation', () => {
  it.each([
    [{ failSafe: 5 }, 'failSafe'],
    [{ failSafe: {} }, 'failSafe.maxStale'],
    [{ failSafe: { maxStale: -1 } }, 'failSafe.maxStale'],
    [{ failSafe: { maxStale: 'soon' } }, 'failSafe.maxStale'],
    [{ failSafe: { maxStale: 1, throttle: 0 } }, 'failSafe.throttle'],
    [{ failSafe: { maxStale: 1, throttle: Infinity } }, 'failSafe.throttle'],
    [{ failSafe: { maxStale: 1, enabled: 'yes' } }, 'failSafe.enabled'],
    [{ failSafe: { maxStale: 1, maxstale: 1 } }, 'maxstale'],
    [{ timeouts: 5 }, 'timeouts'],
    [{ timeouts: { soft: 10 } }, 'timeouts.soft'],
    [{ timeouts: { hard: 0 } }, 'timeouts.hard'],
    [{ timeouts: { hard: 10 }, timeoutMs: 10 }, 'timeouts.hard'],
    [{ failSafe: { maxStale: 1 }, timeouts: { soft: '1 fortnight' } }, 'timeouts.soft'],
  ])('%o is a CacheConfigError naming %s', (options, option) => {
    let error: unknown
    try {
      new AsyncCache(options as never)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(CacheConfigError)
    expect((error as Error).message).toContain(`\`${option}\``)
  })

  it('reads durations in ms or as text, and reports them in info()', () => {
    const cache = new AsyncCache({
      failSafe: { maxStale: '2h', throttle: '30s' },
      timeouts: { soft: '100ms', hard: 5_000 },
    })
    expect(cache.info()).toMatchObject({
      failSafe: { maxStale: 7_200_000, throttle: 30_000, enabled: true },
      softTimeoutMs: 100,
      timeoutMs: 5_000,
    })
    expect(new AsyncCache({ failSafe: { maxStale: Infinity } }).info().failSafe).toEqual({
      maxStale: Infinity,
      throttle: 30_000,
      enabled: true,
    })
  })

  it('refuses timeouts for a sync function', () => {
    expect(() =>
      cached((n: number) => n, { failSafe: { maxStale: 1 }, timeouts: { hard: 10 } }),
    ).toThrow(CacheConfigError)
  })
})
