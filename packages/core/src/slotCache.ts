// The storage every policy shares: entries live in parallel arrays indexed by slot, found through
// one key index (`KeyIndex`: a typed table for integer keys, a `Map` for others), so a hit
// allocates nothing. Policies only decide order and victims through the protected hooks; TTL and
// weight arrays are created on first use, so a cache that never sets a TTL never reads the clock.
import { CacheTtlError, CacheWeightError, describe } from './errors.js'
import { KeyIndex } from './keyIndex.js'
import type {
  CacheOptions,
  EvictionCache,
  EvictionCallback,
  EvictionReason,
  PolicyName,
  SetOptions,
} from './types.js'
import { isPositiveOrInfinity, validateOptions } from './validate.js'

/** A slot index that means "no slot" in the policies' typed-array links. */
export const NIL = -1

// How many slots a new cache's arrays hold; they double as entries arrive, up to `maxSize` (plus
// phantoms), so a large bound costs memory only when it is used.
let initialCapacity = 256

/**
 * Sets the slot capacity new caches start with and returns the previous one. For tests, which
 * make caches grow several times with few entries; not exported from the package.
 */
export function setInitialCapacity(capacity: number): number {
  const previous = initialCapacity
  initialCapacity = capacity
  return previous
}

/** A copy of `array` with room for `capacity` elements, the new ones 0 (or cut to `capacity`). */
export function grown<A extends Int32Array | Uint8Array | Float64Array>(
  array: A,
  capacity: number,
): A {
  const copy = new (array.constructor as new (length: number) => A)(capacity)
  copy.set(array.length <= capacity ? array : array.subarray(0, capacity))
  return copy
}

function grownList<T>(list: (T | undefined)[], capacity: number): (T | undefined)[] {
  // A fresh array filled up front stays packed and exactly sized (pushing would over-allocate).
  const copy = new Array<T | undefined>(capacity).fill(undefined)
  for (let i = 0; i < list.length; i++) copy[i] = list[i]
  return copy
}

/**
 * The base class of every policy: storage, TTL, weights, eviction callbacks and iteration.
 * Subclasses implement the protected hooks; users never see this class by name.
 */
export abstract class SlotCache<K, V> implements EvictionCache<K, V> {
  /** The policy's name. */
  abstract readonly policy: PolicyName
  /** The most entries the cache holds. */
  readonly maxSize: number
  /** The most total weight, `Infinity` when unbounded. */
  readonly maxWeight: number

  /** Key → slot: a typed table for int32 keys, a `Map` for the rest. */
  protected readonly keyIndex: KeyIndex<K>
  /**
   * Keys in `keyIndex` whose slots hold no entry: a policy may keep an evicted key's slot to
   * remember the key (S3-FIFO's ghosts; see {@link retire}), so that remembering it costs no index
   * operation and recognising it costs none beyond the lookup every `get` and `set` makes.
   */
  protected phantoms = 0
  /** How many slots the arrays may grow to: `maxSize`, plus the phantoms a policy may keep. */
  protected readonly slotCount: number
  /** How many slots the arrays hold now; {@link takeSlot} doubles it when a new slot is needed. */
  protected capacity: number
  // What they started with, and go back to on `clear()`.
  readonly #startCapacity: number
  protected keyList: (K | undefined)[]
  protected valList: (V | undefined)[]

