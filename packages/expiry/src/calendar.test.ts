import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  isValidDate,
  MAX_DATETIME_MS,
  MIN_DATETIME_MS,
  unixTimestampToMs,
  zoneOffsetMinutes,
} from './calendar.js'

describe('calendar', () => {
  it('counts days from the epoch as Date.UTC does', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0100-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }),
        (date) => {
          const year = date.getUTCFullYear()
          const month = date.getUTCMonth() + 1
          const day = date.getUTCDate()
          const days = daysFromCivil(year, month, day)
          expect(days).toBe(Date.UTC(year, month - 1, day) / 86_400_000)
          expect(civilFromDays(days)).toEqual({ year, month, day })
        },
      ),
      { numRuns: 300 },
    )
  })

  it('handles years below 100, which Date.UTC maps to 19xx', () => {
    expect(daysFromCivil(1, 1, 1) * 86_400_000).toBe(MIN_DATETIME_MS)
    expect(civilFromDays(daysFromCivil(99, 12, 31))).toEqual({ year: 99, month: 12, day: 31 })
  })

  it('knows leap years and month lengths', () => {
    expect([2000, 2004, 1900, 2001].map((y) => daysInMonth(y, 2))).toEqual([29, 29, 28, 28])
    expect([1, 3, 4, 6, 9, 11, 12].map((m) => daysInMonth(2001, m))).toEqual([
      31, 31, 30, 30, 30, 30, 31,
    ])
    expect(isValidDate(2012, 4, 31)).toBe(false)
    expect(isValidDate(10_000, 1, 1)).toBe(false)
    expect(isValidDate(2012, 4, 30)).toBe(true)
  })

  it.each<[string, number | undefined]>([
    ['Z', 0],
    ['+02', 120],
    ['-0320', -200],
    ['+02:30', 150],
    ['-00:00', -0],
    ['+23:59', 1439],
    ['+24', undefined],
    ['-25:00', undefined],
    ['+01:60', undefined],
  ])('reads the zone %s as %s minutes', (zone, expected) => {
    expect(zoneOffsetMinutes(zone)).toBe(expected)
  })

  it.each<[number, number]>([
    [0, 0],
    [1.005, 1005],
    [-0.0005, -1],
    [19_999_999_999, 19_999_999_999_000],
    [20_000_000_001, 20_000_000_001],
    [1_549_316_052_104_324, 1_549_316_052_104],
    [-1_494_012_444_000.883, -1_494_012_444_001],
    [3e20, 300_000_000_000],
    [3.1e20, MAX_DATETIME_MS],
    [-3.1e20, MIN_DATETIME_MS],
    [Infinity, MAX_DATETIME_MS],
    [-Infinity, MIN_DATETIME_MS],
    [Number.NaN, Number.NaN],
  ])('reads the timestamp %d as %d ms', (timestamp, expected) => {
    expect(unixTimestampToMs(timestamp)).toBe(expected)
  })
})
