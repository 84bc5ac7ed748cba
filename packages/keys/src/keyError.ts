import { describeValue, VALUE_STYLES } from '@cache/internal'

/** What went wrong, as a stable string users can match on. */
export type KeyErrorCode =
  /** `makeKey` was given something other than an array of arguments. */
  | 'ERR_KEY_ARGS'
  /** `makeKey` or `keyTemplate` options are invalid. Thrown on first sight of the options. */
  | 'ERR_KEY_OPTIONS'
  /** `keyTemplate` was given a malformed template. Thrown when the template is compiled. */
  | 'ERR_KEY_TEMPLATE'
  /** A template placeholder's path is missing, or leads to a value with no text form. */
  | 'ERR_KEY_TEMPLATE_VALUE'
  /** `stableHash` or `makeKey` was given a value nested deeper than `MAX_DEPTH` (500) levels. */
  | 'ERR_KEY_DEPTH'
  /** A class's `static [keyOf]`, the name its instances' keys carry, is not a non-empty string. */
  | 'ERR_KEY_CLASS'

/**
 * The one error class of `@cache/keys`. `code` says what went wrong, `value` holds the offending
 * value itself (not a copy), and the message names it and what was expected.
 *
 * @example
 * ```ts
 * try {
 *   keyTemplate('user:{user.id}', { paramNames: ['user'] })({})
 * } catch (error) {
 *   if (error instanceof KeyError && error.code === 'ERR_KEY_TEMPLATE_VALUE') console.log(error.value)
 * }
 * ```
 */
export class KeyError extends Error {
  override readonly name = 'KeyError' as const
  /** Stable code to match on; see {@link KeyErrorCode}. */
  readonly code: KeyErrorCode
  /** The value that was rejected. */
  readonly value: unknown

  constructor(code: KeyErrorCode, message: string, value: unknown, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.value = value
  }
}

/** A short, one-line picture of a value for error messages; never throws. */
export function show(value: unknown): string {
  return describeValue(value, VALUE_STYLES.keys)
}

/** The name of an object's constructor, `'Object'` for a null-prototype object, `''` if unknown. */
export function constructorName(object: object): string {
  const proto: unknown = Object.getPrototypeOf(object)
  if (proto === null) return 'Object'
  const ctor: unknown = (proto as { constructor?: unknown }).constructor
  return typeof ctor === 'function' ? ctor.name : ''
}
