import { DAY_MS, zoneOffsetMinutes } from './calendar.js'
import { ExpiryParseError } from './expiryParseError.js'
import { parseNumeric, toText } from './inputText.js'

/**
 * A time of day: `hour` 0–23, `minute` and `second` 0–59, `microsecond` 0–999999, and the zone as
 * minutes east of UTC (`-330` for `-05:30`), or `null` when the time named no zone.
 */
export interface TimeOfDay {
  hour: number
  minute: number
  second: number
  microsecond: number
  offsetMinutes: number | null
}

/** What {@link parseTime} accepts: seconds since midnight, a string or its bytes, a {@link TimeOfDay}. */
export type TimeInput = number | string | Uint8Array | TimeOfDay

/**
 * pydantic's time, alone or as the time part of a datetime: `H:M[:S[.ffffff]]` then an optional
 * zone `Z`, `±HH`, `±HHMM` or `±HH:MM`. Groups: hour, minute, second, microsecond digits, zone.
 */
export const TIME_PATTERN: string = String.raw`(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,6})\d{0,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)?`
const timeRe = new RegExp(`^${TIME_PATTERN}$`)

const EXPECTED =
  "a time 'HH:MM[:SS[.ffffff]][Z|±HH[:MM]]' (hour 0–23, minute and second 0–59, zone under " +
  '24h), seconds since midnight from 0 up to 86400, or a valid TimeOfDay'

/**
 * Parses a time of day, accepting everything Python's aquiche accepts. A number (or numeric
 * string) is seconds since midnight, below 86400; a valid {@link TimeOfDay} is returned as it is.
 *
 * @example
 * ```ts
 * parseTime('10:20:30.400')
 * // { hour: 10, minute: 20, second: 30, microsecond: 400_000, offsetMinutes: null }
 * parseTime('11:05:00-05:30') // { hour: 11, minute: 5, …, offsetMinutes: -330 }
 * parseTime('11:05:00Z') // { hour: 11, minute: 5, …, offsetMinutes: 0 }
 * parseTime(3610) // { hour: 1, minute: 0, second: 10, microsecond: 0, offsetMinutes: null }
 * ```
 * @throws {@link ExpiryParseError} for anything else, e.g. `'12:61'`, `'11:05:00-25:00'`, `86400`.
 */
export function parseTime(input: TimeInput): TimeOfDay {
  const time = toTimeOfDay(input)
  if (time === undefined) throw new ExpiryParseError('time', input, EXPECTED)
  return time
}

/** The time of day an input names, or `undefined` when it names none. */
function toTimeOfDay(input: TimeInput): TimeOfDay | undefined {
  if (typeof input === 'number') return secondsOfDay(input)
  if (typeof input === 'string' || input instanceof Uint8Array) {
    return timeTextToTimeOfDay(toText(input, 'time').trim())
  }
  return isTimeOfDay(input) ? input : undefined
}

/** The time of day a trimmed time string or numeric string names, or `undefined`. */
export function timeTextToTimeOfDay(text: string): TimeOfDay | undefined {
  const numeric = parseNumeric(text)
  if (numeric !== undefined) return secondsOfDay(numeric)
  const match = timeRe.exec(text)
  if (match === null) return undefined
  const [, hour, minute, second, fraction, zone] = match
  return timeOfGroups(hour, minute, second, fraction, zone)
}

/** The time of day that the groups of a {@link TIME_PATTERN} match name, or `undefined` if none. */
export function timeOfGroups(
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
  fraction: string | undefined,
  zone: string | undefined,
): TimeOfDay | undefined {
  const offsetMinutes = zone === undefined ? null : zoneOffsetMinutes(zone)
  if (offsetMinutes === undefined) return undefined
  const time: TimeOfDay = {
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
    microsecond: fraction === undefined ? 0 : Number(fraction.padEnd(6, '0')),
    offsetMinutes,
  }
  return isTimeOfDay(time) ? time : undefined
}

/** Whether `value` is an object holding a valid {@link TimeOfDay}. */
function isTimeOfDay(value: unknown): value is TimeOfDay {
  if (typeof value !== 'object' || value === null) return false
  const { hour, minute, second, microsecond, offsetMinutes } = value as Partial<
    Record<keyof TimeOfDay, unknown>
  >
  return (
    inRange(hour, 23) &&
    inRange(minute, 59) &&
    inRange(second, 59) &&
    inRange(microsecond, 999_999) &&
    (offsetMinutes === null ||
      (Number.isInteger(offsetMinutes) && Math.abs(offsetMinutes as number) < 1440))
  )
}

function inRange(value: unknown, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max
}

function secondsOfDay(seconds: number): TimeOfDay | undefined {
  // Python: datetime.min + timedelta(seconds=n), so the same rounding to microseconds, and no
  // negative times.
  if (!(seconds >= 0 && seconds < 86_400)) return undefined
  const micros = Math.round(seconds * 1e6) % (DAY_MS * 1000)
  return {
    hour: Math.floor(micros / 3_600_000_000),
    minute: Math.floor(micros / 60_000_000) % 60,
    second: Math.floor(micros / 1_000_000) % 60,
    microsecond: micros % 1_000_000,
    offsetMinutes: null,
  }
}

/**
 * Epoch ms of a time of day on the calendar day that contains `now` in the time's own zone (UTC
 * when it has none): "today at that time", which may already be past.
 */
export function timeOfDayToMs(time: TimeOfDay, now: number): number {
  const offsetMs = (time.offsetMinutes ?? 0) * 60_000
  const dayStart = Math.floor((now + offsetMs) / DAY_MS) * DAY_MS
  return (
    dayStart +
    ((time.hour * 60 + time.minute) * 60 + time.second) * 1000 +
    time.microsecond / 1000 -
    offsetMs
  )
}
