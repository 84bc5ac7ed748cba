// A deterministic trace simulator: replays keys against a cache as a read-through cache would
// (get, and set on a miss) and counts hits; or, for the offline policy OPT, computes the best hit
// count any policy could reach. Shared by tests, benchmarks and the playground.
import { POLICIES } from './createCache.js'
import { CacheConfigError } from './errors.js'
import { replayOptimal } from './optimal.js'
import type { EvictionCache, PolicyName } from './types.js'
import { MAX_SLOTS, readOptions } from './validate.js'

/**
 * A policy that only {@link simulate} can replay, never a cache: it must see the whole trace in
 * advance. `'opt'` is Belady's optimal policy (demand model: every miss is inserted; a full cache
 * evicts the key whose next use is farthest), the upper bound of every policy's hit ratio.
 */
export type OfflinePolicyName = 'opt'

/** Every policy {@link simulate} replays: the cache policies, then the offline ones. */
export type SimulationPolicyName = PolicyName | OfflinePolicyName

/** Every policy {@link simulate} replays, in the order the docs list them: `opt` last. */
export const SIMULATION_POLICIES: readonly SimulationPolicyName[] = [...POLICIES, 'opt']

/** An offline policy and its capacity, given to {@link simulate} in place of a cache. */
export interface OfflinePolicy {
  /** The policy's name: `'opt'`. */
  policy: OfflinePolicyName
  /** The most entries it holds: a positive integer. */
  maxSize: number
}

/** Whether `policy` names an offline policy (one `createCache` does not make). */
export function isOfflinePolicy(policy: unknown): policy is OfflinePolicyName {
  return policy === 'opt'
}

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
 * misses. Hit ratio counts cold misses, as the literature does. `options` may be omitted,
 * `undefined` or `null`.
 *
 * Given an {@link OfflinePolicy} instead of a cache, replays the trace under that policy: with
 * `{ policy: 'opt', maxSize }`, the hits of Belady's OPT, the most any policy of that size can
 * get. OPT reads the whole trace before the first request (an iterable that is not an array or a
 * typed array is copied into one) and keeps two 32-bit integers per request.
 *
 * @example
 * ```ts
 * const trace = zipfTrace({ length: 1e6, keys: 1e5, skew: 0.99 })
 * const { hitRatio } = simulate(trace, createCache({ policy: 'tinylfu', maxSize: 10_000 }))
 * const limit = simulate(trace, { policy: 'opt', maxSize: 10_000 }).hitRatio
 * ```
 * @throws {CacheConfigError} naming a bad argument or option.
 */
export function simulate<K>(
  accesses: Iterable<K>,
  cache: EvictionCache<K, unknown> | OfflinePolicy,
  options?: SimulateOptions | null,
): SimulationResult {
  const { onProgress, progressEvery = 65536 } =
    options === undefined || options === null
      ? {}
      : readOptions(options, ['onProgress', 'progressEvery'], 'an object of options')
  if (typeof (accesses as Partial<Iterable<K>> | null)?.[Symbol.iterator] !== 'function') {
    throw new CacheConfigError('accesses', 'an iterable of keys', accesses)
  }
  const target = cache as Partial<EvictionCache<K, unknown> | OfflinePolicy> | null | undefined
  const isCache =
    typeof (target as Partial<EvictionCache<K, unknown>> | null | undefined)?.get === 'function' &&
    typeof (target as Partial<EvictionCache<K, unknown>>).set === 'function'
  if (!isCache && !isOfflinePolicy(target?.policy)) {
    if (target?.policy === undefined) {
      throw new CacheConfigError('cache', 'a cache with get() and set()', cache)
    }
    throw new CacheConfigError('policy', "'opt' when no cache is given", target.policy)
  }
  if (!Number.isInteger(progressEvery) || progressEvery < 1) {
    throw new CacheConfigError('progressEvery', 'a positive integer', progressEvery)
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new CacheConfigError('onProgress', 'a function', onProgress)
  }
  if (isCache)
    return replay(accesses, cache as EvictionCache<K, unknown>, onProgress, progressEvery)
  return simulateOffline(accesses, cache as OfflinePolicy, onProgress, progressEvery)
}

function simulateOffline<K>(
  accesses: Iterable<K>,
  { maxSize }: OfflinePolicy,
  onProgress: ((requests: number) => void) | undefined,
  progressEvery: number,
): SimulationResult {
  if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > MAX_SLOTS) {
    throw new CacheConfigError('maxSize', `a positive integer up to ${MAX_SLOTS}`, maxSize)
  }
  const keys: ArrayLike<K> =
    Array.isArray(accesses) || ArrayBuffer.isView(accesses)
      ? (accesses as unknown as ArrayLike<K>)
      : Array.from(accesses)
  const requests = keys.length
  const { hits, evictions } = replayOptimal(keys, maxSize, onProgress, progressEvery)
  return {
    requests,
    hits,
    misses: requests - hits,
    hitRatio: requests === 0 ? 0 : hits / requests,
    evictions,
  }
}

function replay<K>(
  accesses: Iterable<K>,
  cache: EvictionCache<K, unknown>,
  onProgress: ((requests: number) => void) | undefined,
  progressEvery: number,
): SimulationResult {
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
