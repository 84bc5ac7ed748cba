import { ExpiryParseError } from './expiryParseError.js'
import { toText } from './inputText.js'

/**
 * A length of time in parts, like Python's `timedelta`: every part optional, any sign, fractions
 * allowed; the total is rounded to whole microseconds. `{ milliseconds: n }` is how a value that
 * {@link parseDuration} already returned is handed back to it unchanged.
 */
export interface Duration {
  /** @default 0 */
  weeks?: number
  /** @default 0 */
  days?: number
  /** @default 0 */
  hours?: number
  /** @default 0 */
  minutes?: number
  /** @default 0 */
  seconds?: number
  /** @default 0 */
  milliseconds?: number
  /** @default 0 */
  microseconds?: number
}

/** What {@link parseDuration} accepts: a number of seconds, a string or its UTF-8 bytes, a {@link Duration}. */
export type DurationInput = number | string | Uint8Array | Duration

const MICROS_PER_UNIT: Readonly<Record<keyof Duration, number>> = {
  weeks: 604_800_000_000,
  days: 86_400_000_000,
  hours: 3_600_000_000,
  minutes: 60_000_000,
  seconds: 1_000_000,
  milliseconds: 1_000,
  microseconds: 1,
}

// `[-]D [day[s], ][[-]H:][-]M:][-]S[.ffffff]`: Django's and pydantic's form, which is also what
// Python prints for a timedelta ("-4 days, 0:15:30"). Each part carries its own sign.
const standardRe =
  /^(?:(-?\d+) (?:days?, )?)?(?:(-?\d+):(?=\d+:\d+))?(?:(-?\d+):)?(-?\d+)(?:\.(\d{1,6})\d{0,6})?$/

// The ISO 8601 parts a timedelta can hold: days, hours, minutes, seconds (no Y, M or W).
const isoRe =
  /^([-+]?)P(?:(\d+(?:\.\d+)?)D)?(?:(T)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/
const isoCalendarRe = /^[-+]?P(?:[^T]*[YMW]|.*W)/

// `1d 2h 3m 4s`, `1 day 42 minutes`: number-unit pairs in any order, case-insensitive, summed.
const humanPairRe = /\s*(\d+(?:\.\d+)?)\s*([a-zµμ]+)\s*/y
const HUMAN_UNITS: ReadonlyMap<string, number> = new Map(
  (
    [
      [['w', 'week', 'weeks'], MICROS_PER_UNIT.weeks],
      [['d', 'day', 'days'], MICROS_PER_UNIT.days],
      [['h', 'hr', 'hrs', 'hour', 'hours'], MICROS_PER_UNIT.hours],
      [['m', 'min', 'mins', 'minute', 'minutes'], MICROS_PER_UNIT.minutes],
      [['s', 'sec', 'secs', 'second', 'seconds'], MICROS_PER_UNIT.seconds],
      [['ms', 'msec', 'msecs', 'millisecond', 'milliseconds'], MICROS_PER_UNIT.milliseconds],
      [['us', 'µs', 'μs', 'microsecond', 'microseconds'], MICROS_PER_UNIT.microseconds],
    ] as const
  ).flatMap(([names, micros]) => names.map((name) => [name, micros] as const)),
)

const EXPECTED =
  "a number of seconds, '[-]D HH:MM:SS[.ffffff]', ISO 8601 'P[nD][T[nH][nM][nS]]' or number-unit " +
  "pairs like '1d 2h 3m 4s' (units w, d, h, m, s, ms, us)"
const EXPECTED_ISO =
  'ISO 8601 days, hours, minutes or seconds (years, months and weeks have no fixed length)'

/**
 * Parses a duration into milliseconds (fractional: the resolution is one microsecond), accepting
 * everything Python's aquiche accepts. A number is a count of seconds; pass `{ milliseconds: n }`
 * to hand back a value this function returned.
 *
 * @example
 * ```ts
 * parseDuration(30) // 30_000
 * parseDuration('10:15:30') // 36_930_000
 * parseDuration('4 10:15:30') // 382_530_000
 * parseDuration('15:30.000001') // 930_000.001
 * parseDuration('P0.5D') // 43_200_000
 * parseDuration('1d42m6s') // 88_926_000
 * parseDuration('10 minutes') // 600_000
 * parseDuration({ milliseconds: 1500 }) // 1500
 * ```
 * @throws {@link ExpiryParseError} for anything else, e.g. `'P4Y'`, `''`, `NaN`.
 */
export function parseDuration(input: DurationInput): number {
  if (typeof input === 'number') {
    const ms = Math.round(input * 1e6) / 1000
    if (!Number.isFinite(ms))
      throw new ExpiryParseError('duration', input, 'a finite number of seconds')
    return ms
  }
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const text = toText(input, 'duration').trim()
    const ms = parseDurationText(text)
    if (ms !== undefined) return ms
    throw new ExpiryParseError(
      'duration',
      input,
      isoCalendarRe.test(text) ? EXPECTED_ISO : EXPECTED,
    )
  }
  const ms = durationObjectToMs(input)
  if (ms !== undefined) return ms
  throw new ExpiryParseError(
    'duration',
    input,
    `${EXPECTED}, or an object of finite ${Object.keys(MICROS_PER_UNIT).join(', ')}`,
  )
}

