// Checks of constructor options, run once when a cache is created, never on a hot path.
import { CacheConfigError } from './errors.js'
import type { CacheOptions } from './types.js'

/** The largest `maxSize` accepted: slots are indexed by 32-bit integers. */
export const MAX_SLOTS: number = 2 ** 30

const BASE_OPTIONS = ['maxSize', 'ttl', 'maxWeight', 'weigh', 'onEvict', 'now'] as const

/**
 * Reads each named option once into a plain object, so that what is validated is what is used:
 * a getter is never read twice. `options` must be an object; one whose options cannot be read
 * (a revoked Proxy, a getter that throws) gives a CacheConfigError with the error as `cause`.
 */
export function readOptions<T extends object, N extends keyof T & string>(
  options: T,
  names: readonly N[],
  expected: string,
): Pick<T, N> {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new CacheConfigError('options', expected, options)
  }
  const snapshot = {} as Pick<T, N>
  try {
    for (const name of names) snapshot[name] = options[name]
  } catch (error) {
    throw new CacheConfigError('options', `${expected} whose options can be read`, options, {
      cause: error,
    })
  }
  return snapshot
}

/**
 * Throws {@link CacheConfigError} unless `options` are valid for any policy; returns the options
 * read once (see {@link readOptions}), which the cache then uses.
 */
export function validateOptions<K, V>(options: CacheOptions<K, V>): CacheOptions<K, V> {
  const snapshot = readOptions(options, BASE_OPTIONS, 'an object with a `maxSize`')
  const { maxSize, ttl, maxWeight, weigh, onEvict, now } = snapshot
  if (
    typeof maxSize !== 'number' ||
    !Number.isInteger(maxSize) ||
    maxSize < 1 ||
    maxSize > MAX_SLOTS
  ) {
    throw new CacheConfigError('maxSize', `a positive integer up to ${MAX_SLOTS}`, maxSize)
  }
  if (ttl !== undefined && !isPositiveOrInfinity(ttl)) {
    throw new CacheConfigError('ttl', 'a positive number of milliseconds or Infinity', ttl)
  }
  if (maxWeight !== undefined && !isPositiveOrInfinity(maxWeight)) {
    throw new CacheConfigError('maxWeight', 'a positive number or Infinity', maxWeight)
  }
  checkFunction('weigh', weigh)
  checkFunction('onEvict', onEvict)
  checkFunction('now', now)
  return snapshot
}

/** A positive number, `Infinity` included; NaN, zero and negatives are not. */
export function isPositiveOrInfinity(value: unknown): value is number {
  return typeof value === 'number' && value > 0
}

function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new CacheConfigError(option, 'a function', value)
  }
}
