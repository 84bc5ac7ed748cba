// decode(encode(x)) against a reference model, for JSON-safe data (the fast path) and for data
// with the types only the tagged path carries.
import { assertPrototypesUnchanged } from '@cache/internal/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { jsonSerializer } from './codec.js'

const RUNS = 200

/** Keys that have tripped codecs: prototype names, the tag key and its field, integers. */
const key = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.constantFrom('__proto__', 'constructor', 'toJSON', '$t', 'v', 'c', '0', '10'),
)

/** The reference model of a round trip: a plain deep copy, keys in the order JSON keeps them. */
function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(copy)
  if (value instanceof Date) return new Date(value.getTime())
  if (value instanceof RegExp) return new RegExp(value.source, value.flags)
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [copy(k), copy(v)]))
  if (value instanceof Set) return new Set([...value].map(copy))
  const out = {}
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(out, k, {
      value: copy(v),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}

/**
 * Where `actual` first differs from `expected` (`undefined`: nowhere), stricter than toEqual:
 * prototypes, own keys in order, -0 and NaN, Map and Set entries in order. (toStrictEqual
 * would compare two objects' `constructor` keys as if they were their classes.)
 */
function differenceOf(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (typeof expected !== 'object' || expected === null) {
    return Object.is(actual, expected) ? undefined : path
  }
  if (typeof actual !== 'object' || actual === null) return path
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected)) return `${path} (class)`
  if (expected instanceof Date) {
    return Object.is((actual as Date).getTime(), expected.getTime()) ? undefined : path
  }
  if (expected instanceof RegExp) {
    const got = actual as RegExp
    return got.source === expected.source && got.flags === expected.flags ? undefined : path
  }
  if (expected instanceof Map || expected instanceof Set) {
    const got = [...(actual as Map<unknown, unknown>)]
    const want = [...expected]
    if (got.length !== want.length) return `${path} (size)`
    for (let i = 0; i < want.length; i++) {
      const difference = differenceOf(got[i], want[i], `${path}<${i}>`)
      if (difference !== undefined) return difference
    }
    return undefined
  }
  const keys = Reflect.ownKeys(expected)
  if (JSON.stringify(Reflect.ownKeys(actual)) !== JSON.stringify(keys)) return `${path} (keys)`
  for (const k of keys) {
    const got = Object.getOwnPropertyDescriptor(actual, k)?.value
    const want = Object.getOwnPropertyDescriptor(expected, k)?.value
    const difference = differenceOf(got, want, `${path}[${String(k)}]`)
    if (difference !== undefined) return difference
  }
  return undefined
}

/** Whether JSON.stringify and JSON.parse alone round-trip `value` (and it has no `$t` key). */
function isJsonSafe(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0)
  if (typeof value !== 'object' || value === null) return typeof value !== 'undefined'
  if (Array.isArray(value)) return value.every(isJsonSafe)
  if (Object.getPrototypeOf(value) !== Object.prototype) return false
  return !Object.hasOwn(value, '$t') && Object.values(value).every(isJsonSafe)
}

/** Plain objects with any keys, `__proto__` as an own key too (defineProperty, not assignment). */
function objectOf(item: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .uniqueArray(fc.tuple(key, item), { maxLength: 5, selector: ([k]) => k })
    .map((entries) => {
      const out: Record<string, unknown> = {}
      for (const [k, v] of entries) {
        Object.defineProperty(out, k, {
          value: v,
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      return out
    })
}

const jsonSafe = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    objectOf(tie('value')),
  ),
})).value

const tagged = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string(),
    fc.double(),
    fc.constantFrom(NaN, -0, Infinity, -Infinity, undefined, null, true),
    fc.bigInt(),
    fc.date(),
    fc.constant(new Date(NaN)),
    fc.constantFrom(/a+b/giu, /[$t"]/),
    fc.array(tie('value'), { maxLength: 5 }),
    objectOf(tie('value')),
    fc
      .array(fc.tuple(tie('value'), tie('value')), { maxLength: 3 })
      .map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 3 }).map((items) => new Set(items)),
  ),
})).value

describe('jsonSerializer against a deep copy', () => {
  it('stores JSON-safe data as JSON.stringify does and reads it back as JSON.parse does', () => {
    fc.assert(
      fc.property(jsonSafe, (value) => {
        const text = jsonSerializer.encode(value)
        const expected = JSON.stringify(value)
        if (isJsonSafe(value)) {
          expect(text).toBe(expected)
          expect(differenceOf(jsonSerializer.decode(text), JSON.parse(expected))).toBeUndefined()
        }
        expect(differenceOf(jsonSerializer.decode(text), copy(value))).toBeUndefined()
        assertPrototypesUnchanged()
      }),
      { numRuns: RUNS },
    )
  })

  it('round-trips data with Dates, Maps, Sets, BigInts, NaN, -0 and undefined', () => {
    fc.assert(
      fc.property(tagged, (value) => {
        const decoded = jsonSerializer.decode(jsonSerializer.encode(value))
        expect(differenceOf(decoded, copy(value))).toBeUndefined()
        assertPrototypesUnchanged()
      }),
      { numRuns: RUNS },
    )
  })
})
