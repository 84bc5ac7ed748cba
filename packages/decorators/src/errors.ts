// Error classes of @cache/decorators, and the helper that builds @cache/core's CacheConfigError
// with a `cause` (its constructor takes none).
import { CacheConfigError } from '@cache/core'
import { describeValue, VALUE_STYLES } from '@cache/internal'

/** Codes carried by the errors this package defines itself. */
export type DecoratorsErrorCode = 'ERR_CACHE_TIMEOUT' | 'ERR_CACHE_DISPOSE' | 'ERR_CACHE_TAG'

/**
 * The option a hard bound came from: the cache's `timeoutMs` or `timeouts.hard`, or the
 * `timeouts.hard` of one `get()` or `getMany()` call (`'per-call timeouts.hard'`).
 */
export type TimeoutOption = 'timeoutMs' | 'timeouts.hard' | 'per-call timeouts.hard'

/**
 * A load did not settle within its hard bound: the cache's `timeoutMs` or `timeouts.hard`, or a
 * `get()` call's own `timeouts.hard` (its message and {@link option} name the one that was
 * given). For the load's bound, every caller waiting on the load gets this error, the loader's
 * `signal` is aborted with it, and (unless `retry` allows another attempt) nothing is cached,
 * except as a negative entry when `negativeCache` is on. A call that joined a load and gave up at
 * its own `timeouts.hard` gets it alone: the load goes on for the others.
 *
 * @example
 * ```ts
 * try {
 *   await getUser(42)
 * } catch (error) {
 *   if (error instanceof CacheTimeoutError) console.log(error.code, error.timeoutMs) // 'ERR_CACHE_TIMEOUT' 5000
 * }
 * ```
 */
export class CacheTimeoutError extends Error {
  override readonly name = 'CacheTimeoutError' as const
  /** Stable code to match on. */
  readonly code = 'ERR_CACHE_TIMEOUT' as const
  /** The cache key whose load timed out. */
  readonly key: unknown
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number
  /** The option that set the limit, as the user gave it. */
  readonly option: TimeoutOption

  /**
   * @param key - the key being loaded; @param timeoutMs - the limit that was exceeded;
   * @param option - the option that set it.
   */
  constructor(key: unknown, timeoutMs: number, option: TimeoutOption = 'timeoutMs') {
    super(`Loading ${describeKey(key)} did not settle within ${timeoutMs} ms (${option})`)
    this.key = key
    this.timeoutMs = timeoutMs
    this.option = option
  }
}

/**
 * Disposing of a value's resources failed, or a `dispose` data pointer found nothing. Never
 * thrown to a caller: it goes to the cache's `onError` hook, with the original error as `cause`.
 */
export class CacheDisposeError extends Error {
  override readonly name = 'CacheDisposeError' as const
  /** Stable code to match on. */
  readonly code = 'ERR_CACHE_DISPOSE' as const
  /** The key of the entry whose resources were being disposed of. */
  readonly key: unknown
  /** The resource that failed (or the value a pointer was resolved against). */
  readonly value: unknown

  /**
   * @param key - the entry's key; @param message - what went wrong; @param value - the resource;
   * @param cause - the error the disposer threw, if any.
   */
  constructor(key: unknown, message: string, value: unknown, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.key = key
    this.value = value
  }
}

/** A `CacheConfigError` (from @cache/core) naming `option`, with `cause` set when given. */
export function configError(
  option: string,
  expected: string,
  value: unknown,
  cause?: unknown,
): CacheConfigError {
  const error = new CacheConfigError(option, expected, value)
  if (cause !== undefined) {
    Object.defineProperty(error, 'cause', {
      value: cause,
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  return error
}

/**
 * A `CacheConfigError` for `option` from the error a lower package threw about the same value,
 * which it calls `inner` (`batch.windowMs` here is `windowMs` to `@cache/batch`): that package's
 * message, with the option named as the user wrote it, and its error as `cause`.
 */
export function configErrorFrom(
  option: string,
  inner: string,
  value: unknown,
  cause: unknown,
): CacheConfigError {
  const detail = cause instanceof Error ? cause.message : String(cause)
  const error = configError(option, `valid (${detail})`, value, cause)
  const prefix = `\`${inner}\``
  if (detail.startsWith(prefix)) error.message = `\`${option}\`${detail.slice(prefix.length)}`
  return error
}

/** The `CacheConfigError` for a per-call `ttl` that is not a positive number; else `undefined`. */
export function ttlError(ttl: unknown): CacheConfigError | undefined {
  return typeof ttl !== 'number' || !(ttl > 0)
    ? configError('ttl', 'a positive number of milliseconds or Infinity', ttl)
    : undefined
}

/** A short rendering of a key for messages; never throws. */
function describeKey(key: unknown): string {
  return describeValue(key, VALUE_STYLES.decoratorsKey)
}
