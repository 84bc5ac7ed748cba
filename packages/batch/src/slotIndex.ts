/**
 * How many slots a window dedupes by scanning its identities before it indexes them: a loop of a
 * few `===` beats hashing, and windows this small touch no table and no `Map` at all.
 */
export const SCAN_SLOTS = 8

/** Buckets of a new table (a power of two); it doubles before it is 3/4 full. */
const INITIAL_BUCKETS = 64
/**
 * The biggest table kept as the spare: 2^14 buckets, 128 KiB (two 32-bit integers a bucket),
 * enough for 12,288 keys. A bigger one, grown for a bigger window, is left to the GC when its
 * window ends.
 */
const MAX_SPARE_BUCKETS = 1 << 14
/**
 * A bucket holds `stamp << SLOT_BITS | slot`, or anything without the current stamp if empty,
 * and beside it the identity's hash.
 */
const SLOT_BITS = 22
/** Slots past this one (4 million keys in one window) are indexed by the `Map`. */
const MAX_SLOT = (1 << SLOT_BITS) - 1
/** Stamps are 1 to 255, so that a bucket stays a small integer (below 2^30). */
const LAST_STAMP = 255
/** Fibonacci hashing: multiplying by 2^32 / φ spreads consecutive ids across the table. */
const GOLDEN = 0x9e3779b1
/** Strings up to this length are hashed into the table; longer ones go to the `Map`. */
const MAX_HASHED_LENGTH = 64
/**
 * Mixed into every string hash: chosen per process, so that keys crafted to collide (and make
 * lookups linear) in one process do not collide in another.
 */
const SEED = (Math.random() * 0x100000000) | 0

/**
 * A 32-bit hash of a short string (FNV-1a over its UTF-16 code units, seeded), whose high bits
 * pick its bucket. A few multiplications for a key like 'user:42', and no allocation: cheaper
 * than the `get` and `set` of a `Map`, which would also grow and clear its own table per window.
 */
export function hashString(id: string): number {
  const length = id.length
  let hash = SEED ^ length
  for (let i = 0; i < length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193)
  return Math.imul(hash ^ (hash >>> 16), GOLDEN)
}

/**
 * One table, shared by all batchers, that no window is using: the next window to outgrow its scan
 * takes it instead of allocating and growing its own, so that a batcher made per request (as
 * DataLoader advises) costs no table, and big windows no regrowth, once the process is warm.
 */
let spare: Int32Array | undefined
/** The epoch in which the spare's stamps were handed out. */
let spareEpoch = 0
/** The next stamp to hand out, for all tables: a stamp marks the buckets of one window. */
let nextStamp = 1
/**
 * Bumped when the stamps start again at 1: a table whose stamps are of an older epoch is zeroed
 * before reuse, so that an old bucket can never pass for one of the current window. (Once every
 * 255 windows, so the cost of zeroing is spread thin.)
 */
let epoch = 0

/**
 * For tests: skips stamps until at most `left` are left before they start again at 1. (Never
 * backwards: a stamp must not be handed out twice in an epoch.)
 */
export function skipStampsForTesting(left: number): void {
  nextStamp = Math.max(nextStamp, LAST_STAMP + 1 - left)
}

/** An empty table, for a window that has none. */
const NONE = new Int32Array(0)

/**
 * Whether `id` is an integer in [-2^30, 2^30): one that V8 keeps unboxed (a "Smi") in an array.
 * `(id << 1) >> 1` drops any fraction and the bits beyond 31, so only such ids survive it
 * unchanged (and -0, which SameValueZero equates with 0, as the shifts do).
 */
function isSmall(id: unknown): id is number {
  return typeof id === 'number' && (id << 1) >> 1 === id
}

/** Whether `id` is a string short enough to hash into the table. */
function isHashed(id: unknown): id is string {
  return typeof id === 'string' && id.length <= MAX_HASHED_LENGTH
}

/** Whether `id` goes in the table (a small integer or a short string) rather than the `Map`. */
function isTabled(id: unknown): id is number | string {
  return isSmall(id) || isHashed(id)
}

/** The table hash of an identity that {@link isTabled}. */
function hashOf(id: number | string): number {
  return typeof id === 'number' ? Math.imul(id, GOLDEN) : hashString(id)
}

/**
 * A window's identities, by window slot, in the arrays of its batches: every batch but the last
 * has exactly `size` slots (the batcher's `maxBatchSize`, `Infinity` for one batch), so the
 * window's slot `w` is slot `w % size` of batch `w / size`, and no window-wide array is kept.
 */
