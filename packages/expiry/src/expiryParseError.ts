import { describeValue, VALUE_STYLES } from '@cache/internal'

/** Which parser rejected the input: the name of the thing the input was meant to be. */
export type ExpiryParseKind = 'duration' | 'datetime' | 'date' | 'time' | 'expiration' | 'pointer'

/**
 * The one error of `@cache/expiry`: an input that is not a duration, datetime, date, time of day,
 * expiration spec or data pointer. `input` holds the offending value itself, `expected` says in words what
 * would have been accepted, and the message names both. Parsers never fall back to a default.
 *
 * @example
 * ```ts
 * try {
 *   parseDuration('P4Y')
 * } catch (error) {
 *   if (error instanceof ExpiryParseError) console.log(error.code, error.input, error.expected)
 *   // 'ERR_EXPIRY_PARSE' 'P4Y' 'ISO 8601 days, hours, minutes or seconds (years, …)'
 * }
 * ```
 */
export class ExpiryParseError extends Error {
  override readonly name = 'ExpiryParseError' as const
  /** Stable code to match on. */
  readonly code = 'ERR_EXPIRY_PARSE' as const
  /** What the input was parsed as. */
  readonly kind: ExpiryParseKind
  /** The rejected value itself (not a copy). */
  readonly input: unknown
  /** What would have been accepted, in words. */
  readonly expected: string

  /**
   * @param kind - What the input was parsed as.
   * @param input - The rejected value.
   * @param expected - What would have been accepted, in words.
   * @param options - `cause`: the error this one wraps, if any.
   */
  constructor(kind: ExpiryParseKind, input: unknown, expected: string, options?: ErrorOptions) {
    super(`Invalid ${kind} ${show(input)}: expected ${expected}`, options)
    this.kind = kind
    this.input = input
    this.expected = expected
  }
}

/** A short, one-line picture of a value for error messages; never throws. */
export function show(value: unknown): string {
  return describeValue(value, VALUE_STYLES.expiry)
}
