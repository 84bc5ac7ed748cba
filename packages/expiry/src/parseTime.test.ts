import { describe, expect, it } from 'vitest'

import { catchParseError } from '../test/catchParseError.js'
import { parseTime, timeOfDayToMs, type TimeInput, type TimeOfDay } from './parseTime.js'

function time(
  hour: number,
  minute: number,
  second = 0,
  microsecond = 0,
  offsetMinutes: number | null = null,
): TimeOfDay {
  return { hour, minute, second, microsecond, offsetMinutes }
}

describe('parseTime', () => {
  // aquiche's test_time_parse.py times.
  it.each<[TimeInput, TimeOfDay]>([
    ['09:15:00', time(9, 15)],
    ['10:10', time(10, 10)],
    ['10:20:30.400', time(10, 20, 30, 400_000)],
    ['4:8:16', time(4, 8, 16)],
    ['23:59:59.999999', time(23, 59, 59, 999_999)],
    ['10:20:30.1234567', time(10, 20, 30, 123_456)],
    [3610, time(1, 0, 10)],
    ['3610', time(1, 0, 10)],
    [3600.5, time(1, 0, 0, 500_000)],
    [86_400 - 1, time(23, 59, 59)],
    [0, time(0, 0)],
    [86_399.9999999, time(0, 0)],
    ['11:05:00-05:30', time(11, 5, 0, 0, -330)],
    ['11:05:00-0530', time(11, 5, 0, 0, -330)],
    ['11:05:00Z', time(11, 5, 0, 0, 0)],
    ['11:05:00+00', time(11, 5, 0, 0, 0)],
    ['11:05-06', time(11, 5, 0, 0, -360)],
    ['11:05+06', time(11, 5, 0, 0, 360)],
    ['11:05+23:59', time(11, 5, 0, 0, 1439)],
  ])('reads %j as %j', (input, expected) => {
    expect(parseTime(input)).toEqual(expected)
  })

  it('reads UTF-8 bytes as their text', () => {
    expect(parseTime(new TextEncoder().encode('10:20:30.400'))).toEqual(time(10, 20, 30, 400_000))
  })

  it('passes a valid TimeOfDay through as the same object', () => {
    const value = time(4, 8, 16, 0, 60)
    expect(parseTime(value)).toBe(value)
  })

  it.each<[unknown]>([
    [86_400],
    [-1],
    [Number.NaN],
    [Infinity],
    ['xxx'],
    ['091500'],
    ['09:15:90'],
    ['12:61'],
    ['24:00'],
    ['11:05:00Y'],
    ['11:05:00-25:00'],
    ['11:05:00+24'],
    ['11:05:00+01:60'],
    [''],
    [time(24, 0)],
    [time(12, 0, 0, 1_000_000)],
    [time(12, 0, 0, 0, 1440)],
    [time(12, 0.5)],
    [{ hour: 12, minute: 0 }],
    [new Date(0)],
  ])('rejects %j', (input) => {
    const error = catchParseError(() => parseTime(input as TimeInput))
    expect(error.code).toBe('ERR_EXPIRY_PARSE')
    expect(error.kind).toBe('time')
    expect(error.input).toBe(input)
    expect(error.message).toMatch(/^Invalid time .+: expected a time 'HH:MM\[:SS\[\.ffffff\]\]/)
  })
})

describe('timeOfDayToMs', () => {
  const now = Date.parse('2022-09-30T12:00:00Z')

  it.each<[TimeOfDay, string]>([
    [time(11, 5, 0, 0, 0), '2022-09-30T11:05:00.000Z'],
    [time(13, 0, 0, 0, null), '2022-09-30T13:00:00.000Z'],
    [time(23, 59, 59, 999_000, 0), '2022-09-30T23:59:59.999Z'],
    // 12:00Z is already the 1st of October at +14:00, and still the 30th at -05:30
    [time(9, 0, 0, 0, 14 * 60), '2022-09-30T19:00:00.000Z'],
    [time(11, 5, 0, 0, -330), '2022-09-30T16:35:00.000Z'],
    [time(11, 5, 0, 0, 360), '2022-09-30T05:05:00.000Z'],
  ])('places %j on the day that holds now in its zone', (value, expected) => {
    expect(new Date(timeOfDayToMs(value, now)).toISOString()).toBe(expected)
  })

  it('keeps microseconds as a fraction of a millisecond', () => {
    expect(timeOfDayToMs(time(0, 0, 0, 1, 0), Date.parse('2022-09-30T12:00:00Z'))).toBe(
      Date.parse('2022-09-30T00:00:00Z') + 0.001,
    )
  })
})
