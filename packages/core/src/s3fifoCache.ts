import { CacheConfigError } from './errors.js'
import { LinkedSlotCache } from './linkedSlotCache.js'
import { grown, NIL } from './slotCache.js'
import type { CacheOptions, PolicyName } from './types.js'
import { readOptions, validateOptions } from './validate.js'

const SMALL = 0
const MAIN = 1
const GHOST = 2
const MAX_FREQUENCY = 3
// The frequency of a ghost's slot: no live entry's, so a `get` tells a ghost from an entry with
// the load it makes anyway.
const GHOST_FREQUENCY = 255

/** Options of {@link S3FIFOCache}. */
export interface S3FIFOCacheOptions<K, V> extends CacheOptions<K, V> {
  /**
   * The small queue's share of `maxSize` (at least one entry); the main queue gets the rest and
   * the ghost queue remembers as many keys as the main queue holds.
   * @default 0.1
   */
  smallRatio?: number
  /**
   * How many hits an entry needs while in the small queue to be promoted to the main queue
   * instead of being evicted. The paper's artifact and libCacheSim use 2, Caffeine's simulator 1.
   * We default to 1, the paper's prose ("accessed at least once"): on the Zipf and loop traces in
   * our tests it gives the higher hit ratio (see the README's table).
   * @default 1
   */
  promotionThreshold?: number
}

/**
 * S3-FIFO (Yang et al., SOSP 2023): a small FIFO queue filters one-hit wonders, a main FIFO
 * queue with lazy reinsertion holds the rest, and a ghost queue of evicted keys sends keys seen
 * again straight to main. Hits only bump a 2-bit counter. Iterates the main queue newest to
 * oldest, then the small queue.
 *
 * @example
 * ```ts
 * const cache = new S3FIFOCache<string, number>({ maxSize: 1000 })
 * cache.set('a', 1)
 * cache.get('a') // frequency 1: 'a' moves to main instead of being evicted from small
 * ```
 */
export class S3FIFOCache<K, V> extends LinkedSlotCache<K, V> {
  /** Always `'s3fifo'`. */
  readonly policy: PolicyName = 's3fifo'
  /** The most entries the main queue holds before it evicts (the rest of `maxSize` is small's). */
  readonly mainCapacity: number
  /** The promotion threshold in use. */
  readonly promotionThreshold: number
  #frequency: Uint8Array
  #queueOf: Uint8Array
  // Ghosts keep their slots (key mapped, value released) in a third list, GHOST, as long as the
  // main queue: ghosting an evicted key costs no index operation, a returning ghost is revived in
  // place, and a miss costs the three index operations of an LRU (look up, drop the oldest ghost's
  // key, add the new key).
  readonly #ghostCapacity: number
  // The slot `victim()` chose to evict from small; `retire()` makes it a ghost.
  #ghosting = NIL

  /** @param options - see {@link S3FIFOCacheOptions}. */
  constructor(options: S3FIFOCacheOptions<K, V>) {
    // Every option is read once and the shared ones validated before any arithmetic: the ghosts'
    // slots (on top of maxSize) are computed from them.
    const base = validateOptions(options)
    const { smallRatio = 0.1, promotionThreshold = 1 } = readOptions(
      options,
      ['smallRatio', 'promotionThreshold'],
      'an object',
    )
    if (typeof smallRatio !== 'number' || !(smallRatio > 0 && smallRatio < 1)) {
      throw new CacheConfigError('smallRatio', 'a number between 0 and 1 (exclusive)', smallRatio)
    }
    if (
      typeof promotionThreshold !== 'number' ||
      !Number.isInteger(promotionThreshold) ||
      promotionThreshold < 1 ||
      promotionThreshold > MAX_FREQUENCY
    ) {
      throw new CacheConfigError('promotionThreshold', 'an integer from 1 to 3', promotionThreshold)
    }
    const small = Math.max(1, Math.round(base.maxSize * smallRatio))
    super(base, 3, Math.max(1, base.maxSize - small))
    this.mainCapacity = this.maxSize - small
    this.promotionThreshold = promotionThreshold
    this.#frequency = new Uint8Array(this.capacity)
    this.#queueOf = new Uint8Array(this.capacity)
    this.#ghostCapacity = this.slotCount - this.maxSize
  }

  /** The value for `key`, or `undefined` on a miss or an expired entry; bumps its frequency. */
  get(key: K): V | undefined {
    const slot = this.keyIndex.get(key)
    if (slot === undefined) return this.missed(key, undefined)
    const frequency = this.#frequency[slot]!
    if (frequency === GHOST_FREQUENCY) return this.missed(key, undefined)
    if (this.expires !== undefined && this.isStale(slot)) return this.missed(key, slot)
    if (frequency < MAX_FREQUENCY) this.#frequency[slot] = frequency + 1
    return this.valList[slot]
  }

  protected insert(slot: number, _key: K, revived: boolean): void {
    let queue = SMALL
    if (revived) {
      // A ghost hit: the key comes back straight into main.
      this.detach(GHOST, slot)
      queue = MAIN
    }
    this.#frequency[slot] = 0
    this.#queueOf[slot] = queue
    this.pushHead(queue, slot)
  }

  protected hit(slot: number): void {
    const frequency = this.#frequency[slot]!
    if (frequency < MAX_FREQUENCY) this.#frequency[slot] = frequency + 1
  }

  protected unlink(slot: number): void {
    this.detach(this.#queueOf[slot]!, slot)
  }

  protected victim(): number {
    const frequency = this.#frequency
    for (;;) {
      if (this.lengths[MAIN]! > this.mainCapacity || this.lengths[SMALL] === 0) {
        const tail = this.tails[MAIN]!
        if (frequency[tail] === 0) {
          // An entry evicted from main is not remembered: a marker left by an earlier choice
          // (a heavier re-set that picked the very entry being set) must not make it a ghost.
          this.#ghosting = NIL
          return tail
        }
        frequency[tail]!--
        this.moveToHead(MAIN, tail)
      } else {
        const tail = this.tails[SMALL]!
        if (frequency[tail]! < this.promotionThreshold) {
          this.#ghosting = tail
          return tail
        }
        this.detach(SMALL, tail)
        this.pushHead(MAIN, tail)
        this.#queueOf[tail] = MAIN
        frequency[tail] = 0
      }
    }
  }

  protected override resize(capacity: number): void {
    super.resize(capacity)
    this.#frequency = grown(this.#frequency, capacity)
    this.#queueOf = grown(this.#queueOf, capacity)
  }

  protected *order(): Generator<number, void, undefined> {
    yield* this.walk(MAIN)
    yield* this.walk(SMALL)
  }

  protected override retire(slot: number): boolean {
    if (slot !== this.#ghosting) return false
    this.#ghosting = NIL
    this.#frequency[slot] = GHOST_FREQUENCY
    this.#queueOf[slot] = GHOST
    this.pushHead(GHOST, slot)
    if (this.lengths[GHOST]! > this.#ghostCapacity) {
      const oldest = this.tails[GHOST]!
      this.detach(GHOST, oldest)
      this.#frequency[oldest] = 0
      this.dropPhantom(oldest)
    }
    return true
  }

  protected override isPhantom(slot: number): boolean {
    return this.#frequency[slot] === GHOST_FREQUENCY
  }

  protected reset(): void {
    this.resetLists()
    this.#frequency.fill(0)
    this.#ghosting = NIL
  }
}
