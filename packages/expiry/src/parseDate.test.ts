import { describe, expect, it } from 'vitest'

import { catchParseError } from '../test/catchParseError.js'
import { parseDate, type DateInput, type DateParts } from './parseDate.js'

describe('parseDate', () => {
  // aquiche's test_time_parse.py dates.
  it.each<[DateInput, DateParts]>([
    ['1494012444.883309', { year: 2017, month: 5, day: 5 }],
    [1_494_012_444.883_309, { year: 2017, month: 5, day: 5 }],
    ['1494012444', { year: 2017, month: 5, day: 5 }],
    [1_494_012_444, { year: 2017, month: 5, day: 5 }],
    [0, { year: 1970, month: 1, day: 1 }],
    [-1, { year: 1969, month: 12, day: 31 }],
    ['2012-04-23', { year: 2012, month: 4, day: 23 }],
    ['2012-4-9', { year: 2012, month: 4, day: 9 }],
    ['2000-02-29', { year: 2000, month: 2, day: 29 }],
    [19_999_999_999, { year: 2603, month: 10, day: 11 }],
    [20_000_000_001, { year: 1970, month: 8, day: 20 }],
    [1_549_316_052, { year: 2019, month: 2, day: 4 }],
    [1_549_316_052_104, { year: 2019, month: 2, day: 4 }],
    [1_549_316_052_104_324, { year: 2019, month: 2, day: 4 }],
    [1_549_316_052_104_324_096, { year: 2019, month: 2, day: 4 }],
    ['infinity', { year: 9999, month: 12, day: 31 }],
    ['inf', { year: 9999, month: 12, day: 31 }],
    [Infinity, { year: 9999, month: 12, day: 31 }],
    ['infinity ', { year: 9999, month: 12, day: 31 }],
    [1e300, { year: 9999, month: 12, day: 31 }],
    ['-infinity', { year: 1, month: 1, day: 1 }],
    ['-inf', { year: 1, month: 1, day: 1 }],
    [new Date('2012-04-09T12:15:00Z'), { year: 2012, month: 4, day: 9 }],
    [new Date('2012-04-09T23:59:59.999-05:00'), { year: 2012, month: 4, day: 10 }],
    [new Date('3000-01-01T00:00:00Z'), { year: 3000, month: 1, day: 1 }],
  ])('reads %j as %j', (input, expected) => {
    expect(parseDate(input)).toEqual(expected)
  })

  it('reads UTF-8 bytes as their text', () => {
    expect(parseDate(new TextEncoder().encode('2012-04-23'))).toEqual({
      year: 2012,
      month: 4,
      day: 23,
    })
  })

  it('passes valid DateParts through as the same object', () => {
    const parts = { year: 2012, month: 4, day: 9 }
    expect(parseDate(parts)).toBe(parts)
  })

  it.each<[unknown]>([
    ['x20120423'],
    ['2012-04-56'],
    ['2012-13-01'],
    ['2012-00-01'],
    ['2012-02-30'],
    ['2011-02-29'],
    ['0000-01-01'],
    ['12-04-23'],
    ['2012-04-23T00:00:00'],
    ['nan'],
    [''],
    [Number.NaN],
    [new Date(Number.NaN)],
    [new Date(-8.64e15)],
    [{ year: 2012, month: 13, day: 1 }],
    [{ year: 2012, month: 2, day: 30 }],
    [{ year: 2012.5, month: 2, day: 1 }],
    [{ year: 2012, month: 2 }],
    [undefined],
  ])('rejects %j', (input) => {
    const error = catchParseError(() => parseDate(input as DateInput))
    expect(error.code).toBe('ERR_EXPIRY_PARSE')
    expect(error.kind).toBe('date')
    expect(error.input).toBe(input)
    expect(error.expected).toBe(
      "a date 'YYYY-M-D' that exists (years 1–9999), a unix timestamp in seconds (ms above 2e10), " +
        'a valid Date, or { year, month, day } with month 1–12',
    )
  })
})
