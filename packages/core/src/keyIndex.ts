// Key → slot, for every policy. Integer keys (int32, the common numeric id) live in an
// open-addressing table over two typed arrays, rebuilt only when the keys it holds double or fall
// to a sixteenth of its positions (see Sizing in `stringTable.ts`): a lookup is a multiply and one
// or two array reads, several times faster than a `Map`, and the table takes 16 to 32 bytes per
// key, less than a `Map` holding as many.
// Short strings go to a table of the same kind (`StringTable`), which, unlike a `Map`, allocates
// nothing as keys come and go. Every other key (long strings, floats, NaN, objects, ...) goes to a
// `Map`. Keys compare as in a `Map` (SameValueZero): -0 is the integer 0.
import { hashKey } from './hashKey.js'
import {
  growAt,
  SHORT_STRING,
  shrinkBelow,
  shrunkBits,
  StringTable,
  tableBits,
} from './stringTable.js'

const EMPTY = 0
// 31 bits at most, so that the shift stays within 1 to 31.
const MAX_INT_BITS = 31

/** A key → slot index: typed tables for int32 keys and short strings, a `Map` for the rest. */
export class KeyIndex<K> {
  readonly #map = new Map<K, number>()
  // Created by the first short string key. `#stringsInMap` is set for good when keys chosen to
  // collide make its probe runs too long: its keys move to the `Map`, and so do later ones.
  #strings: StringTable | undefined
  // Its size, kept here so that `size` (read by every `set` of a new key) is two loads and a call.
  #stringCount = 0
  #stringsInMap = false
  readonly #capacity: number
  // Created by the first integer key: a cache of strings never pays for them. Per position, the
  // key and slot + 1 (EMPTY = free); at most half the positions are used.
  #intKeys: Int32Array | undefined
  #intSlots: Int32Array | undefined
  #mask = 0
  #shift = 0
  #bits = 0
  readonly #startBits: number
  #intCount = 0
  // Sizing thresholds of the integer table (see `stringTable.ts`). `#growAt` is 0 until the table
  // exists, so that the first integer key creates it.
  #growAt = 0
  #shrinkBelow = 0
  /** How many positions every rebuild of the integer table has read and written, for tests. */
  intRebuildWork = 0
  // Positions come from `(key ^ seed) × 2^32/φ`: consecutive keys spread out, and a random seed
  // per index means keys cannot be chosen in advance to collide.
  readonly #seed = (Math.random() * 0x100000000) | 0

  /**
   * @param capacity - how many keys the tables start sized for; they grow as keys arrive and
   * shrink back as they leave, never below that size.
   */
  constructor(capacity: number) {
    this.#capacity = capacity
    this.#startBits = tableBits(capacity, MAX_INT_BITS)
  }

  /** The string table, if short strings have come; for tests. */
  get stringTable(): StringTable | undefined {
    return this.#strings
  }

  /** How many positions the integer table has (0 before the first integer key); for tests. */
  get intPositions(): number {
    return this.#intKeys === undefined ? 0 : this.#mask + 1
  }

  /** How many keys are held. */
  get size(): number {
    return this.#map.size + this.#intCount + this.#stringCount
  }

  /** The slot of `key`, or `undefined`. */
  get(key: K): number | undefined {
    // Each path in a method of its own: a call site that only ever sees strings (or only
    // integers) compiles only its path.
    return typeof key === 'number' && (key | 0) === key ? this.#getInt(key) : this.#getOther(key)
  }

  /**
   * `hashKey(key)`, without hashing again a short string that the last `get` looked up (a new
   * entry's key, which a frequency sketch then counts).
   */
  hashOf(key: K): number {
    return typeof key === 'number' && (key | 0) === key ? key : this.#hashOther(key)
  }

  /** Whether `key` is held. */
  has(key: K): boolean {
    return this.get(key) !== undefined
  }

  /** Maps `key` to `slot`; `key` must not be held yet, or holds that slot already. */
  set(key: K, slot: number): void {
    if (typeof key === 'number' && (key | 0) === key) this.#setInt(key, slot)
    else this.#setOther(key, slot)
  }

  /** Removes `key`; whether it was held. */
  delete(key: K): boolean {
    return typeof key === 'number' && (key | 0) === key
      ? this.#deleteInt(key)
      : this.#deleteOther(key)
  }

