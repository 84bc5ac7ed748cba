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

/** A short, one-line picture of a value for error messages: `"abc"`, `12n`, `[Function f]`. */
export function show(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
    case 'bigint':
      return `${value}n`
    case 'symbol':
      return value.toString()
    case 'function':
      return `[Function ${value.name || '(anonymous)'}]`
    case 'object': {
      if (value === null) return 'null'
      if (Array.isArray(value)) return `[Array(${value.length})]`
      const tag = Object.prototype.toString.call(value).slice(8, -1)
      const name = constructorName(value)
      return tag === 'Object' && name !== '' ? `[object ${name}]` : `[object ${tag}]`
    }
    default:
      return String(value)
  }
}

/** The name of an object's constructor, `'Object'` for a null-prototype object, `''` if unknown. */
export function constructorName(object: object): string {
  const proto: unknown = Object.getPrototypeOf(object)
  if (proto === null) return 'Object'
  const ctor: unknown = (proto as { constructor?: unknown }).constructor
  return typeof ctor === 'function' ? ctor.name : ''
}
