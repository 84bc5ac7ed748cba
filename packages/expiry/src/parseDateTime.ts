import { unixTimestampToMs } from './calendar.js'
import { ExpiryParseError } from './expiryParseError.js'
import { parseNumeric, toText } from './inputText.js'
import { DATE_PATTERN, dateOfGroups, datePartsToMs } from './parseDate.js'
import { TIME_PATTERN, timeOfGroups } from './parseTime.js'

/** What {@link parseDateTime} accepts: a unix timestamp, a string or its UTF-8 bytes, a `Date`. */
export type DateTimeInput = number | string | Uint8Array | Date

// pydantic's datetime: a date, `T` or a space, and a time of day with an optional zone.
const datetimeRe = new RegExp(`^${DATE_PATTERN}[T ]${TIME_PATTERN}$`)

const EXPECTED =
  "an ISO 8601 datetime 'YYYY-MM-DD[T ]HH:MM[:SS[.ffffff]][Z|±HH[:MM]]' with a real date and " +
  'time, a unix timestamp in seconds (ms above 2e10), or a valid Date'

/**
 * Parses a datetime into a `Date`, accepting everything Python's aquiche accepts. A datetime
 * without a zone is UTC. A timestamp (number or numeric string) is in seconds, or in
 * milliseconds (µs, ns) when its magnitude is above 2e10, as pydantic reads it; `±Infinity`
 * clamps to 9999-12-31T23:59:59.999Z / 0001-01-01T00:00:00Z. A valid `Date` is returned as is.
 * Sub-millisecond digits are dropped (a `Date` holds milliseconds).
 *
 * @example
 * ```ts
 * parseDateTime('2012-04-23T09:15:00Z') // 2012-04-23T09:15:00.000Z
 * parseDateTime('2012-4-9 4:8:16-0320') // 2012-04-09T07:28:16.000Z
 * parseDateTime('2012-04-23T10:20:30.400+02:30') // 2012-04-23T07:50:30.400Z
 * parseDateTime(1_494_012_444) // 2017-05-05T19:27:24.000Z
 * parseDateTime('1494012444000') // 2017-05-05T19:27:24.000Z (milliseconds)
 * ```
 * @throws {@link ExpiryParseError} for anything else, e.g. `'2012-13-01T00:00'`, `'abc'`, `NaN`.
 */
export function parseDateTime(input: DateTimeInput): Date {
  const ms = dateTimeToMs(input)
  if (ms === undefined) throw new ExpiryParseError('datetime', input, EXPECTED)
  return input instanceof Date ? input : new Date(ms)
}

/** Epoch ms of a datetime input, or `undefined` when it is not one. */
function dateTimeToMs(input: DateTimeInput): number | undefined {
  if (typeof input === 'number') return validMs(unixTimestampToMs(input))
  if (input instanceof Date) return validMs(input.getTime())
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return undefined
  return dateTimeTextToMs(toText(input, 'datetime').trim())
}

/** Epoch ms of a trimmed datetime string or numeric timestamp string, or `undefined`. */
export function dateTimeTextToMs(text: string): number | undefined {
  const numeric = parseNumeric(text)
  if (numeric !== undefined) return validMs(unixTimestampToMs(numeric))
  const match = datetimeRe.exec(text)
  if (match === null) return undefined
  const [, year, month, day, hour, minute, second, fraction, zone] = match
  const date = dateOfGroups(year, month, day)
  const time = timeOfGroups(hour, minute, second, fraction, zone)
  if (date === undefined || time === undefined) return undefined
  const minutes = time.hour * 60 + time.minute - (time.offsetMinutes ?? 0)
  // Whole milliseconds: the microseconds below them do not fit in a Date.
  return (
    datePartsToMs(date) + (minutes * 60 + time.second) * 1000 + Math.floor(time.microsecond / 1000)
  )
}

/** `ms`, or `undefined` for the NaN of a NaN timestamp or an invalid Date. */
function validMs(ms: number): number | undefined {
  return Number.isNaN(ms) ? undefined : ms
}
