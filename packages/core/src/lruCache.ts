import { grown, NIL, SlotCache } from './slotCache.js'
import type { CacheOptions, PolicyName, SetOptions } from './types.js'

/** Options of {@link LRUCache}. */
export type LRUCacheOptions<K, V> = CacheOptions<K, V>

/**
 * Least recently used: evicts the entry whose last `get` or `set` is oldest. `peek` and `has`
 * do not count as a use. Iterates from most to least recently used.
 *
 * @example
 * ```ts
 * const cache = new LRUCache<string, number>({ maxSize: 2 })
 * cache.set('a', 1).set('b', 2)
 * cache.get('a')
 * cache.set('c', 3) // evicts 'b'
 * ```
 */
export class LRUCache<K, V> extends SlotCache<K, V> {
  /** Always `'lru'`. */
  readonly policy: PolicyName = 'lru'
  // One list threaded through typed arrays; head = most recent. Plain fields for the ends (not
  // the shared multi-list arrays) keep the hit path to a handful of loads and stores.
  #next: Int32Array
  #prev: Int32Array
  #head = NIL
  #tail = NIL

  /** @param options - see {@link CacheOptions}. */
  constructor(options: LRUCacheOptions<K, V>) {
    super(options)
    this.#next = new Int32Array(this.capacity)
    this.#prev = new Int32Array(this.capacity)
  }

  /** The value for `key`, or `undefined` on a miss or an expired entry; makes it most recent. */
  get(key: K): V | undefined {
    const slot = this.keyIndex.get(key)
    if (slot === undefined || (this.expires !== undefined && this.isStale(slot))) {
      return this.missed(key, slot)
    }
    if (slot !== this.#head) this.#toHead(slot)
    return this.valList[slot]
  }

  /**
   * Stores `value` under `key` (see {@link SlotCache.set}). Without TTL or weights the common
   * cases take one key lookup, here: a new key takes a free slot, or the least recently used
   * entry's slot when the cache is full; an existing key gets the value and becomes the most
   * recent.
   */
  override set(key: K, value: V, options?: SetOptions): this {
    if (options !== undefined || !this.plainSets) return super.set(key, value, options)
    const keyIndex = this.keyIndex
    const existing = keyIndex.get(key)
    if (existing !== undefined) {
      // With TTLs in use the entry may be stale, which the shared path handles.
      if (this.expires !== undefined) return super.set(key, value, options)
      this.replacePlain(existing, key, value)
      return this
    }
    if (keyIndex.size < this.maxSize) {
      const slot = this.takeSlot()
      keyIndex.set(key, slot)
      this.keyList[slot] = key
      this.valList[slot] = value
      if (this.expires !== undefined) this.expires[slot] = Infinity
      this.insert(slot)
      return this
    }
    const slot = this.#tail
    const oldKey = this.keyList[slot] as K
    const oldValue = this.valList[slot] as V
    keyIndex.delete(oldKey)
    keyIndex.set(key, slot)
    this.keyList[slot] = key
    this.valList[slot] = value
    if (this.expires !== undefined) this.expires[slot] = Infinity
    if (slot !== this.#head) this.#toHead(slot)
    // Weights are off here, so this is whether `onEvict` is set.
    if (!this.plainRemovals) {
      this.departed(oldKey, oldValue, 'evict')
      this.settle()
    }
    return this
  }

  /**
   * Removes `key` (see {@link SlotCache.delete}); without TTLs, weights or `onEvict`, here with
   * one lookup and nothing to report.
   */
  override delete(key: K): boolean {
    return this.plainRemovals && this.expires === undefined
      ? this.deletePlain(key)
      : super.delete(key)
  }

  protected insert(slot: number): void {
    const head = this.#head
    this.#prev[slot] = NIL
    this.#next[slot] = head
    if (head === NIL) this.#tail = slot
    else this.#prev[head] = slot
    this.#head = slot
  }

  protected hit(slot: number): void {
    if (slot !== this.#head) this.#toHead(slot)
  }

  protected unlink(slot: number): void {
    const prev = this.#prev[slot]!
    const next = this.#next[slot]!
    if (prev === NIL) this.#head = next
    else this.#next[prev] = next
    if (next === NIL) this.#tail = prev
    else this.#prev[next] = prev
  }

  protected resize(capacity: number): void {
    this.#next = grown(this.#next, capacity)
    this.#prev = grown(this.#prev, capacity)
  }

  protected victim(): number {
    return this.#tail
  }

  protected *order(): Generator<number, void, undefined> {
    for (let slot = this.#head; slot !== NIL; slot = this.#next[slot]!) yield slot
  }

  protected reset(): void {
    this.#head = NIL
    this.#tail = NIL
  }

  // Moves a slot that is not the head to the head.
  #toHead(slot: number): void {
    const prev = this.#prev[slot]!
    const next = this.#next[slot]!
    this.#next[prev] = next
    if (next === NIL) this.#tail = prev
    else this.#prev[next] = prev
    this.#prev[slot] = NIL
    this.#next[slot] = this.#head
    this.#prev[this.#head] = slot
    this.#head = slot
  }
}
