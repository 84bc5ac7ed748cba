// Checks of constructor options, run once when a cache is created, never on a hot path.
import { CacheConfigError } from './errors.js'
import type { CacheOptions } from './types.js'

/** The largest `maxSize` accepted: slots are indexed by 32-bit integers. */
export const MAX_SLOTS: number = 2 ** 30

/** Throws {@link CacheConfigError} unless `options` are valid for any policy. */
export function validateOptions<K, V>(options: CacheOptions<K, V>): void {
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw new CacheConfigError('options', 'an object with a `maxSize`', options)
  }
  const { maxSize, ttl, maxWeight, weigh, onEvict, now } = options
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
