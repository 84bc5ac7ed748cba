// One pass over a trace feeding every (policy, cache size) pair at once, so a trace is read once
// per run and never has to be held whole (a file streams through batch by batch). The one
// exception is OPT, which must see the whole trace before its first decision: when it is asked
// for, the sweep keeps a copy of the keys and replays OPT when the trace ends (`finish`).
import {
  createCache,
  isOfflinePolicy,
  simulate,
  type EvictionCache,
  type SimulationPolicyName,
  type SimulationResult,
} from '@cache/core'

import type { KeyArray } from '../traces/keyBatcher.js'

/** The outcome for one policy at one cache size: what `simulate` counts, summed over batches. */
export interface SweepRow extends SimulationResult {
  policy: SimulationPolicyName
  /** The cache's `maxSize`. */
  size: number
  /** Time spent in `simulate` for this pair, in seconds. */
  seconds: number
  /** `requests / seconds`: the policy's throughput on this trace (get + set on a miss). */
  opsPerSecond: number
}

interface Run {
  readonly policy: SimulationPolicyName
  readonly size: number
  /** `undefined` for OPT, which replays the whole trace at `finish()`. */
  readonly cache: EvictionCache<number, unknown> | undefined
  /** Whether the counts are final-or-running (online policies) or not yet known (OPT). */
  counted: boolean
  requests: number
  hits: number
  evictions: number
  seconds: number
}

/**
 * Replays batches of keys against one cache per (policy, size), with @cache/core's `simulate`,
 * and sums what each batch counted. Summing is exact: `simulate` counts each batch's evictions
 * against the cache's size at the batch's start. OPT's rows appear once `finish()` has run.
 *
 * @example
 * ```ts
 * const sweep = new Sweep(['lru', 'tinylfu', 'opt'], [100, 1000])
 * sweep.feed(zipfTrace({ keys: 10_000, length: 100_000, skew: 0.9 }))
 * sweep.finish()
 * sweep.rows() // 6 rows: lru@100, lru@1000, tinylfu@100, tinylfu@1000, opt@100, opt@1000
 * ```
 */
export class Sweep {
  private readonly runs: Run[]
  // The keys so far, kept only when OPT is swept: doubled as needed, `traceLength` used.
  private trace: Float64Array | undefined
  private traceLength = 0

  /**
   * @param policies - the policies, in the order rows come out.
   * @param sizes - the cache sizes, positive integers.
   * @throws {CacheConfigError} for a size @cache/core rejects (for OPT, at `finish()`).
   */
  constructor(policies: readonly SimulationPolicyName[], sizes: readonly number[]) {
    this.runs = policies.flatMap((policy) =>
      sizes.map((size) => ({
        policy,
        size,
        cache: isOfflinePolicy(policy)
          ? undefined
          : createCache<number, unknown>({ policy, maxSize: size }),
        counted: !isOfflinePolicy(policy),
        requests: 0,
        hits: 0,
        evictions: 0,
        seconds: 0,
      })),
    )
  }

  /** Replays `keys` against every cache (and keeps them for OPT, if it is swept). */
  feed(keys: KeyArray): void {
    for (const run of this.runs) {
      if (run.cache === undefined) continue
      const start = performance.now()
      const result = simulate(keys, run.cache)
      this.count(run, result, start)
    }
    if (this.runs.some((run) => !run.counted)) this.keep(keys)
  }

  /** Ends the trace: replays OPT over every key fed, once. Further feeds are not expected. */
  finish(): void {
    const trace = this.trace?.subarray(0, this.traceLength) ?? new Float64Array(0)
    for (const run of this.runs) {
      if (run.counted) continue
      const start = performance.now()
      const result = simulate(trace, { policy: 'opt', maxSize: run.size })
      this.count(run, result, start)
      run.counted = true
    }
    this.trace = undefined
    this.traceLength = 0
  }

  /**
   * The totals so far, one row per (policy, size), policies outermost; OPT's rows only after
   * `finish()`.
   */
  rows(): SweepRow[] {
    return this.runs
      .filter((run) => run.counted)
      .map(({ policy, size, requests, hits, evictions, seconds }) => ({
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

  private count(run: Run, result: SimulationResult, start: number): void {
    run.seconds += (performance.now() - start) / 1000
    run.requests += result.requests
    run.hits += result.hits
    run.evictions += result.evictions
  }

  // Appends a batch to the copy OPT will replay (a batch's array is reused after `feed`).
  private keep(keys: KeyArray): void {
    const needed = this.traceLength + keys.length
    if (this.trace === undefined || needed > this.trace.length) {
      const grown = new Float64Array(Math.max(needed, 2 * (this.trace?.length ?? 0), 65_536))
      if (this.trace !== undefined) grown.set(this.trace.subarray(0, this.traceLength))
      this.trace = grown
    }
    this.trace.set(keys, this.traceLength)
    this.traceLength = needed
  }
}
