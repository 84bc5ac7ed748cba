import { CacheConfigError } from '@cache/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { deferred, flush, settle } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { trustClockForTesting } from './clock.js'
import type { CacheEvent } from './events.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('get with a loader (single flight)', () => {
  it('runs the loader once for 10,000 concurrent callers of a cold key, and all get its value', async () => {
    const cache = new AsyncCache<string, { n: number }>()
    const gate = deferred<{ n: number }>()
    const loader = vi.fn(() => gate.promise)
    const calls = Array.from({ length: 10_000 }, () => cache.get('k', loader))
    gate.resolve({ n: 1 })
    const values = await Promise.all(calls)
    expect(loader).toHaveBeenCalledTimes(1)
    expect(new Set(values).size).toBe(1)
    expect(values[0]).toEqual({ n: 1 })
    const stats = cache.stats()
    expect([stats.misses, stats.hits, stats.dedupHits, stats.loads]).toEqual([1, 9_999, 9_999, 1])
  })

  it('gives every waiter the error when the shared load fails, and keeps nothing', async () => {
    const cache = new AsyncCache<string, number>()
    const gate = deferred<number>()
    const loader = vi.fn(() => gate.promise)
    const calls = Array.from({ length: 5 }, () => settle(cache.get('k', loader)))
    const error = new Error('down')
    gate.reject(error)
    const results = await Promise.all(calls)
    expect(results.map((r) => r.error)).toEqual([error, error, error, error, error])
    expect(cache.has('k')).toBe(false)
    expect(cache.peek('k')).toBeUndefined()
    await expect(cache.get('k', () => 7)).resolves.toBe(7)
    expect(loader).toHaveBeenCalledTimes(1)
  })

  it('never keeps a failure, not even while other callers are still being told', async () => {
    const cache = new AsyncCache<string, number>()
    const loader = vi.fn().mockRejectedValueOnce(new Error('once')).mockResolvedValue(2)
    const first = cache.get('k', loader)
    const second = first.catch(() => cache.get('k', loader))
    await expect(first).rejects.toThrow('once')
    await expect(second).resolves.toBe(2)
    expect(loader).toHaveBeenCalledTimes(2)
  })

  it('treats a loader that throws synchronously like one that rejects, and retries next call', async () => {
    const cache = new AsyncCache<string, number>()
    const loader = vi
      .fn<() => number>()
      .mockImplementationOnce(() => {
        throw new TypeError('sync')
      })
      .mockReturnValue(3)
    await expect(cache.get('k', loader)).rejects.toThrow(TypeError)
    await expect(cache.get('k', loader)).resolves.toBe(3)
    expect(loader).toHaveBeenCalledTimes(2)
  })

  it('accepts a loader that returns a plain value', async () => {
    const cache = new AsyncCache<string, number>()
    await expect(cache.get('k', () => 5)).resolves.toBe(5)
    await expect(cache.get('k')).resolves.toBe(5)
  })

  it('passes the key, the attempt and a signal to the loader', async () => {
    const cache = new AsyncCache<string, string>()
    const loader = vi.fn(
      ({ key, attempt, signal }: { key: string; attempt: number; signal: AbortSignal }) =>
        `${key}:${attempt}:${signal.aborted}`,
    )
    await expect(cache.get('k', loader)).resolves.toBe('k:1:false')
  })

  it('resolves a miss without a loader to undefined and counts it', async () => {
    const cache = new AsyncCache<string, number>()
    await expect(cache.get('nope')).resolves.toBeUndefined()
    expect(cache.stats().misses).toBe(1)
    expect(cache.stats().loads).toBe(0)
  })
})

describe('undefined and null values', () => {
  it('caches undefined and null as hits, told apart from misses by has() and peek()', async () => {
    const cache = new AsyncCache<string, number | null | undefined>()
    const loader = vi.fn((context: { key: string }) => (context.key === 'u' ? undefined : null))
    await expect(cache.get('u', loader)).resolves.toBeUndefined()
    await expect(cache.get('n', loader)).resolves.toBeNull()
    await expect(cache.get('u', loader)).resolves.toBeUndefined()
    await expect(cache.get('n', loader)).resolves.toBeNull()
    expect(loader).toHaveBeenCalledTimes(2)
    expect(cache.has('u')).toBe(true)
    expect(cache.has('missing')).toBe(false)
    expect(cache.peek('u')).toEqual({
      isError: false,
      value: undefined,
      fetchedAt: 1_000_000,
      expiresAt: Infinity,
      stale: false,
    })
    expect(cache.peek('missing')).toBeUndefined()
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2 })
  })
})