  /** Removes every key; the tables go back to the size they started with. */
  clear(): void {
    this.#map.clear()
    if (this.#bits === this.#startBits) this.#intSlots?.fill(EMPTY)
    else if (this.#intKeys !== undefined) this.#createTable(this.#startBits)
    this.#intCount = 0
    this.#strings?.clear()
    this.#stringCount = 0
  }

  /** Every held slot, in no particular order; a snapshot, so the index may change meanwhile. */
  slots(): number[] {
    const all = [...this.#map.values()]
    const slots = this.#intSlots
    if (slots !== undefined) {
      for (const slot of slots) if (slot !== EMPTY) all.push(slot - 1)
    }
    this.#strings?.forEach((_, slot) => all.push(slot))
    return all
  }

  #getOther(key: K): number | undefined {
    return this.#isShortString(key) ? this.#strings?.get(key) : this.#map.get(key)
  }

  #hashOther(key: K): number {
    return this.#isShortString(key) && this.#strings !== undefined
      ? this.#strings.hashOf(key)
      : hashKey(key)
  }

  #setOther(key: K, slot: number): void {
    if (this.#isShortString(key)) this.#setString(key, slot)
    else this.#map.set(key, slot)
  }

  #deleteOther(key: K): boolean {
    if (!this.#isShortString(key)) return this.#map.delete(key)
    if (this.#strings === undefined || !this.#strings.delete(key)) return false
    this.#stringCount--
    return true
  }

  #isShortString(key: K): key is K & string {
    return typeof key === 'string' && key.length <= SHORT_STRING && !this.#stringsInMap
  }

  #setString(key: string, slot: number): void {
    const strings = (this.#strings ??= new StringTable(this.#capacity, this.#seed))
    if (strings.set(key, slot)) {
      this.#stringCount = strings.size
    } else {
      this.#moveStringsToMap()
      this.#map.set(key as K, slot)
    }
  }

  // Keys chosen to collide: every string key goes to the `Map` from now on (a `Map`'s hashing is
  // seeded by V8 and its buckets are chained), at the `Map`'s speed.
  #moveStringsToMap(): void {
    this.#strings!.forEach((key, slot) => this.#map.set(key as K, slot))
    this.#strings = undefined
    this.#stringCount = 0
    this.#stringsInMap = true
  }

  #getInt(key: number): number | undefined {
    const keys = this.#intKeys
    if (keys === undefined) return undefined
    const slots = this.#intSlots!
    const mask = this.#mask
    for (let at = this.#home(key); ; at = (at + 1) & mask) {
      const slot = slots[at]!
      if (slot === EMPTY) return undefined
      if (keys[at] === key) return slot - 1
    }
  }

  #setInt(key: number, slot: number): void {
    // A first key finds `#growAt` 0 and creates the table; a table half full doubles.
    if (this.#intCount >= this.#growAt)
      this.#rebuildInts(this.#bits === 0 ? this.#startBits : this.#bits + 1)
    const keys = this.#intKeys!
    const slots = this.#intSlots!
    const mask = this.#mask
    let at = this.#home(key)
    while (slots[at] !== EMPTY && keys[at] !== key) at = (at + 1) & mask
    if (slots[at] === EMPTY) this.#intCount++
    keys[at] = key
    slots[at] = slot + 1
  }

  #deleteInt(key: number): boolean {
    const keys = this.#intKeys
    if (keys === undefined) return false
    const slots = this.#intSlots!
    const mask = this.#mask
    let at = this.#home(key)
    for (; ; at = (at + 1) & mask) {
      if (slots[at] === EMPTY) return false
      if (keys[at] === key) break
    }
    // Shift later keys of the same probe run back into the hole, so that every key stays
    // reachable from its home without tombstones (Knuth's algorithm R).
    let hole = at
    for (let next = (hole + 1) & mask; slots[next] !== EMPTY; next = (next + 1) & mask) {
      const home = this.#home(keys[next]!)
      const stays = hole <= next ? hole < home && home <= next : hole < home || home <= next
      if (!stays) {
        keys[hole] = keys[next]!
        slots[hole] = slots[next]!
        hole = next
      }
    }
    slots[hole] = EMPTY
    if (--this.#intCount < this.#shrinkBelow) {
      this.#rebuildInts(shrunkBits(this.#bits, this.#startBits))
    }
    return true
  }

  #home(key: number): number {
    return Math.imul(key ^ this.#seed, 0x9e3779b1) >>> this.#shift
  }

  // Rebuilds the integer table at 2^bits positions (creates it, the first time).
  #rebuildInts(bits: number): void {
    if (bits > MAX_INT_BITS) return
    const keys = this.#intKeys
    const slots = this.#intSlots
    this.#createTable(bits)
    if (keys === undefined || slots === undefined) return
    this.intRebuildWork += slots.length + this.#mask + 1
    for (let at = 0; at < slots.length; at++) {
      if (slots[at] !== EMPTY) this.#setInt(keys[at]!, slots[at]! - 1)
    }
  }

  // An empty integer table of 2^bits positions.
  #createTable(bits: number): void {
    this.#intKeys = new Int32Array(2 ** bits)
    this.#intSlots = new Int32Array(2 ** bits)
    this.#mask = 2 ** bits - 1
    this.#shift = 32 - bits
    this.#bits = bits
    this.#intCount = 0
    this.#growAt = bits === MAX_INT_BITS ? Infinity : growAt(bits)
    this.#shrinkBelow = shrinkBelow(bits, this.#startBits)
  }
}
