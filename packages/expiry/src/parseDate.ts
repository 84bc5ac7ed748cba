import { civilFromDays, DAY_MS, daysFromCivil, isValidDate, unixTimestampToMs } from './calendar.js'
import { ExpiryParseError } from './expiryParseError.js'
import { parseNumeric, toText } from './inputText.js'

/** A calendar date: `month` 1–12, `day` 1–31, `year` 1–9999 (Python's `date` range). */
export interface DateParts {
  year: number
  month: number
  day: number
}

/** What {@link parseDate} accepts: a unix timestamp, a string or its bytes, {@link DateParts}, a `Date`. */
export type DateInput = number | string | Uint8Array | DateParts | Date

/** `YYYY-M-D`, alone or as the date part of a datetime: groups year, month, day. */
export const DATE_PATTERN: string = String.raw`(\d{4})-(\d{1,2})-(\d{1,2})`
const dateRe = new RegExp(`^${DATE_PATTERN}$`)

const EXPECTED =
  "a date 'YYYY-M-D' that exists (years 1–9999), a unix timestamp in seconds (ms above 2e10), " +
  'a valid Date, or { year, month, day } with month 1–12'

/**
 * Parses a calendar date, accepting everything Python's aquiche accepts. A timestamp (number or
 * numeric string, seconds or milliseconds as in {@link parseDateTime}) and a `Date` give their
 * UTC date; valid {@link DateParts} are returned as they are.
 *
 * @example
 * ```ts
 * parseDate('2012-04-23') // { year: 2012, month: 4, day: 23 }
 * parseDate('2012-4-9') // { year: 2012, month: 4, day: 9 }
 * parseDate(1_494_012_444) // { year: 2017, month: 5, day: 5 }
 * ```
 * @throws {@link ExpiryParseError} for anything else, e.g. `'2012-13-01'`, `'2012-02-30'`.
 */
export function parseDate(input: DateInput): DateParts {
  const parts = toDateParts(input)
  if (parts === undefined) throw new ExpiryParseError('date', input, EXPECTED)
  return parts
}

/** The date an input names, or `undefined` when it names none. */
function toDateParts(input: DateInput): DateParts | undefined {
  if (typeof input === 'number') return timestampDate(input)
  if (typeof input === 'string' || input instanceof Uint8Array) {
    return dateTextToParts(toText(input, 'date').trim())
  }
  if (input instanceof Date) return msDate(input.getTime())
  return isDateParts(input) ? input : undefined
}

/** The date a trimmed date string or numeric timestamp string names, or `undefined`. */
export function dateTextToParts(text: string): DateParts | undefined {
  const numeric = parseNumeric(text)
  if (numeric !== undefined) return timestampDate(numeric)
  const match = dateRe.exec(text)
  return match === null ? undefined : dateOfGroups(match[1], match[2], match[3])
}

/** The date that the groups of a {@link DATE_PATTERN} match name, or `undefined` if none. */
export function dateOfGroups(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
): DateParts | undefined {
  const parts = { year: Number(year), month: Number(month), day: Number(day) }
  return isValidDate(parts.year, parts.month, parts.day) ? parts : undefined
}

/** Whether `value` is an object with a valid `year`, `month` and `day`. */
function isDateParts(value: unknown): value is DateParts {
  if (typeof value !== 'object' || value === null) return false
  const { year, month, day } = value as Partial<Record<keyof DateParts, unknown>>
  return (
    typeof year === 'number' &&
    typeof month === 'number' &&
    typeof day === 'number' &&
    isValidDate(year, month, day)
  )
}

function timestampDate(seconds: number): DateParts | undefined {
  return msDate(unixTimestampToMs(seconds))
}

function msDate(ms: number): DateParts | undefined {
  if (Number.isNaN(ms)) return undefined
  const parts = civilFromDays(Math.floor(ms / DAY_MS))
  return isValidDate(parts.year, parts.month, parts.day) ? parts : undefined
}

/** Epoch ms of midnight UTC at the start of a date. */
export function datePartsToMs({ year, month, day }: DateParts): number {
  return daysFromCivil(year, month, day) * DAY_MS
}
