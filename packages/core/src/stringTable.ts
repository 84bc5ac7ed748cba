// Short string keys → slot, for `KeyIndex`: an open-addressing table over typed arrays, hashed in
// JavaScript. A `Map` keyed by strings is fast to read (V8 caches each string's hash) but every new
// key takes a fresh entry of its table, deletions leave holes, and once full the table is copied
// into a newly allocated one: in a cache whose keys come and go (every evicting `set` deletes one
// key and adds another) that is 37-40 bytes of fresh large-object memory per new key, plus the
// copy. This table is allocated once per doubling of the cache's slots and never otherwise: a new
// key writes a hash, a slot and a key reference into free positions, a deletion shifts the rest of
// its probe run back (no holes). The price is hashing the string in JavaScript on every lookup,
// which is why only short strings come here (see SHORT_STRING).
import { hashString } from './hashKey.js'

/**
 * The longest string (in UTF-16 units) kept in the table; longer ones go to the `Map`. Hashing
 * costs about 1.5 ns per unit here, so that at this length a lookup that hits costs what the
 * `Map`'s costs, while a new key or a deletion still costs well under half of the `Map`'s.
 */
export const SHORT_STRING = 16

// A probe run longer than this means keys whose hashes collide whatever the seed (possible with
// chosen non-ASCII strings): `set` refuses the key and the index moves its strings to a `Map`.
const MAX_PROBE = 48

const EMPTY = 0

/** Short string → slot; see the file comment. Keys compare as strings do (by content). */
export class StringTable {
  // Per position, side by side so that a probe reads one cache line: the key's full hash and its
  // slot + 1 (EMPTY = free). At most half the positions are used.
  #cells: Int32Array
  #keys: (string | undefined)[]
  #mask: number
  #shift: number
  #count = 0
  // Positions come from `(hash ^ seed) × 2^32/φ`, so that keys cannot be chosen to share a home
  // position without knowing the seed.
  readonly #seed: number
  // The last key `get` missed: a `set` or `hashOf` of the same key right after (every new entry)
  // reuses its hash.
  #lastKey: string | undefined
  #lastHash = 0

  /** @param capacity - the most keys held at once; @param seed - mixed into every position. */
  constructor(capacity: number, seed: number) {
    this.#seed = seed
    const bits = tableBits(capacity)
    this.#cells = new Int32Array(2 << bits)
    this.#keys = new Array<string | undefined>(1 << bits).fill(undefined)
    this.#mask = (1 << bits) - 1
    this.#shift = 32 - bits
  }

  /** How many keys are held. */
  get size(): number {
    return this.#count
  }

  /** The hash of `key` (the same as `hashKey`'s), reusing the last missed lookup's if it was this key. */
  hashOf(key: string): number {
    return key === this.#lastKey ? this.#lastHash : hashString(key)
  }

  /** The slot of `key`, or `undefined`. */
  get(key: string): number | undefined {
    const hash = hashString(key)
    const cells = this.#cells
    const mask = this.#mask
    for (let at = this.#home(hash); ; at = (at + 1) & mask) {
      const slot = cells[2 * at + 1]!
      if (slot === EMPTY) {
        // A miss: the key is likely to be added next (and counted, by W-TinyLFU's sketch).
        this.#lastKey = key
        this.#lastHash = hash
        return undefined
      }
      if (cells[2 * at] === hash && this.#keys[at] === key) return slot - 1
    }
  }

  /**
   * Maps `key` to `slot`, held or not; `false` (and nothing changes) if a new key's probe run is
   * longer than flooding allows.
   */
  set(key: string, slot: number): boolean {
    return this.#put(key, this.hashOf(key), slot)
  }

  #put(key: string, hash: number, slot: number): boolean {
    const cells = this.#cells
    const mask = this.#mask
    let at = this.#home(hash)
    for (let probes = 0; cells[2 * at + 1] !== EMPTY; at = (at + 1) & mask) {
      if (cells[2 * at] === hash && this.#keys[at] === key) {
        cells[2 * at + 1] = slot + 1
        return true
      }
      if (++probes > MAX_PROBE) return false
    }
    cells[2 * at] = hash
    cells[2 * at + 1] = slot + 1
    this.#keys[at] = key
    this.#count++
    return true
  }

  /** Removes `key`; whether it was held. */
  delete(key: string): boolean {
    let at = this.#find(key, this.hashOf(key))
    if (at === -1) return false
    // Shift later keys of the same probe run back into the hole, so that every key stays
    // reachable from its home without tombstones (Knuth's algorithm R).
    const cells = this.#cells
    const keys = this.#keys
    const mask = this.#mask
    let hole = at
    for (at = (hole + 1) & mask; cells[2 * at + 1] !== EMPTY; at = (at + 1) & mask) {
      const home = this.#home(cells[2 * at]!)
      const stays = hole <= at ? hole < home && home <= at : hole < home || home <= at
      if (!stays) {
        cells[2 * hole] = cells[2 * at]!
        cells[2 * hole + 1] = cells[2 * at + 1]!
        keys[hole] = keys[at]
        hole = at
      }
    }
    cells[2 * hole + 1] = EMPTY
    keys[hole] = undefined
    this.#count--
    return true
  }

  /** Removes every key. */
  clear(): void {
    this.#cells.fill(EMPTY)
    this.#keys.fill(undefined)
    this.#count = 0
    this.#lastKey = undefined
  }

  /** Calls `each` with every key and its slot, in no particular order. */
  forEach(each: (key: string, slot: number) => void): void {
    const cells = this.#cells
    for (let at = 0; at <= this.#mask; at++) {
      const slot = cells[2 * at + 1]!
      if (slot !== EMPTY) each(this.#keys[at]!, slot - 1)
    }
  }

  /**
   * Makes room for `capacity` keys (the cache's slot arrays grew), rebuilding the table at the new
   * size from the stored hashes; `false` if a key's probe run there would be longer than flooding
   * allows, in which case the table is left as it was, for the caller to move its keys elsewhere.
   */
  reserve(capacity: number): boolean {
    const bits = tableBits(capacity)
    if (bits <= 32 - this.#shift) return true
    const [cells, keys, mask, shift, count] = [
      this.#cells,
      this.#keys,
      this.#mask,
      this.#shift,
      this.#count,
    ]
    this.#cells = new Int32Array(2 << bits)
    this.#keys = new Array<string | undefined>(1 << bits).fill(undefined)
    this.#mask = (1 << bits) - 1
    this.#shift = 32 - bits
    this.#count = 0
    for (let at = 0; at < keys.length; at++) {
      const slot = cells[2 * at + 1]!
      if (slot !== EMPTY && !this.#put(keys[at]!, cells[2 * at]!, slot - 1)) {
        ;[this.#cells, this.#keys, this.#mask, this.#shift, this.#count] = [
          cells,
          keys,
          mask,
          shift,
          count,
        ]
        return false
      }
    }
    return true
  }

  // The position of `key`, or -1.
  #find(key: string, hash: number): number {
    const cells = this.#cells
    const mask = this.#mask
    for (let at = this.#home(hash); ; at = (at + 1) & mask) {
      if (cells[2 * at + 1] === EMPTY) return -1
      if (cells[2 * at] === hash && this.#keys[at] === key) return at
    }
  }

  #home(hash: number): number {
    return Math.imul(hash ^ this.#seed, 0x9e3779b1) >>> this.#shift
  }
}

// At least half empty; 30 bits at most (the cells array has two words per position).
function tableBits(capacity: number): number {
  return Math.min(30, Math.max(4, Math.ceil(Math.log2(capacity * 2))))
}
