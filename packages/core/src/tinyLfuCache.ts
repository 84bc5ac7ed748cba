import { CacheConfigError } from './errors.js'
import { FrequencySketch } from './frequencySketch.js'
import { hashKey } from './hashKey.js'
import { LinkedSlotCache } from './linkedSlotCache.js'
import { grown, NIL } from './slotCache.js'
import type { CacheOptions, PolicyName, SetOptions } from './types.js'
import { readOptions } from './validate.js'

const WINDOW = 0
const PROBATION = 1
const PROTECTED = 2
// A sketch block's first word is a multiple of 16 (see FrequencySketch.blockOf): the low bits of
// an entry's block hold its segment, so a hit reads one per-slot word for both.
const SEGMENT_MASK = 3
const BLOCK_MASK = ~15

const PROTECTED_SHARE = 0.8
// A candidate this frequent is admitted against a stronger victim with probability 1/128, so an
// attacker cannot make a victim unbeatable by flooding its hash (Caffeine's guard).
const ADMIT_HASHDOS_THRESHOLD = 6
const HILL_CLIMBER_STEP_PERCENT = 0.0625
const HILL_CLIMBER_STEP_DECAY = 0.98
const HILL_CLIMBER_RESTART_THRESHOLD = 0.05
// The most entries one climb moves between window and main, as in Caffeine.
const QUEUE_TRANSFER_THRESHOLD = 1000
// Caches up to this many entries get their whole sketch up front (see the constructor).
const SKETCH_START = 16_384

/** Options of {@link TinyLFUCache}. */
export interface TinyLFUCacheOptions<K, V> extends CacheOptions<K, V> {
  /**
   * The window's share of `maxSize` at the start (at least one entry).
   * @default 0.01
   */
  windowRatio?: number
  /**
   * Resize the window by hill climbing on the hit rate, as Caffeine does; `false` keeps it fixed.
   * @default true
   */
  adaptive?: boolean
  /**
   * Seed of the random numbers behind the hash-flooding guard, so that runs are reproducible.
   * @default 0x2545f491
   */
  seed?: number
}

/**
 * W-TinyLFU (Einziger, Friedman and Manes, 2017, as in Caffeine): new entries enter a small LRU
 * window; an entry leaving the window is admitted into the main segmented LRU (80% protected,
 * 20% probation) only if a count-min sketch says it is more popular than the entry it would
 * replace. The window is resized by hill climbing, which keeps the hit ratio high on both
 * frequency-skewed and recency-skewed (looping, scanning) workloads. `get` hits, inserts and
 * re-`set`s count as accesses. Iterates the window, probation then protected, newest first.
 *
 * @example
 * ```ts
 * const cache = new TinyLFUCache<string, Uint8Array>({ maxSize: 10_000 })
 * cache.set('/index.html', page)
 * cache.get('/index.html')
 * ```
 */
export class TinyLFUCache<K, V> extends LinkedSlotCache<K, V> {
  /** Always `'tinylfu'`. */
  readonly policy: PolicyName = 'tinylfu'
  readonly #sketch: FrequencySketch
  // Each entry's sketch block (with its segment in the low bits, see SEGMENT_MASK) and counter
  // hash, computed once at insert so hits mix no hashes.
  #blocks: Int32Array
  #counterHashes: Int32Array
  readonly #adaptive: boolean
  #maxWindow: number
  #maxProtected: number
  #random: number
  #missesInSample = 0
  // Requests left before the next climb: one decrement per request instead of a sum and a
  // compare. Infinity when not adaptive, so it never reaches 0.
  #untilClimb: number
  #previousHitRate = 0
  #stepSize: number

