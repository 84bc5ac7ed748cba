import { unixTimestampToMs } from './calendar.js'
import { EXPECTED_POINTER, parsePointer, pointerFrom } from './compilePointer.js'
import { ExpiryParseError } from './expiryParseError.js'
import { toText } from './inputText.js'
import { dateTextToParts, datePartsToMs, parseDate, type DateParts } from './parseDate.js'
import { dateTimeTextToMs } from './parseDateTime.js'
import {
  durationObjectToMs,
  parseDuration,
  parseDurationText,
  type Duration,
} from './parseDuration.js'
import { parseTime, timeOfDayToMs, timeTextToTimeOfDay, type TimeOfDay } from './parseTime.js'

/** What an expiration function receives: the cached value and when it was fetched. */
export interface CachedItem<V = unknown> {
  /** The value the cached function returned, or what it threw when `isError` (negative cache). */
  readonly value: V
  /** When the value was fetched, in epoch milliseconds. */
  readonly fetchedAt: number
  /** Whether `value` is an error the function threw rather than a value it returned. */
  readonly isError: boolean
}

/**
 * The specs whose expiry is known without calling anything: {@link resolveExpiry} and
 * {@link compileExpiry} return a plain number for them, never a promise.
 * - `null` / `undefined` / `false`: never expires; `true`: always expired.
 * - a number up to 1e8: refresh interval in seconds from `fetchedAt`; above 1e8: a unix
 *   timestamp (seconds, or ms above 2e10); `Infinity`: never; `-Infinity`: always expired.
 * - a `Date` or {@link DateParts} (midnight UTC): an absolute expiry.
 * - a {@link Duration}: refresh interval from `fetchedAt`.
 * - a {@link TimeOfDay}: today at that time in its zone (UTC without one).
 */
export type StaticExpirySpec =
  null | undefined | boolean | number | Date | Duration | DateParts | TimeOfDay

/**
 * When a cached value expires, in any form aquiche accepts: a {@link StaticExpirySpec}; a string
 * (or its UTF-8 bytes) read as a duration first, then a datetime, a date, and a time of day with a
 * zone; a data pointer `'$.path.to.field'` into the cached value, holding any spec; or a function
 * of the {@link CachedItem} returning any spec, or a promise of one.
 */
export type ExpirySpec<V = unknown> = StaticExpirySpec | string | Uint8Array | ExpiryFunction<V>

/** A function, sync or async, that decides from the cached item when it expires. */
export type ExpiryFunction<V = unknown> = (
  item: CachedItem<V>,
) => ExpirySpec<V> | PromiseLike<ExpirySpec<V>>

/** Options of {@link compileExpiry} and {@link resolveExpiry}. */
export interface ExpiryOptions {
  /**
   * What a data pointer does when the cached value has nothing at its path: `false` throws
   * {@link ExpiryParseError}; `true` reads the missing value as `undefined`, so the item never
   * expires. A pointer ending in `:ignore_missing` (aquiche's suffix) is tolerant either way.
   * @default false
   */
  ignoreMissing?: boolean
}

/**
 * A compiled spec: the epoch ms at which `item` expires (`Infinity`: never; `-Infinity`: already).
 * `now` (epoch ms, default `Date.now()`) only matters for a time of day.
 */
export type ExpiryResolver<
  V = unknown,
  R extends number | Promise<number> = number | Promise<number>,
> = (item: CachedItem<V>, now?: number) => R

type Resolve = (
  item: CachedItem,
  now: number | undefined,
  depth: number,
) => number | Promise<number>

// Functions may return functions and pointers may point at pointers; past this many hops the
// spec is taken to loop.
const MAX_DEPTH = 32
// aquiche reads a number above this as a unix timestamp, at or below it as seconds to wait.
const TIMESTAMP_THRESHOLD = 1e8

const EXPECTED =
  'null, a boolean, a number (seconds up to 1e8, a unix timestamp above), a string (duration, ' +
  "datetime, date, time of day with a zone, or data pointer '$.path'), a Date, a Duration, " +
  '{ year, month, day }, a TimeOfDay, or a function of the cached item'
const EXPECTED_TEXT =
  "a duration ('30', '10:15:30', 'P4D', '1d 2h'), a datetime ('2012-04-23T09:15:00Z'), a date " +
  "('2012-04-23'), a time of day with a zone ('11:05:00Z') or a data pointer ('$.token.expiration')"

const never: Resolve = () => Infinity
const expired: Resolve = () => -Infinity
const absolute =
  (ms: number): Resolve =>
  () =>
    ms
const interval =
  (ms: number): Resolve =>
  (item) =>
    item.fetchedAt + ms
const timeOfDay =
  (time: TimeOfDay): Resolve =>
  (_item, now) =>
    timeOfDayToMs(time, now ?? Date.now())

/**
 * Validates an expiration spec once and returns a fast function from a cached item to the epoch
 * ms at which it expires (`Infinity` for never, `-Infinity` for already expired). Strings,
 * numbers and objects are parsed here, so a bad option fails when a cache is created; a function
 * or data pointer is followed on each call (its result may be async, making the result a promise).
 *
 * @example
 * ```ts
 * const expiry = compileExpiry('10 minutes')
 * expiry({ value: 1, fetchedAt: 1_000, isError: false }) // 601_000
 *
 * const fromToken = compileExpiry('$.token.expiresAt') // checked when the item is resolved
 * fromToken({ value: { token: { expiresAt: '2030-01-01T00:00:00Z' } }, fetchedAt: 0, isError: false })
 * // 1_893_456_000_000
 *
 * compileExpiry('P4Y') // throws ExpiryParseError: years have no fixed length
 * ```
 * `options` may be omitted, `undefined` or `null`.
 * @throws {@link ExpiryParseError} when the spec is malformed.
 */