describe('set, delete, clear', () => {
  it('sets values with a per-entry ttl and expires them after it', async () => {
    const cache = new AsyncCache<string, number>()
    cache.set('a', 1, { ttl: 100 })
    expect(cache.peek('a')).toMatchObject({ value: 1, expiresAt: 1_000_100 })
    vi.advanceTimersByTime(99)
    expect(cache.has('a')).toBe(true)
    vi.advanceTimersByTime(1)
    expect(cache.has('a')).toBe(false)
    await expect(cache.get('a')).resolves.toBeUndefined()
  })

  it('rejects an invalid per-entry ttl with CacheConfigError', () => {
    const cache = new AsyncCache<string, number>()
    expect(() => cache.set('a', 1, { ttl: 0 })).toThrow(
      new CacheConfigError('ttl', 'a positive number of milliseconds or Infinity', 0),
    )
    expect(cache.has('a')).toBe(false)
  })

  it('delete returns true for a live entry and false otherwise', () => {
    const cache = new AsyncCache<string, number>()
    cache.set('a', 1, { ttl: 10 })
    expect(cache.delete('a')).toBe(true)
    expect(cache.delete('a')).toBe(false)
    cache.set('b', 2, { ttl: 10 })
    vi.advanceTimersByTime(10)
    expect(cache.delete('b')).toBe(false)
    expect(cache.stats().expirations).toBe(1)
  })

  it('does not store the result of a load whose key was deleted meanwhile', async () => {
    const cache = new AsyncCache<string, number>()
    const gate = deferred<number>()
    const pending = cache.get('k', () => gate.promise)
    expect(cache.delete('k')).toBe(false)
    gate.resolve(1)
    await expect(pending).resolves.toBe(1)
    expect(cache.has('k')).toBe(false)
  })

  it('lets a set() win over a load in flight for the same key', async () => {
    const cache = new AsyncCache<string, number>()
    const gate = deferred<number>()
    const pending = cache.get('k', () => gate.promise)
    cache.set('k', 2)
    gate.resolve(1)
    await expect(pending).resolves.toBe(1)
    await expect(cache.get('k')).resolves.toBe(2)
  })

  it('clear() removes everything and resets the statistics', async () => {
    const cache = new AsyncCache<string, number>()
    await cache.get('a', () => 1)
    await cache.get('a', () => 1)
    cache.clear()
    expect(cache.size).toBe(0)
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 0, loads: 0, size: 0 })
    await expect(cache.get('a', () => 2)).resolves.toBe(2)
  })
})

describe('expiry', () => {
  it('misses after the ttl and loads again', async () => {
    const cache = new AsyncCache<string, number>({ ttl: 1_000 })
    const loader = vi.fn().mockResolvedValueOnce(1).mockResolvedValueOnce(2)
    await expect(cache.get('k', loader)).resolves.toBe(1)
    vi.advanceTimersByTime(999)
    await expect(cache.get('k', loader)).resolves.toBe(1)
    vi.advanceTimersByTime(1)
    await expect(cache.get('k', loader)).resolves.toBe(2)
    expect(loader).toHaveBeenCalledTimes(2)
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, expirations: 1 })
  })

  it('uses a per-call ttl instead of the default', async () => {
    const cache = new AsyncCache<string, number>({ ttl: 1_000 })
    await cache.get('k', () => 1, { ttl: 10 })
    expect(cache.peek('k')).toMatchObject({ expiresAt: 1_000_010 })
  })

  it('does not count expired entries in size, before or after they are removed', async () => {
    const cache = new AsyncCache<string, number>({ ttl: 100 })
    await cache.get('a', () => 1)
    await cache.get('b', () => 2, { ttl: 1_000 })
    expect(cache.size).toBe(2)
    vi.advanceTimersByTime(100)
    expect(cache.size).toBe(1)
    expect(cache.stats().size).toBe(1)
    expect(cache.removeExpired()).toBe(1)
    expect(cache.size).toBe(1)
    expect(cache.stats().lastExpirationCheck).toBe(1_000_100)
  })

  it('reads every @cache/expiry form: a duration string', async () => {
    const cache = new AsyncCache<string, number>({ expiration: '10 minutes' })
    await cache.get('k', () => 1)
    expect(cache.peek('k')).toMatchObject({ expiresAt: 1_000_000 + 600_000 })
    expect(cache.stats().ttl).toBe(600_000)
  })

  it('reads a data pointer into the value', async () => {
    const cache = new AsyncCache<string, { token: { exp: string } }>({
      expiration: '$.token.exp',
    })
    await cache.get('k', () => ({ token: { exp: '1970-01-01T00:20:00Z' } }))
    expect(cache.peek('k')).toMatchObject({ expiresAt: 1_200_000 })
    vi.advanceTimersByTime(200_000)
    expect(cache.has('k')).toBe(false)
  })

  it('calls an async expiration function of the cached item before answering', async () => {
    const expiration = vi.fn(async (item: { value: number; fetchedAt: number }) => {
      await Promise.resolve()
      return item.value > 1 ? true : '1h'
    })
    const cache = new AsyncCache<string, number>({ expiration })
    const loader = vi.fn((context: { key: string }) => context.key.length)
    for (const key of ['a', 'a', 'a', 'bb', 'bb', 'bb']) await cache.get(key, loader)
    expect(loader.mock.calls.map(([context]) => context.key)).toEqual(['a', 'bb', 'bb', 'bb'])
    expect(expiration).toHaveBeenCalledWith({ value: 1, fetchedAt: 1_000_000, isError: false })
  })

  it('fails the load with ExpiryParseError when a data pointer finds nothing, keeping nothing', async () => {
    const cache = new AsyncCache<string, object>({ expiration: '$.missing' })
    const error = await settle(cache.get('k', () => ({})))
    expect(error.error).toMatchObject({ name: 'ExpiryParseError', code: 'ERR_EXPIRY_PARSE' })
    expect(cache.has('k')).toBe(false)
  })

  it('removes expired entries on its own with autoRemoveExpired', async () => {
    const cache = new AsyncCache<string, number>({ ttl: 100, autoRemoveExpired: '1s' })
    await cache.get('k', () => 1)
    const removed = vi.fn()
    cache.on((event) => {
      if (event.type === 'remove') removed(event)
    })
    vi.advanceTimersByTime(999)
    expect(removed).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(removed).toHaveBeenCalledWith({ type: 'remove', key: 'k', reason: 'expire' })
    expect(cache.stats().lastExpirationCheck).toBe(1_001_000)
    await cache.destroy()
  })
})

