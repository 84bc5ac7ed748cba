import { describe, expect, expectTypeOf, it, vi } from 'vitest'

import { catchParseError, rejectedParseError } from '../test/catchParseError.js'
import {
  compileExpiry,
  type CachedItem,
  type ExpiryResolver,
  type ExpirySpec,
} from './compileExpiry.js'
import { ExpiryParseError } from './expiryParseError.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H
const FETCHED = Date.parse('2022-09-29T00:00:00Z')
const NOW = Date.parse('2022-09-30T12:00:00Z')

function item<V>(value: V, fetchedAt = FETCHED, isError = false): CachedItem<V> {
  return { value, fetchedAt, isError }
}

describe('compileExpiry', () => {
  // aquiche's dispatch (get_cache_expiration), each form with the exact epoch ms it yields.
  it.each<[ExpirySpec, number]>([
    [null, Infinity],
    [undefined, Infinity],
    [false, Infinity],
    [true, -Infinity],
    // numbers: seconds up to 1e8, a unix timestamp above
    [30, FETCHED + 30 * S],
    [30.5, FETCHED + 30_500],
    [0, FETCHED],
    [-5, FETCHED - 5 * S],
    [432_000, FETCHED + 5 * D],
    [1e8, FETCHED + 1e8 * S],
    [1e8 + 0.9, FETCHED + 100_000_000_900],
    [1e8 + 1, (1e8 + 1) * S],
    [1_641_021_310, Date.parse('2022-01-01T07:15:10Z')],
    [1_641_021_310_000, Date.parse('2022-01-01T07:15:10Z')],
    [Infinity, Infinity],
    [-Infinity, -Infinity],
    // strings: a duration first
    ['30', FETCHED + 30 * S],
    ['15:30', FETCHED + 15 * M + 30 * S],
    ['10:15:30', FETCHED + 10 * H + 15 * M + 30 * S],
    ['09:15:00', FETCHED + 9 * H + 15 * M],
    ['12:61', FETCHED + 13 * M + S],
    ['4 15:30', FETCHED + 4 * D + 15 * M + 30 * S],
    ['4 10:15:30', FETCHED + 4 * D + 10 * H + 15 * M + 30 * S],
    ['5days', FETCHED + 5 * D],
    ['P5D', FETCHED + 5 * D],
    ['100s 10m', FETCHED + 100 * S + 10 * M],
    ['100 seconds 10 minutes', FETCHED + 100 * S + 10 * M],
    ['10minutes', FETCHED + 10 * M],
    ['  1m  ', FETCHED + M],
    ['1494012444', FETCHED + 1_494_012_444 * S],
    ['PT0.000005S', FETCHED + 0.005],
    // then a datetime (no zone: UTC), a date (midnight UTC), a time of day with a zone (today)
    ['2022-01-01T07:15:10.000Z', Date.parse('2022-01-01T07:15:10Z')],
    ['2022-01-30T00:00:00+0000', Date.parse('2022-01-30T00:00:00Z')],
    ['2012-04-23T09:15:00', Date.parse('2012-04-23T09:15:00Z')],
    ['2012-04-23T10:20:30.400+02:30', Date.parse('2012-04-23T07:50:30.400Z')],
    ['inf', Date.parse('9999-12-31T23:59:59.999Z')],
    ['2022-01-01', Date.parse('2022-01-01T00:00:00Z')],
    ['2012-4-9', Date.parse('2012-04-09T00:00:00Z')],
    ['11:05:00Z', Date.parse('2022-09-30T11:05:00Z')],
    ['10:30:11+00:00', Date.parse('2022-09-30T10:30:11Z')],
    ['11:05:00-05:30', Date.parse('2022-09-30T16:35:00Z')],
    ['11:05+06', Date.parse('2022-09-30T05:05:00Z')],
    // objects
    [new Date('2022-01-01T07:15:10Z'), Date.parse('2022-01-01T07:15:10Z')],
    [{ days: 1, hours: 8 }, FETCHED + D + 8 * H],
    [{ milliseconds: 1500 }, FETCHED + 1500],
    [{ year: 2022, month: 1, day: 1 }, Date.parse('2022-01-01T00:00:00Z')],
    [
      { hour: 10, minute: 30, second: 11, microsecond: 0, offsetMinutes: 0 },
      Date.parse('2022-09-30T10:30:11Z'),
    ],
    [
      { hour: 10, minute: 30, second: 11, microsecond: 500, offsetMinutes: null },
      Date.parse('2022-09-30T10:30:11Z') + 0.5,
    ],
    [new TextEncoder().encode('PT0.000005S'), FETCHED + 0.005],
    [new TextEncoder().encode('2022-01-01'), Date.parse('2022-01-01T00:00:00Z')],
  ])('resolves %j to %d', (spec, expected) => {
    expect(compileExpiry(spec)(item(null), NOW)).toBe(expected)
  })

  it('measures an interval from the item it is given, every call', () => {
    const expiry = compileExpiry('10 minutes')
    expect(expiry(item(1, 1_000))).toBe(601_000)
    expect(expiry(item(1, 5_000))).toBe(605_000)
  })

  it.each<[unknown, string, string]>([
    ['P4Y', 'expiration', "a duration ('30', '10:15:30', 'P4D', '1d 2h')"],
    ['abc', 'expiration', "a duration ('30', '10:15:30', 'P4D', '1d 2h')"],
    ['', 'expiration', "a duration ('30', '10:15:30', 'P4D', '1d 2h')"],
    ['2012-13-01', 'expiration', "a date ('2012-04-23')"],
    ['2012-04-23T25:00:00Z', 'expiration', "a datetime ('2012-04-23T09:15:00Z')"],
    ['nan', 'expiration', 'a time of day with a zone'],
    ['11:05:00Y', 'expiration', 'a time of day with a zone'],
    ['11:05:00-25:00', 'expiration', 'a time of day with a zone'],
    [Number.NaN, 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [{}, 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [{ foo: 1 }, 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [[], 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [new Map(), 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [Promise.resolve(30), 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [10n, 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [Symbol('x'), 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [{ days: Infinity }, 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [{ days: 1e300 }, 'expiration', 'null, a boolean, a number (seconds up to 1e8'],
    [-1e303, 'duration', 'a finite number of seconds'],
    [new Date(Number.NaN), 'expiration', 'a valid Date'],
    [{ year: 2012, month: 13, day: 1 }, 'date', "a date 'YYYY-M-D' that exists"],
    [{ hour: 25, minute: 0, second: 0, microsecond: 0, offsetMinutes: 0 }, 'time', "a time 'HH:MM"],
    ['$.', 'expiration', "a data pointer '$.key[.key…][:ignore_missing]' with no empty key"],
    ['$.a..b', 'expiration', "a data pointer '$.key[.key…][:ignore_missing]' with no empty key"],
    ['$.a.', 'expiration', "a data pointer '$.key[.key…][:ignore_missing]' with no empty key"],
    [new Uint8Array([0xff]), 'expiration', 'UTF-8 text'],
  ])('rejects %s when compiled (kind %s)', (spec, kind, expected) => {
    const error = catchParseError(() => compileExpiry(spec as ExpirySpec))
    expect(error.code).toBe('ERR_EXPIRY_PARSE')
    expect(error.kind).toBe(kind)
    expect(error.input).toBe(spec)
    expect(error.expected).toContain(expected)
  })

  it('names the bad spec and the accepted forms in the message', () => {
    expect(() => compileExpiry('abc')).toThrow(
      "Invalid expiration 'abc': expected a duration ('30', '10:15:30', 'P4D', '1d 2h'), a " +
        "datetime ('2012-04-23T09:15:00Z'), a date ('2012-04-23'), a time of day with a zone " +
        "('11:05:00Z') or a data pointer ('$.token.expiration')",
    )
  })

  describe('data pointers', () => {
    it.each<[unknown, number]>([
      [{ token: { expiration: '30 minutes' } }, FETCHED + 30 * M],
      [{ token: { expiration: '12 hours' } }, FETCHED + 12 * H],
      [{ token: { expiration: '2022-01-30T00:00:00+0000' } }, Date.parse('2022-01-30T00:00:00Z')],
      [{ token: { expiration: true } }, -Infinity],
      [{ token: { expiration: null } }, Infinity],
      [{ token: { expiration: undefined } }, Infinity],
      [{ token: { expiration: 432_000 } }, FETCHED + 5 * D],
      [{ token: { expiration: 1_641_021_310 } }, Date.parse('2022-01-01T07:15:10Z')],
      [{ token: { expiration: new Date(0) } }, 0],
      [new Map([['token', new Map([['expiration', '1h']])]]), FETCHED + H],
      [new Map([['token', { expiration: '1h' }]]), FETCHED + H],
      [{ token: new Map([['expiration', '1h']]) }, FETCHED + H],
    ])('follows $.token.expiration into %j', (value, expected) => {
      expect(compileExpiry('$.token.expiration')(item(value), NOW)).toBe(expected)
    })

    it('follows a pointer that leads to another pointer', () => {
      const value = { a: '$.b', b: '1h' }
      expect(compileExpiry('$.a')(item(value), NOW)).toBe(FETCHED + H)
    })

    it('reads class getters and array indexes', () => {
      class Token {
        get expiresIn(): string {
          return '5m'
        }
      }
      expect(compileExpiry('$.token.expiresIn')(item({ token: new Token() }), NOW)).toBe(
        FETCHED + 5 * M,
      )
      expect(compileExpiry('$.items.1')(item({ items: ['1s', '2s'] }), NOW)).toBe(FETCHED + 2 * S)
    })

    it('calls a function found at the path with the cached item', () => {
      const fn = vi.fn(() => '1h')
      const cached = item({ token: { expiration: fn } })
      expect(compileExpiry('$.token.expiration')(cached, NOW)).toBe(FETCHED + H)
      expect(fn).toHaveBeenCalledWith(cached)
    })

    it.each([
      [{ token: {} }],
      [{}],
      [{ token: 'abc' }],
      [{ token: null }],
      [null],
      [42],
      [{ token: { toString: undefined } }],
      [new Map([['token', new Map()]])],
      [{ token: [] }],
    ])('throws when %j has nothing at the path', (value) => {
      const resolve = compileExpiry('$.token.expiration')
      const error = catchParseError(() => resolve(item(value), NOW))
      expect(error.kind).toBe('expiration')
      expect(error.input).toBe('$.token.expiration')
      expect(error.message).toBe(
        "Invalid expiration '$.token.expiration': expected the cached value to hold a value at " +
          "this path (end the pointer with ':ignore_missing' or set ignoreMissing to let a " +
          'missing value never expire)',
      )
    })

    it('reads own properties and class getters, never inherited data or methods', () => {
      // One grammar with dispose targets (compilePointer): inherited data is not the value's own.
      const token: unknown = Object.create({ expiration: '2h' })
      const error = catchParseError(() => compileExpiry('$.token.expiration')(item({ token }), NOW))
      expect(error.input).toBe('$.token.expiration')
      class Token {
        expiration(): string {
          return '1h'
        }
      }
      expect(() => compileExpiry('$.token.expiration')(item({ token: new Token() }), NOW)).toThrow(
        ExpiryParseError,
      )
    })

    it("does not see Object.prototype's members as data", () => {
      const error = catchParseError(() => compileExpiry('$.toString')(item({}), NOW))
      expect(error.input).toBe('$.toString')
      expect(() => compileExpiry('$.constructor')(item({}), NOW)).toThrow(ExpiryParseError)
      expect(compileExpiry('$.toString')(item({ toString: '1s' }), NOW)).toBe(FETCHED + S)
    })

    it('never expires on a missing value with :ignore_missing', () => {
      expect(compileExpiry('$.token.expiration:ignore_missing')(item({}), NOW)).toBe(Infinity)
      expect(
        compileExpiry('$.token.expiration:ignore_missing')(item({ token: { expiration: '1s' } })),
      ).toBe(FETCHED + S)
    })

    it('never expires on a missing value with ignoreMissing', () => {
      const resolve = compileExpiry('$.token.expiration', { ignoreMissing: true })
      expect(resolve(item({ token: 1 }), NOW)).toBe(Infinity)
    })

    it('takes null options as omitted', () => {
      // It used to throw a TypeError reading ignoreMissing from null.
      expect(compileExpiry('10 minutes', null)(item(1), NOW)).toBe(FETCHED + 10 * M)
      expect(() => compileExpiry('$.missing', null)(item({}), NOW)).toThrow(ExpiryParseError)
    })

    it('passes ignoreMissing on to a pointer a function returns', () => {
      const resolve = compileExpiry(() => '$.missing', { ignoreMissing: true })
      expect(resolve(item({}), NOW)).toBe(Infinity)
    })

    it('reads the shared pointer grammar: $, [index] and Map number keys', () => {
      expect(compileExpiry('$')(item('1h'), NOW)).toBe(FETCHED + H)
      expect(compileExpiry('$.items[1]')(item({ items: ['1s', '2s'] }), NOW)).toBe(FETCHED + 2 * S)
      const byNumber = new Map([[7, '1m']])
      expect(compileExpiry('$.m[7]')(item({ m: byNumber }), NOW)).toBe(FETCHED + M)
      expect(compileExpiry('$[0]:ignore_missing')(item([]), NOW)).toBe(Infinity)
    })

    it('rejects a pointer with * when compiled: an expiration is one value', () => {
      const error = catchParseError(() => compileExpiry('$.tokens.*'))
      expect(error.kind).toBe('expiration')
      expect(error.input).toBe('$.tokens.*')
      expect(error.message).toBe(
        "Invalid expiration '$.tokens.*': expected a data pointer without *: an expiration is " +
          'one value',
      )
    })

    it('rejects a malformed pointer when compiled, with the grammar in the message', () => {
      for (const spec of ['$a', '$[x]', '$.a[0', '$.a.']) {
        const error = catchParseError(() => compileExpiry(spec))
        expect(error.kind).toBe('expiration')
        expect(error.message).toBe(
          `Invalid expiration '${spec}': expected a data pointer '$.key[.key…][:ignore_missing]' ` +
            'with no empty key, where a key is a name or * (every value), and [0] reads an ' +
            "index: '$', '$.a.b', '$.a[0]', '$.a.*'",
        )
      }
    })

    it('rejects a malformed value at the path when it is resolved', () => {
      const error = catchParseError(() => compileExpiry('$.exp')(item({ exp: '2012-13-01' }), NOW))
      expect(error.input).toBe('2012-13-01')
      expect(error.kind).toBe('expiration')
    })
  })

  describe('functions', () => {
    it('calls a function with the cached item and resolves what it returns', () => {
      const fn = vi.fn((cached: CachedItem<number>) => (cached.value > 10 ? '10s' : '1 day'))
      const resolve = compileExpiry(fn)
      const small = item(5)
      expect(resolve(small, NOW)).toBe(FETCHED + D)
      expect(fn).toHaveBeenCalledWith(small)
      expect(resolve(item(11), NOW)).toBe(FETCHED + 10 * S)
    })

    it('resolves any spec a function returns', () => {
      const specs: ExpirySpec[] = [
        true,
        null,
        432_000,
        new Date(5),
        { year: 2022, month: 1, day: 1 },
        '11:05:00Z',
        (cached) => (cached.isError ? '1s' : '2s'),
      ]
      expect(specs.map((spec) => compileExpiry(() => spec)(item(0), NOW))).toEqual([
        -Infinity,
        Infinity,
        FETCHED + 5 * D,
        5,
        Date.parse('2022-01-01T00:00:00Z'),
        Date.parse('2022-09-30T11:05:00Z'),
        FETCHED + 2 * S,
      ])
    })

    it('gives a promise when a function is async', async () => {
      const resolve = compileExpiry(async (cached: CachedItem<number>) => {
        await Promise.resolve()
        return cached.value > 1
      })
      const pending = resolve(item(2), NOW)
      expect(pending).toBeInstanceOf(Promise)
      await expect(pending).resolves.toBe(-Infinity)
      await expect(resolve(item(0), NOW)).resolves.toBe(Infinity)
    })

    it('gives a promise when a function returns a thenable', async () => {
      const thenable: PromiseLike<ExpirySpec> = {
        then: (onFulfilled) => Promise.resolve('1m').then(onFulfilled),
      }
      await expect(compileExpiry(() => thenable)(item(0), NOW)).resolves.toBe(FETCHED + M)
    })

    it('follows an async function returned by a pointer', async () => {
      const value = { exp: () => Promise.resolve('P1D') }
      await expect(compileExpiry('$.exp')(item(value), NOW)).resolves.toBe(FETCHED + D)
    })

    it('rejects with ExpiryParseError when an async function resolves to a bad spec', async () => {
      const error = await rejectedParseError(compileExpiry(() => Promise.resolve('P4Y'))(item(0)))
      expect(error.input).toBe('P4Y')
      expect(error.kind).toBe('expiration')
    })

    it('throws ExpiryParseError when a sync function returns a bad spec', () => {
      const error = catchParseError(() => compileExpiry(() => 'abc')(item(0), NOW))
      expect(error.input).toBe('abc')
    })

    it("lets a function's own error through unchanged", async () => {
      const boom = new Error('boom')
      expect(() =>
        compileExpiry(() => {
          throw boom
        })(item(0)),
      ).toThrow(boom)
      await expect(compileExpiry(() => Promise.reject(boom))(item(0))).rejects.toBe(boom)
    })

    it('stops a spec that keeps returning functions', () => {
      const loop: ExpirySpec = () => loop
      const error = catchParseError(() => compileExpiry(loop)(item(0), NOW))
      expect(error.expected).toBe(
        'a spec that resolves within 32 nested functions and data pointers',
      )
      const selfPointer = { a: '$.a' }
      expect(() => compileExpiry('$.a')(item(selfPointer), NOW)).toThrow(
        'expected a spec that resolves within 32 nested functions and data pointers',
      )
    })

    it('follows up to 32 nested functions', () => {
      let spec: ExpirySpec = '1s'
      for (let i = 0; i < 32; i++) {
        const inner: ExpirySpec = spec
        spec = () => inner
      }
      expect(compileExpiry(spec)(item(0), NOW)).toBe(FETCHED + S)
      const deeper = spec
      expect(() => compileExpiry(() => deeper)(item(0), NOW)).toThrow(ExpiryParseError)
    })
  })

  it('types a static spec as sync and anything else as possibly async', () => {
    expectTypeOf(compileExpiry(30)).toEqualTypeOf<ExpiryResolver<unknown, number>>()
    expectTypeOf(compileExpiry({ days: 1 })(item(0))).toEqualTypeOf<number>()
    expectTypeOf(compileExpiry('1h')(item(0))).toEqualTypeOf<number | Promise<number>>()
    expectTypeOf(
      compileExpiry((cached: CachedItem<{ ttl: string }>) => cached.value.ttl),
    ).toEqualTypeOf<ExpiryResolver<{ ttl: string }>>()
  })
})
