import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { KeyIndex } from './keyIndex.js'

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

  // A small table (capacity 8: 16 positions) full of integer keys has long probe runs, so the
  // backward shift of `delete` is exercised on every run.
  it('behaves as a Map under random sets and deletes', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.boolean(),
            fc.oneof(fc.integer({ min: -20, max: 20 }), fc.constantFrom(2 ** 31 - 1, -(2 ** 31))),
          ),
          { minLength: 1, maxLength: 300, size: 'max' },
        ),
        (ops) => {
          const index = new KeyIndex<number>(8)
          const model = new Map<number, number>()
          let next = 0
          for (const [add, key] of ops) {
            if (add && !model.has(key) && model.size < 8) {
              index.set(key, next)
              model.set(key, next++)
            } else {
              expect(index.delete(key)).toBe(model.delete(key))
            }
            expect(index.size).toBe(model.size)
            for (const [k, slot] of model) expect(index.get(k)).toBe(slot)
          }
          expect(index.slots().sort((a, b) => a - b)).toEqual(
            [...model.values()].sort((a, b) => a - b),
          )
        },
      ),
      { numRuns: 300 },
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