export type Chunks = readonly (readonly unknown[])[]

/** The identity at window slot `slot`. (`slot / Infinity` is 0 and `slot % Infinity` is `slot`.) */
function idAt(chunks: Chunks, size: number, slot: number): unknown {
  return chunks.length === 1 ? chunks[0]![slot] : chunks[(slot / size) | 0]![slot % size]
}

/** SameValueZero, as `Map` compares its keys: `===`, except that NaN equals NaN. */
function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b)
}

/**
 * Maps the identities of the window being collected to their window slots, so that a load of an
 * identity already in the window shares its slot, whichever of the window's batches holds it.
 * One per batcher, reused by each window it collects: `reset()` empties it for the next one.
 *
 * It picks the cheapest structure for what it holds:
 * - up to {@link SCAN_SLOTS} slots, nothing: a lookup scans the window's identities;
 * - small integers (the common database id) and strings up to 64 characters (`'user:42'`, and
 *   the `stableHash` of object keys): an open-addressing hash table with linear probing, an
 *   `Int32Array` of two integers per bucket, `stamp << SLOT_BITS | slot` and the identity's
 *   hash; a bucket's id is the window's identity at that slot, compared only when the hashes
 *   are equal (a string comparison, and the division that finds a slot's batch, on hits only).
 *   A lookup is a hash (a multiplication for an integer, a few per string character) and a
 *   probe or two, and a miss fills the empty bucket it ended on; it
 *   allocates nothing and stores no pointer (no GC write barrier), and the table, a word a
 *   bucket, stays small in the CPU cache. A bucket belongs to the current window only if it
 *   bears the window's stamp, so the table is emptied by taking a new stamp, not by clearing it;
 * - any other identity (longer strings, other numbers, objects from `keyFn`): a `Map`, which
 *   compares with SameValueZero, as one `Map` of every identity would.
 */
export class SlotIndex {
  /** The buckets, two integers each; {@link NONE} until the window outgrows the scan. */
  #table: Int32Array = NONE
  /** `buckets - 1`, `buckets` being a power of two. */
  #mask = 0
  /** `32 - log2(buckets)`: the bucket is the top bits of `id * GOLDEN`. */
  #shift = 0
  /** The table doubles before a window gets this many slots: 3/4 of its buckets. */
  #limit = 0
  /** The current window's stamp, shifted in place: `stamp << SLOT_BITS`. */
  #tag = 0
  /** The epoch of #tag. */
  #epoch = 0
  /** The identities that are not tabled, once the window outgrows the scan. */
  #others: Map<unknown, number> | undefined = undefined

