// The error class of @cache/redis: one class, a stable `code` per kind of failure; and how the
// errors it wraps read in its messages.

/** Codes a {@link RedisStoreError} carries. */
export type RedisStoreErrorCode =
  /** A value the serializer cannot encode: it stays in L1 only. */
  | 'ERR_REDIS_ENCODE'
  /** Data in Redis the serializer cannot decode: read as a miss. */
  | 'ERR_REDIS_DECODE'
  /** A Redis call did not settle within `timeoutMs`. */
  | 'ERR_REDIS_TIMEOUT'
  /** Redis is unreachable, not connected yet, or the circuit breaker is open. */
  | 'ERR_REDIS_UNAVAILABLE'

/**
 * What went wrong between a cache and Redis. Callers never receive it: the cache serves from L1
 * and the loader, and reports it to its `onError` (or the store's), with the Redis client's own
 * error as `cause`.
 *
 * @example
 * ```ts
 * const users = new AsyncCache({
 *   l2: redisStore({ url, prefix: 'users:' }),
 *   onError: (error) => {
 *     if (error instanceof RedisStoreError && error.code === 'ERR_REDIS_ENCODE') log.warn(error)
 *   },
 * })
 * ```
 */
export class RedisStoreError extends Error {
  override readonly name = 'RedisStoreError' as const
  /** Stable code to match on. */
  readonly code: RedisStoreErrorCode
  /** The L2 key concerned (32 hex digits, without the prefix), when there is one. */
  readonly key: string | undefined

  /**
   * @param code - the kind of failure; @param message - what happened;
   * @param options - the `key` concerned and the underlying `cause`.
   */
  constructor(
    code: RedisStoreErrorCode,
    message: string,
    options: { readonly key?: string; readonly cause?: unknown } = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined)
    this.code = code
    this.key = options.key
  }
}

/** An error's message, or a thrown value that is not an `Error` as a string. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
