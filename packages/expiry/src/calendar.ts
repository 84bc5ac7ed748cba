// Proleptic Gregorian calendar arithmetic in UTC, zone offsets and unix timestamps, shared by the
// date, time and datetime parsers. Pure integer math: no Date.UTC (it maps years 0–99 to 19xx).

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000

/** `9999-12-31T23:59:59.999Z`, Python's `datetime.max` at millisecond resolution. */
export const MAX_DATETIME_MS = 253_402_300_799_999

/** `0001-01-01T00:00:00Z`, Python's `datetime.min`. */
export const MIN_DATETIME_MS = -62_135_596_800_000

// Above this many seconds a timestamp is read as ms, then µs, then ns (pydantic's watershed):
// 2e10 s is the year 2603, 2e10 ms is 20 August 1970.
const MS_WATERSHED = 2e10
// Beyond this a timestamp is past Python's datetime.max in any unit: it clamps.
const MAX_TIMESTAMP = 3e20

/** Whether `year` is a leap year. */
function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/** Whether `year`-`month`-`day` is a real calendar date Python's `date` accepts (years 1–9999). */
export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    year >= 1 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  )
}

/** Days from 1970-01-01 to a civil date (Howard Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146_097 + doe - 719_468
}

/** The civil date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day }
}

/**
 * Minutes east of UTC for a zone suffix `Z`, `±HH`, `±HHMM` or `±HH:MM`, or `undefined` when the
 * suffix is out of range (an hour part of 24 or more, or minutes above 59).
 */
export function zoneOffsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0
  const hours = Number(zone.slice(1, 3))
  const minutes = zone.length > 3 ? Number(zone.slice(-2)) : 0
  if (hours > 23 || minutes > 59) return undefined
  const offset = hours * 60 + minutes
  return zone.startsWith('-') ? -offset : offset
}

/**
 * Epoch milliseconds (floored) of a unix timestamp in seconds, or in ms, µs or ns when it is
 * large enough to be one (pydantic's rule); ±Infinity and values past 3e20 clamp to Python's
 * `datetime.max` / `datetime.min`. NaN gives NaN, for the caller to reject.
 */
export function unixTimestampToMs(timestamp: number): number {
  if (timestamp > MAX_TIMESTAMP) return MAX_DATETIME_MS
  if (timestamp < -MAX_TIMESTAMP) return MIN_DATETIME_MS
  let seconds = timestamp
  let divisions = 0
  while (Math.abs(seconds) > MS_WATERSHED) {
    seconds /= 1000
    divisions++
  }
  // Round to whole microseconds as timedelta does, with one correctly rounded operation on the
  // original value so that 1.005 s is 1005 ms, not 1004.999….
  const shift = 6 - 3 * divisions
  const micros = Math.round(shift >= 0 ? timestamp * 10 ** shift : timestamp / 10 ** -shift)
  return Math.floor(micros / 1000)
}
