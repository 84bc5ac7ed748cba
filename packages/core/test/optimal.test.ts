import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'

import {
  CacheConfigError,
  LRUCache,
  SIMULATION_POLICIES,
  isOfflinePolicy,
  simulate,
} from '../src/index.js'
import { referenceOptimal } from './referenceModels.js'

describe("simulate with { policy: 'opt' }", () => {
  it('evicts the key whose next use is farthest, inserting every miss', () => {
    // Size 2: 1 miss, 2 miss, 3 miss (evicts 2, next used at 6, not 1, next used at 3), 1 hit,
    // 3 hit, 4 miss (evicts 3, never used again), 2 miss (evicts 4, never used again), 1 hit.
    const trace = [1, 2, 3, 1, 3, 4, 2, 1]
    expect(simulate(trace, { policy: 'opt', maxSize: 2 })).toEqual({
      requests: 8,
      hits: 3,
      misses: 5,
      hitRatio: 3 / 8,
      evictions: 3,
    })
  })

  it('never does worse than LRU, and never better than the trace allows', () => {
    const trace = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5]
    for (let maxSize = 1; maxSize <= 6; maxSize++) {
      const opt = simulate(trace, { policy: 'opt', maxSize })
      expect(opt.hits).toBeGreaterThanOrEqual(simulate(trace, new LRUCache({ maxSize })).hits)
      expect(opt.misses).toBeGreaterThanOrEqual(5) // one cold miss per distinct key
    }
    expect(simulate(trace, { policy: 'opt', maxSize: 5 }).hits).toBe(7)
  })

  it('counts exactly what a plain scan-ahead OPT counts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(12), { maxLength: 120 }),
        fc.integer({ min: 1, max: 14 }),
        (trace, maxSize) => {
          const { hits, evictions } = simulate(trace, { policy: 'opt', maxSize })
          expect({ hits, evictions }).toEqual(referenceOptimal(trace, maxSize))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('replays any iterable of any keys, and typed arrays in place', () => {
    const keys = ['a', 'b', 'a', 'c', 'b', 'a']
    function* generate(): Generator<string> {
      yield* keys
    }
    const expected = simulate(keys, { policy: 'opt', maxSize: 2 })
    expect(expected.hits).toBe(2)
    expect(simulate(generate(), { policy: 'opt', maxSize: 2 })).toEqual(expected)
    expect(simulate(new Set([1, 2, 3]), { policy: 'opt', maxSize: 1 }).hits).toBe(0)
    expect(simulate(Int32Array.of(5, 6, 5, 6), { policy: 'opt', maxSize: 2 }).hits).toBe(2)
    expect(simulate([], { policy: 'opt', maxSize: 3 })).toEqual({
      requests: 0,
      hits: 0,
      misses: 0,
      hitRatio: 0,
      evictions: 0,
    })
  })

  it('reports progress during the replay', () => {
    const onProgress = vi.fn()
    simulate(new Int32Array(10), { policy: 'opt', maxSize: 1 }, { onProgress, progressEvery: 4 })
    expect(onProgress.mock.calls).toEqual([[4], [8]])
  })

  it('rejects a bad size or an unknown offline policy, naming the value', () => {
    expect(() => simulate([1], { policy: 'opt', maxSize: 0 })).toThrow(
      new CacheConfigError('maxSize', 'a positive integer up to 1073741824', 0),
    )
    expect(() => simulate([1], { policy: 'opt', maxSize: 1.5 })).toThrow(
      '`maxSize` must be a positive integer up to 1073741824, got: 1.5',
    )
    expect(() => simulate([1], { policy: 'belady' as 'opt', maxSize: 1 })).toThrow(
      '`policy` must be \'opt\' when no cache is given, got: "belady"',
    )
    expect(() => simulate([1], null as never)).toThrow(
      '`cache` must be a cache with get() and set(), got: null',
    )
  })

  it('lists opt after the cache policies, as the only offline one', () => {
    expect(SIMULATION_POLICIES).toEqual(['lru', 'lfu', 'fifo', 'sieve', 's3fifo', 'tinylfu', 'opt'])
    expect(SIMULATION_POLICIES.filter(isOfflinePolicy)).toEqual(['opt'])
  })
})
