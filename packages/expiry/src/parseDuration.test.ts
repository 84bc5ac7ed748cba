import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { catchParseError } from '../test/catchParseError.js'
import { ExpiryParseError } from './expiryParseError.js'
import { parseDuration, type DurationInput } from './parseDuration.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H

describe('parseDuration', () => {
  // Every valid case of aquiche's test_time_parse.py and README, plus the units this package adds.
  it.each<[DurationInput, number]>([
    // numbers and numeric strings are seconds
    [30, 30 * S],
    ['30', 30 * S],
    [30.1, 30_100],
    [9.9e-5, 0.099],
    [0, 0],
    [-30, -30 * S],
    // [[H:]M:]S
    ['15:30', 15 * M + 30 * S],
    ['5:30', 5 * M + 30 * S],
    ['10:15:30', 10 * H + 15 * M + 30 * S],
    ['1:15:30', H + 15 * M + 30 * S],
    ['100:200:300', 100 * H + 200 * M + 300 * S],
    // days
    ['4 15:30', 4 * D + 15 * M + 30 * S],
    ['4 10:15:30', 4 * D + 10 * H + 15 * M + 30 * S],
    ['4 days, 0:15:30.100000', 4 * D + 15 * M + 30_100],
    ['1 day, 0:00:00', D],
    // fractions of seconds, down to microseconds
    ['15:30.1', 15 * M + 30_100],
    ['15:30.01', 15 * M + 30_010],
    ['15:30.001', 15 * M + 30_001],
    ['15:30.0001', 930_000.1],
    ['15:30.00001', 930_000.01],
    ['15:30.000001', 930_000.001],
    ['15:30.0000019', 930_000.001],
    // each part carries its own sign, as in Python's timedelta
    ['-4 15:30', -4 * D + 15 * M + 30 * S],
    ['-172800', -2 * D],
    ['-15:30', -15 * M + 30 * S],
    ['-1:15:30', -H + 15 * M + 30 * S],
    ['-30.1', -30_100],
    ['-4 days, 0:15:30', -4 * D + 15 * M + 30 * S],
    // ISO 8601
    ['P4D', 4 * D],
    ['P0.5D', 12 * H],
    ['PT5H', 5 * H],
    ['PT5M', 5 * M],
    ['PT5S', 5 * S],
    ['PT0.000005S', 0.005],
    ['P1DT2H3M4.5S', D + 2 * H + 3 * M + 4500],
    ['-P1D', -D],
    ['+PT1H', H],
    // number-unit pairs
    ['1m 10h 10s', 36_070 * S],
    ['1minute 10hour 10second', 36_070 * S],
    ['1minutes 10hours 10seconds', 36_070 * S],
    ['1 minutes 2 days 10 hours 10 seconds', 208_870 * S],
    ['1 m 2 d 10 h 10 s', 208_870 * S],
    ['1 minute 2 day 10 hours 10 seconds', 208_870 * S],
    ['1d42m6s', D + 42 * M + 6 * S],
    ['10 minutes', 10 * M],
    ['10minutes', 10 * M],
    ['5days', 5 * D],
    ['100s 10m', 100 * S + 10 * M],
    ['1 day 42 minutes 6 seconds', D + 42 * M + 6 * S],
    ['1000 HoUrs 2 MiNUTeS 1 SecOnDs', 1000 * H + 2 * M + S],
    ['    1seconds 2   minutes 1000 hours     ', 1000 * H + 2 * M + S],
    ['250ms', 250],
    ['2 milliseconds', 2],
    ['1 millisecond', 1],
    ['7us', 0.007],
    ['7µs', 0.007],
    ['7μs', 0.007],
    ['3 microseconds', 0.003],
    ['2w', 14 * D],
    ['1 week 1 day', 8 * D],
    ['3 weeks', 21 * D],
    ['1.5h', 90 * M],
    ['-1h 30m', -90 * M],
    // surrounding whitespace is ignored
    [' 30 ', 30 * S],
  ])('reads %j as %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected)
  })

  it('reads UTF-8 bytes as their text', () => {
    const bytes = new TextEncoder().encode('15:30.000001')
    expect(parseDuration(bytes)).toBe(930_000.001)
    expect(parseDuration(new TextEncoder().encode('PT0.000005S'))).toBe(0.005)
  })

  it('rounds numbers of seconds to whole microseconds', () => {
    expect(parseDuration(1e-7)).toBe(0)
    expect(parseDuration(1.0000005)).toBe(1000.001)
  })

  it.each<[DurationInput, number]>([
    [{ milliseconds: 1500 }, 1500],
    [{ milliseconds: 930_000.001 }, 930_000.001],
    [{ days: 1, hours: 8 }, D + 8 * H],
    [{ weeks: 1, days: -1 }, 6 * D],
    [{ minutes: 15, seconds: 30, microseconds: 1 }, 930_000.001],
    [{ seconds: 0.0000004 }, 0],
    [{ days: 0.5 }, 12 * H],
  ])('takes the Duration object %j as %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected)
  })

  it('hands back its own result unchanged through { milliseconds }', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (micros) => {
        const ms = micros / 1000
        expect(parseDuration({ milliseconds: parseDuration({ milliseconds: ms }) })).toBe(ms)
      }),
      { numRuns: 200 },
    )
  })

  it.each<[unknown, string]>([
    ['P4Y', 'years, months and weeks have no fixed length'],
    ['P4M', 'years, months and weeks have no fixed length'],
    ['P4W', 'years, months and weeks have no fixed length'],
    ['P1Y2DT3H', 'years, months and weeks have no fixed length'],
    ['P', "ISO 8601 'P[nD][T[nH][nM][nS]]'"],
    ['PT', "ISO 8601 'P[nD][T[nH][nM][nS]]'"],
    ['P1DT', "ISO 8601 'P[nD][T[nH][nM][nS]]'"],
    ['p4d', "ISO 8601 'P[nD][T[nH][nM][nS]]'"],
    ['abc', 'number-unit pairs'],
    ['', 'number-unit pairs'],
    ['   ', 'number-unit pairs'],
    ['10 fortnights', 'units w, d, h, m, s, ms, us'],
    ['10 minutes ago', 'units w, d, h, m, s, ms, us'],
    ['minutes', 'units w, d, h, m, s, ms, us'],
    ['1h,30m', 'units w, d, h, m, s, ms, us'],
    ['+30', 'a number of seconds'],
    ['4 days 10:15:30', 'a number of seconds'],
    ['1:2:3:4', 'a number of seconds'],
    ['15:30.1234567890123', 'a number of seconds'],
    ['1'.repeat(400), 'a number of seconds'],
    [Number.NaN, 'a finite number of seconds'],
    [Infinity, 'a finite number of seconds'],
    [-Infinity, 'a finite number of seconds'],
    [1e303, 'a finite number of seconds'],
    [{}, 'or an object of finite weeks, days, hours, minutes, seconds, milliseconds, microseconds'],
    [{ days: Number.NaN }, 'or an object of finite weeks'],
    [{ days: '1' }, 'or an object of finite weeks'],
    [{ day: 1 }, 'or an object of finite weeks'],
    [{ toString: 1 }, 'or an object of finite weeks'],
    [new Date(0), 'or an object of finite weeks'],
    [null, 'or an object of finite weeks'],
    [new Uint8Array([0xff]), 'UTF-8 text'],
  ])('rejects %j, expecting %s', (input, expected) => {
    const error = catchParseError(() => parseDuration(input as DurationInput))
    expect(error).toBeInstanceOf(ExpiryParseError)
    expect(error.code).toBe('ERR_EXPIRY_PARSE')
    expect(error.kind).toBe('duration')
    expect(error.input).toBe(input)
    expect(error.expected).toContain(expected)
  })

  it('names the value and what it expected in the message', () => {
    expect(() => parseDuration('P4Y')).toThrow(
      new ExpiryParseError(
        'duration',
        'P4Y',
        'ISO 8601 days, hours, minutes or seconds (years, months and weeks have no fixed length)',
      ),
    )
    expect(() => parseDuration('P4Y')).toThrow(
      "Invalid duration 'P4Y': expected ISO 8601 days, hours, minutes or seconds (years, months and weeks have no fixed length)",
    )
  })
})