export function compileExpiry(
  spec: StaticExpirySpec,
  options?: ExpiryOptions | null,
): ExpiryResolver<unknown, number>
export function compileExpiry<V = unknown>(
  spec: ExpirySpec<V>,
  options?: ExpiryOptions | null,
): ExpiryResolver<V>
export function compileExpiry<V = unknown>(
  spec: ExpirySpec<V>,
  options?: ExpiryOptions | null,
): ExpiryResolver<V> {
  const resolve = compile(spec, options?.ignoreMissing === true)
  return (item, now) => resolve(item, now, 0)
}

function compile(spec: unknown, ignoreMissing: boolean): Resolve {
  switch (typeof spec) {
    case 'undefined':
      return never
    case 'boolean':
      return spec ? expired : never
    case 'number':
      return compileNumber(spec)
    case 'string':
      return compileText(spec, spec, ignoreMissing)
    case 'function':
      return compileFunction(spec as ExpiryFunction, ignoreMissing)
    case 'object':
      return compileObject(spec, ignoreMissing)
    default:
      throw new ExpiryParseError('expiration', spec, EXPECTED)
  }
}

function compileNumber(spec: number): Resolve {
  if (Number.isNaN(spec)) throw new ExpiryParseError('expiration', spec, EXPECTED)
  // Python raises on infinities here; in JS they are the obvious never / already.
  if (spec === Infinity) return never
  if (spec === -Infinity) return expired
  if (Math.trunc(spec) > TIMESTAMP_THRESHOLD) return absolute(unixTimestampToMs(spec))
  return interval(parseDuration(spec))
}

function compileObject(spec: object | null, ignoreMissing: boolean): Resolve {
  if (spec === null) return never
  if (spec instanceof Uint8Array)
    return compileText(toText(spec, 'expiration'), spec, ignoreMissing)
  if (spec instanceof Date) {
    const ms = spec.getTime()
    if (Number.isNaN(ms)) throw new ExpiryParseError('expiration', spec, 'a valid Date')
    return absolute(ms)
  }
  // Objects are told apart by their keys; a malformed one gets its own parser's message.
  if ('year' in spec) return absolute(datePartsToMs(parseDate(spec as DateParts)))
  if ('hour' in spec) return timeOfDay(parseTime(spec as TimeOfDay))
  const duration = durationObjectToMs(spec)
  if (duration !== undefined) return interval(duration)
  throw new ExpiryParseError('expiration', spec, EXPECTED)
}

function compileText(text: string, input: unknown, ignoreMissing: boolean): Resolve {
  const trimmed = text.trim()
  if (trimmed.startsWith('$')) return compileExpiryPointer(trimmed, ignoreMissing)
  // aquiche's order: a duration first, so '09:15:00' waits 9h15m and '1494012444' 47 years.
  const duration = parseDurationText(trimmed)
  if (duration !== undefined) return interval(duration)
  const datetime = dateTimeTextToMs(trimmed)
  if (datetime !== undefined) return absolute(datetime)
  const date = dateTextToParts(trimmed)
  if (date !== undefined) return absolute(datePartsToMs(date))
  // Only a time with a zone gets here: without one it already read as a duration.
  const time = timeTextToTimeOfDay(trimmed)
  if (time !== undefined) return timeOfDay(time)
  throw new ExpiryParseError('expiration', input, EXPECTED_TEXT)
}

function compileExpiryPointer(text: string, ignoreMissing: boolean): Resolve {
  const steps = parsePointer(text)
  if (steps === undefined) throw new ExpiryParseError('expiration', text, EXPECTED_POINTER)
  const pointer = pointerFrom(text, steps)
  if (pointer.wildcard) {
    throw new ExpiryParseError(
      'expiration',
      text,
      'a data pointer without *: an expiration is one value',
    )
  }
  const tolerant = ignoreMissing || pointer.ignoreMissing
  return (item, now, depth) => {
    const found = pointer.read(item.value, MISSING)
    if (found === MISSING) {
      if (tolerant) return Infinity
      throw new ExpiryParseError(
        'expiration',
        text,
        `the cached value to hold a value at this path (end the pointer with ` +
          `':ignore_missing' or set ignoreMissing to let a missing value never expire)`,
      )
    }
    return follow(found, item, now, depth, ignoreMissing)
  }
}

const MISSING: unique symbol = Symbol('missing')

function compileFunction(fn: ExpiryFunction, ignoreMissing: boolean): Resolve {
  return (item, now, depth) => {
    const result = fn(item)
    if (isPromiseLike(result)) {
      return Promise.resolve(result).then((spec) => follow(spec, item, now, depth, ignoreMissing))
    }
    return follow(result, item, now, depth, ignoreMissing)
  }
}

/** Resolves a spec found at run time (a function's result, a pointer's target). */
function follow(
  spec: unknown,
  item: CachedItem,
  now: number | undefined,
  depth: number,
  ignoreMissing: boolean,
): number | Promise<number> {
  if (depth >= MAX_DEPTH) {
    throw new ExpiryParseError(
      'expiration',
      spec,
      `a spec that resolves within ${MAX_DEPTH} nested functions and data pointers`,
    )
  }
  return compile(spec, ignoreMissing)(item, now, depth + 1)
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
