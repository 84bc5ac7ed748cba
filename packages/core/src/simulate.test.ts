import { describe, expect, it, vi } from 'vitest'

import { LRUCache } from './lruCache.js'
import { simulate } from './simulate.js'

describe('simulate', () => {
  it('counts hits, cold misses and evictions of a read-through replay', () => {
    const result = simulate([1, 2, 1, 3, 1, 2], new LRUCache<number, unknown>({ maxSize: 2 }))
    // 1 miss, 2 miss, 1 hit, 3 miss (evicts 2), 1 hit, 2 miss (evicts 3)
    expect(result).toEqual({ requests: 6, hits: 2, misses: 4, hitRatio: 2 / 6, evictions: 2 })
  })

  it('reports progress and handles an empty trace', () => {
    const onProgress = vi.fn()
    simulate(new Int32Array(10), new LRUCache({ maxSize: 1 }), { onProgress, progressEvery: 4 })
    expect(onProgress.mock.calls).toEqual([[4], [8]])
    expect(simulate([], new LRUCache({ maxSize: 1 })).hitRatio).toBe(0)
  })
})
