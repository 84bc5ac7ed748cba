import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { Batcher } from './batcher.js'
import { hashString, SCAN_SLOTS, SlotIndex, skipStampsForTesting } from './slotIndex.js'

/** The straightforward lookup: the first slot holding `id` by SameValueZero, as a Map compares. */
function modelSlotOf(ids: readonly unknown[], id: unknown): number {
  return ids.findIndex((other) => other === id || (other !== other && id !== id))
}

/**
 * Strings with the same 32-bit hash (this process's seed): the table tells them apart only by
 * comparing them. Found among `k0`, `k1`, ... by the birthday bound (one pair per ~77,000).
 */
function collidingStrings(pairs: number): string[] {
  const byHash = new Map<number, string>()
  const found: string[] = []
  for (let i = 0; found.length < 2 * pairs; i++) {
    const id = `k${i}`
    const hash = hashString(id)
    const other = byHash.get(hash)
    if (other === undefined) byHash.set(hash, id)
    else found.push(other, id)
  }
  return found
}
const colliding = collidingStrings(3)

/**
 * Identities of every kind the index tells apart: small integers, dense and repeated (the hash
 * table), integers beyond 31 bits and other numbers, NaN and -0 (a Map), and strings, including
 * ones that look like the numbers and ones whose hashes are equal.
 */
const anyId: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -40, max: 200 }) },
  { weight: 1, arbitrary: fc.integer() },
  {
    weight: 1,
    arbitrary: fc.constantFrom(0, -0, NaN, 1.5, 2 ** 30, 2 ** 30 - 1, -(2 ** 30), -(2 ** 30) - 1),
  },
  { weight: 1, arbitrary: fc.constantFrom('1', '2', 'a', 'NaN', '') },
  { weight: 2, arbitrary: fc.constantFrom(...colliding) },
)

/** `ids` in arrays of `size` (the last one shorter), as a window keeps them in its batches. */
function chunked(ids: readonly unknown[], size: number): unknown[][] {
  if (size === Infinity) return [[...ids]]
  const chunks: unknown[][] = []
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size))
  return chunks
}

describe('SlotIndex', () => {
  it('finds what a linear scan with SameValueZero finds, across batches, indexes and stamp restarts', () => {
    const op = fc.oneof(
      { weight: 40, arbitrary: fc.record({ index: fc.nat(2), id: anyId }) },
      { weight: 1, arbitrary: fc.record({ index: fc.nat(2), reset: fc.constant(true) }) },
      { weight: 1, arbitrary: fc.record({ skip: fc.integer({ min: 1, max: 3 }) }) },
    )
    fc.assert(
      // The window's identities come in chunks of `size`, as in its batches of maxBatchSize.
      fc.property(
        fc.array(op, { maxLength: 600, size: 'max' }),
        fc.constantFrom(Infinity, 1, 3, 8, 50),
        (ops, size) => {
          // Three indexes at once, as three batchers collecting in the same tick: they hand the
          // spare table to each other as their batches close.
          const indexes = [new SlotIndex(), new SlotIndex(), new SlotIndex()]
          const batches: unknown[][] = [[], [], []]
          for (const o of ops) {
            if ('skip' in o) {
              skipStampsForTesting(o.skip)
            } else if ('reset' in o) {
              indexes[o.index]!.reset()
              batches[o.index] = []
            } else {
              const ids = batches[o.index]!
              const expected = modelSlotOf(ids, o.id)
              // Slots past `n` are garbage, as in a batch's presized arrays: here, the id itself.
              const chunks = chunked([...ids, o.id], size)
              expect(indexes[o.index]!.slotOf(chunks, size, ids.length, o.id)).toBe(expected)
              if (expected === -1) ids.push(o.id)
            }
          }
          for (const index of indexes) index.reset()
        },
      ),
      { numRuns: 200 },
    )
  })

  it('gives strings of equal hashes slots of their own', () => {
    expect(hashString(colliding[0]!)).toBe(hashString(colliding[1]!))
    const index = new SlotIndex()
    const ids: unknown[] = []
    // Past the scan, so that the table holds them.
    for (let i = 0; i < SCAN_SLOTS; i++) ids.push(i)
    for (const id of colliding) {
      expect(index.slotOf([ids], Infinity, ids.length, id)).toBe(-1)
      ids.push(id)
    }
    colliding.forEach((id, i) => {
      expect(index.slotOf([ids], Infinity, ids.length, id)).toBe(SCAN_SLOTS + i)
    })
    index.reset()
  })

  it('finds every identity after growing past the spare table, and in the next windows', () => {
    // 2^14 buckets hold 12,288 slots: 15,000 make the table grow past the biggest spare, and
    // the next windows start from the table it outgrew.
    const index = new SlotIndex()
    for (let window = 0; window < 3; window++) {
      const ids = Array.from({ length: 15_000 }, (_, i) =>
        i % 2 === 0 ? `user:${i}:${window}` : i,
      )
      ids.forEach((id, slot) => {
        expect(index.slotOf([ids], Infinity, slot, id)).toBe(-1)
      })
      ids.forEach((id, slot) => {
        if (index.slotOf([ids], Infinity, ids.length, id) !== slot) {
          expect.fail(`window ${window}: ${String(id)} not at slot ${slot}`)
        }
      })
      expect(index.slotOf([ids], Infinity, ids.length, 'user:1')).toBe(-1)
      index.reset()
    }
  })

  it('scans up to SCAN_SLOTS slots, then indexes them', () => {
    const index = new SlotIndex()
    const ids: unknown[] = []
    for (let i = 0; i < 3 * SCAN_SLOTS; i++) {
      expect(index.slotOf([ids], Infinity, ids.length, i * 7)).toBe(-1)
      ids.push(i * 7)
      for (let j = 0; j <= i; j++) expect(index.slotOf([ids], Infinity, ids.length, j * 7)).toBe(j)
    }
    index.reset()
  })
})