describe('eviction', () => {
  it('evicts the least recently used key with the lru policy', async () => {
    const cache = new AsyncCache<string, number>({ maxSize: 2, policy: 'lru' })
    cache.set('a', 1).set('b', 2)
    await cache.get('a')
    cache.set('c', 3)
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true])
    expect(cache.stats().evictions).toBe(1)
  })

  it('evicts the least frequently used key with the lfu policy', async () => {
    const cache = new AsyncCache<string, number>({ maxSize: 2, policy: 'lfu' })
    cache.set('a', 1).set('b', 2)
    await cache.get('a')
    await cache.get('a')
    await cache.get('b')
    await cache.get('b')
    await cache.get('b')
    await cache.get('b')
    await cache.get('a') // most recent, but used less than b
    cache.set('c', 3)
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([false, true, true])
  })

  it('grows without bound with maxSize null', async () => {
    const cache = new AsyncCache<number, number>({ maxSize: null })
    for (let i = 0; i < 5_000; i++) cache.set(i, i)
    expect(cache.size).toBe(5_000)
    expect(cache.stats()).toMatchObject({ maxSize: null, evictions: 0 })
    await expect(cache.get(0)).resolves.toBe(0)
  })

  it('keeps nothing with maxSize 0: every call goes through to the loader', async () => {
    const cache = new AsyncCache<string, number>({ maxSize: 0 })
    const loader = vi.fn(() => Promise.resolve(1))
    await Promise.all([cache.get('k', loader), cache.get('k', loader)])
    await cache.get('k', loader)
    expect(loader).toHaveBeenCalledTimes(3)
    expect(cache.size).toBe(0)
    cache.set('k', 1)
    expect(cache.has('k')).toBe(false)
  })
})

describe('negative caching', () => {
  it('rethrows a kept error until negativeExpiration (default 10 s), without calling the loader', async () => {
    const cache = new AsyncCache<string, number>({ negativeCache: true })
    const error = new Error('down')
    const loader = vi.fn().mockRejectedValueOnce(error).mockResolvedValue(1)
    await expect(cache.get('k', loader)).rejects.toBe(error)
    await expect(cache.get('k', loader)).rejects.toBe(error)
    expect(cache.peek('k')).toEqual({
      isError: true,
      error,
      fetchedAt: 1_000_000,
      expiresAt: 1_010_000,
      stale: false,
    })
    vi.advanceTimersByTime(10_000)
    await expect(cache.get('k', loader)).resolves.toBe(1)
    expect(loader).toHaveBeenCalledTimes(2)
  })

  it('expires errors by negativeExpiration and values by expiration', async () => {
    const cache = new AsyncCache<string, number>({
      negativeCache: true,
      negativeExpiration: '10m',
      expiration: '3d',
    })
    await settle(cache.get('a', () => Promise.reject(new Error('a'))))
    await cache.get('b', () => 2)
    expect(cache.size).toBe(2)
    vi.advanceTimersByTime(600_000)
    expect(cache.size).toBe(1)
    expect(cache.has('b')).toBe(true)
  })
})

