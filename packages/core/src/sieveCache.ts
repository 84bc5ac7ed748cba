import { grown, NIL, SlotCache } from './slotCache.js'
import type { CacheOptions, PolicyName, SetOptions } from './types.js'

/** Options of {@link SieveCache}. */
export type SieveCacheOptions<K, V> = CacheOptions<K, V>

/**
 * SIEVE (Zhang et al., NSDI 2024): one FIFO queue, a `visited` bit per entry and a hand. A hit
 * only sets the bit; to evict, the hand walks from the tail toward the head, clearing bits, and
 * evicts the first unvisited entry. Re-`set` of a key counts as a hit. Not scan-resistant.
 * Iterates from newest to oldest insertion.
 *
 * @example
 * ```ts
 * const cache = new SieveCache<string, number>({ maxSize: 2 })
 * cache.set('a', 1).set('b', 2)
 * cache.get('a')
 * cache.set('c', 3) // 'a' was visited: the hand passes it and evicts 'b'
 * ```
 */
export class SieveCache<K, V> extends SlotCache<K, V> {
  /** Always `'sieve'`. */
  readonly policy: PolicyName = 'sieve'
  // One queue threaded through typed arrays (head = newest), with plain fields for its ends, as
  // in LRUCache: the miss path is a handful of loads and stores besides the Map operations.
  #next: Int32Array
  #prev: Int32Array
  #visited: Uint8Array
  #head = NIL
  #tail = NIL
  #hand = NIL

  /** @param options - see {@link CacheOptions}. */
  constructor(options: SieveCacheOptions<K, V>) {
    super(options)
    this.#next = new Int32Array(this.capacity)
    this.#prev = new Int32Array(this.capacity)
    this.#visited = new Uint8Array(this.capacity)
  }

  /** The value for `key`, or `undefined` on a miss or an expired entry; marks it visited. */
  get(key: K): V | undefined {
    const slot = this.keyIndex.get(key)
    if (slot === undefined || (this.expires !== undefined && this.isStale(slot))) {
      return this.missed(key, slot)
    }
    this.#visited[slot] = 1
    return this.valList[slot]
  }

  /**
   * Stores `value` under `key` (see {@link SlotCache.set}). Without TTL or weights the common
   * cases take one key lookup, here: an update marks the entry visited, a new key takes a free
   * slot, or the slot of the entry the hand evicts when the cache is full.
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
    let slot: number
    if (keyIndex.size < this.maxSize) {
      slot = this.takeSlot()
    } else {
      slot = this.victim()
      const oldKey = this.keyList[slot] as K
      const oldValue = this.valList[slot] as V
      this.unlink(slot)
      keyIndex.delete(oldKey)
      // Weights are off here, so this is whether `onEvict` is set.
      if (!this.plainRemovals) this.departed(oldKey, oldValue, 'evict')
    }
    keyIndex.set(key, slot)
    this.keyList[slot] = key
    this.valList[slot] = value
    if (this.expires !== undefined) this.expires[slot] = Infinity
    this.insert(slot)
    if (!this.plainRemovals) this.settle()
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
    this.#visited[slot] = 0
    this.#prev[slot] = NIL
    this.#next[slot] = head
    if (head === NIL) this.#tail = slot
    else this.#prev[head] = slot
    this.#head = slot
  }

  protected resize(capacity: number): void {
    this.#next = grown(this.#next, capacity)
    this.#prev = grown(this.#prev, capacity)
    this.#visited = grown(this.#visited, capacity)
  }

  protected hit(slot: number): void {
    this.#visited[slot] = 1
  }

  protected unlink(slot: number): void {
    const prev = this.#prev[slot]!
    const next = this.#next[slot]!
    // The hand never points at a departed entry: it moves on toward the head, as after an eviction.
    if (this.#hand === slot) this.#hand = prev
    if (prev === NIL) this.#head = next
    else this.#next[prev] = next
    if (next === NIL) this.#tail = prev
    else this.#prev[next] = prev
  }

  protected victim(): number {
    const visited = this.#visited
    let slot = this.#hand === NIL ? this.#tail : this.#hand
    while (visited[slot] === 1) {
      visited[slot] = 0
      slot = this.#prev[slot]!
      if (slot === NIL) slot = this.#tail
    }
    // Parked on the victim, the hand steps toward the head when `unlink` removes it.
    this.#hand = slot
    return slot
  }

  protected *order(): Generator<number, void, undefined> {
    for (let slot = this.#head; slot !== NIL; slot = this.#next[slot]!) yield slot
  }

  protected reset(): void {
    this.#head = NIL
    this.#tail = NIL
    this.#hand = NIL
  }
}
