import { grown, NIL, SlotCache } from './slotCache.js'
import type { CacheOptions, PolicyName } from './types.js'

/** Options of {@link LFUCache}. */
export type LFUCacheOptions<K, V> = CacheOptions<K, V>

/**
 * Least frequently used, in O(1) per operation (Shah, Mitra and Matani, 2010): entries sit in
 * frequency buckets kept in a doubly linked list in increasing frequency; a use moves an entry to
 * the next bucket. Evicts from the lowest-frequency bucket, the least recently used there first.
 * A new entry starts at frequency 1; `get` hits and re-`set`s count as uses. Iterates from the
 * highest frequency down, most recent first within a frequency.
 *
 * @example
 * ```ts
 * const cache = new LFUCache<string, number>({ maxSize: 2 })
 * cache.set('a', 1).set('b', 2)
 * cache.get('a')
 * cache.get('b')
 * cache.get('b')
 * cache.set('c', 3) // evicts 'a': frequency 2 against 'b''s 3
 * ```
 */
export class LFUCache<K, V> extends SlotCache<K, V> {
  /** Always `'lfu'`. */
  readonly policy: PolicyName = 'lfu'
  // Entries within a bucket: `next` toward the bucket's tail (least recent).
  #next: Int32Array
  #prev: Int32Array
  #bucketOf: Int32Array
  // Buckets, indexed like slots from a pool as large as the slot capacity (never more non-empty
  // buckets than entries), grown with it.
  #frequency: Float64Array
  #head: Int32Array
  #tail: Int32Array
  #bucketNext: Int32Array
  #bucketPrev: Int32Array
  #freeBuckets: Int32Array
  #freeTop = 0
  #bucketFill = 0
  #lowest = NIL
  #highest = NIL

  /** @param options - see {@link CacheOptions}. */
  constructor(options: LFUCacheOptions<K, V>) {
    super(options)
    const n = this.capacity
    this.#next = new Int32Array(n)
    this.#prev = new Int32Array(n)
    this.#bucketOf = new Int32Array(n)
    this.#frequency = new Float64Array(n)
    this.#head = new Int32Array(n)
    this.#tail = new Int32Array(n)
    this.#bucketNext = new Int32Array(n)
    this.#bucketPrev = new Int32Array(n)
    this.#freeBuckets = new Int32Array(n)
  }

  /** How many uses `key`'s entry has had (1 when just inserted), or 0 when absent. */
  frequency(key: K): number {
    const slot = this.keyIndex.get(key)
    return slot === undefined ? 0 : this.#frequency[this.#bucketOf[slot]!]!
  }

  /** The value for `key`, or `undefined` on a miss or an expired entry; counts a use. */
  get(key: K): V | undefined {
    const slot = this.keyIndex.get(key)
    if (slot === undefined || (this.expires !== undefined && this.isStale(slot))) {
      return this.missed(key, slot)
    }
    this.hit(slot)
    return this.valList[slot]
  }

  protected resize(capacity: number): void {
    this.#next = grown(this.#next, capacity)
    this.#prev = grown(this.#prev, capacity)
    this.#bucketOf = grown(this.#bucketOf, capacity)
    this.#frequency = grown(this.#frequency, capacity)
    this.#head = grown(this.#head, capacity)
    this.#tail = grown(this.#tail, capacity)
    this.#bucketNext = grown(this.#bucketNext, capacity)
    this.#bucketPrev = grown(this.#bucketPrev, capacity)
    this.#freeBuckets = grown(this.#freeBuckets, capacity)
  }

  protected insert(slot: number): void {
    let bucket = this.#lowest
    if (bucket === NIL || this.#frequency[bucket] !== 1) bucket = this.#newBucket(1, NIL)
    this.#push(bucket, slot)
  }

  protected hit(slot: number): void {
    const bucket = this.#bucketOf[slot]!
    const frequency = this.#frequency[bucket]! + 1
    let target = this.#bucketNext[bucket]!
    if (target === NIL || this.#frequency[target] !== frequency) {
      // Alone in its bucket: renumber the bucket in place. This also bounds the non-empty
      // buckets by the entries, so the pool of `maxSize` buckets never runs out.
      if (this.#head[bucket] === slot && this.#tail[bucket] === slot) {
        this.#frequency[bucket] = frequency
        return
      }
      target = this.#newBucket(frequency, bucket)
    }
    this.unlink(slot)
    this.#push(target, slot)
  }

  protected unlink(slot: number): void {
    const bucket = this.#bucketOf[slot]!
    const prev = this.#prev[slot]!
    const next = this.#next[slot]!
    if (prev === NIL) this.#head[bucket] = next
    else this.#next[prev] = next
    if (next === NIL) this.#tail[bucket] = prev
    else this.#prev[next] = prev
    if (this.#head[bucket] === NIL) this.#dropBucket(bucket)
  }

  protected victim(): number {
    return this.#tail[this.#lowest]!
  }

  protected *order(): Generator<number, void, undefined> {
    for (let bucket = this.#highest; bucket !== NIL; bucket = this.#bucketPrev[bucket]!) {
      for (let slot = this.#head[bucket]!; slot !== NIL; slot = this.#next[slot]!) yield slot
    }
  }

  protected reset(): void {
    this.#freeTop = 0
    this.#bucketFill = 0
    this.#lowest = NIL
    this.#highest = NIL
  }

  // Puts `slot` at the most recent end of `bucket`.
  #push(bucket: number, slot: number): void {
    const head = this.#head[bucket]!
    this.#bucketOf[slot] = bucket
    this.#prev[slot] = NIL
    this.#next[slot] = head
    if (head === NIL) this.#tail[bucket] = slot
    else this.#prev[head] = slot
    this.#head[bucket] = slot
  }

  // An empty bucket of `frequency`, linked right after `after` (or first when NIL).
  #newBucket(frequency: number, after: number): number {
    const bucket = this.#freeTop > 0 ? this.#freeBuckets[--this.#freeTop]! : this.#bucketFill++
    this.#frequency[bucket] = frequency
    this.#head[bucket] = NIL
    this.#tail[bucket] = NIL
    const next = after === NIL ? this.#lowest : this.#bucketNext[after]!
    this.#bucketPrev[bucket] = after
    this.#bucketNext[bucket] = next
    if (after === NIL) this.#lowest = bucket
    else this.#bucketNext[after] = bucket
    if (next === NIL) this.#highest = bucket
    else this.#bucketPrev[next] = bucket
    return bucket
  }

  #dropBucket(bucket: number): void {
    const prev = this.#bucketPrev[bucket]!
    const next = this.#bucketNext[bucket]!
    if (prev === NIL) this.#lowest = next
    else this.#bucketNext[prev] = next
    if (next === NIL) this.#highest = prev
    else this.#bucketPrev[next] = prev
    this.#freeBuckets[this.#freeTop++] = bucket
  }
}
