import { describe, expect, it, vi } from 'vitest'

import { CacheConfigError } from './errors.js'
import { LRUCache } from './lruCache.js'
import { simulate } from './simulate.js'

describe('simulate', () => {
  it('counts hits, cold misses and evictions of a read-through replay', () => {
    const result = simulate([1, 2, 1, 3, 1, 2], new LRUCache<number, unknown>({ maxSize: 2 }))
    // 1 miss, 2 miss, 1 hit, 3 miss (evicts 2), 1 hit, 2 miss (evicts 3)
    expect(result).toEqual({ requests: 6, hits: 2, misses: 4, hitRatio: 2 / 6, evictions: 2 })
  })

  it('rejects what it cannot replay, naming the value', () => {
    const cache = new LRUCache<number, unknown>({ maxSize: 1 })
    expect(() => simulate(42 as unknown as number[], cache)).toThrow(
      new CacheConfigError('accesses', 'an iterable of keys', 42),
    )
    expect(() => simulate([1], {} as unknown as typeof cache)).toThrow(
      '`cache` must be a cache with get() and set(), got: {}',
    )
    expect(() => simulate([1], cache, { progressEvery: 0 })).toThrow(
      '`progressEvery` must be a positive integer, got: 0',
    )
    expect(() => simulate([1], cache, { onProgress: 'log' as never })).toThrow(
      '`onProgress` must be a function, got: "log"',
    )
  })

  it('reports progress and handles an empty trace', () => {
    const onProgress = vi.fn()
    simulate(new Int32Array(10), new LRUCache({ maxSize: 1 }), { onProgress, progressEvery: 4 })
    expect(onProgress.mock.calls).toEqual([[4], [8]])
    expect(simulate([], new LRUCache({ maxSize: 1 })).hitRatio).toBe(0)
  })
})

describe('simulate options (issue 17, item 7)', () => {
  it('takes null options as omitted', () => {
    const result = simulate([1], new LRUCache<number, unknown>({ maxSize: 2 }), null)
    expect(result).toEqual({ requests: 1, hits: 0, misses: 1, hitRatio: 0, evictions: 0 })
  })

  it('rejects a cache that is not an object with a CacheConfigError', () => {
    for (const cache of [null, undefined, 42]) {
      expect(() => simulate([1], cache as never)).toThrow(
        new CacheConfigError('cache', 'a cache with get() and set()', cache),
      )
    }
  })
})
