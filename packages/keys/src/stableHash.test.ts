import { isDeepStrictEqual } from 'node:util'
import { runInNewContext } from 'node:vm'

import fc from 'fast-check'
import { describe, expect, it, vi } from 'vitest'

import { keyOf } from './keyOf.js'
import { stableHash, swapBytes } from './stableHash.js'

/** A copy of `value` with every object's keys and every Map's and Set's entries in reverse order. */
function reordered(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(reordered)
  if (value instanceof Map)
    return new Map([...value].reverse().map(([k, v]) => [reordered(k), reordered(v)]))
  if (value instanceof Set) return new Set([...value].reverse().map(reordered))
  if (Object.getPrototypeOf(value) !== Object.prototype) return value
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  )
}

const data = fc.anything({
  maxDepth: 3,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withBigInt: true,
  withBoxedValues: true,
})

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}

class UserId {
  constructor(readonly value: string) {}
  [keyOf]() {
    return this.value
  }
}

class OrderId {
  constructor(readonly value: string) {}
  [keyOf]() {
    return this.value
  }
}

class Money {
  constructor(private readonly cents: bigint) {}
  toJSON() {
    return `${this.cents}c`
  }
}

/** A class that names itself in keys: its hashes survive any edit of its code. */
class NamedMoney {
  static [keyOf] = 'billing.Money'
  constructor(private readonly cents: bigint) {}
  [keyOf]() {
    return this.cents
  }
}