  /** @param options - see {@link TinyLFUCacheOptions}. */
  constructor(options: TinyLFUCacheOptions<K, V>) {
    super(options, 3)
    const {
      windowRatio = 0.01,
      adaptive = true,
      seed = 0x2545f491,
    } = readOptions(options, ['windowRatio', 'adaptive', 'seed'], 'an object')
    if (typeof windowRatio !== 'number' || !(windowRatio > 0 && windowRatio < 1)) {
      throw new CacheConfigError('windowRatio', 'a number between 0 and 1 (exclusive)', windowRatio)
    }
    if (typeof adaptive !== 'boolean') {
      throw new CacheConfigError('adaptive', 'a boolean', adaptive)
    }
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed === 0) {
      throw new CacheConfigError('seed', 'a non-zero integer', seed)
    }
    const max = this.maxSize
    this.#maxWindow = Math.max(1, max - Math.floor((1 - windowRatio) * max))
    this.#maxProtected = Math.floor(PROTECTED_SHARE * (max - this.#maxWindow))
    this.#adaptive = adaptive
    this.#random = seed | 0
    this.#stepSize = -HILL_CLIMBER_STEP_PERCENT * max
    // Sized for the slots the cache has at first, or more: a large `maxSize` costs memory only as
    // entries arrive, while caches up to SKETCH_START entries never see their sketch grow.
    this.#sketch = new FrequencySketch(Math.max(this.capacity, Math.min(max, SKETCH_START)), max)
    this.#untilClimb = adaptive ? this.#sketch.sampleSize : Infinity
    this.#blocks = new Int32Array(this.capacity)
    this.#counterHashes = new Int32Array(this.capacity)
  }

  /** How many entries the window holds at most now (hill climbing moves it). */
  get windowCapacity(): number {
    return this.#maxWindow
  }

  /** How many entries the protected segment holds at most now. */
  get protectedCapacity(): number {
    return this.#maxProtected
  }

  /** The sketch's estimate of how often `key` was accessed recently (0 to 15). */
  frequency(key: K): number {
    return this.#sketch.frequency(hashKey(key))
  }

  /** The value for `key`, or `undefined` on a miss or an expired entry; records an access. */
  get(key: K): V | undefined {
    const slot = this.keyIndex.get(key)
    if (slot === undefined || (this.expires !== undefined && this.isStale(slot))) {
      return this.missed(key, slot)
    }
    this.hit(slot)
    return this.valList[slot]
  }

  /**
   * Stores `value` under `key` (see {@link SlotCache.set}). Without TTL or weights the common
   * cases take one key lookup, here, as in LRU's: a new key takes a free slot, or the slot of the
   * entry the admission contest evicts when the cache is full.
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
    this.insert(slot, key)
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

  protected insert(slot: number, key: K): void {
    const sketch = this.#sketch
    // The key's hash as `hashKey` gives it; a short string's comes from its lookup just before.
    const mixed = sketch.mix(this.keyIndex.hashOf(key))
    const block = sketch.blockOf(mixed)
    const counterHash = sketch.counterHashOf(mixed)
    this.#blocks[slot] = block | WINDOW
    this.#counterHashes[slot] = counterHash
    sketch.incrementAt(block, counterHash)
    this.pushHead(WINDOW, slot)
    while (this.lengths[WINDOW]! > this.#maxWindow) this.#moveTo(PROBATION, this.tails[WINDOW]!)
  }

  protected hit(slot: number): void {
    this.#touch(slot)
    if (--this.#untilClimb === 0) this.#climb()
  }

  // A re-`set` is an access like a hit, but not a request of the hill climber's sample.
  protected override update(slot: number): void {
    this.#touch(slot)
  }

  protected override miss(): void {
    this.#missesInSample++
    if (--this.#untilClimb === 0) this.#climb()
  }

  protected unlink(slot: number): void {
    this.detach(this.#blocks[slot]! & SEGMENT_MASK, slot)
  }

  // The window's oldest entry (the candidate) competes with probation's oldest (the victim)
  // when the incoming entry will push the candidate out of the window.
  protected victim(): number {
    const candidate = this.tails[WINDOW]!
    let victim = this.tails[PROBATION]!
    if (victim === NIL) victim = this.tails[PROTECTED]!
    if (victim === NIL) return candidate
    if (candidate === NIL || this.lengths[WINDOW]! < this.#maxWindow) return victim
    if (this.#admit(candidate, victim)) {
      this.#moveTo(PROBATION, candidate)
      return victim
    }
    return candidate
  }

  protected override resize(capacity: number): void {
    super.resize(capacity)
    this.#blocks = grown(this.#blocks, capacity)
    this.#counterHashes = grown(this.#counterHashes, capacity)
    if (this.#sketch.grow(capacity)) {
      // Each entry's block moved to its copy or stayed: recompute them (the counter hash and the
      // segment stay).
      const blocks = this.#blocks
      for (const slot of this.order()) {
        blocks[slot] =
          this.#sketch.blockOf(this.#sketch.mix(hashKey(this.keyList[slot]))) |
          (blocks[slot]! & SEGMENT_MASK)
      }
    }
  }

  protected *order(): Generator<number, void, undefined> {
    yield* this.walk(WINDOW)
    yield* this.walk(PROBATION)
    yield* this.walk(PROTECTED)
  }

  protected reset(): void {
    this.resetLists()
    this.#sketch.clear()
    this.#missesInSample = 0
    if (this.#adaptive) this.#untilClimb = this.#sketch.sampleSize
  }

  // Counts the access and moves the entry: probation → protected, else to its segment's head.
  #touch(slot: number): void {
    const position = this.#blocks[slot]!
    this.#sketch.incrementAt(position & BLOCK_MASK, this.#counterHashes[slot]!)
    const segment = position & SEGMENT_MASK
    if (segment === PROBATION) {
      this.#moveTo(PROTECTED, slot)
      this.#demoteOverflow()
    } else {
      this.moveToHead(segment, slot)
    }
  }

  // Protected's oldest entries drop back to probation's newest end while it is over its size.
  #demoteOverflow(): void {
    while (this.lengths[PROTECTED]! > this.#maxProtected) {
      this.#moveTo(PROBATION, this.tails[PROTECTED]!)
    }
  }

  #admit(candidate: number, victim: number): boolean {
    const sketch = this.#sketch
    const blocks = this.#blocks
    const counterHashes = this.#counterHashes
    const candidateFrequency = sketch.frequencyAt(
      blocks[candidate]! & BLOCK_MASK,
      counterHashes[candidate]!,
    )
    const victimFrequency = sketch.frequencyAt(blocks[victim]! & BLOCK_MASK, counterHashes[victim]!)
    if (candidateFrequency > victimFrequency) return true
    if (candidateFrequency < ADMIT_HASHDOS_THRESHOLD) return false
    return (this.#nextRandom() & 127) === 0
  }

  // xorshift32: deterministic for a given seed, so hit ratios are reproducible.
  #nextRandom(): number {
    let x = this.#random
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.#random = x
    return x
  }

  #moveTo(segment: number, slot: number): void {
    const position = this.#blocks[slot]!
    this.detach(position & SEGMENT_MASK, slot)
    this.#blocks[slot] = (position & BLOCK_MASK) | segment
    this.pushHead(segment, slot)
  }

  // Caffeine's hill climber: step the window in the direction that last raised the hit rate.
  #climb(): void {
    // Every request of the sample counted down #untilClimb; the misses were counted apart.
    const requests = this.#sketch.sampleSize
    const hitRate = (requests - this.#missesInSample) / requests
    const change = hitRate - this.#previousHitRate
    const amount = change >= 0 ? this.#stepSize : -this.#stepSize
    this.#stepSize =
      Math.abs(change) >= HILL_CLIMBER_RESTART_THRESHOLD
        ? HILL_CLIMBER_STEP_PERCENT * this.maxSize * (amount >= 0 ? 1 : -1)
        : HILL_CLIMBER_STEP_DECAY * amount
    this.#previousHitRate = hitRate
    this.#missesInSample = 0
    this.#untilClimb = this.#sketch.sampleSize
    const adjustment = Math.trunc(amount)
    if (adjustment > 0) this.#growWindow(adjustment)
    else if (adjustment < 0) this.#shrinkWindow(-adjustment)
  }

  // Takes quota from protected; moves main's oldest entries into the window to fill it.
  #growWindow(adjustment: number): void {
    if (this.#maxProtected === 0) return
    let quota = Math.min(adjustment, this.#maxProtected)
    this.#maxProtected -= quota
    this.#maxWindow += quota
    this.#demoteOverflow()
    for (let i = 0; i < QUEUE_TRANSFER_THRESHOLD && quota > 0; i++) {
      let candidate = this.tails[PROBATION]!
      if (candidate === NIL) candidate = this.tails[PROTECTED]!
      if (candidate === NIL) break
      quota--
      this.#moveTo(WINDOW, candidate)
    }
    this.#maxProtected += quota
    this.#maxWindow -= quota
  }

  // Gives quota to protected; moves the window's oldest entries into probation.
  #shrinkWindow(adjustment: number): void {
    if (this.#maxWindow <= 1) return
    let quota = Math.min(adjustment, this.#maxWindow - 1)
    this.#maxProtected += quota
    this.#maxWindow -= quota
    for (let i = 0; i < QUEUE_TRANSFER_THRESHOLD && quota > 0; i++) {
      const candidate = this.tails[WINDOW]!
      if (candidate === NIL) break
      quota--
      this.#moveTo(PROBATION, candidate)
    }
    this.#maxProtected -= quota
    this.#maxWindow += quota
  }
}
