// Belady's optimal policy (OPT, MIN) in the demand model: every miss is inserted, and a full
// cache evicts the key whose next use is farthest in the future. It needs the whole trace in
// advance, so it exists only in the simulator: it is the hit ratio no online policy can beat.
//
// One backward pass gives each request the index of its key's next request. A cached key is then
// known by the index of its next use alone: the key requested at `i` is cached exactly when some
// cached entry's next use is `i`. So the replay needs no key lookups, only a max-heap of next-use
// indices and, for each index, where in the heap it sits: O(log maxSize) per request.

/** Next use of a key that is never requested again: farther than any index. */
const NEVER = 0x7fffffff

/** What the replay counted (the fields of `SimulationResult` that OPT fills). */
export interface OptimalCounts {
  hits: number
  /** Entries evicted to make room. */
  evictions: number
}

/**
 * Replays `keys` under Belady's OPT with room for `maxSize` entries and counts hits. The arguments
 * are trusted (checked by `simulate`).
 */
export function replayOptimal<K>(
  keys: ArrayLike<K>,
  maxSize: number,
  onProgress: ((requests: number) => void) | undefined,
  progressEvery: number,
): OptimalCounts {
  const length = keys.length
  const nextUse = nextUses(keys)
  // heapAt[t]: where the entry whose next use is request t sits in the heap, -1 if none.
  const heapAt = new Int32Array(length).fill(-1)
  const heap = new Int32Array(Math.min(maxSize, length))
  let size = 0
  let hits = 0
  let evictions = 0

  // Moves the entry at `index` toward the root while its next use is farther than its parent's.
  const siftUp = (index: number, entry: number): void => {
    while (index > 0) {
      const parent = (index - 1) >>> 1
      const above = heap[parent]!
      if (above >= entry) break
      heap[index] = above
      if (above !== NEVER) heapAt[above] = index
      index = parent
    }
    heap[index] = entry
    if (entry !== NEVER) heapAt[entry] = index
  }

  // Moves `entry`, placed at `index`, toward the leaves while a child's next use is farther.
  const siftDown = (index: number, entry: number): void => {
    for (;;) {
      const left = 2 * index + 1
      if (left >= size) break
      const right = left + 1
      const child = right < size && heap[right]! > heap[left]! ? right : left
      const below = heap[child]!
      if (below <= entry) break
      heap[index] = below
      if (below !== NEVER) heapAt[below] = index
      index = child
    }
    heap[index] = entry
    if (entry !== NEVER) heapAt[entry] = index
  }

  for (let i = 0; i < length; i++) {
    const next = nextUse[i]!
    const at = heapAt[i]!
    if (at >= 0) {
      // A hit: the entry's next use moves from now to `next`, which is later, so it rises.
      hits++
      heapAt[i] = -1
      siftUp(at, next)
    } else {
      if (size === maxSize) {
        // Evict the root, the entry used farthest in the future; the last leaf takes its place.
        const evicted = heap[0]!
        if (evicted !== NEVER) heapAt[evicted] = -1
        evictions++
        const last = heap[--size]!
        if (size > 0) siftDown(0, last)
      }
      siftUp(size++, next)
    }
    if (onProgress !== undefined && (i + 1) % progressEvery === 0) onProgress(i + 1)
  }
  return { hits, evictions }
}

// For each request, the index of the next request of the same key, or NEVER.
function nextUses<K>(keys: ArrayLike<K>): Int32Array {
  const length = keys.length
  const nextUse = new Int32Array(length)
  const seen = new Map<K, number>()
  for (let i = length - 1; i >= 0; i--) {
    const key = keys[i]!
    nextUse[i] = seen.get(key) ?? NEVER
    seen.set(key, i)
  }
  return nextUse
}
