import { LinkedSlotCache } from './linkedSlotCache.js'
import type { CacheOptions, PolicyName } from './types.js'

const LIST = 0

/** Options of {@link FIFOCache}. */
export type FIFOCacheOptions<K, V> = CacheOptions<K, V>

/**
 * First in, first out: evicts the entry inserted longest ago; neither `get` nor re-`set` moves
 * an entry. Iterates from newest to oldest insertion.
 *
 * @example
 * ```ts
 * const cache = new FIFOCache<string, number>({ maxSize: 2 })
 * cache.set('a', 1).set('b', 2)
 * cache.get('a')
 * cache.set('c', 3) // evicts 'a', the oldest, even though it was just read
 * ```
 */
export class FIFOCache<K, V> extends LinkedSlotCache<K, V> {
  /** Always `'fifo'`. */
  readonly policy: PolicyName = 'fifo'

  /** @param options - see {@link CacheOptions}. */
  constructor(options: FIFOCacheOptions<K, V>) {
    super(options, 1)
  }

  /** The value for `key`, or `undefined` on a miss or an expired entry; FIFO order ignores it. */
  get(key: K): V | undefined {
    const slot = this.keyIndex.get(key)
    if (slot === undefined || (this.expires !== undefined && this.isStale(slot))) {
      return this.missed(key, slot)
    }
    return this.valList[slot]
  }

  protected insert(slot: number): void {
    this.pushHead(LIST, slot)
  }

  protected hit(): void {
    // FIFO ignores hits: that is the whole policy.
  }

  protected unlink(slot: number): void {
    this.detach(LIST, slot)
  }

  protected victim(): number {
    return this.tails[LIST]!
  }

  protected order(): Generator<number, void, undefined> {
    return this.walk(LIST)
  }

  protected reset(): void {
    this.resetLists()
  }
}
