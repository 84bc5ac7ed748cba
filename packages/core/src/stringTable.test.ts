import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { collidingShortStrings } from '../test/collidingStrings.js'
import { createCache } from './createCache.js'
import { hashKey, hashString } from './hashKey.js'
import { KeyIndex } from './keyIndex.js'
import { SHORT_STRING, StringTable } from './stringTable.js'

// `count` distinct strings of 4 × `groups` UTF-16 units with one hash under `hashString`, whatever
// its basis: flipping the top bit of the second unit of a 4-unit group flips bit 31 of the state
// before a multiplication by an odd number, which flips only bit 31 after it; flipping the top bit
// of the group's fourth unit flips it back.
function collidingStrings(groups: number): string[] {
  let strings = ['']
  for (let g = 0; g < groups; g++) {
    strings = strings.flatMap((s) => [s + 'a\u0062c\u0064', s + 'a\u8062c\u8064'])
  }
  return strings
}

describe('StringTable', () => {
  it('behaves as a Map under random sets and deletes, in a small table with long probe runs', () => {
    const key = fc.oneof(
      fc.constantFrom('', 'a', 'b', 'ab', 'ba', '\u{1f600}', 'x'.repeat(SHORT_STRING)),
      fc.string({ maxLength: 3, unit: 'grapheme-ascii' }),
      fc.string({ maxLength: 2, unit: 'binary' }),
    )
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), key), { minLength: 1, maxLength: 300, size: 'max' }),
        fc.integer(),
        (ops, seed) => {
          // Capacity 8: 16 positions, so the backward shift of `delete` runs on most deletes.
          const table = new StringTable(8, seed)
          const model = new Map<string, number>()
          let next = 0
          for (const [add, k] of ops) {
            if (add && (model.has(k) || model.size < 8)) {
              expect(table.set(k, next)).toBe(true)
              model.set(k, next++)
            } else {
              expect(table.delete(k)).toBe(model.delete(k))
            }
            expect(table.size).toBe(model.size)
            for (const [held, slot] of model) expect(table.get(held)).toBe(slot)
            expect(table.hashOf(k)).toBe(hashString(k))
          }
          const seen: [string, number][] = []
          table.forEach((k, slot) => seen.push([k, slot]))
          expect(seen.sort((a, b) => a[1] - b[1])).toEqual([...model].sort((a, b) => a[1] - b[1]))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('gives strings the hash hashKey gives them, the empty one included', () => {
    const table = new StringTable(8, 1)
    for (const s of ['', 'a', 'user:1', '\u8062']) {
      expect(table.get(s)).toBeUndefined()
      expect([table.hashOf(s), hashString(s), hashString(s) | 0]).toEqual([
        hashKey(s),
        hashKey(s),
        hashKey(s),
      ])
    }
  })

  it('keeps every key as it doubles and shrinks, and goes back to its start size on clear()', () => {
    const table = new StringTable(4, 7)
    for (let i = 0; i < 1000; i++) expect(table.set(`k${i}`, i)).toBe(true)
    expect([table.size, table.positions]).toEqual([1000, 2048])
    for (let i = 0; i < 1000; i++) expect(table.get(`k${i}`)).toBe(i)
    for (let i = 0; i < 990; i++) expect(table.delete(`k${i}`)).toBe(true)
    expect([table.size, table.positions]).toEqual([10, 128])
    for (let i = 0; i < 1000; i++) expect(table.get(`k${i}`)).toBe(i < 990 ? undefined : i)
    for (let i = 0; i < 1000; i++) table.set(`k${i}`, i)
    table.clear()
    expect([table.size, table.positions, table.get('k999')]).toEqual([0, 16, undefined])
    table.set('k1', 1)
    expect([table.size, table.get('k1')]).toEqual([1, 1])
  })

  it('refuses a key whose probe run is too long, and changes nothing', () => {
    const strings = collidingStrings(6)
    expect(new Set(strings.map(hashString)).size).toBe(1)
    const table = new StringTable(64, 3)
    let refused = -1
    for (let i = 0; i < strings.length && refused === -1; i++) {
      if (!table.set(strings[i]!, i)) refused = i
    }
    // MAX_PROBE is 48: the 50th key with the same hash (index 49) needs 49 probes.
    expect(refused).toBe(49)
    expect([table.size, table.get(strings[49]!), table.get(strings[48]!)]).toEqual([
      49,
      undefined,
      48,
    ])
  })
})

describe('KeyIndex with string keys', () => {
  it('keeps short strings in its table and longer ones in its Map, as one index', () => {
    const index = new KeyIndex<string>(8)
    const short = 's'.repeat(SHORT_STRING)
    const long = 's'.repeat(SHORT_STRING + 1)
    index.set(short, 1)
    index.set(long, 2)
    index.set('', 3)
    expect([index.get(short), index.get(long), index.get(''), index.size]).toEqual([1, 2, 3, 3])
    expect(index.slots().sort()).toEqual([1, 2, 3])
    expect([index.hashOf(short), index.hashOf(long)]).toEqual([hashKey(short), hashKey(long)])
    expect([index.delete(short), index.delete(short), index.get(long), index.size]).toEqual([
      true,
      false,
      2,
      2,
    ])
    index.clear()
    expect([index.size, index.get(''), index.slots()]).toEqual([0, undefined, []])
  })

  // 16-unit keys, so that they go to the string table (longer ones never reach it).
  it('moves its strings to its Map, for good, when keys are chosen to collide', () => {
    const strings = collidingShortStrings()
    const index = new KeyIndex<string>(256)
    strings.forEach((s, i) => {
      index.set(s, i)
    })
    index.set('after', 1000)
    expect(index.size).toBe(129)
    strings.forEach((s, i) => {
      expect(index.get(s)).toBe(i)
    })
    expect([index.get('after'), index.delete(strings[0]!), index.get(strings[0]!)]).toEqual([
      1000,
      true,
      undefined,
    ])
    index.clear()
    index.set('again', 1)
    expect([index.size, index.get('again'), index.stringTable]).toEqual([1, 1, undefined])
  })

  it('serves a cache whose keys collide on purpose, with every policy', () => {
    const strings = collidingShortStrings()
    for (const policy of ['lru', 'lfu', 'fifo', 'sieve', 's3fifo', 'tinylfu'] as const) {
      const cache = createCache<string, number>({ policy, maxSize: 100 })
      strings.forEach((s, i) => cache.set(s, i))
      expect(cache.size).toBe(100)
      const kept = [...cache.keys()]
      expect(kept.every((s) => cache.peek(s) === strings.indexOf(s))).toBe(true)
    }
  })
})
