import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  FIFOCache,
  LFUCache,
  LRUCache,
  S3FIFOCache,
  SieveCache,
  TinyLFUCache,
  createCache,
  type CacheOptions,
  type EvictionCache,
} from '../src/index.js'
import { testConformance } from './conformance.js'
import {
  FIFOModel,
  LFUModel,
  LRUModel,
  S3FIFOModel,
  SieveModel,
  TinyLFUModel,
  type Model,
  type Operation,
} from './referenceModels.js'

testConformance('lru', (o) => new LRUCache(o))
testConformance('lfu', (o) => new LFUCache(o))
testConformance('fifo', (o) => new FIFOCache(o))
testConformance('sieve', (o) => new SieveCache(o))
testConformance('s3fifo', (o) => new S3FIFOCache(o))
testConformance('tinylfu', (o) => new TinyLFUCache(o))

const operation: fc.Arbitrary<Operation> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('get' as const), key: fc.nat(7) }) },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.nat(7), value: fc.nat(3) }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('peek' as const), key: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('has' as const), key: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.nat(7) }) },
)

function apply(target: Model | EvictionCache<number, number>, op: Operation): unknown {
  switch (op.op) {
    case 'set':
      target.set(op.key, op.value)
      return undefined
    default:
      return target[op.op](op.key)
  }
}

function matchesModel(
  name: string,
  createCache: (options: CacheOptions<number, number>) => EvictionCache<number, number>,
  createModel: (maxSize: number) => Model,
): void {
  it(`${name} behaves exactly as its reference model on random operations`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(operation, { minLength: 10, maxLength: 150, size: 'max' }),
        (maxSize, ops) => {
          const evicted: [number, number, string][] = []
          const cache = createCache({ maxSize, onEvict: (k, v, r) => evicted.push([k, v, r]) })
          const model = createModel(maxSize)
          for (const op of ops) {
            expect(apply(cache, op)).toEqual(apply(model, op))
            expect([...cache.keys()]).toEqual(model.keys())
          }
          expect(evicted).toEqual(model.evicted)
          expect(cache.size).toBe(model.keys().length)
        },
      ),
      { numRuns: 300 },
    )
  })
}

describe('each policy against its reference model', () => {
  matchesModel(
    'LRUCache',
    (o) => new LRUCache(o),
    (n) => new LRUModel(n),
  )
  matchesModel(
    'FIFOCache',
    (o) => new FIFOCache(o),
    (n) => new FIFOModel(n),
  )
  matchesModel(
    'LFUCache',
    (o) => new LFUCache(o),
    (n) => new LFUModel(n),
  )
  matchesModel(
    'SieveCache',
    (o) => new SieveCache(o),
    (n) => new SieveModel(n),
  )
  matchesModel(
    'S3FIFOCache',
    (o) => new S3FIFOCache(o),
    (n) => new S3FIFOModel(n),
  )
  matchesModel(
    'S3FIFOCache with promotionThreshold 2',
    (o) => new S3FIFOCache({ ...o, promotionThreshold: 2 }),
    (n) => new S3FIFOModel(n, 2),
  )
  matchesModel(
    'TinyLFUCache',
    (o) => new TinyLFUCache(o),
    (n) => new TinyLFUModel(n),
  )

  it('TinyLFUCache climbs the same hill as its model on long sequences over larger caches', () => {
    // Caches of 16+ entries take hill-climbing steps of at least one entry; 10 × maxSize
    // requests make a sample, so these sequences climb several times.
    const skewedKey = fc.integer({ min: 0, max: 99 }).map((n) => Math.floor(n ** 2 / 100))
    const longOperation = fc.oneof(
      { weight: 3, arbitrary: fc.record({ op: fc.constant('get' as const), key: skewedKey }) },
      {
        weight: 2,
        arbitrary: fc.record({ op: fc.constant('set' as const), key: skewedKey, value: fc.nat(3) }),
      },
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 40 }),
        fc.array(longOperation, { minLength: 300, maxLength: 1500, size: 'max' }),
        (maxSize, ops) => {
          const cache = new TinyLFUCache<number, number>({ maxSize })
          const model = new TinyLFUModel(maxSize)
          for (const op of ops) expect(apply(cache, op)).toEqual(apply(model, op))
          expect([...cache.keys()]).toEqual(model.keys())
          expect(cache.windowCapacity).toBe(model.windowCapacity)
        },
      ),
      // No shrinking: a counterexample of a thousand operations takes minutes to shrink.
      { numRuns: 60, endOnFailure: true },
    )
  })
})

describe('createCache', () => {
  it('returns the class of each policy', () => {
    expect(createCache({ maxSize: 1 })).toBeInstanceOf(LRUCache)
    expect(createCache({ policy: 'lru', maxSize: 1 })).toBeInstanceOf(LRUCache)
    expect(createCache({ policy: 'lfu', maxSize: 1 })).toBeInstanceOf(LFUCache)
    expect(createCache({ policy: 'fifo', maxSize: 1 })).toBeInstanceOf(FIFOCache)
    expect(createCache({ policy: 'sieve', maxSize: 1 })).toBeInstanceOf(SieveCache)
    expect(createCache({ policy: 's3fifo', maxSize: 1 })).toBeInstanceOf(S3FIFOCache)
    expect(createCache({ policy: 'tinylfu', maxSize: 1 })).toBeInstanceOf(TinyLFUCache)
  })

  it('passes policy options through', () => {
    const cache = createCache({ policy: 's3fifo', maxSize: 10, promotionThreshold: 2 })
    expect(cache.promotionThreshold).toBe(2)
  })

  it('rejects an unknown policy or a missing options object', () => {
    expect(() => createCache({ policy: 'arc' as 'lru', maxSize: 1 })).toThrow(
      "`policy` must be one of 'lru', 'lfu', 'fifo', 'sieve', 's3fifo', 'tinylfu', got: \"arc\"",
    )
    expect(() => createCache(null as never)).toThrow(
      '`options` must be an object with a `policy` and a `maxSize`, got: null',
    )
  })
})
