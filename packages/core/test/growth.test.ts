// Slot arrays grow as entries arrive (issue 17, item 2): a large `maxSize` costs memory only when
// it is used, and a cache that grew several times behaves exactly as one that never grew.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  createCache,
  FIFOCache,
  LFUCache,
  LRUCache,
  POLICIES,
  S3FIFOCache,
  SieveCache,
  TinyLFUCache,
  type CacheOptions,
  type EvictionCache,
} from '../src/index.js'
import { setInitialCapacity } from '../src/slotCache.js'
import {
  FIFOModel,
  LFUModel,
  LRUModel,
  S3FIFOModel,
  SieveModel,
  TinyLFUModel,
  cleared,
  type Model,
  type Operation,
} from './referenceModels.js'

/** The slot capacity a cache's arrays have now (a protected field, read here for the test). */
function capacityOf(cache: EvictionCache<unknown, unknown>): number {
  return (cache as unknown as { capacity: number }).capacity
}

describe('a cache with maxSize 2 ** 30', () => {
  it.each(POLICIES)('%s holds a few entries in arrays of the initial capacity', (policy) => {
    const cache = createCache<number | string, number>({
      policy,
      maxSize: 2 ** 30,
    } as { maxSize: number })
    for (let i = 0; i < 3; i++) cache.set(i, i).set(`k${i}`, i)
    expect(cache.size).toBe(6)
    expect([cache.get(2), cache.get('k1')]).toEqual([2, 1])
    expect(capacityOf(cache)).toBe(256)
  })

  it('all six policies together take well under 10 MB', () => {
    const before = process.memoryUsage()
    const caches = POLICIES.map((policy) =>
      createCache<number, number>({ policy, maxSize: 2 ** 30, ttl: 1000, maxWeight: 2 ** 40 } as {
        maxSize: number
      }).set(1, 1),
    )
    const after = process.memoryUsage()
    const used = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers)
    expect(caches.map((cache) => cache.size)).toEqual([1, 1, 1, 1, 1, 1])
    expect(used).toBeLessThan(10 * 2 ** 20)
  })

  it('doubles its arrays as entries arrive, up to maxSize', () => {
    const cache = new LRUCache<number, number>({ maxSize: 1000 })
    const capacities = new Set<number>()
    for (let i = 0; i < 1500; i++) capacities.add(capacityOf(cache.set(i, i)))
    expect([...capacities]).toEqual([256, 512, 1000])
    expect([cache.size, cache.get(1499), cache.get(499)]).toEqual([1000, 1499, undefined])
  })
})

describe('a TinyLFU cache larger than its first sketch', () => {
  it('keeps counting each entry in the right place after the sketch grows', () => {
    const cache = new TinyLFUCache<number, number>({ maxSize: 40_000 })
    for (let i = 0; i < 16_384; i++) cache.set(i, i)
    for (let i = 0; i < 100; i++) cache.get(i)
    const before = Array.from({ length: 100 }, (_, i) => cache.frequency(i))
    cache.set(16_384, 0)
    expect(capacityOf(cache)).toBe(32_768)
    expect(Array.from({ length: 100 }, (_, i) => cache.frequency(i))).toEqual(before)
    for (let i = 0; i < 100; i++) cache.get(i)
    expect(Array.from({ length: 100 }, (_, i) => cache.frequency(i))).toEqual(
      before.map((f) => Math.min(15, f + 1)),
    )
  })
})

describe('caches that start with one slot and grow', () => {
  let previous = 0
  beforeAll(() => {
    previous = setInitialCapacity(1)
  })
  afterAll(() => {
    setInitialCapacity(previous)
  })

  // 'drain' deletes all but two entries and 'clear' empties the cache: the key index shrinks back,
  // and `clear()` takes the slot arrays back to their start capacity.
  type Step = Operation | { op: 'drain' } | { op: 'clear' }
  const operation: fc.Arbitrary<Step> = fc.oneof(
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('drain' as const, 'clear') }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('get' as const), key: fc.nat(47) }) },
    {
      weight: 5,
      arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.nat(47), value: fc.nat(3) }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('peek' as const), key: fc.nat(47) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.nat(47) }) },
  )

  function apply(target: Model | EvictionCache<number, number>, op: Operation): unknown {
    if (op.op !== 'set') return target[op.op](op.key)
    target.set(op.key, op.value)
    return undefined
  }

  const pairs: [
    string,
    (options: CacheOptions<number, number>) => EvictionCache<number, number>,
    (maxSize: number) => Model,
  ][] = [
    ['LRUCache', (o) => new LRUCache(o), (n) => new LRUModel(n)],
    ['FIFOCache', (o) => new FIFOCache(o), (n) => new FIFOModel(n)],
    ['LFUCache', (o) => new LFUCache(o), (n) => new LFUModel(n)],
    ['SieveCache', (o) => new SieveCache(o), (n) => new SieveModel(n)],
    ['S3FIFOCache', (o) => new S3FIFOCache(o), (n) => new S3FIFOModel(n)],
    ['TinyLFUCache', (o) => new TinyLFUCache(o), (n) => new TinyLFUModel(n)],
  ]

  it.each(pairs)('%s behaves exactly as its reference model', (_, create, createModel) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: 40 }),
        fc.array(operation, { minLength: 20, maxLength: 200, size: 'max' }),
        (maxSize, ops) => {
          const evicted: [number, number, string][] = []
          const cache = create({ maxSize, onEvict: (k, v, r) => evicted.push([k, v, r]) })
          let model = createModel(maxSize)
          let logged = 0
          for (const op of ops) {
            if (op.op === 'clear') {
              expect(evicted.slice(logged)).toEqual(model.evicted)
              cache.clear()
              expect(capacityOf(cache)).toBe(1)
              logged = evicted.length
              model = cleared(model, createModel(maxSize))
            } else if (op.op === 'drain') {
              for (const k of model.keys().slice(2)) expect(cache.delete(k)).toBe(model.delete(k))
            } else {
              expect(apply(cache, op)).toEqual(apply(model, op))
            }
            expect([...cache.keys()]).toEqual(model.keys())
          }
          expect(evicted.slice(logged)).toEqual(model.evicted)
          expect(capacityOf(cache)).toBeLessThanOrEqual(2 * maxSize)
        },
      ),
      { numRuns: 30 },
    )
  })

  it.each(POLICIES)('%s keeps TTLs and weights across growth', (policy) => {
    let now = 0
    const cache = createCache<number, number>({
      policy,
      maxSize: 100,
      maxWeight: 1000,
      weigh: (value: number) => value,
      now: () => now,
    } as { maxSize: number })
    for (let i = 0; i < 40; i++) cache.set(i, 1 + (i % 3), { ttl: 100 + i })
    expect(capacityOf(cache)).toBe(64)
    expect(cache.size).toBe(40)
    expect(cache.weight).toBe(79)
    expect([cache.expiresAt(0), cache.expiresAt(39)]).toEqual([100, 139])
    now = 120
    expect(cache.purgeExpired()).toBe(21)
    expect([...cache.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 19 }, (_, i) => 21 + i),
    )
    for (let i = 40; i < 100; i++) cache.set(i, 1)
    expect(cache.size).toBe(79)
    expect(cache.get(99)).toBe(1)
  })
})