  readonly #defaultTtl: number
  /** No default TTL and no weights: a `set` without options needs no expiry or weight work. */
  protected readonly plainSets: boolean
  /** No weights and no `onEvict`: a removal has nothing to account for or report. */
  protected readonly plainRemovals: boolean
  readonly #now: () => number
  readonly #weigh: ((value: V, key: K) => number) | undefined
  readonly #onEvict: EvictionCallback<K, V> | undefined
  // Freed slots are reused last-in first-out; `#fill` is the next never-used slot.
  // Created by the first removal: a cache that only ever evicts reuses victims' slots directly.
  #free: Int32Array | undefined
  #freeTop = 0
  #fill = 0
  /** Absolute expiry per slot (Infinity = never), created by the first entry that expires. */
  protected expires: Float64Array | undefined
  // Weight per slot, created only when `maxWeight` is finite.
  #weights: Float64Array | undefined
  #totalWeight = 0
  // Eviction callbacks run after the structure is consistent again: a re-entrant or throwing
  // `onEvict` can never observe or leave a half-done operation. The queue's arrays are reused.
  readonly #queueKeys: (K | undefined)[] = []
  readonly #queueValues: (V | undefined)[] = []
  readonly #queueReasons: EvictionReason[] = []
  #queueHead = 0
  #queueLength = 0

  /** @param options - see {@link CacheOptions}; invalid ones throw `CacheConfigError`. */
  constructor(cacheOptions: CacheOptions<K, V>, phantomSlots = 0) {
    const options = validateOptions(cacheOptions)
    this.maxSize = options.maxSize
    this.slotCount = options.maxSize + phantomSlots
    this.capacity = this.#startCapacity = Math.min(this.slotCount, initialCapacity)
    this.keyIndex = new KeyIndex(this.capacity)
    this.maxWeight = options.maxWeight ?? Infinity
    this.#defaultTtl = options.ttl ?? Infinity
    this.#now = options.now ?? Date.now
    this.#weigh = options.weigh
    this.#onEvict = options.onEvict
    this.keyList = new Array<K | undefined>(this.capacity).fill(undefined)
    this.valList = new Array<V | undefined>(this.capacity).fill(undefined)
    this.#weights = this.maxWeight === Infinity ? undefined : new Float64Array(this.capacity)
    this.plainSets = this.#defaultTtl === Infinity && this.#weights === undefined
    this.plainRemovals = this.#weights === undefined && this.#onEvict === undefined
  }

  // --- policy hooks -----------------------------------------------------------------------

  /**
   * Links a newly stored entry into the policy's structures. `revived` says the slot was this
   * key's phantom (see {@link retire}), which the policy must now stop treating as one.
   */
  protected abstract insert(slot: number, key: K, revived: boolean): void
  /** Records a `get` hit on a live entry. */
  protected abstract hit(slot: number): void
  /** Removes an entry from the policy's structures (it is about to leave the cache). */
  protected abstract unlink(slot: number): void
  /** Chooses the entry to evict; the cache is full. May reorder the policy's structures. */
  protected abstract victim(): number
  /** Yields live and expired slots in the policy's iteration order. */
  protected abstract order(): Generator<number, void, undefined>
  /** Forgets every entry's policy state (after `clear()`). */
  protected abstract reset(): void

  /**
   * Grows the policy's per-slot arrays to `capacity` slots (see {@link grown}); the base class has
   * grown its own. Called before the first slot past the old capacity is used, and by `clear()`
   * with the start capacity (smaller: the arrays are cut, and `reset()` follows).
   */
  protected abstract resize(capacity: number): void

  /** Records `set` on an existing key; by default the same as a hit. */
  protected update(slot: number): void {
    this.hit(slot)
  }

  /**
   * Called for each evicted entry after {@link unlink}: `true` keeps its key in `keyIndex` and its
   * slot as a phantom (the value is released), which {@link isPhantom} must then report; `false`,
   * the default, lets the slot go. A policy drops a phantom with {@link dropPhantom}.
   */
  protected retire(_slot: number): boolean {
    return false
  }

  /** Whether a slot found in `keyIndex` is a phantom rather than a stored entry. */
  protected isPhantom(_slot: number): boolean {
    return false
  }

  /** Forgets a phantom: its key leaves `keyIndex` and its slot is free again. */
  protected dropPhantom(slot: number): void {
    this.keyIndex.delete(this.keyList[slot] as K)
    this.keyList[slot] = undefined
    this.#freeSlot(slot)
    this.phantoms--
  }