describe('retry', () => {
  it('retries with exponential backoff and surfaces only the last error', async () => {
    const cache = new AsyncCache<string, number>({ retry: { count: 3, backoffMs: 100 } })
    const errors = [new Error('1'), new Error('2'), new Error('3'), new Error('4')]
    const loader = vi.fn(({ attempt }: { attempt: number }) => Promise.reject(errors[attempt - 1]!))
    const result = settle(cache.get('k', loader))
    await flush()
    expect(loader).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(99)
    expect(loader).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(loader).toHaveBeenCalledTimes(2)
    await vi.advanceTimersByTimeAsync(200)
    expect(loader).toHaveBeenCalledTimes(3)
    await vi.advanceTimersByTimeAsync(399)
    expect(loader).toHaveBeenCalledTimes(3)
    await vi.advanceTimersByTimeAsync(1)
    expect(loader).toHaveBeenCalledTimes(4)
    expect((await result).error).toBe(errors[3])
    expect(cache.stats()).toMatchObject({ retries: 3, loads: 1, loadErrors: 1 })
  })

  it('caps the backoff at maxBackoffMs and takes jitter off it', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const delays: number[] = []
    const cache = new AsyncCache<string, number>({
      retry: { count: 3, backoffMs: 100, maxBackoffMs: 150, jitter: 0.5 },
      onEvent: (event) => {
        if (event.type === 'retry') delays.push(event.delayMs)
      },
    })
    const result = settle(cache.get('k', () => Promise.reject(new Error('x'))))
    await vi.advanceTimersByTimeAsync(1_000)
    await result
    expect(delays).toEqual([75, 112.5, 112.5])
  })

  it('succeeds on a later attempt and caches that value', async () => {
    const cache = new AsyncCache<string, number>({ retry: { count: 2, backoffMs: 0 } })
    const loader = vi
      .fn()
      .mockRejectedValueOnce(new Error('a'))
      .mockRejectedValueOnce(new Error('b'))
      .mockResolvedValue(9)
    await expect(cache.get('k', loader)).resolves.toBe(9)
    await expect(cache.get('k', loader)).resolves.toBe(9)
    expect(loader).toHaveBeenCalledTimes(3)
  })

  it('stops retrying when shouldRetry says no', async () => {
    const shouldRetry = vi.fn((error: unknown, _attempt: number) => !(error instanceof TypeError))
    const cache = new AsyncCache<string, number>({ retry: { count: 5, backoffMs: 0, shouldRetry } })
    const loader = vi
      .fn()
      .mockRejectedValueOnce(new Error('retry me'))
      .mockRejectedValue(new TypeError('fatal'))
    await expect(cache.get('k', loader)).rejects.toThrow('fatal')
    expect(loader).toHaveBeenCalledTimes(2)
    expect(shouldRetry.mock.calls.map(([, attempt]) => attempt)).toEqual([1, 2])
  })
})

