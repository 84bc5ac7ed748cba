import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { collidingShortStrings } from '../test/collidingStrings.js'
import { hashKey } from './hashKey.js'
import { KeyIndex } from './keyIndex.js'
import { SHORT_STRING } from './stringTable.js'

describe('KeyIndex', () => {
  it('keeps integer and other keys apart, compared as a Map compares them', () => {
    const index = new KeyIndex<unknown>(8)
    const object = {}
    index.set(1, 10)
    index.set('1', 11)
    index.set(1.5, 12)
    index.set(NaN, 13)
    index.set(-0, 14)
    index.set(object, 15)
    index.set(-2147483648, 16)
    expect([index.get(1), index.get('1'), index.get(1.5), index.get(NaN)]).toEqual([10, 11, 12, 13])
    expect([index.get(0), index.get(-0), index.get(object), index.get({})]).toEqual([
      14,
      14,
      15,
      undefined,
    ])
    expect([index.get(-2147483648), index.get(2147483648), index.size]).toEqual([16, undefined, 7])
    expect(index.slots().sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16])
    expect([index.delete(0), index.delete(0), index.has(-0), index.size]).toEqual([
      true,
      false,
      false,
      6,
    ])
    index.clear()
    expect([index.size, index.get(1), index.get('1'), index.slots()]).toEqual([
      0,
      undefined,
      undefined,
      [],
    ])
  })

  // Starting small (capacity 8: 16 positions), the tables have long probe runs, so the backward
  // shift of `delete` is exercised on most runs; they double as keys arrive and shrink as a drain
  // deletes all but a few. Keys of every kind share the index: integers, numeric strings ('1' is
  // not 1), '', lone surrogates, strings of 16 units (the string table) and 17 (the Map), floats,
  // -0, NaN, objects, and short strings with one hash, which past 48 of them in a probe run move
  // every string to the Map mid-sequence.
  it('behaves as a Map under random sets, deletes, drains, clears and growth, with every kind of key', () => {
    const colliding = collidingShortStrings()
    const object = {}
    const key = fc.oneof(
      fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31))),
      fc.integer({ min: -5000, max: 5000 }),
      fc.constantFrom('1', '-1', '0', '', '\ud800', '\udc00', 'a\ud800', '\udfff\ud800', 'user:1'),
      fc.constantFrom('x'.repeat(SHORT_STRING), 'x'.repeat(SHORT_STRING + 1), 'y'.repeat(40)),
      fc.string({ maxLength: 3, unit: 'binary' }),
      fc.constantFrom<unknown>(1.5, -0, NaN, 2 ** 31, object, null, undefined),
      fc.constantFrom(...colliding),
    )
    type Op =
      { op: 'set' | 'delete'; key: unknown } | { op: 'clear' | 'grow' | 'flood' | 'fill' | 'drain' }
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 12, arbitrary: fc.record({ op: fc.constant('set' as const), key }) },
      { weight: 6, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
      {
        weight: 2,
        arbitrary: fc.record({
          op: fc.constantFrom('clear' as const, 'grow', 'flood', 'fill', 'drain'),
        }),
      },
    )
    const isInt = (k: unknown): boolean => typeof k === 'number' && (k | 0) === k
    const isShort = (k: unknown): boolean => typeof k === 'string' && k.length <= SHORT_STRING
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 300, size: 'max' }), (ops) => {
        // The most keys held at once, as a cache's `maxSize` (the index itself has no bound).
        let capacity = 8
        const index = new KeyIndex<unknown>(8)
        const model = new Map<unknown, number>()
        let next = 0
        let filled = 0
        const add = (k: unknown): void => {
          if (model.has(k)) {
            // A held key is set again only with the slot it holds.
            index.set(k, model.get(k)!)
          } else if (model.size < capacity) {
            index.set(k, next)
            model.set(k, next++)
          }
        }
        for (const step of ops) {
          if (step.op === 'set') add(step.key)
          else if (step.op === 'delete') expect(index.delete(step.key)).toBe(model.delete(step.key))
          else if (step.op === 'clear') {
            index.clear()
            model.clear()
          } else if (step.op === 'drain') {
            // Deletes all but (at most) three keys, one at a time: the tables shrink.
            for (const k of [...model.keys()].slice(3)) {
              expect(index.delete(k)).toBe(true)
              model.delete(k)
            }
          } else if (step.op === 'fill') {
            // 50 more integer and short string keys each: the tables grow past their start size.
            capacity += 100
            for (let i = 0; i < 50; i++, filled++) {
              add(10_000 + filled)
              add(`fill:${filled}`)
            }
          } else {
            // 'flood' sets 60 keys of one hash after making room for them; 'grow' doubles the room.
            capacity = step.op === 'flood' ? capacity + 64 : capacity * 2
            if (step.op === 'flood') for (const k of colliding.slice(0, 60)) add(k)
          }
          expect(index.size).toBe(model.size)
          for (const [k, slot] of model) expect(index.get(k)).toBe(slot)
          if (step.op === 'set' || step.op === 'delete') {
            expect([index.has(step.key), index.hashOf(step.key)]).toEqual([
              model.has(step.key),
              hashKey(step.key),
            ])
          }
          // Sizing: at most half full; above the start size (16), at least a sixteenth.
          const ints = [...model.keys()].filter(isInt).length
          const positions = index.intPositions
          expect(ints).toBeLessThanOrEqual(positions / 2)
          if (positions > 16) expect(ints).toBeGreaterThanOrEqual(positions / 16)
          const strings = index.stringTable
          if (strings !== undefined) {
            expect(strings.size).toBe([...model.keys()].filter(isShort).length)
            expect(strings.size).toBeLessThanOrEqual(strings.positions / 2)
            if (strings.positions > 16) {
              expect(strings.size).toBeGreaterThanOrEqual(strings.positions / 16)
            }
          }
          // `clear()` takes the tables back to their start size (none yet: no table).
          if (step.op === 'clear') {
            expect([positions === 0 || positions === 16, strings?.positions ?? 16]).toEqual([
              true,
              16,
            ])
          }
        }
        expect(index.slots().sort((a, b) => a - b)).toEqual(
          [...model.values()].sort((a, b) => a - b),
        )
      }),
      { numRuns: 25 },
    )
  })

  it('grows with its keys and shrinks back as they leave', () => {
    const index = new KeyIndex<number | string>(4)
    for (let i = 0; i < 1000; i++) {
      index.set(i * 7919, i)
      index.set(`s${i}`, 1000 + i)
    }
    // 16 positions at first; doubled whenever half full: 2048 positions hold 1000 keys.
    expect([index.size, index.intPositions, index.stringTable!.positions]).toEqual([
      2000, 2048, 2048,
    ])
    for (let i = 0; i < 1000; i++)
      expect([index.get(i * 7919), index.get(`s${i}`)]).toEqual([i, 1000 + i])
    // Each table shrinks to a quarter when a delete leaves fewer keys than a sixteenth of its
    // positions, down to its start size: 127 keys in 512 positions, 31 in 128, 7 in 32, 1 in 16.
    const shrinks: number[][] = []
    for (let i = 0; i < 999; i++) {
      const before = index.intPositions
      expect([index.delete(i * 7919), index.delete(`s${i}`)]).toEqual([true, true])
      expect(index.stringTable!.positions).toBe(index.intPositions)
      if (index.intPositions !== before) shrinks.push([999 - i, index.intPositions])
    }
    expect(shrinks).toEqual([
      [127, 512],
      [31, 128],
      [7, 32],
      [1, 16],
    ])
    expect([index.get(999 * 7919), index.get('s999'), index.get(0), index.get('s0')]).toEqual([
      999,
      1999,
      undefined,
      undefined,
    ])
    for (let i = 0; i < 1000; i++) {
      index.set(i * 7919, i)
      index.set(`s${i}`, 1000 + i)
    }
    index.clear()
    expect([index.size, index.intPositions, index.stringTable!.positions]).toEqual([0, 16, 16])
    index.set(5, 5)
    index.set('five', 6)
    expect([index.get(5), index.get('five'), index.size]).toEqual([5, 6, 2])
  })

  // Amortised O(1), as the proof in `stringTable.ts` says: every rebuild visits at most 12
  // positions per set or delete since the one before, and a set and a delete alternating at a
  // threshold rebuild at most once.
  it('rebuilds its tables at most once at a threshold, and O(1) per operation overall', () => {
    const index = new KeyIndex<number | string>(8)
    const both = (i: number): [number, string] => [i, `k${i}`]
    let ops = 0
    const set = (i: number): void => {
      for (const k of both(i)) index.set(k, i)
      ops++
    }
    const del = (i: number): void => {
      for (const k of both(i)) expect(index.delete(k)).toBe(true)
      ops++
    }
    const work = (): number[] => [index.intRebuildWork, index.stringTable?.rebuildWork ?? 0]
    // Up to the growth threshold of 256 positions (128 keys), then across it and back, 1000 times.
    for (let i = 0; i < 128; i++) set(i)
    expect([index.intPositions, index.stringTable!.positions]).toEqual([256, 256])
    const atGrowth = work()
    for (let round = 0; round < 1000; round++) {
      set(128)
      del(128)
    }
    expect([index.intPositions, index.stringTable!.positions]).toEqual([512, 512])
    // One doubling each: 256 positions read, 512 written.
    expect(work()).toEqual(atGrowth.map((w) => w + 768))
    // Down to the shrink threshold of 512 positions (32 keys), then across it and back.
    for (let i = 127; i >= 32; i--) del(i)
    expect([index.intPositions, index.stringTable!.positions]).toEqual([512, 512])
    const atShrink = work()
    for (let round = 0; round < 1000; round++) {
      del(31)
      set(31)
    }
    expect([index.intPositions, index.stringTable!.positions]).toEqual([128, 128])
    expect(work()).toEqual(atShrink.map((w) => w + 640))
    // Random sets and deletes over a pool of 4096 keys, drifting up and down in size.
    const held = new Set<number>(Array.from({ length: 32 }, (_, i) => i))
    let seed = 12345
    const random = (): number =>
      ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24
    for (let phase = 0; phase < 8; phase++) {
      const grow = phase % 2 === 0 ? 0.9 : 0.1
      for (let step = 0; step < 5000; step++) {
        const i = Math.floor(random() * 4096)
        if (held.has(i)) {
          if (random() > grow) {
            del(i)
            held.delete(i)
          }
        } else if (random() < grow) {
          set(i)
          held.add(i)
        }
      }
    }
    expect(index.size).toBe(2 * held.size)
    for (const w of work()) expect(w).toBeLessThanOrEqual(12 * ops)
    expect(Math.max(...work())).toBeGreaterThan(0)
  })
})