  /** Records a `get` that missed; only policies that learn from misses override it. */
  protected miss(_key: K): void {
    // Most policies learn nothing from a miss.
  }

  // --- reads ------------------------------------------------------------------------------

  /** How many entries are stored, expired ones not yet removed included. */
  get size(): number {
    return this.keyIndex.size - this.phantoms
  }

  /** The total weight of the stored entries (their count when no weights are used). */
  get weight(): number {
    return this.#weights === undefined ? this.size : this.#totalWeight
  }

  /**
   * The value for `key`, or `undefined` on a miss or an expired entry; records an access.
   *
   * Each policy writes its own `get`: a method shared by six classes would see six receiver maps
   * and go megamorphic in any process that uses more than one policy, losing inlining on the
   * hottest path. The shape every `get` follows is: look up the slot; if absent or stale, return
   * `this.missed(key, slot)`; else record the hit inline and return `this.valList[slot]`.
   */
  abstract get(key: K): V | undefined

  /** Whether a stored entry's time is up; call only when `expires` exists. */
  protected isStale(slot: number): boolean {
    const at = this.expires![slot]!
    return at !== Infinity && at <= this.#now()
  }

  /** The cold end of every `get`: removes a stale entry, tells the policy of the miss. */
  protected missed(key: K, slot: number | undefined): V | undefined {
    if (slot !== undefined) this.#remove(slot, 'expire')
    this.miss(key)
    this.#flush()
    return undefined
  }

  /** The value for `key` without recording an access; an expired entry is removed. */
  peek(key: K): V | undefined {
    const slot = this.#liveSlot(key)
    return slot === undefined ? undefined : this.valList[slot]
  }

  /** Whether a live entry exists for `key`, without recording an access. */
  has(key: K): boolean {
    return this.#liveSlot(key) !== undefined
  }

  /** The time at which `key`'s entry expires: `Infinity` for never, `undefined` when absent. */
  expiresAt(key: K): number | undefined {
    const slot = this.#liveSlot(key)
    if (slot === undefined) return undefined
    return this.expires === undefined ? Infinity : this.expires[slot]!
  }

  // --- writes -----------------------------------------------------------------------------

  /**
   * Stores `value` under `key`. A new key evicts entries (as the policy decides) until it fits;
   * an existing key counts as an access and its old value, if different, goes to `onEvict` with
   * reason `'set'`. Bad `ttl`, `expiresAt` or weight throw before anything changes.
   */
  set(key: K, value: V, options?: SetOptions): this {
    const expiresAt =
      options === undefined && this.#defaultTtl === Infinity ? Infinity : this.#expiryOf(options)
    const weight = this.#weights === undefined ? 1 : this.#weightOf(key, value, options)
    const existing = this.keyIndex.get(key)
    if (existing === undefined || this.isPhantom(existing)) {
      this.#add(key, value, weight, expiresAt, existing)
    } else if (this.expires !== undefined && this.isStale(existing)) {
      // An expired entry is not updated: it leaves as expired and the key starts afresh.
      this.#remove(existing, 'expire')
      this.#add(key, value, weight, expiresAt, undefined)
    } else {
      this.#replace(existing, key, value, weight, expiresAt)
    }
    this.#flush()
    return this
  }

  /** Removes `key`; `true` if a live entry was removed (an expired one is removed too, but `false`). */
  delete(key: K): boolean {
    const slot = this.keyIndex.get(key)
    if (slot === undefined || this.isPhantom(slot)) return false
    const expired = this.expires !== undefined && this.isStale(slot)
    this.#remove(slot, expired ? 'expire' : 'delete')
    this.#flush()
    return !expired
  }