/** Milliseconds (finite) of a trimmed duration string, or `undefined` if it is not one. */
export function parseDurationText(text: string): number | undefined {
  const standard = standardRe.exec(text)
  const iso = standard === null ? isoRe.exec(text) : null
  const ms =
    standard !== null ? fromStandard(standard) : iso !== null ? fromIso(iso) : fromHuman(text)
  return ms !== undefined && Number.isFinite(ms) ? ms : undefined
}

function fromStandard(match: RegExpExecArray): number {
  const [, days, hours, minutes, seconds = '0', fraction] = match
  let micros = fieldMicros(days, hours, minutes, seconds)
  if (fraction !== undefined) {
    // The fraction takes the sign of the seconds it belongs to: '-30.1' is -30.1 s.
    const fractionMicros = Number(fraction.padEnd(6, '0'))
    micros += seconds.startsWith('-') ? -fractionMicros : fractionMicros
  }
  return micros / 1000
}

function fromIso(match: RegExpExecArray): number | undefined {
  const [, sign, days, t, hours, minutes, seconds] = match
  const hasTime = hours !== undefined || minutes !== undefined || seconds !== undefined
  // 'P', 'PT' and 'P1DT' name no part; Python reads them as zero, ISO 8601 calls them malformed.
  if (t !== undefined ? !hasTime : days === undefined) return undefined
  const micros = Math.round(fieldMicros(days, hours, minutes, seconds))
  return (sign === '-' ? -micros : micros) / 1000
}

/** Microseconds in the days, hours, minutes and seconds a regex matched; a missing field is 0. */
function fieldMicros(
  days: string | undefined,
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
): number {
  return (
    Number(days ?? 0) * MICROS_PER_UNIT.days +
    Number(hours ?? 0) * MICROS_PER_UNIT.hours +
    Number(minutes ?? 0) * MICROS_PER_UNIT.minutes +
    Number(seconds ?? 0) * MICROS_PER_UNIT.seconds
  )
}

function fromHuman(text: string): number | undefined {
  let rest = text.toLowerCase()
  let negative = false
  // A leading sign negates the whole sum ('-1h 30m'), so formatDuration can write negatives.
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-')
    rest = rest.slice(1)
  }
  if (rest.trim() === '') return undefined
  humanPairRe.lastIndex = 0
  let micros = 0
  while (humanPairRe.lastIndex < rest.length) {
    const pair = humanPairRe.exec(rest)
    if (pair === null) return undefined
    const unit = HUMAN_UNITS.get(pair[2]!)
    if (unit === undefined) return undefined
    micros += Number(pair[1]) * unit
  }
  micros = Math.round(micros)
  return (negative ? -micros : micros) / 1000
}

/**
 * Milliseconds (finite, rounded to whole microseconds) of a {@link Duration} object, or
 * `undefined` when `value` is not one or its total overflows.
 */
export function durationObjectToMs(value: unknown): number | undefined {
  if (!isDurationObject(value)) return undefined
  let micros = 0
  for (const key of Object.keys(MICROS_PER_UNIT) as (keyof Duration)[]) {
    micros += (value[key] ?? 0) * MICROS_PER_UNIT[key]
  }
  const ms = Math.round(micros) / 1000
  return Number.isFinite(ms) ? ms : undefined
}

/** Whether `value` is a plain object holding only {@link Duration} parts, at least one of them. */
function isDurationObject(value: unknown): value is Duration {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto !== Object.prototype && proto !== null) return false
  let parts = 0
  for (const [key, part] of Object.entries(value)) {
    if (part === undefined) continue
    if (!Object.hasOwn(MICROS_PER_UNIT, key) || typeof part !== 'number' || !Number.isFinite(part))
      return false
    parts++
  }
  return parts > 0
}
