// Watches the instances' stores during the soak: the intervals in which any of them was not
// healthy (not connected, or its circuit breaker not closed). Loads in and shortly after these
// intervals are each instance's own (no shared tier to agree through), so the "loads per key
// per expiry" figure leaves them out.
import type { RedisStore } from '../../src/index.js'

/** A time interval, `performance.now()`. */
export interface Interval {
  readonly from: number
  to: number
}

/** Polls `stores` every `everyMs` until `stop()`; `intervals` grows as they go unhealthy. */
export function watchHealth(
  stores: readonly RedisStore[],
  everyMs = 20,
): { readonly intervals: readonly Interval[]; stop(): void } {
  const intervals: Interval[] = []
  let current: Interval | undefined
  const poll = (): void => {
    const now = performance.now()
    const healthy = stores.every((store) => store.ready && store.state === 'closed')
    if (!healthy && current === undefined) intervals.push((current = { from: now, to: now }))
    else if (current !== undefined) {
      current.to = now
      if (healthy) current = undefined
    }
  }
  const timer = setInterval(poll, everyMs)
  poll()
  return {
    intervals,
    stop() {
      clearInterval(timer)
      poll()
    },
  }
}

/** The end of the interval containing `at`, or `at` when none does. */
export function recoveredAt(intervals: readonly Interval[], at: number): number {
  for (const interval of intervals) if (interval.from <= at && at <= interval.to) return interval.to
  return at
}