  /** Removes every entry; each is passed to `onEvict` with reason `'clear'`, in iteration order. */
  clear(): void {
    if (this.#onEvict !== undefined) {
      for (const slot of this.order()) {
        this.#enqueue(this.keyList[slot] as K, this.valList[slot] as V, 'clear')
      }
    }
    this.keyIndex.clear()
    this.phantoms = 0
    if (this.capacity === this.#startCapacity) {
      this.keyList.fill(undefined)
      this.valList.fill(undefined)
    } else {
      // Back to the size a new cache has: a cache that once held many entries keeps nothing of
      // them. The policy's arrays are cut down to match; `reset()` makes their contents moot.
      this.capacity = this.#startCapacity
      this.keyList = new Array<K | undefined>(this.capacity).fill(undefined)
      this.valList = new Array<V | undefined>(this.capacity).fill(undefined)
      if (this.#weights !== undefined) this.#weights = new Float64Array(this.capacity)
      this.#free = undefined
      this.resize(this.capacity)
    }
    this.#freeTop = 0
    this.#fill = 0
    this.#totalWeight = 0
    this.expires = undefined
    this.reset()
    this.#flush()
  }

  /** Removes every expired entry now (reason `'expire'`); returns how many. */
  purgeExpired(): number {
    if (this.expires === undefined) return 0
    const now = this.#now()
    let removed = 0
    for (const slot of this.keyIndex.slots()) {
      if (this.expires[slot]! <= now && !this.isPhantom(slot)) {
        this.#remove(slot, 'expire')
        removed++
      }
    }
    this.#flush()
    return removed
  }

  // --- iteration --------------------------------------------------------------------------

  /** Live keys in the policy's order. */
  *keys(): IterableIterator<K> {
    for (const slot of this.#liveOrder()) yield this.keyList[slot] as K
  }

  /** Live values in the same order as `keys()`. */
  *values(): IterableIterator<V> {
    for (const slot of this.#liveOrder()) yield this.valList[slot] as V
  }

  /** Live `[key, value]` pairs in the same order as `keys()`. */
  *entries(): IterableIterator<[K, V]> {
    for (const slot of this.#liveOrder()) yield [this.keyList[slot] as K, this.valList[slot] as V]
  }

  /** The same as `entries()`. */
  [Symbol.iterator](): IterableIterator<[K, V]> {
    return this.entries()
  }

  // --- internals --------------------------------------------------------------------------

  *#liveOrder(): Generator<number, void, undefined> {
    const expires = this.expires
    const now = expires === undefined ? 0 : this.#now()
    for (const slot of this.order()) {
      if (expires === undefined || expires[slot]! > now) yield slot
    }
  }

  #liveSlot(key: K): number | undefined {
    const slot = this.keyIndex.get(key)
    if (slot === undefined || this.isPhantom(slot)) return undefined
    if (this.expires === undefined || !this.isStale(slot)) return slot
    this.#remove(slot, 'expire')
    this.#flush()
    return undefined
  }

  #replace(slot: number, key: K, value: V, weight: number, expiresAt: number): void {
    const old = this.valList[slot] as V
    this.valList[slot] = value
    if (this.expires !== undefined) this.expires[slot] = expiresAt
    this.update(slot)
    if (old !== value) this.#enqueue(key, old, 'set')
    if (this.#weights !== undefined) {
      this.#totalWeight += weight - this.#weights[slot]!
      this.#weights[slot] = weight
      if (this.#totalWeight > this.maxWeight) this.#makeRoomFor(slot, key)
    }
  }

  // A heavier re-set evicts other entries, never the one being set: should the policy pick it
  // (FIFO's oldest, LFU's least used), it leaves the policy's structures while the others go and
  // comes back as a new entry. The loop stops when it is alone, whatever float rounding says.
  #makeRoomFor(slot: number, key: K): void {
    let unlinked = false
    while (this.#totalWeight > this.maxWeight && this.keyIndex.size - this.phantoms > 1) {
      const victim = this.victim()
      if (victim === slot) {
        this.unlink(slot)
        unlinked = true
      } else {
        this.#remove(victim, 'evict')
      }
    }
    if (unlinked) this.insert(slot, key, false)
  }

  // Stores a new key, evicting as the policy decides until it fits. `phantom` is the key's
  // phantom slot, if it has one.
  #add(key: K, value: V, weight: number, expiresAt: number, phantom: number | undefined): void {
    let slot = -1
    if (this.#weights === undefined && this.keyIndex.size - this.phantoms >= this.maxSize) {
      // Full, unweighted: one eviction makes room, and the victim's slot goes straight to the new
      // entry (unless the policy keeps it as a phantom), skipping the free stack and the clearing
      // of a slot that is about to be overwritten.
      const victim = this.victim()
      const oldKey = this.keyList[victim] as K
      this.unlink(victim)
      this.#enqueue(oldKey, this.valList[victim] as V, 'evict')
      if (this.retire(victim)) {
        this.valList[victim] = undefined
        this.phantoms++
      } else {
        this.keyIndex.delete(oldKey)
        slot = victim
      }
    } else {
      // `size > 0`: with fractional weights the total of an emptied cache may round above 0.
      while (
        this.keyIndex.size - this.phantoms >= this.maxSize ||
        (this.#totalWeight + weight > this.maxWeight && this.keyIndex.size - this.phantoms > 0)
      ) {
        this.#remove(this.victim(), 'evict')
      }
    }
    // Making room may have dropped this very key's phantom (S3-FIFO's oldest ghost).
    const revived = phantom !== undefined && this.isPhantom(phantom)
    if (revived) {
      // The key is already mapped to its phantom slot: no index operation. A victim's slot that
      // was meant for the new entry is not needed after all.
      if (slot !== -1) {
        this.keyList[slot] = undefined
        this.valList[slot] = undefined
        this.#freeSlot(slot)
      }
      slot = phantom
      this.phantoms--
    } else {
      if (slot === -1) slot = this.takeSlot()
      this.keyIndex.set(key, slot)
      this.keyList[slot] = key
    }
    if (this.#weights !== undefined) {
      this.#weights[slot] = weight
      this.#totalWeight += weight
    }
    this.valList[slot] = value
    if (this.expires !== undefined) this.expires[slot] = expiresAt
    this.insert(slot, key, revived)
  }

  #remove(slot: number, reason: EvictionReason): void {
    const key = this.keyList[slot] as K
    const value = this.valList[slot] as V
    this.unlink(slot)
    if (this.#weights !== undefined) this.#totalWeight -= this.#weights[slot]!
    this.valList[slot] = undefined
    this.#enqueue(key, value, reason)
    if (reason === 'evict' && this.retire(slot)) {
      this.phantoms++
      return
    }
    this.keyIndex.delete(key)
    this.keyList[slot] = undefined
    this.#freeSlot(slot)
  }

  #freeSlot(slot: number): void {
    this.#free ??= new Int32Array(this.capacity)
    this.#free[this.#freeTop++] = slot
  }

