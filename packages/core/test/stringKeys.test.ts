// Every policy with keys of every kind, against its reference model run with the same keys: the
// key index keeps short strings in a table of its own, integers in another and the rest in a
// `Map`, and none of that may show through the public API (get / peek / has, keys() and entries()
// order, size, evictions), across growth of the cache's slots and of the index's tables, their
// shrinking when most keys are deleted, clear() and the move of every string to the `Map` when
// keys are chosen to collide.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  FIFOCache,
  LFUCache,
  LRUCache,
  S3FIFOCache,
  SieveCache,
  TinyLFUCache,
  type CacheOptions,
  type EvictionCache,
} from '../src/index.js'
import { setInitialCapacity } from '../src/slotCache.js'
import { SHORT_STRING } from '../src/stringTable.js'
import { collidingShortStrings } from './collidingStrings.js'
import {
  FIFOModel,
  LFUModel,
  LRUModel,
  S3FIFOModel,
  SieveModel,
  TinyLFUModel,
  cleared,
  type Model,
} from './referenceModels.js'

type Key = number | string
// The models are written for number keys but only compare keys as a `Map` does.
type KeyModel = Omit<Model, 'get' | 'peek' | 'has' | 'set' | 'delete' | 'keys' | 'evicted'> & {
  get(key: Key): number | undefined
  peek(key: Key): number | undefined
  has(key: Key): boolean
  set(key: Key, value: number): void
  delete(key: Key): boolean
  keys(): Key[]
  readonly evicted: [Key, number, string][]
}

const colliding = collidingShortStrings()
const key: fc.Arbitrary<Key> = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.constantFrom('0', '1', '2', '', '\ud800', '\udc00', 'a\ud800', 'user:1', 'user:2'),
  fc.constantFrom('x'.repeat(SHORT_STRING), 'x'.repeat(SHORT_STRING + 1), 'y'.repeat(40)),
  fc.constantFrom(...colliding.slice(0, 8)),
)
type Op =
  | { op: 'get' | 'peek' | 'has' | 'delete'; key: Key }
  | { op: 'set'; key: Key; value: number }
  | { op: 'clear' | 'flood' | 'fill' | 'drain' }
const operation: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('get' as const), key }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('peek' as const, 'has'), key }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constantFrom('clear' as const, 'flood', 'fill', 'drain') }),
  },
)

function apply(target: KeyModel | EvictionCache<Key, number>, op: Op): unknown {
  switch (op.op) {
    case 'set':
      target.set(op.key, op.value)
      return undefined
    case 'clear':
    case 'flood':
    case 'fill':
    case 'drain':
      return undefined
    default:
      return target[op.op](op.key)
  }
}

const pairs: [
  string,
  (options: CacheOptions<Key, number>) => EvictionCache<Key, number>,
  (maxSize: number) => Model,
][] = [
  ['LRUCache', (o) => new LRUCache(o), (n) => new LRUModel(n)],
  ['FIFOCache', (o) => new FIFOCache(o), (n) => new FIFOModel(n)],
  ['LFUCache', (o) => new LFUCache(o), (n) => new LFUModel(n)],
  ['SieveCache', (o) => new SieveCache(o), (n) => new SieveModel(n)],
  ['S3FIFOCache', (o) => new S3FIFOCache(o), (n) => new S3FIFOModel(n)],
  ['TinyLFUCache', (o) => new TinyLFUCache(o), (n) => new TinyLFUModel(n)],
]

describe('string keys of every kind, in caches that start with one slot and grow', () => {
  let previous = 0
  beforeAll(() => {
    previous = setInitialCapacity(1)
  })
  afterAll(() => {
    setInitialCapacity(previous)
  })

  it.each(pairs)('%s behaves exactly as its reference model', (_, create, createModel) => {
    fc.assert(
      fc.property(
        // Up to 80 entries, so that 'flood' (60 keys of one hash) can overflow a probe run.
        fc.integer({ min: 3, max: 80 }),
        fc.array(operation, { minLength: 20, maxLength: 150, size: 'max' }),
        (maxSize, ops) => {
          const evicted: [Key, number, string][] = []
          const cache = create({ maxSize, onEvict: (k, v, r) => evicted.push([k, v, r]) })
          let model = createModel(maxSize) as unknown as KeyModel
          let logged = 0
          let filled = 0
          const check = (): void => {
            const keys = cache.keys()
            expect([...keys]).toEqual(model.keys())
            expect([...cache.entries()]).toEqual(model.keys().map((k) => [k, model.peek(k)]))
            expect(cache.size).toBe(model.keys().length)
            expect(evicted.slice(logged)).toEqual(model.evicted)
          }
          for (const op of ops) {
            if (op.op === 'clear') {
              check()
              cache.clear()
              logged = evicted.length
              model = cleared(model, createModel(maxSize))
            } else if (op.op === 'flood') {
              colliding.slice(0, 60).forEach((k, i) => {
                cache.set(k, i)
                model.set(k, i)
              })
            } else if (op.op === 'fill') {
              // As many new short strings and integers as the cache holds: the key index's
              // tables grow past their start size (16 positions).
              for (let i = 0; i < maxSize; i++, filled++) {
                const k = i % 2 === 0 ? `fill:${filled}` : 100 + filled
                cache.set(k, i % 4)
                model.set(k, i % 4)
              }
            } else if (op.op === 'drain') {
              // Deletes all but two entries: the tables shrink back.
              for (const k of model.keys().slice(2)) {
                expect(cache.delete(k)).toBe(model.delete(k))
              }
            } else {
              expect(apply(cache, op)).toEqual(apply(model, op))
            }
            expect([...cache.keys()]).toEqual(model.keys())
          }
          check()
        },
      ),
      { numRuns: 15 },
    )
  })
})
