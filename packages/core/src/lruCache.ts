import { LinkedSlotCache } from './linkedSlotCache.js'
import type { CacheOptions, PolicyName } from './types.js'

const LIST = 0

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
export class LRUCache<K, V> extends LinkedSlotCache<K, V> {
  /** Always `'lru'`. */
  readonly policy: PolicyName = 'lru'

  /** @param options - see {@link CacheOptions}. */
  constructor(options: LRUCacheOptions<K, V>) {
    super(options, 1)
  }

  protected insert(slot: number): void {
    this.pushHead(LIST, slot)
  }

  protected hit(slot: number): void {
    this.moveToHead(LIST, slot)
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
