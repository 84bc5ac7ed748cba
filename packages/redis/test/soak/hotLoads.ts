// Loads per key per expiry, on the hot keys nobody writes: with one shared tier, each expiry
// of such a key should cost one loader call across all instances.
import type { Interval } from './health.js'

/** What the loads of the hot keys show. */
export interface HotLoads {
  /** The most loads of one hot key within one expiry window (`windowMs`), outside faults. */
  readonly maxPerExpiry: number
  /** Loads beyond the first of their expiry window, summed over the hot keys. */
  readonly extraLoads: number
  /** The loads counted (outside the excluded intervals). */
  readonly counted: number
}

/**
 * Counts the loads of each key in `loads` (start times, in order) that fall outside every
 * `excluded` interval, and finds the most within any window of `windowMs`; `extraLoads` groups
 * each key's loads greedily into windows of `windowMs` from their first load.
 */
export function hotLoads(
  loads: readonly (readonly number[])[],
  excluded: readonly Interval[],
  windowMs: number,
): HotLoads {
  let maxPerExpiry = 0
  let extraLoads = 0
  let counted = 0
  for (const times of loads) {
    const kept = times.filter((t) => !excluded.some((i) => i.from <= t && t <= i.to))
    counted += kept.length
    let windowStart = Number.NEGATIVE_INFINITY
    for (let i = 0, j = 0; i < kept.length; i++) {
      while (kept[i]! - kept[j]! >= windowMs) j++
      maxPerExpiry = Math.max(maxPerExpiry, i - j + 1)
      if (kept[i]! - windowStart < windowMs) extraLoads++
      else windowStart = kept[i]!
    }
  }
  return { maxPerExpiry, extraLoads, counted }
}