  // The absolute expiry for a `set`, validated before anything changes.
  #expiryOf(options: SetOptions | undefined): number {
    let at = Infinity
    if (options?.expiresAt !== undefined) {
      at = options.expiresAt
      if (typeof at !== 'number' || Number.isNaN(at)) {
        throw new CacheTtlError('expiresAt', 'a number of milliseconds per the cache clock', at)
      }
    } else {
      const ttl = options?.ttl ?? this.#defaultTtl
      if (!isPositiveOrInfinity(ttl)) {
        throw new CacheTtlError('ttl', 'a positive number of milliseconds or Infinity', ttl)
      }
      if (ttl !== Infinity) at = this.#now() + ttl
    }
    if (at !== Infinity && this.expires === undefined) {
      this.expires = new Float64Array(this.capacity).fill(Infinity)
    }
    return at
  }

  #weightOf(key: K, value: V, options: SetOptions | undefined): number {
    const weight = options?.weight ?? (this.#weigh === undefined ? 1 : this.#weigh(value, key))
    if (typeof weight !== 'number' || !(weight > 0) || weight === Infinity) {
      throw new CacheWeightError(
        key,
        `the weight of an entry must be a positive finite number, got: ${describe(weight)}`,
        weight,
      )
    }
    if (weight > this.maxWeight) {
      throw new CacheWeightError(
        key,
        `an entry of weight ${weight} can never fit in \`maxWeight\` ${this.maxWeight}`,
        weight,
      )
    }
    return weight
  }

  /**
   * `delete` when there is nothing to account for, report or check for staleness (no weights,
   * no `onEvict`, no TTLs in use): one key lookup. For a policy's own `delete`, whose call site
   * then sees only that policy.
   */
  protected deletePlain(key: K): boolean {
    const slot = this.keyIndex.get(key)
    if (slot === undefined) return false
    this.unlink(slot)
    this.keyIndex.delete(key)
    this.keyList[slot] = undefined
    this.valList[slot] = undefined
    this.#freeSlot(slot)
    return true
  }

  /** The new value of a live entry for a plain `set` (no weights): an access, and `onEvict`. */
  protected replacePlain(slot: number, key: K, value: V): void {
    const old = this.valList[slot] as V
    this.valList[slot] = value
    this.update(slot)
    if (old !== value && this.#onEvict !== undefined) {
      this.#enqueue(key, old, 'set')
      this.#flush()
    }
  }

  /**
   * A slot for a new entry when the cache is not full; for policies' own fast paths. The arrays
   * grow here, the one place a slot past the used ones is taken, so reads never check capacity.
   */
  protected takeSlot(): number {
    if (this.#freeTop > 0) return this.#free![--this.#freeTop]!
    if (this.#fill === this.capacity) this.#grow()
    return this.#fill++
  }

  // Doubles every per-slot array, up to `slotCount`. Only slots below `#fill` were ever used, and
  // all of them are, so there is never room to reclaim.
  #grow(): void {
    const capacity = Math.min(this.slotCount, this.capacity * 2)
    this.keyList = grownList(this.keyList, capacity)
    this.valList = grownList(this.valList, capacity)
    if (this.#weights !== undefined) this.#weights = grown(this.#weights, capacity)
    if (this.#free !== undefined) this.#free = grown(this.#free, capacity)
    if (this.expires !== undefined) {
      const expires = new Float64Array(capacity).fill(Infinity)
      expires.set(this.expires)
      this.expires = expires
    }
    this.resize(capacity)
    this.capacity = capacity
  }

  /** Queues a departure for `onEvict`; for policies' own fast paths. */
  protected departed(key: K, value: V, reason: EvictionReason): void {
    this.#enqueue(key, value, reason)
  }

  /** Runs queued `onEvict` callbacks; every public write ends with it. */
  protected settle(): void {
    this.#flush()
  }

  #enqueue(key: K, value: V, reason: EvictionReason): void {
    if (this.#onEvict === undefined) return
    const i = this.#queueLength++
    this.#queueKeys[i] = key
    this.#queueValues[i] = value
    this.#queueReasons[i] = reason
  }

  // Runs the queued callbacks; the first error is rethrown once every callback has run.
  #flush(): void {
    if (this.#queueLength === 0) return
    const onEvict = this.#onEvict!
    let failed = false
    let error: unknown
    while (this.#queueHead < this.#queueLength) {
      const i = this.#queueHead++
      const key = this.#queueKeys[i] as K
      const value = this.#queueValues[i] as V
      this.#queueKeys[i] = undefined
      this.#queueValues[i] = undefined
      try {
        onEvict(key, value, this.#queueReasons[i]!)
      } catch (e) {
        if (!failed) error = e
        failed = true
      }
    }
    this.#queueHead = this.#queueLength = 0
    if (failed) throw error
  }
}
