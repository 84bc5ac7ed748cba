// Error classes of @cache/core: each has a stable `code` to match on and names the bad value.
import { describeValue, VALUE_STYLES } from '@cache/internal'

/** Codes carried by {@link CacheError} and its subclasses. */
export type CacheErrorCode = 'ERR_CACHE_CONFIG' | 'ERR_CACHE_WEIGHT' | 'ERR_CACHE_TTL'

/** Base class of every error thrown by `@cache/core`. */
export class CacheError extends Error {
  /** A stable code to match on, e.g. `'ERR_CACHE_CONFIG'`. */
  readonly code: CacheErrorCode
  /** The value that was rejected. */
  readonly value: unknown

  /** @param code - stable code; @param message - what was expected and what was received. */
  constructor(code: CacheErrorCode, message: string, value: unknown, options?: ErrorOptions) {
    super(message, options)
    this.name = 'CacheError'
    this.code = code
    this.value = value
  }
}

/**
 * An option given to a cache constructor or `createCache()` is invalid.
 *
 * @example
 * ```ts
 * try { new LRUCache({ maxSize: -1 }) } catch (e) {
 *   if (e instanceof CacheConfigError) console.log(e.option, e.value) // 'maxSize', -1
 * }
 * ```
 */
export class CacheConfigError extends CacheError {
  /** The name of the offending option. */
  readonly option: string

  /**
   * @param option - the option's name; @param expected - what it must be; @param value - what it
   * was; @param options - `cause`: the error reading the option threw, if any.
   */
  constructor(option: string, expected: string, value: unknown, options?: ErrorOptions) {
    super(
      'ERR_CACHE_CONFIG',
      `\`${option}\` must be ${expected}, got: ${describe(value)}`,
      value,
      options,
    )
    this.name = 'CacheConfigError'
    this.option = option
  }
}

/** A per-entry `ttl` or `expiresAt` given to `set()` is invalid. The cache is left unchanged. */
export class CacheTtlError extends CacheError {
  /** @param option - `'ttl'` or `'expiresAt'`; @param expected - what it must be; @param value - what it was. */
  constructor(option: string, expected: string, value: unknown) {
    super('ERR_CACHE_TTL', `\`${option}\` must be ${expected}, got: ${describe(value)}`, value)
    this.name = 'CacheTtlError'
  }
}

/**
 * An entry's weight is not a positive finite number, or is more than `maxWeight`. The entry is
 * not stored and the cache is left unchanged (an existing entry under the key stays).
 */
export class CacheWeightError extends CacheError {
  /** The key whose entry was rejected. */
  readonly key: unknown

  /** @param key - the entry's key; @param message - what was wrong; @param weight - the weight. */
  constructor(key: unknown, message: string, weight: unknown) {
    super('ERR_CACHE_WEIGHT', message, weight)
    this.name = 'CacheWeightError'
    this.key = key
  }
}

/** A short rendering of any value for an error message; never throws. */
export function describe(value: unknown): string {
  return describeValue(value, VALUE_STYLES.core)
}
