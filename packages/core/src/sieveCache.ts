import { LinkedSlotCache } from './linkedSlotCache.js'
import { NIL } from './slotCache.js'
import type { CacheOptions, PolicyName } from './types.js'

const LIST = 0

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
export class SieveCache<K, V> extends LinkedSlotCache<K, V> {
  /** Always `'sieve'`. */
  readonly policy: PolicyName = 'sieve'
  readonly #visited: Uint8Array
  #hand = NIL

  /** @param options - see {@link CacheOptions}. */
  constructor(options: SieveCacheOptions<K, V>) {
    super(options, 1)
    this.#visited = new Uint8Array(this.maxSize)
  }

  /** The value for `key`, or `undefined` on a miss or an expired entry; marks it visited. */
  get(key: K): V | undefined {
    const slot = this.keyMap.get(key)
    if (slot === undefined || (this.expires !== undefined && this.isStale(slot))) {
      return this.missed(key, slot)
    }
    this.#visited[slot] = 1
    return this.valList[slot]
  }

  protected insert(slot: number): void {
    this.#visited[slot] = 0
    this.pushHead(LIST, slot)
  }

  protected hit(slot: number): void {
    this.#visited[slot] = 1
  }

  protected unlink(slot: number): void {
    // The hand never points at a departed entry: it moves on toward the head, as after an eviction.
    if (this.#hand === slot) this.#hand = this.prev[slot]!
    this.detach(LIST, slot)
  }

  protected victim(): number {
    let slot = this.#hand === NIL ? this.tails[LIST]! : this.#hand
    while (this.#visited[slot] === 1) {
      this.#visited[slot] = 0
      slot = this.prev[slot]!
      if (slot === NIL) slot = this.tails[LIST]!
    }
    // Parked on the victim, the hand steps toward the head when `unlink` removes it.
    this.#hand = slot
    return slot
  }

  protected order(): Generator<number, void, undefined> {
    return this.walk(LIST)
  }

  protected reset(): void {
    this.resetLists()
    this.#hand = NIL
  }
}
