// Hostile input for every public entry point of @cache/expiry: the outcome is a result or an
// ExpiryParseError (code ERR_EXPIRY_PARSE), never another error, a hang or a crash, and
// Object.prototype is left as it was. Runs are bounded; `pnpm fuzz` runs many more (FUZZ_RUNS).
import { assertPrototypesUnchanged } from '@cache/internal/testing'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'

import {
  compileExpiry,
  compilePointer,
  ExpiryParseError,
  formatDuration,
  parseDate,
  parseDateTime,
  parseDuration,
  parseTime,
  resolveExpiry,
  type CachedItem,
} from '../src/index.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 300)

/** The error a hostile value's own code throws (a getter, an expiration function): passed through. */
class ValueOwnError extends Error {}

/** Runs `fn`: it must return, or throw an ExpiryParseError or the value's own error. */
function outcome(fn: () => unknown): 'ok' | 'ExpiryParseError' | 'own' {
  try {
    fn()
    return 'ok'
  } catch (error) {
    if (error instanceof ValueOwnError) return 'own'
    if (!(error instanceof ExpiryParseError)) throw error
    expect(error.code).toBe('ERR_EXPIRY_PARSE')
    expect(typeof error.message).toBe('string')
    return 'ExpiryParseError'
  }
}

/** Like `outcome`, for a resolver: epoch ms, or a promise of them, or the errors above. */
async function settled(fn: () => unknown): Promise<void> {
  let result: unknown
  if (outcome(() => (result = fn())) !== 'ok') return
  if (!(result instanceof Promise)) {
    expect(typeof result).toBe('number')
    return
  }
  await result.then(
    (value: unknown) => {
      expect(typeof value).toBe('number')
    },
    (error: unknown) => {
      if (!(error instanceof ExpiryParseError) && !(error instanceof ValueOwnError)) throw error
    },
  )
}

const throwingGetter = Object.defineProperty({}, 'exp', {
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
  -1e308,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  -0,
  2 ** 53,
  1e8,
  1e8 + 1,
  2e10,
  10n,
  '',
  ' ',
  'P',
  'PT',
  'P4Y',
  '1e308',
  'inf',
  '-inf',
  'nan',
  '9'.repeat(400),
  '1d '.repeat(5000),
  `P${'9'.repeat(400)}D`,
  '99999-01-01',
  '2012-02-30',
  '23:59:60',
  '11:05:00+99:99',
  '$',
  '$.',
  '$.*',
  '$.a.b:ignore_missing',
  '$.__proto__',
  '$.constructor.prototype',
  '$[99999999999999999999]',
  '\u{1F600}\uD800',
  new Uint8Array([0xff, 0xfe]),
  new Uint8Array([0x31, 0x68]),
  new Date(NaN),
  new Date(8.64e15),
  { year: 1e9, month: 1, day: 1 },
  { hour: NaN, minute: 0, second: 0, microsecond: 0, offsetMinutes: 0 },
  { days: 1e300 },
  { days: -Infinity },
  Object.create(null),
  JSON.parse('{"__proto__": {"polluted": 1}, "days": 1}'),
  throwingGetter,
  Symbol('s'),
  () => '1h',
  () => () => () => '$.a',
  () => Promise.resolve('10 minutes'),
  () => Promise.reject(new ValueOwnError('async')),
  () => {
    throw new ValueOwnError('sync')
  },
  () => Promise.resolve(NaN),
  new Proxy({}, {}),
  [],
  new Map([['exp', '1h']]),
)

const hostile: fc.Arbitrary<unknown> = fc.oneof(
  special,
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.anything({
    maxDepth: 3,
    key: fc.oneof(
      fc.string(),
      fc.constantFrom('__proto__', 'constructor', 'days', 'year', 'hour', 'exp', 'token'),
    ),
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withTypedArray: true,
    stringUnit: 'binary',
  }),
)

const item: fc.Arbitrary<CachedItem> = fc.record({
  value: hostile,
  fetchedAt: fc.oneof(
    fc.double(),
    fc.integer(),
    special.filter((v) => typeof v === 'number'),
  ),
  isError: fc.boolean(),
})

describe('@cache/expiry under hostile input', () => {
  afterAll(() => {
    assertPrototypesUnchanged()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('the parsers return their type or throw ExpiryParseError', () => {
    fc.assert(
      fc.property(hostile, (input) => {
        outcome(() => parseDuration(input as never))
        outcome(() => parseDateTime(input as never))
        outcome(() => parseDate(input as never))
        outcome(() => parseTime(input as never))
      }),
      { numRuns: RUNS },
    )
  })

  it('formatDuration returns text parseDuration reads, or throws ExpiryParseError', () => {
    fc.assert(
      fc.property(
        hostile,
        fc.oneof(fc.constantFrom(null, undefined), hostile, fc.record({ style: hostile })),
        (ms, options) => {
          let text: unknown
          if (outcome(() => (text = formatDuration(ms as number, options as never))) === 'ok') {
            expect(typeof text).toBe('string')
            expect(Number.isFinite(parseDuration(text as string))).toBe(true)
          }
        },
      ),
      { numRuns: RUNS },
    )
  })

  it('compileExpiry and its resolver return epoch ms or throw ExpiryParseError', async () => {
    const options = fc.oneof(
      fc.constantFrom(null, undefined),
      hostile,
      fc.record({ ignoreMissing: hostile }),
    )
    await fc.assert(
      fc.asyncProperty(hostile, options, item, hostile, async (spec, opts, cached, now) => {
        let resolve: ((item: CachedItem, now?: number) => unknown) | undefined
        if (outcome(() => (resolve = compileExpiry(spec as never, opts as never))) === 'ok') {
          await settled(() => resolve!(cached, now as number))
        }
        await settled(() => resolveExpiry(spec as never, cached, now as number, opts as never))
      }),
      { numRuns: RUNS },
    )
  })

  it('compilePointer returns a reader whose reads return, or throws ExpiryParseError', () => {
    const piece = fc.constantFrom('$', '.', '[', ']', '*', 'a', '0', ':ignore_missing', '__proto__')
    const text = fc.oneof(
      fc.array(piece, { maxLength: 8 }).map((parts) => parts.join('')),
      hostile,
    )
    fc.assert(
      fc.property(text, hostile, (source, root) => {
        let pointer: ReturnType<typeof compilePointer> | undefined
        if (outcome(() => (pointer = compilePointer(source as string))) === 'ok') {
          outcome(() => pointer!.read(root, undefined))
          outcome(() => pointer!.readAll(root))
        }
      }),
      { numRuns: RUNS },
    )
  })
})