/**
 * What a batcher with `maxBatchSize` does with loads of `keys` made in one tick (one window),
 * done the straightforward way: one Map for the window from identity to (batch, slot), so a key
 * loaded again after its batch filled shares that batch's load.
 */
function modelBatches(keys: readonly unknown[], maxBatchSize: number) {
  const batches: unknown[][] = []
  const slots: [batch: number, slot: number][] = []
  let batch: unknown[] = []
  const seen = new Map<unknown, [batch: number, slot: number]>()
  for (const key of keys) {
    let place = seen.get(key)
    if (place === undefined) {
      place = [batches.length, batch.length]
      seen.set(key, place)
      batch.push(key)
    }
    slots.push(place)
    if (batch.length === maxBatchSize) {
      batches.push(batch)
      batch = []
    }
  }
  if (batch.length > 0) batches.push(batch)
  return { batches, slots }
}

describe('Batcher deduplication', () => {
  it('makes the batches, promises and results of one Map per window, for any keys with duplicates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyId, { maxLength: 400, size: 'max' }),
        fc.constantFrom(1, 2, 8, 9, 10, 50, 100, Infinity),
        fc.boolean(),
        async (keys, maxBatchSize, asMap) => {
          const batches: unknown[][] = []
          // Values that name the key and its batch, as an array in key order or as a Map.
          const batcher = new Batcher(
            (batchKeys: unknown[]) => {
              const n = batches.push([...batchKeys])
              const values = batchKeys.map((key) => `${n - 1}:${String(key)}`)
              return asMap ? new Map(batchKeys.map((key, i) => [key, values[i]!])) : values
            },
            { maxBatchSize },
          )
          const loads = keys.map((key) => batcher.load(key))
          const expected = modelBatches(keys, maxBatchSize)
          // Loads of one slot share one promise; loads of different slots never do.
          const slotOfPromise = new Map<Promise<unknown>, string>()
          loads.forEach((load, i) => {
            const slot = expected.slots[i]!.join(':')
            const known = slotOfPromise.get(load)
            if (known === undefined) slotOfPromise.set(load, slot)
            else expect(known).toBe(slot)
          })
          expect(slotOfPromise.size).toBe(expected.batches.reduce((n, b) => n + b.length, 0))
          const values = await Promise.all(loads)
          expect(batches).toEqual(expected.batches)
          expect(values).toEqual(keys.map((key, i) => `${expected.slots[i]![0]}:${String(key)}`))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('dedupes object keys by stableHash and keyFn identities past the scan', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 300, size: 'max' }),
        fc.constantFrom(9, 100, Infinity),
        async (ids, maxBatchSize) => {
          const objects = new Batcher((keys: { id: number }[]) => keys.map((key) => key.id), {
            maxBatchSize,
          })
          const byKeyFn = new Batcher((keys: string[]) => keys, {
            maxBatchSize,
            keyFn: (key: string) => Number(key),
          })
          const loads = ids.map((id) => objects.load({ id }))
          const keyFnLoads = ids.map((id) => byKeyFn.load(String(id)))
          const expected = modelBatches(ids, maxBatchSize)
          expect(new Set(loads).size).toBe(expected.batches.reduce((n, b) => n + b.length, 0))
          expect(new Set(keyFnLoads).size).toBe(new Set(loads).size)
          expect(await Promise.all(loads)).toEqual(ids)
          expect(await Promise.all(keyFnLoads)).toEqual(ids.map(String))
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('Batcher identities', () => {
  it('matches an object result by the keys as asked for, even if batchFn sorts them', async () => {
    const batcher = new Batcher((keys: number[]) => {
      keys.sort((a, b) => b - a)
      return Object.fromEntries(keys.map((key) => [key, `v${key}`]))
    })
    const keys = Array.from({ length: 20 }, (_, i) => i)
    expect(await Promise.all(keys.map((key) => batcher.load(key)))).toEqual(
      keys.map((key) => `v${key}`),
    )
  })
})
