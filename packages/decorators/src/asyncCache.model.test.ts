// Random sequences of operations, run against AsyncCache and an array-based model side by side:
// same results, same sizes, same counters (unbounded, and LRU with TTLs).
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { AsyncCache } from './asyncCache.js'

type Op =
  | { kind: 'set'; key: number; value: number; ttl: number | undefined }
  | { kind: 'get'; key: number; load: number | undefined }
  | { kind: 'delete'; key: number }
  | { kind: 'has'; key: number }
  | { kind: 'advance'; ms: number }

const key = fc.integer({ min: 0, max: 7 })
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    key,
    value: fc.integer(),
    ttl: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('get' as const),
    key,
    load: fc.option(fc.integer(), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('has' as const), key }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 30 }) }),
)

/** Entries most recently used first; each with its absolute expiry. */
class Model {
  entries: { key: number; value: number; expiresAt: number }[] = []
  hits = 0
  misses = 0
  evictions = 0

  constructor(readonly maxSize: number | null) {}

  #index(key: number): number {
    return this.entries.findIndex((e) => e.key === key)
  }

  set(key: number, value: number, expiresAt: number): void {
    const i = this.#index(key)
    if (i !== -1) this.entries.splice(i, 1)
    else if (this.maxSize !== null && this.entries.length >= this.maxSize) {
      this.entries.pop()
      this.evictions++
    }
    this.entries.unshift({ key, value, expiresAt })
  }

  /** A get: a live hit moves to the front; an expired entry is dropped. */
  get(key: number, now: number): number | undefined {
    const i = this.#index(key)
    if (i === -1) return undefined
    const [entry] = this.entries.splice(i, 1)
    if (now >= entry!.expiresAt) return undefined
    this.entries.unshift(entry!)
    return entry!.value
  }

  delete(key: number, now: number): boolean {
    const i = this.#index(key)
    if (i === -1) return false
    const [entry] = this.entries.splice(i, 1)
    return now < entry!.expiresAt
  }

  has(key: number, now: number): boolean {
    const i = this.#index(key)
    return i !== -1 && now < this.entries[i]!.expiresAt
  }

  size(now: number): number {
    return this.entries.filter((e) => now < e.expiresAt).length
  }
}

async function run(ops: Op[], maxSize: number | null): Promise<void> {
  let now = 0
  const cache = new AsyncCache<number, number>({ maxSize, now: () => now })
  const model = new Model(maxSize)
  for (const o of ops) {
    switch (o.kind) {
      case 'set':
        cache.set(o.key, o.value, o.ttl === undefined ? undefined : { ttl: o.ttl })
        model.set(o.key, o.value, o.ttl === undefined ? Infinity : now + o.ttl)
        break
      case 'get': {
        const found = model.get(o.key, now)
        const expected = found ?? o.load
        if (found === undefined) {
          model.misses++
          if (o.load !== undefined) model.set(o.key, o.load, Infinity)
        } else {
          model.hits++
        }
        const load = o.load
        const actual =
          load === undefined ? await cache.get(o.key) : await cache.get(o.key, () => load)
        expect(actual).toBe(expected)
        break
      }
      case 'delete':
        expect(cache.delete(o.key)).toBe(model.delete(o.key, now))
        break
      case 'has':
        expect(cache.has(o.key)).toBe(model.has(o.key, now))
        break
      case 'advance':
        now += o.ms
        break
    }
    expect(cache.size).toBe(model.size(now))
  }
  const stats = cache.stats()
  expect([stats.hits, stats.misses, stats.evictions]).toEqual([
    model.hits,
    model.misses,
    model.evictions,
  ])
}

describe('AsyncCache against a model', () => {
  it('agrees when unbounded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { size: 'max', maxLength: 200 }), (ops) => run(ops, null)),
      { numRuns: 150 },
    )
  })

  it('agrees with an LRU of 3 entries', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { size: 'max', maxLength: 200 }), (ops) => run(ops, 3)),
      { numRuns: 150 },
    )
  })
})
