import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { hash128 } from './hash128.js'
import { stableHash } from './stableHash.js'

type Data = string | number | boolean | null | undefined | Data[] | { [key: string]: Data }

/**
 * The canonical encoding of plain data, spelled out from the grammar in stableHash.ts and
 * independently of its code (which writes in place into a buffer, with shortcuts for int32
 * numbers, lengths and container heads).
 */
function reference(value: Data): string {
  if (Array.isArray(value)) return `a${value.length}:${value.map(reference).join('')}`
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`
    case 'number':
      return `n${Object.is(value, -0) ? '-0' : String(value)};`
    case 'boolean':
      return value ? 't' : 'f'
    case 'undefined':
      return 'u'
    case 'object': {
      if (value === null) return 'z'
      const keys = Object.keys(value).sort()
      return `o${keys.length}:${keys.map((key) => `${key.length}:${key}${reference(value[key])}`).join('')}`
    }
  }
}

const data: fc.Arbitrary<Data> = fc.letrec<{ data: Data }>((tie) => ({
  data: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.integer(),
    fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 0, -0, 1.5, NaN, -Infinity),
    fc.double(),
    fc.boolean(),
    fc.constantFrom(null, undefined),
    fc.array(tie('data'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('data'), { maxKeys: 5 }),
  ),
})).data

describe('stableHash of plain data', () => {
  it('hashes the canonical encoding of random data', () => {
    fc.assert(
      fc.property(data, (value) => {
        expect(stableHash([value])).toBe(hash128(reference([value])))
      }),
      { numRuns: 300 },
    )
  })

  it('hashes the canonical encoding when any part of it straddles the 512-unit buffer', () => {
    // A leading string of every length from 0 to 600 moves what follows across the point where
    // the encoder's buffer is full and mixed, at every offset.
    const tail: Data = {
      id: -2147483648,
      name: 'abcdefghijklmnop',
      big: 2147483647,
      list: [0, 9, 10, 99, 100, 123456789, -1, 1.25],
      nested: { deeper: ['x'.repeat(15), 1234567890] },
    }
    for (let pad = 0; pad <= 600; pad++) {
      const value: Data = ['x'.repeat(pad), tail, 'y'.repeat(pad % 37)]
      expect(stableHash(value)).toBe(hash128(reference(value)))
    }
  })
})
