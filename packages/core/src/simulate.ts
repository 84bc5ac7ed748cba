// A deterministic trace simulator: replays keys against a cache as a read-through cache would
// (get, and set on a miss) and counts hits. Shared by tests, benchmarks and the playground.
import { CacheConfigError } from './errors.js'
import type { EvictionCache } from './types.js'

/** What {@link simulate} counted. */
export interface SimulationResult {
  /** Accesses replayed. */
  requests: number
  /** Accesses that found their key. */
  hits: number
  /** Accesses that did not (cold misses included). */
  misses: number
  /** `hits / requests`, 0 for an empty trace. */
  hitRatio: number
  /** Entries the cache removed to make room (or expired) during the replay. */
  evictions: number
}

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Called every `progressEvery` requests with the count so far, e.g. to drive a progress bar. */
  onProgress?: (requests: number) => void
  /**
   * How often `onProgress` is called, in requests.
   * @default 65536
   */
  progressEvery?: number
}

/**
 * Replays `accesses` against `cache`: each key is read with `get`, and stored with `set` when it
 * misses. Hit ratio counts cold misses, as the literature does.
 *
 * @example
 * ```ts
 * const { hitRatio } = simulate(zipfTrace({ length: 1e6, keys: 1e5, skew: 0.99 }),
 *   createCache({ policy: 'tinylfu', maxSize: 10_000 }))
 * ```
 */
export function simulate<K>(
  accesses: Iterable<K>,
  cache: EvictionCache<K, unknown>,
  options: SimulateOptions = {},
): SimulationResult {
  const { onProgress, progressEvery = 65536 } = options
  if (typeof (accesses as Partial<Iterable<K>> | null)?.[Symbol.iterator] !== 'function') {
    throw new CacheConfigError('accesses', 'an iterable of keys', accesses)
  }
  if (typeof cache.get !== 'function' || typeof cache.set !== 'function') {
    throw new CacheConfigError('cache', 'a cache with get() and set()', cache)
  }
  if (!Number.isInteger(progressEvery) || progressEvery < 1) {
    throw new CacheConfigError('progressEvery', 'a positive integer', progressEvery)
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new CacheConfigError('onProgress', 'a function', onProgress)
  }
  const startSize = cache.size
  let requests = 0
  let hits = 0
  for (const key of accesses) {
    if (cache.get(key) === undefined) cache.set(key, true)
    else hits++
    if (++requests % progressEvery === 0) onProgress?.(requests)
  }
  const misses = requests - hits
  return {
    requests,
    hits,
    misses,
    hitRatio: requests === 0 ? 0 : hits / requests,
    evictions: misses - (cache.size - startSize),
  }
}
