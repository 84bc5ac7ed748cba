import { describe, expect, it } from 'vitest'

import { catchParseError } from '../test/catchParseError.js'
import { parseDateTime, type DateTimeInput } from './parseDateTime.js'

describe('parseDateTime', () => {
  // aquiche's test_time_parse.py datetimes, as UTC instants at millisecond resolution.
  it.each<[DateTimeInput, string]>([
    // timestamps in seconds
    ['1494012444.883309', '2017-05-05T19:27:24.883Z'],
    [1_494_012_444.883_309, '2017-05-05T19:27:24.883Z'],
    ['1494012444', '2017-05-05T19:27:24.000Z'],
    [1_494_012_444, '2017-05-05T19:27:24.000Z'],
    [0, '1970-01-01T00:00:00.000Z'],
    [-1, '1969-12-31T23:59:59.000Z'],
    [-1_494_012_444, '1922-08-29T04:32:36.000Z'],
    // above 2e10: milliseconds, then µs, then ns
    ['1494012444000.883309', '2017-05-05T19:27:24.000Z'],
    ['-1494012444000.883309', '1922-08-29T04:32:35.999Z'],
    [1_494_012_444_000, '2017-05-05T19:27:24.000Z'],
    [19_999_999_999, '2603-10-11T11:33:19.000Z'],
    [20_000_000_001, '1970-08-20T11:33:20.001Z'],
    [1_549_316_052, '2019-02-04T21:34:12.000Z'],
    [1_549_316_052_104, '2019-02-04T21:34:12.104Z'],
    [1_549_316_052_104_324, '2019-02-04T21:34:12.104Z'],
    [1_549_316_052_104_324_096, '2019-02-04T21:34:12.104Z'],
    [1.005, '1970-01-01T00:00:01.005Z'],
    // Python's float() syntax, infinities clamp to datetime.max / datetime.min
    [' 1e9 ', '2001-09-09T01:46:40.000Z'],
    ['1_494_012_444', '2017-05-05T19:27:24.000Z'],
    ['infinity', '9999-12-31T23:59:59.999Z'],
    ['inf', '9999-12-31T23:59:59.999Z'],
    ['inf ', '9999-12-31T23:59:59.999Z'],
    ['INF', '9999-12-31T23:59:59.999Z'],
    [Infinity, '9999-12-31T23:59:59.999Z'],
    [1e50, '9999-12-31T23:59:59.999Z'],
    ['-infinity', '0001-01-01T00:00:00.000Z'],
    ['-inf', '0001-01-01T00:00:00.000Z'],
    [-Infinity, '0001-01-01T00:00:00.000Z'],
    // ISO 8601; no zone means UTC
    ['2012-04-23T09:15:00', '2012-04-23T09:15:00.000Z'],
    ['2012-4-9 4:8:16', '2012-04-09T04:08:16.000Z'],
    ['2012-04-23T09:15', '2012-04-23T09:15:00.000Z'],
    ['2012-04-23T09:15:00Z', '2012-04-23T09:15:00.000Z'],
    ['2012-4-9 4:8:16-0320', '2012-04-09T07:28:16.000Z'],
    ['2012-04-23T10:20:30.400+02:30', '2012-04-23T07:50:30.400Z'],
    ['2012-04-23T10:20:30.400+02', '2012-04-23T08:20:30.400Z'],
    ['2012-04-23T10:20:30.400-02', '2012-04-23T12:20:30.400Z'],
    ['2022-01-01T07:15:10.000Z', '2022-01-01T07:15:10.000Z'],
    ['2022-01-01T07:15:10.123456789Z', '2022-01-01T07:15:10.123Z'],
    ['2012-04-23T23:30:00-01:00', '2012-04-24T00:30:00.000Z'],
    ['2012-04-23T00:30:00+01:00', '2012-04-22T23:30:00.000Z'],
    ['2012-04-23T10:20:30-00:00', '2012-04-23T10:20:30.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['0099-06-15T12:00:00Z', '0099-06-15T12:00:00.000Z'],
    ['9999-12-31T23:59:59.999999Z', '9999-12-31T23:59:59.999Z'],
    [' 2012-04-23T09:15:00Z ', '2012-04-23T09:15:00.000Z'],
  ])('reads %j as %s', (input, expected) => {
    expect(parseDateTime(input).toISOString()).toBe(expected)
  })

  it('reads UTF-8 bytes as their text', () => {
    const bytes = new TextEncoder().encode('2012-04-23T10:20:30.400-02')
    expect(parseDateTime(bytes).toISOString()).toBe('2012-04-23T12:20:30.400Z')
    expect(parseDateTime(new TextEncoder().encode('1494012444')).getTime()).toBe(1_494_012_444_000)
  })

  it('passes a valid Date through as the same object', () => {
    const date = new Date('2017-05-05T00:00:00Z')
    expect(parseDateTime(date)).toBe(date)
  })

  it('gives epoch milliseconds as the Date', () => {
    expect(parseDateTime('2012-04-23T09:15:00Z').getTime()).toBe(1_335_172_500_000)
  })

  it.each<[unknown]>([
    ['x20120423091500'],
    ['2012-04-56T09:15:90'],
    ['2012-13-01T00:00:00'],
    ['2012-02-30T00:00:00'],
    ['2011-02-29T00:00:00'],
    ['1900-02-29T00:00:00'],
    ['0000-01-01T00:00:00'],
    ['2012-04-23T24:00:00'],
    ['2012-04-23T12:60:00'],
    ['2012-04-23T12:00:60'],
    ['2012-04-23T11:05:00-25:00'],
    ['2012-04-23T11:05:00+24:00'],
    ['2012-04-23T11:05:00+02:75'],
    ['2012-04-23T11:05:00Y'],
    ['2012-04-23'],
    ['12:00'],
    ['abc'],
    [''],
    ['nan'],
    ['NaN'],
    [Number.NaN],
    [new Date(Number.NaN)],
    [null],
    [{ year: 2012, month: 4, day: 23 }],
    [new Uint8Array([0xc3])],
  ])('rejects %j', (input) => {
    const error = catchParseError(() => parseDateTime(input as DateTimeInput))
    expect(error.code).toBe('ERR_EXPIRY_PARSE')
    expect(error.kind).toBe('datetime')
    expect(error.input).toBe(input)
    expect(error.message).toMatch(
      /^Invalid datetime .+: expected (an ISO 8601 datetime|UTF-8 text)/,
    )
  })

  it('says what it expected', () => {
    const error = catchParseError(() => parseDateTime('2012-13-01T00:00'))
    expect(error.message).toBe(
      "Invalid datetime '2012-13-01T00:00': expected an ISO 8601 datetime " +
        "'YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]][Z|±HH[:MM]]' with a real date and time, a unix " +
        'timestamp in seconds (ms above 2e10), or a valid Date',
    )
  })
})
