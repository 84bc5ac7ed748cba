import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { catchParseError } from '../test/catchParseError.js'
import { formatDuration } from './formatDuration.js'
import { parseDuration } from './parseDuration.js'

// Durations at the package's resolution: a whole number of microseconds, up to ±31 years.
const durationMs = fc.integer({ min: -1e15, max: 1e15 }).map((micros) => micros / 1000)

describe('formatDuration', () => {
  it.each<[number, string, string]>([
    [0, '0s', 'PT0S'],
    [1, '1ms', 'PT0.001S'],
    [0.001, '1us', 'PT0.000001S'],
    [30_000, '30s', 'PT30S'],
    [88_926_000, '1d 42m 6s', 'P1DT42M6S'],
    [930_000.001, '15m 30s 1us', 'PT15M30.000001S'],
    [43_200_000, '12h', 'PT12H'],
    [345_600_000, '4d', 'P4D'],
    [4_000.5, '4s 500us', 'PT4.0005S'],
    [-5_400_000, '-1h 30m', '-PT1H30M'],
    [-0.001, '-1us', '-PT0.000001S'],
    [90_061_001.001, '1d 1h 1m 1s 1ms 1us', 'P1DT1H1M1.001001S'],
    [0.0004, '0s', 'PT0S'],
  ])('writes %d ms as %j and %j', (ms, human, iso) => {
    expect(formatDuration(ms)).toBe(human)
    expect(formatDuration(ms, { style: 'human' })).toBe(human)
    expect(formatDuration(ms, { style: 'iso' })).toBe(iso)
  })

  it('writes huge durations in plain digits, never an exponent', () => {
    expect(formatDuration(8.64e16)).toBe('1000000000d')
    expect(formatDuration(8.64e16, { style: 'iso' })).toBe('P1000000000D')
    expect(parseDuration(formatDuration(8.64e16))).toBe(8.64e16)
  })

  it('round-trips through parseDuration in the human style', () => {
    fc.assert(
      fc.property(durationMs, (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms)
      }),
      { numRuns: 300 },
    )
  })

  it('round-trips through parseDuration in the ISO style', () => {
    fc.assert(
      fc.property(durationMs, (ms) => {
        expect(parseDuration(formatDuration(ms, { style: 'iso' }))).toBe(ms)
      }),
      { numRuns: 300 },
    )
  })

  it('writes what parseDuration read, for every documented form', () => {
    for (const text of ['10:15:30', '4 10:15:30', '15:30.000001', 'P0.5D', '1d42m6s']) {
      const ms = parseDuration(text)
      expect(parseDuration(formatDuration(ms))).toBe(ms)
    }
  })

  it.each([Number.NaN, Infinity, -Infinity, '1s' as unknown as number])('rejects %s', (ms) => {
    const error = catchParseError(() => formatDuration(ms))
    expect(error.code).toBe('ERR_EXPIRY_PARSE')
    expect(error.input).toBe(ms)
    expect(error.expected).toBe('a finite number of milliseconds to format')
  })

  it('rejects 1e308 and other numbers whose microseconds overflow, with ExpiryParseError', () => {
    // It used to throw a RangeError from BigInt(Infinity).
    for (const ms of [1e308, -1e308, Number.MAX_VALUE, 1.8e305]) {
      for (const style of ['human', 'iso'] as const) {
        const error = catchParseError(() => formatDuration(ms, { style }))
        expect(error.input).toBe(ms)
        expect(error.message).toBe(
          `Invalid duration ${String(ms)}: expected a number of milliseconds to format of ` +
            'magnitude below 1.79e305 (its count of microseconds must fit a number, or ' +
            'parseDuration could not read it back)',
        )
      }
    }
  })

  it('formats the largest durations it accepts so that parseDuration reads them back', () => {
    // Exactly up to 2^53 µs (about 285 years); beyond, parseDuration's arithmetic in doubles
    // leaves the last digit or so.
    for (const ms of [2 ** 53 / 1000, -(2 ** 53) / 1000, 9_007_199_254.5]) {
      expect(parseDuration(formatDuration(ms))).toBe(ms)
      expect(parseDuration(formatDuration(ms, { style: 'iso' }))).toBe(ms)
    }
    for (const ms of [1.7e305, -1.7e305, 1e300]) {
      for (const style of ['human', 'iso'] as const) {
        expect(parseDuration(formatDuration(ms, { style })) / ms).toBeCloseTo(1, 12)
      }
    }
  })

  it('takes null options as omitted', () => {
    expect(formatDuration(0, null)).toBe('0s')
    expect(formatDuration(5_400_000, null)).toBe('1h 30m')
    expect(formatDuration(5_400_000, undefined)).toBe('1h 30m')
  })
})