  /**
   * The slot of `id` in the window whose identities, by slot, are the first `n` of `chunks` (see
   * {@link Chunks}, each of `size` slots but the last); or, if it has none, -1, and `id` is
   * recorded at slot `n`: the caller must put it there.
   */
  slotOf(chunks: Chunks, size: number, n: number, id: unknown): number {
    if (n <= SCAN_SLOTS) {
      for (let slot = 0; slot < n; slot++)
        if (sameValueZero(idAt(chunks, size, slot), id)) return slot
      // The new slot is the first one past the scan: index the window so far.
      if (n === SCAN_SLOTS) this.#start(chunks, size)
      else return -1
    }
    let hash: number
    if (isSmall(id)) hash = Math.imul(id, GOLDEN)
    else if (isHashed(id)) hash = hashString(id)
    else return this.#other(chunks, size, id, n)
    if (n > MAX_SLOT) return this.#other(chunks, size, id, n)
    if (n >= this.#limit) this.#grow()
    // Linear probing from the hash's bucket up to the first empty one, where a miss goes.
    const table = this.#table
    const tag = this.#tag
    const mask = this.#mask
    let at = 2 * (hash >>> this.#shift)
    for (let entry = table[at]!; (entry & ~MAX_SLOT) === tag; entry = table[at]!) {
      if (table[at + 1] === hash) {
        const slot = entry & MAX_SLOT
        if (idAt(chunks, size, slot) === id) return slot
      }
      at = (at + 2) & mask
    }
    table[at] = tag | n
    table[at + 1] = hash
    return -1
  }

  /** Empties the index for the next batch, and offers its table as the spare. */
  reset(): void {
    const table = this.#table
    if (table !== NONE) {
      this.#table = NONE
      this.#offer(table)
    }
    const others = this.#others
    // `clear()` would allocate an empty table even for an empty Map.
    if (others !== undefined && others.size > 0) others.clear()
  }

  /** {@link slotOf} for an identity that is not a small integer, or past {@link MAX_SLOT}. */
  #other(chunks: Chunks, size: number, id: unknown, n: number): number {
    if (n > MAX_SLOT && isTabled(id)) {
      // It may be in the table, from a slot before MAX_SLOT.
      const slot = this.#lookUp(chunks, size, id)
      if (slot >= 0) return slot
    }
    const others = (this.#others ??= new Map<unknown, number>())
    const slot = others.get(id)
    if (slot !== undefined) return slot
    others.set(id, n)
    return -1
  }

  /** The slot of `id`, which {@link isTabled}, in the table, or -1. */
  #lookUp(chunks: Chunks, size: number, id: number | string): number {
    const table = this.#table
    const hash = hashOf(id)
    let at = 2 * (hash >>> this.#shift)
    for (let entry = table[at]!; (entry & ~MAX_SLOT) === this.#tag; entry = table[at]!) {
      if (table[at + 1] === hash) {
        const slot = entry & MAX_SLOT
        if (idAt(chunks, size, slot) === id) return slot
      }
      at = (at + 2) & this.#mask
    }
    return -1
  }

  /** Takes a stamp and a table (the spare if any), and indexes the first SCAN_SLOTS slots. */
  #start(chunks: Chunks, size: number): void {
    if (nextStamp > LAST_STAMP) {
      nextStamp = 1
      epoch++
    }
    this.#tag = nextStamp++ << SLOT_BITS
    this.#epoch = epoch
    const table = spare
    if (table === undefined) {
      this.#use(new Int32Array(2 * INITIAL_BUCKETS))
    } else {
      spare = undefined
      if (spareEpoch !== epoch) table.fill(0)
      this.#use(table)
    }
    for (let slot = 0; slot < SCAN_SLOTS; slot++) {
      const id = idAt(chunks, size, slot)
      if (!isTabled(id)) (this.#others ??= new Map<unknown, number>()).set(id, slot)
    }
    this.#index(chunks, size, SCAN_SLOTS)
  }

  #use(table: Int32Array): void {
    const buckets = table.length / 2
    this.#table = table
    // Masks a position in the table: an even one, the first of its bucket's two integers.
    this.#mask = 2 * buckets - 2
    this.#shift = 32 - Math.log2(buckets)
    this.#limit = buckets * 0.75
  }

  /** Puts the identities among the first `n` of `ids` that {@link isTabled}, all distinct, in the table. */
  #index(chunks: Chunks, size: number, n: number): void {
    const table = this.#table
    const tag = this.#tag
    const mask = this.#mask
    for (let slot = 0; slot < n; slot++) {
      const id = idAt(chunks, size, slot)
      if (!isTabled(id)) continue
      const hash = hashOf(id)
      let at = 2 * (hash >>> this.#shift)
      while ((table[at]! & ~MAX_SLOT) === tag) at = (at + 2) & mask
      table[at] = tag | slot
      table[at + 1] = hash
    }
  }

  /**
   * Doubles the table, moving its buckets by the hashes they hold: no identity is read or hashed
   * again (a string's hash is a loop over its characters, and reading a slot's identity a
   * division). The old table is offered as the spare: a window that outgrows the biggest spare
   * would otherwise take it along, and the next window would grow its own from the smallest.
   */
  #grow(): void {
    const old = this.#table
    const tag = this.#tag
    this.#use(new Int32Array(old.length * 2))
    const table = this.#table
    const mask = this.#mask
    const shift = this.#shift
    for (let from = 0; from < old.length; from += 2) {
      const entry = old[from]!
      if ((entry & ~MAX_SLOT) !== tag) continue
      const hash = old[from + 1]!
      let at = 2 * (hash >>> shift)
      while ((table[at]! & ~MAX_SLOT) === tag) at = (at + 2) & mask
      table[at] = entry
      table[at + 1] = hash
    }
    this.#offer(old)
  }

  /**
   * Keeps `table`, which this index no longer uses, as the spare if it is bigger than the spare
   * and no bigger than MAX_SPARE_BUCKETS. Its buckets bear this window's stamp, which no other
   * window takes, so whoever takes it next sees them empty.
   */
  #offer(table: Int32Array): void {
    const fits = table.length <= 2 * MAX_SPARE_BUCKETS
    if (fits && (spare === undefined || spare.length < table.length)) {
      spare = table
      spareEpoch = this.#epoch
    }
  }
}
