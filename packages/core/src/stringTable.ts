// Short string keys → slot, for `KeyIndex`: an open-addressing table over typed arrays, hashed in
// JavaScript. A `Map` keyed by strings is fast to read (V8 caches each string's hash) but every new
// key takes a fresh entry of its table, deletions leave holes, and once full the table is copied
// into a newly allocated one: in a cache whose keys come and go (every evicting `set` deletes one
// key and adds another) that is 37-40 bytes of fresh large-object memory per new key, plus the
// copy. This table is rebuilt only when the number of keys it holds doubles or falls to a sixteenth
// of its positions (see `Sizing`), never otherwise: a new key writes a hash, a slot and a key
// reference into free positions, a deletion shifts the rest of its probe run back (no holes). The
// price is hashing the string in JavaScript on every lookup, which is why only short strings come
// here (see SHORT_STRING).
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

// Sizing, shared with the integer table of `KeyIndex`. A table of 2^b positions holds at most
// half as many keys (`growAt`: a set that finds it that full first doubles it) and, above the size
// it started with, at least a sixteenth (`shrinkBelow`: a delete that leaves fewer keys rebuilds
// it at a quarter of its positions, never below the start size). Rebuilding costs O(1) per set or
// delete, amortised, whatever their order. Charge each rebuild to the operations since the one
// that made the table it replaces (of 2^b positions):
// - that table was made about a quarter full: a doubling into 2^b positions happens at 2^(b-1) / 2
//   = 2^b / 4 keys, a shrink into 2^b from 2^(b+2) at 2^(b+2) / 16 - 1 = 2^b / 4 - 1 keys (deletes
//   remove one key at a time, so the count meets the threshold exactly); made at the start size,
//   or by a shrink held at the start size, it held fewer (none, or below 2^b / 8).
// - so doubling it (at 2^b / 2 keys) took at least 2^b / 4 sets, and shrinking it (below 2^b / 16)
//   at least 3 × 2^b / 16 deletes;
// - a rebuild visits the old positions and the new ones: 2^b + 2^(b+1) for a doubling, 12 per set
//   charged; 2^b + 2^(b-2) for a shrink, under 7 per delete charged.
// Each operation is charged once (to the next rebuild), so rebuilds visit at most 12 positions per
// set or delete overall. In particular a set and a delete alternating at either threshold rebuild
// once, not every call: after a doubling or a shrink the table is a quarter full. `clear()` goes
// back to the start size at once.

/** How many keys a table of 2^`bits` positions holds before the next new key doubles it. */
export function growAt(bits: number): number {
  return 2 ** (bits - 1)
}

/** Below how many keys a table of 2^`bits` positions shrinks; 0 (never) at its start size. */
export function shrinkBelow(bits: number, startBits: number): number {
  return bits > startBits ? 2 ** (bits - 4) : 0
}

/** The size (in bits) a table of 2^`bits` positions shrinks to: a quarter, or its start size. */
export function shrunkBits(bits: number, startBits: number): number {
  return Math.max(startBits, bits - 2)
}

/**
 * The size (in bits) of a table for `capacity` keys: at least half empty, 16 positions at least,
 * `maxBits` at most.
 */
export function tableBits(capacity: number, maxBits: number): number {
  return Math.min(maxBits, Math.max(4, Math.ceil(Math.log2(capacity * 2))))
}

// 30 bits at most: the cells array has two words per position.
const MAX_BITS = 30

/** Short string → slot; see the file comment. Keys compare as strings do (by content). */
export class StringTable {
  // Per position, side by side so that a probe reads one cache line: the key's full hash and its
  // slot + 1 (EMPTY = free). At most half the positions are used.
  #cells = new Int32Array(0)
  #keys: (string | undefined)[] = []
  #mask = 0
  #shift = 0
  #bits = 0
  readonly #startBits: number
  #count = 0
  #growAt = 0
  #shrinkBelow = 0
  // Positions come from `(hash ^ seed) × 2^32/φ`, so that keys cannot be chosen to share a home
  // position without knowing the seed.
  readonly #seed: number
  // The last key `get` missed: a `set` or `hashOf` of the same key right after (every new entry)
  // reuses its hash.
  #lastKey: string | undefined
  #lastHash = 0
  /** How many positions every rebuild so far has read and written, for tests of its cost. */
  rebuildWork = 0

  /**
   * @param capacity - how many keys the table starts sized for (it grows and shrinks with its
   * keys, never below that); @param seed - mixed into every position.
   */
  constructor(capacity: number, seed: number) {
    this.#seed = seed
    this.#startBits = tableBits(capacity, MAX_BITS)
    this.#allocate(this.#startBits)
  }

  /** How many keys are held. */
  get size(): number {
    return this.#count
  }

  /** How many positions the table has now. */
  get positions(): number {
    return this.#mask + 1
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
   * longer than flooding allows, here or in the doubled table it needed.
   */
  set(key: string, slot: number): boolean {
    if (this.#count >= this.#growAt && !this.#rebuild(this.#bits + 1)) return false
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

  /** Removes `key`; whether it was held. A table left sparse shrinks (see Sizing). */
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
    if (
      --this.#count < this.#shrinkBelow &&
      !this.#rebuild(shrunkBits(this.#bits, this.#startBits))
    ) {
      // Keys chosen to collide would have too long a probe run in the smaller table: it stays as
      // it is (and stops trying) until it grows again or is cleared.
      this.#shrinkBelow = 0
    }
    return true
  }

  /** Removes every key; the table goes back to its start size. */
  clear(): void {
    if (this.#bits === this.#startBits) {
      this.#cells.fill(EMPTY)
      this.#keys.fill(undefined)
    } else {
      this.#allocate(this.#startBits)
    }
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

  // Rebuilds the table at 2^bits positions from the stored hashes; `false` if a key's probe run
  // there would be longer than flooding allows, in which case the table is left as it was.
  #rebuild(bits: number): boolean {
    if (bits > MAX_BITS) return true
    const [cells, keys, bitsBefore, count] = [this.#cells, this.#keys, this.#bits, this.#count]
    this.#allocate(bits)
    this.rebuildWork += keys.length + this.#keys.length
    for (let at = 0; at < keys.length; at++) {
      const slot = cells[2 * at + 1]!
      if (slot !== EMPTY && !this.#put(keys[at]!, cells[2 * at]!, slot - 1)) {
        this.#cells = cells
        this.#keys = keys
        this.#size(bitsBefore)
        this.#count = count
        return false
      }
    }
    return true
  }

  // Empty arrays of 2^bits positions.
  #allocate(bits: number): void {
    this.#cells = new Int32Array(2 << bits)
    this.#keys = new Array<string | undefined>(1 << bits).fill(undefined)
    this.#count = 0
    this.#size(bits)
  }

  #size(bits: number): void {
    this.#bits = bits
    this.#mask = (1 << bits) - 1
    this.#shift = 32 - bits
    this.#growAt = bits === MAX_BITS ? Infinity : growAt(bits)
    this.#shrinkBelow = shrinkBelow(bits, this.#startBits)
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