describe('timeout', () => {
  it('fails a hanging load with CacheTimeoutError, aborts its signal and lets the next call retry', async () => {
    const cache = new AsyncCache<string, number>({ timeoutMs: 1_000 })
    let signal: AbortSignal | undefined
    const hang = vi.fn((context: { signal: AbortSignal }) => {
      signal = context.signal
      return new Promise<number>(() => {})
    })
    const result = settle(cache.get('k', hang))
    await vi.advanceTimersByTimeAsync(999)
    expect(signal?.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const { error } = await result
    expect(error).toMatchObject({
      name: 'CacheTimeoutError',
      code: 'ERR_CACHE_TIMEOUT',
      key: 'k',
      timeoutMs: 1_000,
      message: 'Loading "k" did not settle within 1000 ms (timeoutMs)',
    })
    expect(signal?.reason).toBe(error)
    expect(cache.stats().timeouts).toBe(1)
    await expect(cache.get('k', () => 2)).resolves.toBe(2)
  })

  it('retries an attempt that timed out, with a fresh signal', async () => {
    const cache = new AsyncCache<string, number>({
      timeoutMs: 100,
      retry: { count: 1, backoffMs: 0 },
    })
    const signals: AbortSignal[] = []
    const loader = vi.fn((context: { signal: AbortSignal; attempt: number }) => {
      signals.push(context.signal)
      return context.attempt === 1 ? new Promise<number>(() => {}) : Promise.resolve(5)
    })
    const result = cache.get('k', loader)
    await vi.advanceTimersByTimeAsync(100)
    await expect(result).resolves.toBe(5)
    expect(signals.map((s) => s.aborted)).toEqual([true, false])
  })
})

describe('abort signals', () => {
  it('lets one waiter give up without failing the others, and aborts the load only when all have', async () => {
    const cache = new AsyncCache<string, number>()
    let loadSignal: AbortSignal | undefined
    const gate = deferred<number>()
    const loader = vi.fn((context: { signal: AbortSignal }) => {
      loadSignal = context.signal
      return gate.promise
    })
    const a = new AbortController()
    const b = new AbortController()
    const first = settle(cache.get('k', loader, { signal: a.signal }))
    const second = settle(cache.get('k', loader, { signal: b.signal }))
    a.abort(new Error('a gave up'))
    expect((await first).error).toEqual(new Error('a gave up'))
    expect(loadSignal?.aborted).toBe(false)
    b.abort(new Error('b gave up'))
    expect((await second).error).toEqual(new Error('b gave up'))
    expect(loadSignal?.aborted).toBe(true)
    expect(loadSignal?.reason).toEqual(new Error('b gave up'))
    // The abandoned load no longer counts: the next call starts afresh.
    await expect(cache.get('k', () => 7)).resolves.toBe(7)
    gate.resolve(1)
    await flush()
    await expect(cache.get('k')).resolves.toBe(7)
    expect(loader).toHaveBeenCalledTimes(1)
  })

  it('keeps the load going for a waiter that has no signal', async () => {
    const cache = new AsyncCache<string, number>()
    let loadSignal: AbortSignal | undefined
    const gate = deferred<number>()
    const loader = (context: { signal: AbortSignal }): Promise<number> => {
      loadSignal = context.signal
      return gate.promise
    }
    const a = new AbortController()
    const first = settle(cache.get('k', loader, { signal: a.signal }))
    const second = cache.get('k', loader)
    a.abort()
    expect((await first).error).toMatchObject({ name: 'AbortError' })
    gate.resolve(3)
    await expect(second).resolves.toBe(3)
    expect(loadSignal?.aborted).toBe(false)
    expect(cache.has('k')).toBe(true)
  })

  it('rejects at once, starting nothing, for a signal already aborted', async () => {
    const cache = new AsyncCache<string, number>()
    const loader = vi.fn(() => 1)
    await expect(
      cache.get('k', loader, { signal: AbortSignal.abort(new Error('no')) }),
    ).rejects.toThrow('no')
    expect(loader).not.toHaveBeenCalled()
  })
})

describe('stale while revalidate', () => {
  it('serves the expired value while one background load refreshes it', async () => {
    const cache = new AsyncCache<string, number>({ ttl: 100, staleWhileRevalidate: true })
    const gate = deferred<number>()
    const loader = vi.fn().mockResolvedValueOnce(1).mockReturnValueOnce(gate.promise)
    await cache.get('k', loader)
    vi.advanceTimersByTime(100)
    await expect(cache.get('k', loader)).resolves.toBe(1)
    await expect(cache.get('k', loader)).resolves.toBe(1)
    expect(loader).toHaveBeenCalledTimes(2)
    expect(cache.peek('k')).toMatchObject({ value: 1, stale: true })
    gate.resolve(2)
    await flush()
    await expect(cache.get('k', loader)).resolves.toBe(2)
    expect(cache.stats()).toMatchObject({ staleHits: 2, loads: 2 })
  })

  it('stops serving a value older than the staleWhileRevalidate window', async () => {
    const cache = new AsyncCache<string, number>({ ttl: 100, staleWhileRevalidate: 50 })
    const loader = vi.fn().mockResolvedValueOnce(1).mockResolvedValueOnce(2)
    await cache.get('k', loader)
    vi.advanceTimersByTime(150)
    await expect(cache.get('k', loader)).resolves.toBe(2)
  })

  it('keeps the stale value when the background refresh fails, and reports the failure', async () => {
    const onError = vi.fn()
    const cache = new AsyncCache<string, number>({
      ttl: 100,
      staleWhileRevalidate: true,
      onError,
      negativeCache: true,
    })
    const error = new Error('refresh failed')
    const loader = vi
      .fn()
      .mockResolvedValueOnce(1)
      .mockRejectedValueOnce(error)
      .mockResolvedValueOnce(3)
    await cache.get('k', loader)
    vi.advanceTimersByTime(100)
    await expect(cache.get('k', loader)).resolves.toBe(1)
    await flush()
    expect(onError).toHaveBeenCalledWith(error, { operation: 'refresh', key: 'k' })
    await expect(cache.get('k', loader)).resolves.toBe(1)
    await flush()
    await expect(cache.get('k', loader)).resolves.toBe(3)
  })
})

describe('batching', () => {
  it('groups the misses of one tick into one batch call; hits never reach it', async () => {
    const cache = new AsyncCache<number, string>()
    cache.set(2, 'cached')
    const batchLoader = vi.fn((ids: number[]) => Promise.resolve(ids.map((id) => `user${id}`)))
    const values = await Promise.all([
      cache.get(1, { batchLoader }),
      cache.get(2, { batchLoader }),
      cache.get(3, { batchLoader }),
      cache.get(1, { batchLoader }),
    ])
    expect(values).toEqual(['user1', 'cached', 'user3', 'user1'])
    expect(batchLoader).toHaveBeenCalledTimes(1)
    expect(batchLoader.mock.calls[0]![0]).toEqual([1, 3])
    await expect(cache.get(3)).resolves.toBe('user3')
  })

  it('getMany loads the misses in one batch and respects maxBatchSize', async () => {
    const cache = new AsyncCache<number, number>({ batch: { maxBatchSize: 2 } })
    cache.set(0, 0)
    const batchLoader = vi.fn((ids: number[]) =>
      Promise.resolve(new Map(ids.map((id) => [id, id * 10]))),
    )
    await expect(cache.getMany([0, 1, 2, 3, 4], batchLoader)).resolves.toEqual([0, 10, 20, 30, 40])
    expect(batchLoader.mock.calls.map(([ids]) => ids)).toEqual([
      [1, 2],
      [3, 4],
    ])
  })

  it('collects misses for windowMs before calling', async () => {
    const cache = new AsyncCache<number, number>({ batch: { windowMs: 5 } })
    const batchLoader = vi.fn((ids: number[]) => Promise.resolve(ids))
    const first = cache.get(1, { batchLoader })
    await vi.advanceTimersByTimeAsync(4)
    const second = cache.get(2, { batchLoader })
    await vi.advanceTimersByTimeAsync(1)
    await expect(Promise.all([first, second])).resolves.toEqual([1, 2])
    expect(batchLoader).toHaveBeenCalledTimes(1)
  })

  it('fails only the keys the batch left out', async () => {
    const cache = new AsyncCache<number, number>()
    const batchLoader = (ids: number[]): Promise<Map<number, number>> =>
      Promise.resolve(new Map(ids.filter((id) => id !== 2).map((id) => [id, id])))
    const [one, two] = await Promise.all([
      settle(cache.get(1, { batchLoader })),
      settle(cache.get(2, { batchLoader })),
    ])
    expect(one.value).toBe(1)
    expect(two.error).toMatchObject({ name: 'BatchError', code: 'ERR_BATCH_FN' })
    expect(cache.has(2)).toBe(false)
  })
})

describe('warmup', () => {
  it('loads every key concurrently, reports failures and does not throw for one bad key', async () => {
    const cache = new AsyncCache<string, string>()
    const error = new Error('bad')
    const result = await cache.warmup({
      a: () => Promise.resolve('A'),
      b: () => Promise.reject(error),
      c: () => 'C',
    })
    expect(result.loaded.sort()).toEqual(['a', 'c'])
    expect(result.failed).toEqual([{ key: 'b', error }])
    await expect(cache.get('a')).resolves.toBe('A')
    await expect(cache.get('c')).resolves.toBe('C')
  })

  it('runs at most `concurrency` loads at once', async () => {
    const cache = new AsyncCache<number, number>()
    let running = 0
    let peak = 0
    const loader = async ({ key }: { key: number }): Promise<number> => {
      running++
      peak = Math.max(peak, running)
      await new Promise((resolve) => setTimeout(resolve, 10))
      running--
      return key
    }
    const done = cache.warmup(
      Array.from({ length: 10 }, (_, i) => [i, loader] as const),
      { concurrency: 3 },
    )
    await vi.advanceTimersByTimeAsync(100)
    expect((await done).loaded).toHaveLength(10)
    expect(peak).toBe(3)
  })

  it('rejects an invalid concurrency', async () => {
    const cache = new AsyncCache()
    await expect(cache.warmup([], { concurrency: 0 })).rejects.toThrow(CacheConfigError)
  })
})

describe('statistics and events', () => {
  it('reports every field', async () => {
    const cache = new AsyncCache<string, string>({ maxSize: 100, ttl: 60_000 })
    const loading = cache.get('a', async () => {
      await new Promise((resolve) => setTimeout(resolve, 30))
      return 'x'.repeat(1000)
    })
    await vi.advanceTimersByTimeAsync(30)
    await loading
    await cache.get('a')
    const failing = settle(
      cache.get('b', async () => {
        await new Promise((resolve) => setTimeout(resolve, 10))
        throw new Error('x')
      }),
    )
    await vi.advanceTimersByTimeAsync(10)
    await failing
    const stats = cache.stats()
    expect(stats).toEqual({
      hits: 1,
      misses: 2,
      hitRatio: 1 / 3,
      dedupHits: 0,
      staleHits: 0,
      size: 1,
      maxSize: 100,
      evictions: 0,
      expirations: 0,
      loads: 2,
      loadErrors: 1,
      retries: 0,
      timeouts: 0,
      failSafeActivations: 0,
      softTimeouts: 0,
      backgroundLoads: 0,
      backgroundLoadErrors: 0,
      l2Hits: 0,
      l2Misses: 0,
      l2Errors: 0,
      tagInvalidations: 0,
      tagInvalidationsReceived: 0,
      eagerRefreshes: 0,
      eagerRefreshErrors: 0,
      l2ReplayQueued: 0,
      l2Replayed: 0,
      l2ReplayCollapsed: 0,
      loadTime: { min: 10, max: 30, avg: 20, total: 40 },
      ttl: 60_000,
      bytes: stats.bytes,
      pretty: stats.pretty,
      lastExpirationCheck: null,
    })
    expect(stats.bytes).toBeGreaterThan(2_000)
    expect(stats.bytes).toBeLessThan(2_400)
    expect(stats.pretty).toMatch(/^2\.\d kB$/)
  })

  it('emits events only to listeners, and stops when unsubscribed', async () => {
    const events: CacheEvent<string>[] = []
    const cache = new AsyncCache<string, number>({ maxSize: 1 })
    const stop = cache.on((event) => events.push(event))
    await cache.get('a', () => 1)
    await cache.get('a')
    await cache.get('b', () => 2)
    stop()
    await cache.get('b')
    expect(events).toEqual([
      { type: 'miss', key: 'a' },
      { type: 'load', key: 'a', durationMs: 0, attempts: 1 },
      { type: 'hit', key: 'a', kind: 'fresh' },
      { type: 'miss', key: 'b' },
      { type: 'remove', key: 'a', reason: 'evict' },
      { type: 'load', key: 'b', durationMs: 0, attempts: 1 },
    ])
  })

  it('sends a throwing listener to onError, never to the caller', async () => {
    const onError = vi.fn()
    const boom = new Error('listener')
    const cache = new AsyncCache<string, number>({
      onError,
      onEvent: () => {
        throw boom
      },
    })
    await expect(cache.get('a', () => 1)).resolves.toBe(1)
    expect(onError).toHaveBeenCalledWith(boom, { operation: 'event', key: 'a' })
  })

  it('reports its configuration', () => {
    const cache = new AsyncCache({ maxSize: 5, policy: 'sieve', expiration: '1h', name: 'users' })
    expect(cache.info()).toEqual({
      name: 'users',
      maxSize: 5,
      policy: 'sieve',
      ttl: 3_600_000,
      expiration: '1h',
      negativeCache: false,
      negativeExpiration: 10,
      retry: { count: 0, backoffMs: 100, maxBackoffMs: 30_000, jitter: 0 },
      timeoutMs: null,
      softTimeoutMs: null,
      failSafe: null,
      staleWhileRevalidate: 0,
      dispose: false,
      autoRemoveExpired: null,
      batch: {},
      l2: false,
      ttlResolution: 1,
    })
    expect(new AsyncCache({ ttlResolution: 0 }).info().ttlResolution).toBe(0)
  })
})

describe('invalid options', () => {
  it.each([
    [{ batch: { windowMs: -1 } }, 'batch.windowMs', -1],
    [{ batch: { maxBatchSize: 0 } }, 'batch.maxBatchSize', 0],
    [{ batch: { size: 5 } }, 'size', 5],
    [{ retry: { count: 1, backof: 5 } }, 'backof', 5],
    [{ dispose: 5 }, 'dispose', 5],
    [{ now: 5 }, 'now', 5],
    [{ ttlResolution: -1 }, 'ttlResolution', -1],
    [{ ttlResolution: Number.NaN }, 'ttlResolution', Number.NaN],
    [{ ttlResolution: 2 ** 31 }, 'ttlResolution', 2 ** 31],
    [{ ttlResolution: '1' }, 'ttlResolution', '1'],
    [{ autoRemoveExpired: 0 }, 'autoRemoveExpired', 0],
    [{ negativeExpiration: 'soon' }, 'negativeExpiration', 'soon'],
    [{ key: 'x' }, 'key', 'x'], // cached() options are not AsyncCache options
  ])('%j → CacheConfigError naming %s', (options, option, value) => {
    expect(() => new AsyncCache(options as never)).toThrow(
      expect.objectContaining({ name: 'CacheConfigError', option, value }),
    )
  })

  it('rejects an invalid per-call ttl with a rejected promise, starting nothing', async () => {
    const cache = new AsyncCache<string, number>()
    const loader = vi.fn(() => 1)
    await expect(cache.get('k', loader, { ttl: -1 })).rejects.toThrow(
      '`ttl` must be a positive number of milliseconds or Infinity, got: -1',
    )
    expect(loader).not.toHaveBeenCalled()
  })
})

describe('ttlResolution: how late a hit may see an expiry', () => {
  it('with fake timers, is a hit at 99 and a miss at 100 for a ttl of 100 (fake Date is exact)', async () => {
    const cache = new AsyncCache<string, number>({ ttl: 100 })
    const loader = vi.fn(() => 2)
    cache.set('k', 1)
    vi.advanceTimersByTime(99)
    expect(await cache.get('k', loader)).toBe(1)
    vi.advanceTimersByTime(1)
    expect(await cache.get('k', loader)).toBe(2)
    expect(loader).toHaveBeenCalledTimes(1)
  })

  it('serves an entry at most ttlResolution ms after it expired, with the default clock', async () => {
    // The coarse clock reads the fake Date as if it were the runtime's own, refreshed by timers.
    const distrust = trustClockForTesting(Date.now)
    try {
      const cache = new AsyncCache<string, number>({ ttl: 100, ttlResolution: 10 })
      const loader = vi.fn(() => 2)
      cache.set('k', 1)
      vi.advanceTimersByTime(95)
      expect(await cache.get('k', loader)).toBe(1) // the clock reads 95, until a timer at 105
      vi.advanceTimersByTime(5)
      expect(await cache.get('k', loader)).toBe(1) // 100: expired, still served
      expect(cache.has('k')).toBe(false) // has() reads the exact clock
      vi.advanceTimersByTime(4)
      expect(await cache.get('k', loader)).toBe(1) // 104
      expect(loader).not.toHaveBeenCalled()
      vi.advanceTimersByTime(1)
      expect(await cache.get('k', loader)).toBe(2) // 105 = 100 + at most the resolution: a miss
      expect(loader).toHaveBeenCalledTimes(1)
      expect([cache.stats().hits, cache.stats().misses]).toEqual([3, 1])
    } finally {
      distrust()
    }
  })

  it('reads the clock at every hit with ttlResolution 0', async () => {
    const distrust = trustClockForTesting(Date.now)
    try {
      const cache = new AsyncCache<string, number>({ ttl: 100, ttlResolution: 0 })
      cache.set('k', 1)
      vi.advanceTimersByTime(95)
      expect(await cache.get('k')).toBe(1)
      vi.setSystemTime(Date.now() + 5) // no timer runs
      expect(await cache.get('k')).toBeUndefined()
    } finally {
      distrust()
    }
  })

  it('reads an injected now at every hit', async () => {
    let time = 0
    const cache = new AsyncCache<string, number>({ ttl: 100, now: () => time })
    cache.set('k', 1)
    time = 99
    expect(await cache.get('k')).toBe(1)
    time = 100
    expect(await cache.get('k')).toBeUndefined()
  })

  it.each([
    [
      { ttlResolution: -1 },
      '`ttlResolution` must be a number of milliseconds from 0 to 2147483647, got: -1',
    ],
    [
      { now: () => 0, ttlResolution: 1 },
      '`ttlResolution` must be 0 or left out with `now` (an injected clock is read at every hit), got: 1',
    ],
  ])('%j → %s', (options, message) => {
    expect(() => new AsyncCache(options)).toThrow(message)
  })

  it('takes ttlResolution 0 with now', () => {
    expect(() => new AsyncCache({ now: () => 0, ttlResolution: 0 })).not.toThrow()
  })
})

describe('a large maxSize', () => {
  // issue 17, item 2: the documented maximum used to allocate every slot up front.
  it('costs memory only as entries arrive', () => {
    const before = process.memoryUsage()
    const cache = new AsyncCache<string, number>({ maxSize: 2 ** 30 })
    cache.set('a', 1).set('b', 2)
    const after = process.memoryUsage()
    expect([cache.maxSize, cache.has('a'), cache.has('b')]).toEqual([2 ** 30, true, true])
    expect(
      after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers,
    ).toBeLessThan(10 * 2 ** 20)
  })
})

describe('options read once', () => {
  // issue 17, item 4: what is validated must be what is used.
  it('reads each option once', () => {
    let reads = 0
    const options = {
      get maxSize(): number {
        return reads++ === 0 ? 2 : ('x' as never)
      },
    }
    const cache = new AsyncCache<number, number>(options)
    for (let i = 0; i < 5; i++) cache.set(i, i)
    expect([reads, cache.maxSize, cache.has(4), cache.has(0)]).toEqual([1, 2, true, false])
  })

  it('turns options that cannot be read into a CacheConfigError with the cause', () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    let error: unknown
    try {
      new AsyncCache(proxy)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CacheConfigError)
    expect((error as CacheConfigError).message).toBe(
      '`options` must be an object whose options can be read, got: [unreadable object]',
    )
    expect((error as Error).cause).toBeInstanceOf(TypeError)
  })
})
