// Hostile input for every public entry point of @cache/keys: the outcome is a result or a
// KeyError with its code, never another error, a hang or a crash, and Object.prototype is left
// as it was. Runs are bounded; `pnpm fuzz` runs many more (FUZZ_RUNS).
import { assertPrototypesUnchanged } from '@cache/internal/testing'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'

import { KeyError, keyTemplate, makeKey, SINGLE_KEY, stableHash } from '../src/index.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)

/** The error a hostile value's own code throws (a getter, a toJSON()): passed through as is. */
class ValueOwnError extends Error {}

const CODES = new Set([
  'ERR_KEY_ARGS',
  'ERR_KEY_OPTIONS',
  'ERR_KEY_TEMPLATE',
  'ERR_KEY_TEMPLATE_VALUE',
  'ERR_KEY_DEPTH',
  'ERR_KEY_CLASS',
])

/** Runs `fn`: it must return, or throw a KeyError with a documented code or the value's own error. */
function outcome(fn: () => unknown): 'ok' | 'KeyError' | 'own' {
  try {
    fn()
    return 'ok'
  } catch (error) {
    if (error instanceof ValueOwnError) return 'own'
    if (!(error instanceof KeyError)) throw error
    expect(CODES.has(error.code)).toBe(true)
    expect(typeof error.message).toBe('string')
    return 'KeyError'
  }
}

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = wrap(value)
  return value
}

const cyclic: Record<string, unknown> = { a: 1 }
cyclic.self = cyclic
const throwingGetter = Object.defineProperty({}, 'boom', {
  enumerable: true,
  get(): never {
    throw new ValueOwnError('getter')
  },
})

const special = fc.constantFrom<unknown>(
  NaN,
  Infinity,
  -Infinity,
  1e308,
  -0,
  2 ** 53,
  -(2 ** 31),
  0n,
  -(2n ** 200n),
  '',
  '\u{1F600}\uD800',
  'x'.repeat(100_000),
  '0123456789abcdef0123456789abcdef',
  Symbol('unique'),
  Symbol.for('shared'),
  () => 1,
  Object.create(null),
  JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}'),
  cyclic,
  throwingGetter,
  nested(2000, (inner) => ({ a: inner })),
  nested(600, (inner) => [inner]),
  nested(600, (inner) => new Map([[inner, inner]])),
  new Proxy({}, {}),
  new Proxy([1, 2], {}),
  { toJSON: () => ({ toJSON: () => 1 }) },
  {
    toJSON(): never {
      throw new ValueOwnError('toJSON')
    },
  },
  new Date(NaN),
  /x/giu,
  new Uint8Array(1000),
  new Float64Array([NaN, -0]),
  new WeakMap(),
  Promise.resolve(1),
)

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  special,
  fc.anything({
    maxDepth: 4,
    key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toJSON')),
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    stringUnit: 'binary',
  }),
)

describe('@cache/keys under hostile input', () => {
  afterAll(() => {
    assertPrototypesUnchanged()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('stableHash returns 32 hex digits or a KeyError', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const hashed = outcome(() => {
          expect(stableHash(value)).toMatch(/^[0-9a-f]{32}$/)
        })
        if (hashed === 'KeyError') {
          expect(() => stableHash(value)).toThrow(KeyError)
        }
      }),
      { numRuns: RUNS },
    )
  })

  it('makeKey with hostile arguments and options returns a key or a KeyError', () => {
    const options = fc.oneof(
      fc.constant(undefined),
      hostile,
      fc.record(
        {
          skipArgs: hostile,
          ignoreArgs: fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })),
          paramNames: fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })),
          ignoreProps: fc.oneof(hostile, fc.array(hostile, { maxLength: 3 })),
        },
        { requiredKeys: [] },
      ),
    )
    fc.assert(
      fc.property(fc.oneof(hostile, fc.array(hostile, { maxLength: 4 })), options, (args, opts) => {
        outcome(() => makeKey(args as unknown[], opts as never))
      }),
      { numRuns: RUNS },
    )
  })

  it('keyTemplate compiles or throws a KeyError, and its keys render or throw a KeyError', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('{', '}', '{{', '}}', '{}', '{0}', '{1}', '{a}', '{.x}', '{[0]}', '{0.x}'),
      fc.constantFrom('{0["a"]}', "{0['b]}", '{07}', '{9999999999999999999}', ':', '%', '.'),
    )
    const template = fc.oneof(
      fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
      hostile,
    )
    const options = fc.oneof(
      fc.constant(undefined),
      hostile,
      fc.record({ paramNames: fc.oneof(hostile, fc.array(fc.string(), { maxLength: 3 })) }),
    )
    fc.assert(
      fc.property(template, options, fc.array(hostile, { maxLength: 3 }), (text, opts, args) => {
        let render: ((...args: unknown[]) => string) | undefined
        if (outcome(() => (render = keyTemplate(text as string, opts as never))) === 'ok') {
          outcome(() => {
            expect(typeof render!(...args)).toBe('string')
          })
        }
      }),
      { numRuns: RUNS },
    )
  })

  it('SINGLE_KEY renders one key whatever the arguments', () => {
    fc.assert(
      fc.property(fc.array(hostile, { maxLength: 3 }), (args) => {
        expect(SINGLE_KEY(...args)).toBe('single')
      }),
      { numRuns: Math.min(RUNS, 100) },
    )
  })
})
