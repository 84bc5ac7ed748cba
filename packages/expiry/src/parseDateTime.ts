import {
  daysFromCivil,
  DAY_MS,
  isValidDate,
  unixTimestampToMs,
  zoneOffsetMinutes,
} from './calendar.js'
import { ExpiryParseError } from './expiryParseError.js'
import { parseNumeric, toText } from './inputText.js'

/** What {@link parseDateTime} accepts: a unix timestamp, a string or its UTF-8 bytes, a `Date`. */
export type DateTimeInput = number | string | Uint8Array | Date

// pydantic's datetime: `YYYY-M-D`, `T` or a space, `H:M[:S[.ffffff]]`, an optional zone.
const datetimeRe =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d{0,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/

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
export function dateTimeToMs(input: DateTimeInput): number | undefined {
  if (typeof input === 'number') return Number.isNaN(input) ? undefined : unixTimestampToMs(input)
  if (input instanceof Date) {
    const ms = input.getTime()
    return Number.isNaN(ms) ? undefined : ms
  }
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) return undefined
  return dateTimeTextToMs(toText(input, 'datetime').trim())
}

/** Epoch ms of a trimmed datetime string or numeric timestamp string, or `undefined`. */
export function dateTimeTextToMs(text: string): number | undefined {
  const numeric = parseNumeric(text)
  if (numeric !== undefined) return Number.isNaN(numeric) ? undefined : unixTimestampToMs(numeric)
  const match = datetimeRe.exec(text)
  if (match === null) return undefined
  const [, y, mo, d, h, mi, s, fraction, zone] = match
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s ?? 0)
  if (!isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined
  const offset = zone === undefined ? 0 : zoneOffsetMinutes(zone)
  if (offset === undefined) return undefined
  const millis = fraction === undefined ? 0 : Math.floor(Number(fraction.padEnd(6, '0')) / 1000)
  return (
    daysFromCivil(year, month, day) * DAY_MS +
    ((hour * 60 + minute - offset) * 60 + second) * 1000 +
    millis
  )
}
