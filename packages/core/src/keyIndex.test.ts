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
  // shift of `delete` is exercised on most runs; `reserve` grows them as a cache's slots grow. Keys
  // of every kind share the index: integers, numeric strings ('1' is not 1), '', lone surrogates,
  // strings of 16 units (the string table) and 17 (the Map), floats, -0, NaN, objects, and short
  // strings with one hash, which past 48 of them in a probe run move every string to the Map
  // mid-sequence.
  it('behaves as a Map under random sets, deletes, clears and growth, with every kind of key', () => {
    const colliding = collidingShortStrings()
    const object = {}
    const key = fc.oneof(
      fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31))),
      fc.constantFrom('1', '-1', '0', '', '\ud800', '\udc00', 'a\ud800', '\udfff\ud800', 'user:1'),
      fc.constantFrom('x'.repeat(SHORT_STRING), 'x'.repeat(SHORT_STRING + 1), 'y'.repeat(40)),
      fc.string({ maxLength: 3, unit: 'binary' }),
      fc.constantFrom<unknown>(1.5, -0, NaN, 2 ** 31, object, null, undefined),
      fc.constantFrom(...colliding),
    )
    type Op = { op: 'set' | 'delete'; key: unknown } | { op: 'clear' | 'reserve' | 'flood' }
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 12, arbitrary: fc.record({ op: fc.constant('set' as const), key }) },
      { weight: 6, arbitrary: fc.record({ op: fc.constant('delete' as const), key }) },
      {
        weight: 1,
        arbitrary: fc.record({ op: fc.constantFrom('clear' as const, 'reserve', 'flood') }),
      },
    )
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 300, size: 'max' }), (ops) => {
        let capacity = 8
        const index = new KeyIndex<unknown>(capacity)
        const model = new Map<unknown, number>()
        let next = 0
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
          } else {
            // 'flood' grows the index as a cache would for 64 more keys and sets 60 keys of one
            // hash; 'reserve' doubles it.
            capacity = step.op === 'flood' ? capacity + 64 : capacity * 2
            index.reserve(capacity)
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
        }
        expect(index.slots().sort((a, b) => a - b)).toEqual(
          [...model.values()].sort((a, b) => a - b),
        )
      }),
      { numRuns: 25 },
    )
  })

  it('keeps every key when reserve() makes room for more', () => {
    const index = new KeyIndex<number | string>(4)
    for (let i = 0; i < 4; i++) {
      index.set(i * 7919, i)
      index.set(`s${i}`, 10 + i)
    }
    index.reserve(2)
    index.reserve(1000)
    for (let i = 4; i < 1000; i++) index.set(i * 7919, i)
    expect(index.size).toBe(1004)
    for (let i = 0; i < 1000; i++) expect(index.get(i * 7919)).toBe(i)
    expect([index.get('s3'), index.delete(0), index.get(0), index.size]).toEqual([
      13,
      true,
      undefined,
      1003,
    ])
  })
})
