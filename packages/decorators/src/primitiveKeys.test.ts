import { makeKey } from '@cache/keys'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { MAX_MEMOIZED_STRING, memoLimitOf, PrimitiveKeys } from './primitiveKeys.js'

const long = 'x'.repeat(MAX_MEMOIZED_STRING + 1)
const argument = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(-0, 0.5, Number.NaN, Infinity, 2 ** 53),
  fc.constantFrom('', '1', 'a', '0'.repeat(32), 'x'.repeat(MAX_MEMOIZED_STRING), long),
  fc.constantFrom(true, false, null, undefined, 1n, Symbol.for('s')),
  fc.constantFrom({}, [1], { a: 1 }),
)

describe('PrimitiveKeys', () => {
  it('gives makeKey’s key for every argument list, across memo resets (reference: makeKey)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(argument, { maxLength: 5 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        (calls, limit) => {
          const keys = new PrimitiveKeys(limit)
          for (const args of [...calls, ...calls]) {
            expect(keys.list(args) ?? makeKey(args)).toBe(makeKey(args))
            if (args.length === 2) {
              expect(keys.pair(args[0], args[1]) ?? makeKey(args)).toBe(makeKey(args))
            }
            expect(keys.size).toBeLessThanOrEqual(limit)
          }
        },
      ),
      { numRuns: 100 },
    )
  })

  it('memoizes lists of 2 to 4 numbers, short strings, booleans, null and undefined', () => {
    const keys = new PrimitiveKeys(100)
    const lists = [
      [1, 2],
      [1, '2'],
      ['1', 2],
      [0, 1],
      [true, null, undefined],
      [NaN, 'x'.repeat(MAX_MEMOIZED_STRING), 3, 4],
    ]
    for (const args of lists) expect(keys.list(args)).toBe(makeKey(args))
    expect(keys.size).toBe(6)
    expect(new Set(lists.map((args) => keys.list(args))).size).toBe(6)
    expect(keys.size).toBe(6)
  })

  it('leaves -0, long strings, bigints, symbols, objects and other lengths to makeKey', () => {
    const keys = new PrimitiveKeys(100)
    expect(keys.pair(-0, 1)).toBeUndefined()
    expect(keys.pair(1, long)).toBeUndefined()
    expect(keys.pair(1n, 1)).toBeUndefined()
    expect(keys.pair(Symbol.for('s'), 1)).toBeUndefined()
    expect(keys.pair({}, 1)).toBeUndefined()
    expect(keys.list([])).toBeUndefined()
    expect(keys.list([1])).toBeUndefined()
    expect(keys.list([1, 2, 3, 4, 5])).toBeUndefined()
    expect(keys.size).toBe(0)
    // -0 and 0 are one key to a Map, two to makeKey.
    expect(keys.pair(0, 1)).toBe(makeKey([0, 1]))
    expect(makeKey([-0, 1])).not.toBe(makeKey([0, 1]))
  })

  it('finds every second argument of a first one, scanned or (past 8 of them) in a Map', () => {
    const keys = new PrimitiveKeys(100)
    const seconds = [NaN, ...Array.from({ length: 19 }, (_, i) => (i % 2 === 0 ? i : `${i}`))]
    for (const b of seconds) expect(keys.pair('a', b)).toBe(makeKey(['a', b]))
    for (const b of seconds) expect(keys.pair('a', b)).toBe(makeKey(['a', b]))
    expect(keys.size).toBe(20)
  })

  it('drops the whole memo once it holds `limit` keys', () => {
    const keys = new PrimitiveKeys(3)
    keys.pair(1, 1)
    keys.pair(1, 2)
    keys.list([1, 2, 3])
    expect(keys.size).toBe(3)
    keys.pair(1, 1) // memoized: nothing added
    expect(keys.size).toBe(3)
    keys.pair(2, 2)
    expect(keys.size).toBe(1)
  })

  it('holds twice the cache’s entries, from 256 to 16,384 keys', () => {
    expect([0, 10, 128, 1_000, 8_192, 100_000, null].map(memoLimitOf)).toEqual([
      256, 256, 256, 2_000, 16_384, 16_384, 16_384,
    ])
  })
})
