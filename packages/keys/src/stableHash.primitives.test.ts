import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { hash128 } from './hash128.js'
import { stableHash } from './stableHash.js'

type Primitive = string | number | bigint | boolean | null | undefined

/**
 * The canonical encoding of a primitive, spelled out from the grammar documented in stableHash.ts
 * and independently of its code: what both the primitive fast path and the general encoder must
 * feed the hash.
 */
function reference(value: Primitive): string {
  switch (typeof value) {
    case 'string':
      return `s${value.length}:${value}`
    case 'number':
      return `n${Object.is(value, -0) ? '-0' : String(value)};`
    case 'bigint':
      return `i${String(value)};`
    case 'boolean':
      return value ? 't' : 'f'
    case 'undefined':
      return 'u'
    default:
      return 'z'
  }
}

const primitive: fc.Arbitrary<Primitive> = fc.oneof(
  // Up to 300 units: past the fast path's 256, and any code unit, lone surrogates included.
  fc.string({ unit: 'binary', maxLength: 300, size: 'max' }),
  fc.integer(),
  fc.integer({ min: -20, max: 20 }),
  fc.maxSafeInteger(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
  fc.bigInt({ min: -(10n ** 300n), max: 10n ** 300n }),
  fc.constantFrom(true, false, null, undefined, 0, -0, NaN, Infinity, -Infinity, 0n),
)

describe('stableHash of primitives', () => {
  it('hashes the canonical encoding, on the fast path and inside containers alike', () => {
    fc.assert(
      fc.property(fc.array(primitive, { maxLength: 8, size: 'max' }), (values) => {
        // A lone primitive takes the fast path; the items of an array go through the general
        // encoder, which writes `a<length>:` and then each item's encoding.
        for (const value of values) expect(stableHash(value)).toBe(hash128(reference(value)))
        expect(stableHash(values)).toBe(
          hash128(`a${values.length}:${values.map(reference).join('')}`),
        )
      }),
      { numRuns: 200 },
    )
  })

  it('agrees with the reference at the edges of the fast path', () => {
    const values: Primitive[] = [
      ...[0, 1, 7, 8, 9, 10, 11, 99, 100, 255, 256, 257, 1000].map((n) => 'x'.repeat(n)),
      'é😀\u{d800}',
      ...[0, -0, 1, -1, 9, 10, -10, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1],
      ...[Number.MAX_SAFE_INTEGER, 2 ** 53, 1e21, 1.5, -1e-7, 5e-324, NaN, Infinity, -Infinity],
      ...[0n, -1n, 2n ** 31n - 1n, -(2n ** 31n), 2n ** 31n, -(2n ** 31n) - 1n, 2n ** 64n],
      10n ** 255n, // 256 digits: still the fast path
      10n ** 256n, // 257 digits: the general path
      -(2n ** 1000n),
      true,
      false,
      null,
      undefined,
    ]
    for (const value of values) expect(stableHash(value)).toBe(hash128(reference(value)))
  })
})
