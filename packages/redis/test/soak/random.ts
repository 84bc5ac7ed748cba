// Seeded randomness for the soak's workload, so that two runs ask for the same keys in the same
// proportions (the interleaving with Redis and the faults still differs from run to run).

/** A uniform number in [0, 1) from a 32-bit seed (mulberry32: small, fast, good enough here). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/**
 * Picks an index in [0, n) with probability proportional to 1 / (index + 1)^exponent: a few
 * indexes get most of the picks, as the keys of a real cache do. A binary search over the
 * cumulative weights, computed once.
 */
export function zipfPicker(n: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(n)
  let total = 0
  for (let i = 0; i < n; i++) {
    total += 1 / (i + 1) ** exponent
    cumulative[i] = total
  }
  return () => {
    const target = random() * total
    let low = 0
    let high = n - 1
    while (low < high) {
      const middle = (low + high) >>> 1
      if (cumulative[middle]! > target) high = middle
      else low = middle + 1
    }
    return low
  }
}