describe('stableHash', () => {
  it('returns 32 hex digits', () => {
    expect(stableHash({ a: 1 })).toMatch(/^[0-9a-f]{32}$/)
  })

  it('ignores the order of object keys and of Map and Set entries', () => {
    expect(stableHash({ a: 1, b: [2, { c: 3, d: 4 }] })).toBe(
      stableHash({ b: [2, { d: 4, c: 3 }], a: 1 }),
    )
    expect(
      stableHash(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ),
    ).toBe(
      stableHash(
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    )
    expect(stableHash(new Set([1, 'x', {}]))).toBe(stableHash(new Set([{}, 'x', 1])))
  })

  it('gives the same hash to any reordering of the same data', () => {
    fc.assert(
      fc.property(data, (value) => {
        expect(stableHash(reordered(value))).toBe(stableHash(value))
      }),
      { numRuns: 500 },
    )
  })

  it('hashes two values alike exactly when node:util isDeepStrictEqual says they are equal', () => {
    // Small values from a small alphabet, so that equal pairs are common.
    const small = fc.anything({
      maxDepth: 2,
      maxKeys: 2,
      key: fc.constantFrom('a', 'b'),
      values: [fc.constantFrom(0, -0, 1, NaN, '', '0', true, null, undefined, 1n)],
      withMap: true,
      withSet: true,
      withSparseArray: true,
      withBoxedValues: true,
    })
    fc.assert(
      fc.property(small, small, (a, b) => {
        expect(stableHash(a) === stableHash(b)).toBe(isDeepStrictEqual(a, b))
      }),
      { numRuns: 3000 },
    )
  })

  it('keeps apart values that JSON-based keys confuse', () => {
    const sparse = [1, , 3] // eslint-disable-line no-sparse-arrays
    const values: unknown[] = [
      undefined,
      null,
      true,
      false,
      0,
      -0,
      1,
      NaN,
      Infinity,
      -Infinity,
      1n,
      0n,
      '',
      'u',
      '1',
      'true',
      'null',
      'undefined',
      'NaN',
      [],
      {},
      [[]],
      [{}],
      [undefined],
      [null],
      [1, undefined, 3],
      sparse,
      [1, 3],
      { a: undefined },
      { a: null },
      { a: 1 },
      { a: '1' },
      { b: 1 },
      { a: 1, b: 1 },
      ['a', 1],
      { 0: 'a', 1: 1 },
      new Map([['a', 1]]),
      new Set(['a', 1]),
      new Map(),
      new Set(),
      new Map([[1, 2]]),
      new Map([[2, 1]]),
      new Set([[1, 2]]),
      new Date(0),
      new Date(1),
      new Date(NaN),
      /a/,
      /a/g,
      /b/,
      new Number(1),
      new String('1'),
      new Boolean(true),
      Object(1n),
      Symbol.for('a'),
      Symbol.for('b'),
      new Uint8Array([1, 2]),
      new Int8Array([1, 2]),
      new Uint8Array([1, 2]).buffer,
      new Uint16Array([1]),
      new Uint8Array([1, 0]),
      new DataView(new ArrayBuffer(2)),
      new Float64Array([0]),
      new Float64Array([-0]),
      new Point(1, 2),
      { x: 1, y: 2 },
      new Point(2, 1),
      new URL('https://a.example/'),
      'https://a.example/',
      new URL('https://b.example/'),
      new Money(5n),
      '5c',
      // Strings that spell another value's encoding.
      's1:a',
      'a1:s1:a',
      'n1;',
      'o0:',
    ]
    const hashes = values.map((value) => stableHash(value))
    expect(new Set(hashes).size).toBe(values.length)
  })

  it('encodes a string by its length, so no concatenation can forge another value', () => {
    expect(stableHash(['a', 'b'])).not.toBe(stableHash(['ab']))
    expect(stableHash(['a', 's1:b'])).not.toBe(stableHash(['a', 'b']))
    expect(stableHash({ ab: 'c' })).not.toBe(stableHash({ a: 'bc' }))
  })

  it('hashes shared references like copies', () => {
    const shared = { id: 1 }
    expect(stableHash([shared, shared])).toBe(stableHash([{ id: 1 }, { id: 1 }]))
  })

  it('hashes cyclic values, alike when their shapes are alike', () => {
    const a: Record<string, unknown> = { name: 'a' }
    a.self = a
    const b: Record<string, unknown> = { name: 'a' }
    b.self = b
    expect(stableHash(a)).toBe(stableHash(b))
    const c: Record<string, unknown> = { name: 'a', self: { name: 'a' } }
    expect(stableHash(a)).not.toBe(stableHash(c))

    const map = new Map<string, unknown>([['x', 1]])
    map.set('me', map)
    const list: unknown[] = [map]
    list.push(list)
    expect(stableHash(list)).toBe(stableHash(list))
  })

  it('hashes a Buffer like the Uint8Array with the same bytes, whatever the view offset', () => {
    const bytes = Buffer.from('hello')
    expect(stableHash(bytes)).toBe(stableHash(new Uint8Array([104, 101, 108, 108, 111])))
    const inner = new Uint8Array([0, 1, 2, 3]).subarray(1, 3)
    expect(stableHash(inner)).toBe(stableHash(new Uint8Array([1, 2])))
    const large = new Uint8Array(100_000).map((_, i) => i)
    expect(stableHash(large)).not.toBe(stableHash(large.subarray(1)))
  })

  it('reads multi-byte typed arrays as little-endian bytes (swapping on big-endian machines)', () => {
    expect([...swapBytes(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), 4)]).toEqual([
      4, 3, 2, 1, 8, 7, 6, 5,
    ])
    expect(stableHash(new Uint16Array([0x0102]))).not.toBe(stableHash(new Uint16Array([0x0201])))
  })

  it('reads a value through its [keyOf]() method, tagged with its class', () => {
    expect(stableHash(new UserId('ann'))).toBe(stableHash(new UserId('ann')))
    expect(stableHash(new UserId('ann'))).not.toBe(stableHash(new UserId('bob')))
    expect(stableHash(new UserId('ann'))).not.toBe(stableHash(new OrderId('ann')))
    expect(stableHash(new UserId('ann'))).not.toBe(stableHash('ann'))
    // Plain objects may have one too, and it comes before toJSON().
    const both = { [keyOf]: () => 1, toJSON: () => 2 }
    expect(stableHash(both)).toBe(stableHash({ [keyOf]: () => 1 }))
  })

  it('reads a value through its toJSON() method, tagged with its class', () => {
    expect(stableHash(new Money(5n))).toBe(stableHash(new Money(5n)))
    expect(stableHash(new Money(5n))).not.toBe(stableHash(new Money(6n)))
    expect(stableHash(new Money(5n))).not.toBe(stableHash('5c'))
    expect(stableHash(new URL('https://a.example/?q=1'))).toBe(
      stableHash(new URL('https://a.example/?q=1')),
    )
    expect(stableHash(new URL('https://a.example/?q=1'))).not.toBe(
      stableHash(new URL('https://a.example/?q=2')),
    )
    expect(stableHash({ toJSON: () => 'x' })).toBe(stableHash({ toJSON: () => 'x' }))
  })

  it('hashes other class instances, functions and unique symbols by identity', () => {
    const point = new Point(1, 2)
    expect(stableHash(point)).toBe(stableHash(point))
    expect(stableHash({ at: point })).toBe(stableHash({ at: point }))
    expect(stableHash(point)).not.toBe(stableHash(new Point(1, 2)))
    const fn = () => 1
    expect(stableHash([fn])).toBe(stableHash([fn]))
    expect(stableHash(fn)).not.toBe(stableHash(() => 1))
    const symbol = Symbol('s')
    expect(stableHash(symbol)).toBe(stableHash(symbol))
    expect(stableHash(symbol)).not.toBe(stableHash(Symbol('s')))
    expect(stableHash(Symbol.for('s'))).toBe(stableHash(Symbol.for('s')))
    for (const opaque of [
      Promise.resolve(),
      new WeakMap(),
      new Error('x'),
      new URLSearchParams('a=1'),
    ]) {
      expect(stableHash(opaque)).toBe(stableHash(opaque))
    }
    expect(stableHash(new Error('x'))).not.toBe(stableHash(new Error('x')))
  })

  it('never gives identity hashes from two processes the same value', async () => {
    // A fresh module instance stands for another process: its ids also start at 1.
    vi.resetModules()
    const other = (await import('./stableHash.js')).stableHash
    expect(other).not.toBe(stableHash)
    class First {
      readonly n = 1
    }
    const hereFirst = stableHash(new First())
    const thereFirst = other(new First())
    expect(hereFirst).toMatch(/^[0-9a-f]{32}$/)
    expect(thereFirst).not.toBe(hereFirst)
    // Values that do not depend on identity hash alike in both.
    expect(other({ a: [1, 'x', 2n] })).toBe(stableHash({ a: [1, 'x', 2n] }))
  })

  it('falls back to identity when [keyOf]() or toJSON() returns the value itself', () => {
    class Selfish {
      toJSON() {
        return this
      }
    }
    const selfish = new Selfish()
    expect(stableHash(selfish)).toBe(stableHash(selfish))
    expect(stableHash(selfish)).not.toBe(stableHash(new Selfish()))
  })

  it('gives a million distinct small values a million distinct hashes', () => {
    const hashes = new Set<string>()
    for (let i = 0; i < 250_000; i++) {
      hashes.add(stableHash(i))
      hashes.add(stableHash(`k${i}`))
      hashes.add(stableHash({ id: i }))
      hashes.add(stableHash([i % 500, Math.floor(i / 500)]))
    }
    expect(hashes.size).toBe(1_000_000)
  })

  it('hashes objects from another realm like their own-realm twins', () => {
    const foreign = runInNewContext('({ a: [1, new Map([["k", new Date(0)]])], b: { c: 2 } })')
    expect(stableHash(foreign)).toBe(
      stableHash({ a: [1, new Map([['k', new Date(0)]])], b: { c: 2 } }),
    )
    expect(stableHash(Object.create(null))).toBe(stableHash({}))
  })

  it('ignores properties keyed by symbols and non-enumerable ones', () => {
    const value = { a: 1 }
    Object.defineProperty(value, 'hidden', { value: 2, enumerable: false })
    expect(stableHash({ ...value, [Symbol.for('s')]: 3 })).toBe(stableHash({ a: 1 }))
    expect(stableHash(value)).toBe(stableHash({ a: 1 }))
  })

  it('does not change: these hashes are stored by users (a change is a major release)', () => {
    expect({
      undefined: stableHash(undefined),
      string: stableHash('user-1'),
      number: stableHash(42),
      args: stableHash([{ id: 1, tags: ['a', 'b'] }, 'full', 2n, new Date(0)]),
      collections: stableHash(
        new Map<unknown, unknown>([
          ['k', new Set([1, 2])],
          [1, /x/g],
        ]),
      ),
      bytes: stableHash(new Float64Array([1.5, -0])),
      // The class of a keyed value is its name and source text (classKey.ts), and the source of
      // a class in this file is what the test runner's compiler makes of it, so the classes here
      // are ones whose key does not depend on it: a native class, a plain object, and a class
      // that names itself with a static [keyOf].
      keyed: stableHash([
        new URL('https://a.example/'),
        { [keyOf]: () => 'ann', toJSON: () => 'x' },
        new NamedMoney(5n),
      ]),
    }).toMatchInlineSnapshot(`
      {
        "args": "0a8a334d2b9ebe6c2d1ede31072a5422",
        "bytes": "efd47d49ccff1f8d2be82696a0a20f9c",
        "collections": "6aaa5a156f3fd615e6e26b53c50ae1e7",
        "keyed": "40027cdf7c285fff7b23cee8b8f8af53",
        "number": "6e9bb62a3d21625d428dc728428dc728",
        "string": "bdd976fb1e5ef266a68563a41031804c",
        "undefined": "c4b0f3fd7155b1a57155b1a57155b1a5",
      }
    `)
  })

  it('lets errors thrown by getters and toJSON() through unchanged', () => {
    const before = stableHash([1, 'a'])
    const boom = new Error('boom')
    const value = {
      get a() {
        throw boom
      },
    }
    expect(() => stableHash(value)).toThrow(boom)
    expect(() => stableHash(new Map([[1, value]]))).toThrow(boom)
    // Nothing is left half-written for the next call.
    expect(stableHash({ a: 1 })).toBe(stableHash({ a: 1 }))
    expect(stableHash([1, 'a'])).toBe(before)
  })

  it('can be called again from inside toJSON()', () => {
    class Nested {
      toJSON() {
        return stableHash({ inner: 1 })
      }
    }
    expect(stableHash([new Nested(), new Nested()])).toBe(stableHash([new Nested(), new Nested()]))
  })
})
