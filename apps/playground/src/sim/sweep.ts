// One pass over a trace feeding every (policy, cache size) pair at once, so a trace is read once
// per run and never has to be held whole (a file streams through batch by batch).
import {
  createCache,
  simulate,
  type EvictionCache,
  type PolicyName,
  type SimulationResult,
} from '@cache/core'

import type { KeyArray } from '../traces/keyBatcher.js'

/** The outcome for one policy at one cache size: what `simulate` counts, summed over batches. */
export interface SweepRow extends SimulationResult {
  policy: PolicyName
  /** The cache's `maxSize`. */
  size: number
  /** Time spent in `simulate` for this pair, in seconds. */
  seconds: number
  /** `requests / seconds`: the policy's throughput on this trace (get + set on a miss). */
  opsPerSecond: number
}

interface Run {
  readonly policy: PolicyName
  readonly size: number
  readonly cache: EvictionCache<number, unknown>
  requests: number
  hits: number
  evictions: number
  seconds: number
}

/**
 * Replays batches of keys against one cache per (policy, size), with @cache/core's `simulate`,
 * and sums what each batch counted. Summing is exact: `simulate` counts each batch's evictions
 * against the cache's size at the batch's start.
 *
 * @example
 * ```ts
 * const sweep = new Sweep(['lru', 'tinylfu'], [100, 1000])
 * sweep.feed(zipfTrace({ keys: 10_000, length: 100_000, skew: 0.9 }))
 * sweep.rows() // 4 rows: lru@100, lru@1000, tinylfu@100, tinylfu@1000
 * ```
 */
export class Sweep {
  private readonly runs: Run[]

  /**
   * @param policies - the policies, in the order rows come out.
   * @param sizes - the cache sizes, positive integers.
   * @throws {CacheConfigError} for a size @cache/core rejects.
   */
  constructor(policies: readonly PolicyName[], sizes: readonly number[]) {
    this.runs = policies.flatMap((policy) =>
      sizes.map((size) => ({
        policy,
        size,
        cache: createCache<number, unknown>({ policy, maxSize: size }),
        requests: 0,
        hits: 0,
        evictions: 0,
        seconds: 0,
      })),
    )
  }

  /** Replays `keys` against every cache. */
  feed(keys: KeyArray): void {
    for (const run of this.runs) {
      const start = performance.now()
      const result = simulate(keys, run.cache)
      run.seconds += (performance.now() - start) / 1000
      run.requests += result.requests
      run.hits += result.hits
      run.evictions += result.evictions
    }
  }

  /** The totals so far, one row per (policy, size), policies outermost. */
  rows(): SweepRow[] {
    return this.runs.map(({ policy, size, requests, hits, evictions, seconds }) => ({
      policy,
      size,
      requests,
      hits,
      misses: requests - hits,
      hitRatio: requests === 0 ? 0 : hits / requests,
      evictions,
      seconds,
      opsPerSecond: seconds === 0 ? 0 : requests / seconds,
    }))
  }
}
