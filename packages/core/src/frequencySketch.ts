// The count-min sketch of W-TinyLFU, laid out as Caffeine's: 4-bit counters, 16 to a 64-bit word
// (here two 32-bit words), a key's 4 counters all inside one 64-byte block so an estimate touches
// one cache line, and every counter halved after `10 × capacity` increments so that old
// popularity fades.

const COUNTER_MAX = 15
const RESET_MASK = 0x77777777
const ONE_MASK = 0x11111111
const WORDS_PER_BLOCK = 16

/** Estimates how often a key hash was seen recently, in at most 15. */
export class FrequencySketch {
  /** Increments between two halvings. */
  readonly sampleSize: number
  #table: Uint32Array
  #blockMask: number
  #additions = 0

  /**
   * @param capacity - how many entries to count for: the table has `nextPow2(max(capacity, 256))`
   * 64-bit words; @param maxSize - the cache's `maxSize` (the sample is `10 × maxSize`), when the
   * table starts smaller and {@link grow}s with the cache.
   */
  constructor(capacity: number, maxSize: number = capacity) {
    const words64 = nextPowerOfTwo(Math.max(capacity, 256))
    this.#table = new Uint32Array(words64 * 2)
    this.#blockMask = this.#table.length / WORDS_PER_BLOCK - 1
    this.sampleSize = 10 * maxSize
  }

  /**
   * Makes the table fit `capacity` entries; whether it grew, in which case every block a caller
   * keeps (see {@link blockOf}) is stale. Each doubling copies the table into both halves: a
   * hash's block is then its old one or the copy of it, so every estimate stays what it was.
   */
  grow(capacity: number): boolean {
    const length = nextPowerOfTwo(Math.max(capacity, 256)) * 2
    const old = this.#table
    if (length <= old.length) return false
    const table = new Uint32Array(length)
    for (let at = 0; at < length; at += old.length) table.set(old, at)
    this.#table = table
    this.#blockMask = length / WORDS_PER_BLOCK - 1
    return true
  }

  /**
   * Mixes a key hash once; {@link blockOf} and {@link counterHashOf} take the result. A cache can
   * keep the two per entry so that a hit does no hash mixing at all.
   */
  mix(hash: number): number {
    return spread(hash)
  }

  /** Where a mixed hash's counters live: the first word of its 64-byte block. */
  blockOf(mixed: number): number {
    return (mixed & this.#blockMask) * WORDS_PER_BLOCK
  }

  /** Which counters inside the block are a mixed hash's: 8 bits for each of the 4. */
  counterHashOf(mixed: number): number {
    return rehash(mixed)
  }

  /** The estimated frequency of `hash`: the least of its 4 counters. */
  frequency(hash: number): number {
    const mixed = spread(hash)
    return this.frequencyAt(this.blockOf(mixed), rehash(mixed))
  }

  /** {@link frequency} from a precomputed block and counter hash. */
  frequencyAt(block: number, counterHash: number): number {
    // Unrolled like incrementAt; each of the 4 rows is a quarter of the block.
    const table = this.#table
    const c0 = (table[block + (counterHash & 3)]! >>> (((counterHash >>> 2) & 7) << 2)) & 0xf
    const c1 =
      (table[block + 4 + ((counterHash >>> 8) & 3)]! >>> (((counterHash >>> 10) & 7) << 2)) & 0xf
    const c2 =
      (table[block + 8 + ((counterHash >>> 16) & 3)]! >>> (((counterHash >>> 18) & 7) << 2)) & 0xf
    const c3 =
      (table[block + 12 + ((counterHash >>> 24) & 3)]! >>> (((counterHash >>> 26) & 7) << 2)) & 0xf
    const low = c0 < c1 ? c0 : c1
    const high = c2 < c3 ? c2 : c3
    return low < high ? low : high
  }

  /** Counts one more occurrence of `hash`; halves every counter once `sampleSize` is reached. */
  increment(hash: number): void {
    const mixed = spread(hash)
    this.incrementAt(this.blockOf(mixed), rehash(mixed))
  }

  /** {@link increment} from a precomputed block and counter hash. */
  incrementAt(block: number, counterHash: number): void {
    // Unrolled: TurboFan does not unroll loops, and this runs on every hit.
    const table = this.#table
    const w0 = block + (counterHash & 3)
    const s0 = ((counterHash >>> 2) & 7) << 2
    const w1 = block + 4 + ((counterHash >>> 8) & 3)
    const s1 = ((counterHash >>> 10) & 7) << 2
    const w2 = block + 8 + ((counterHash >>> 16) & 3)
    const s2 = ((counterHash >>> 18) & 7) << 2
    const w3 = block + 12 + ((counterHash >>> 24) & 3)
    const s3 = ((counterHash >>> 26) & 7) << 2
    const v0 = table[w0]!
    const v1 = table[w1]!
    const v2 = table[w2]!
    const v3 = table[w3]!
    let added = 0
    if (((v0 >>> s0) & 0xf) !== COUNTER_MAX) {
      table[w0] = v0 + (1 << s0)
      added = 1
    }
    if (((v1 >>> s1) & 0xf) !== COUNTER_MAX) {
      table[w1] = v1 + (1 << s1)
      added = 1
    }
    if (((v2 >>> s2) & 0xf) !== COUNTER_MAX) {
      table[w2] = v2 + (1 << s2)
      added = 1
    }
    if (((v3 >>> s3) & 0xf) !== COUNTER_MAX) {
      table[w3] = v3 + (1 << s3)
      added = 1
    }
    if (added !== 0 && ++this.#additions >= this.sampleSize) this.#halve()
  }

  /** Forgets everything. */
  clear(): void {
    this.#table.fill(0)
    this.#additions = 0
  }

  // Ages the sketch: each counter halves; the odd counts lost in rounding are subtracted.
  #halve(): void {
    let odd = 0
    const table = this.#table
    for (let i = 0; i < table.length; i++) {
      odd += bitCount(table[i]! & ONE_MASK)
      table[i] = (table[i]! >>> 1) & RESET_MASK
    }
    this.#additions = (this.#additions - (odd >>> 2)) >>> 1
  }
}

function spread(x: number): number {
  x ^= x >>> 17
  x = Math.imul(x, 0xed5ad4bb)
  x ^= x >>> 11
  x = Math.imul(x, 0xac4c1b51)
  x ^= x >>> 15
  return x
}

function rehash(x: number): number {
  x = Math.imul(x, 0x31848bab)
  x ^= x >>> 14
  return x
}

function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333)
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24
}

function nextPowerOfTwo(n: number): number {
  return 2 ** Math.ceil(Math.log2(n))
}
