// The sequence of ticks a race runs: their sizes and key sets, from a seed, the same for both
// contenders. Why they vary: with identical ticks, V8's young-generation collections fall into
// step with them (one every k ticks, at the same point of a tick), so the bytes each one copies,
// and so the GC time measured, depend on how one tick's allocation happens to divide the young
// generation's size, and a small change in either contender's allocation moves its figure by
// whole collections. Ticks of varying size shift each collection to a different point of a
// tick, so the GC time measured is an average over those points, as in a service.

/** Tick sizes are uniform in [(1 - SPREAD) * loads, (1 + SPREAD) * loads]. */
const SPREAD = 0.5
/** Keys to draw a tick's from: ten mean ticks' worth, so that key sets differ from tick to tick. */
const POOL_TICKS = 10

/** What each tick loads: `sizes[t]` loads of the keys `pool[offsets[t]]` to `+ distincts[t] - 1`, in turn. */
export interface TickPlan {
  readonly sizes: Int32Array
  readonly offsets: Int32Array
  readonly distincts: Int32Array
  /** How many keys the pool must hold. */
  readonly poolSize: number
}

/** mulberry32: a small seeded generator, so that both contenders get the same ticks. */
function generator(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `ticks` ticks of `loads` loads on average, each key of a tick loaded `repeats` times (its
 * loads cycle through its distinct keys), each tick's keys a run of the pool at a random offset.
 */
export function tickPlan(seed: number, ticks: number, loads: number, repeats: number): TickPlan {
  const random = generator(seed)
  const maxSize = Math.ceil(loads * (1 + SPREAD))
  const poolSize = POOL_TICKS * loads + maxSize
  const sizes = new Int32Array(ticks)
  const offsets = new Int32Array(ticks)
  const distincts = new Int32Array(ticks)
  for (let t = 0; t < ticks; t++) {
    const size = Math.round(loads * (1 - SPREAD) + random() * 2 * SPREAD * loads)
    sizes[t] = size
    distincts[t] = Math.ceil(size / repeats)
    offsets[t] = Math.floor(random() * (poolSize - maxSize))
  }
  return { sizes, offsets, distincts, poolSize }
}
