// MurmurHash3 x86_128 (Austin Appleby, public domain), fed 16-bit code units as a stream.

const C1 = 0x239b961b
const C2 = 0xab0e9789 | 0
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93 | 0
/** Code units buffered before mixing: a multiple of the 8-unit (16-byte) block. */
const SIZE = 512

/**
 * h1..h4 as `mixBlocks` and `mixTail` leave them: how those return four numbers without
 * allocating. Read it right after the call; nothing else runs in between.
 */
const state = new Int32Array(4)

/**
 * An incremental MurmurHash3 x86_128 (seed 0) over a stream of UTF-16 code units, read as their
 * little-endian bytes. Text is copied into a small typed array and mixed from there, so callers
 * can write a value's encoding piece by piece without building (and flattening) a string.
 *
 * Why this hash: it runs on 32-bit integer math (`Math.imul`), which every JS engine compiles to
 * machine multiplies, so it needs no BigInt, no `node:crypto` and no async WebCrypto. It is not
 * cryptographic.
 */
export class Hasher {
  private h1 = 0
  private h2 = 0
  private h3 = 0
  private h4 = 0
  /**
   * `SIZE` units, and 7 more for the zeros that `finish` writes past the end (see `mixTail`), and
   * one to make whole 32-bit words.
   */
  private readonly units = new Uint16Array(SIZE + 8)
  /** The same memory as 32-bit words: two units each, read in one load (see `mixWords`). */
  private readonly words = new Int32Array(this.units.buffer)
  /** Units waiting in `units`. */
  private length = 0
  /** Units mixed in already. */
  private mixed = 0

  /** Writes one code unit. */
  unit(code: number): void {
    this.units[this.length++] = code
    if (this.length === SIZE) this.flush()
  }

  /** Writes a string's code units. */
  text(text: string): void {
    const { units } = this
    let length = this.length
    if (length + text.length < SIZE) {
      // The common case: the text fits, and the loop needs no check for a full buffer.
      for (let i = 0; i < text.length; i++) units[length++] = text.charCodeAt(i)
      this.length = length
      return
    }
    for (let i = 0; i < text.length; i++) {
      units[length++] = text.charCodeAt(i)
      if (length === SIZE) {
        this.length = length
        this.flush()
        length = 0
      }
    }
    this.length = length
  }

  /**
   * Writes a non-negative integer in decimal, as `String(value)` would, without making that
   * string for values below 2^31 (lengths, sizes, int32 numbers).
   */
  int(value: number): void {
    if (value < 10) {
      this.unit(48 + value)
      return
    }
    if (value > 0x7fffffff) {
      this.text(String(value))
      return
    }
    let scale = 10
    while (scale <= value) scale *= 10
    do {
      scale /= 10
      const digit = (value / scale) | 0
      this.unit(48 + digit)
      value -= digit * scale
    } while (scale > 1)
  }

  /**
   * Writes `<tag><length>:<text>` (no tag when `tag` is 0), how the key encoding writes strings:
   * straight into the buffer with one check for room, which there nearly always is.
   */
  sized(tag: number, text: string): void {
    const size = text.length
    let length = this.length
    if (length + size + 12 >= SIZE) {
      if (tag !== 0) this.unit(tag)
      this.int(size)
      this.unit(0x3a) // :
      this.text(text)
      return
    }
    const { units } = this
    if (tag !== 0) units[length++] = tag
    length = putDigits(units, length, size)
    units[length++] = 0x3a // :
    for (let i = 0; i < size; i++) units[length++] = text.charCodeAt(i)
    this.length = length
  }

  /** Writes `<tag><count>:`, the head of a container. */
  head(tag: number, count: number): void {
    const length = this.length
    if (length + 12 >= SIZE || count > 0x7fffffff) {
      this.unit(tag)
      this.int(count)
      this.unit(0x3a) // :
      return
    }
    const { units } = this
    units[length] = tag
    const at = putDigits(units, length + 1, count)
    units[at] = 0x3a // :
    this.length = at + 1
  }

  /** Writes `<tag><n>;` for an int32 `n`, as `String(n)` would write it, without making it. */
  int32(tag: number, n: number): void {
    let length = this.length
    if (length + 13 >= SIZE) {
      this.unit(tag)
      this.text(String(n))
      this.unit(0x3b) // ;
      return
    }
    const { units } = this
    units[length++] = tag
    if (n < 0) {
      units[length++] = 0x2d // -
      n = -n
    }
    length = putDigits(units, length, n)
    units[length++] = 0x3b // ;
    this.length = length
  }

  /** Writes bytes, one code unit each. */
  bytes(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.unit(bytes[i]!)
  }

  /** Ends the stream: the hash as 32 lowercase hex digits (h1..h4, each big-endian). Resets. */
  hex(): string {
    this.finish()
    return hex32(state[0]!, state[1]!, state[2]!, state[3]!)
  }

  /** Ends the stream: the hash as 8 code units, for sorting and writing on. Resets. */
  raw(): string {
    this.finish()
    const h1 = state[0]!, h2 = state[1]!, h3 = state[2]!, h4 = state[3]! // prettier-ignore
    return String.fromCharCode(
      h1 >>> 16, h1 & 0xffff, h2 >>> 16, h2 & 0xffff,
      h3 >>> 16, h3 & 0xffff, h4 >>> 16, h4 & 0xffff,
    ) // prettier-ignore
  }

  /** Mixes a full buffer. */
  private flush(): void {
    if (LITTLE_ENDIAN) mixWords(this.words, 0, SIZE >> 1, this.h1, this.h2, this.h3, this.h4)
    else mixBlocks(this.units, 0, SIZE, this.h1, this.h2, this.h3, this.h4)
    this.h1 = state[0]!
    this.h2 = state[1]!
    this.h3 = state[2]!
    this.h4 = state[3]!
    this.mixed += SIZE
    this.length = 0
  }

  /** Mixes in what is left and finalizes, leaving the hash in `state`. Resets. */
  private finish(): void {
    const { units, length } = this
    units[length] = units[length + 1] = units[length + 2] = units[length + 3] = 0
    units[length + 4] = units[length + 5] = units[length + 6] = 0
    const whole = length - (length & 7)
    if (LITTLE_ENDIAN) mixWords(this.words, 0, whole >> 1, this.h1, this.h2, this.h3, this.h4)
    else mixBlocks(units, 0, whole, this.h1, this.h2, this.h3, this.h4)
    mixTail(units, whole, (this.mixed + length) * 2)
    this.h1 = this.h2 = this.h3 = this.h4 = 0
    this.length = this.mixed = 0
  }
}

/** Writes the decimal digits of `n` (0 to 2^31) at `units[at]`; returns where they end. */
function putDigits(units: Uint16Array, at: number, n: number): number {
  // prettier-ignore
  const end = at + (n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 :
    n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10)
  let i = end
  do {
    const next = (n / 10) | 0
    units[--i] = 48 + n - next * 10
    n = next
  } while (n !== 0)
  return end
}

/**
 * The MurmurHash3 x86_128 of `units[start, end)`, as 32 hex digits like `Hasher.hex()`, in one
 * go: for a short encoding (a primitive's) already in a buffer, without a Hasher to take and give
 * back. `units[end, end + 7)` must hold zeros.
 */
export function hashUnits(units: Uint16Array, start: number, end: number): string {
  const whole = end - ((end - start) & 7)
  mixBlocks(units, start, whole, 0, 0, 0, 0)
  mixTail(units, whole, (end - start) * 2)
  return hex32(state[0]!, state[1]!, state[2]!, state[3]!)
}

/**
 * Whether typed arrays are little-endian here (every common platform): then two code units,
 * low one first, are one 32-bit word of the same memory, and `mixWords` reads a block's four
 * words in four loads instead of eight loads and four shifts.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** `mixBlocks` over `words[start, end)`: the units `[2 * start, 2 * end)` as 32-bit words. */
function mixWords(
  words: Int32Array,
  start: number,
  end: number,
  h1: number,
  h2: number,
  h3: number,
  h4: number,
): void {
  for (let i = start; i < end; i += 4) {
    let k1 = words[i]!
    let k2 = words[i + 1]!
    let k3 = words[i + 2]!
    let k4 = words[i + 3]!

    k1 = Math.imul(k1, C1)
    k1 = (k1 << 15) | (k1 >>> 17)
    h1 ^= Math.imul(k1, C2)
    h1 = (h1 << 19) | (h1 >>> 13)
    h1 = (Math.imul(h1 + h2, 5) + 0x561ccd1b) | 0

    k2 = Math.imul(k2, C2)
    k2 = (k2 << 16) | (k2 >>> 16)
    h2 ^= Math.imul(k2, C3)
    h2 = (h2 << 17) | (h2 >>> 15)
    h2 = (Math.imul(h2 + h3, 5) + 0x0bcaa747) | 0

    k3 = Math.imul(k3, C3)
    k3 = (k3 << 17) | (k3 >>> 15)
    h3 ^= Math.imul(k3, C4)
    h3 = (h3 << 15) | (h3 >>> 17)
    h3 = (Math.imul(h3 + h4, 5) + 0x96cd1c35) | 0

    k4 = Math.imul(k4, C4)
    k4 = (k4 << 18) | (k4 >>> 14)
    h4 ^= Math.imul(k4, C1)
    h4 = (h4 << 13) | (h4 >>> 19)
    h4 = (Math.imul(h4 + h1, 5) + 0x32ac3b17) | 0
  }
  state[0] = h1
  state[1] = h2
  state[2] = h3
  state[3] = h4
}

/** Mixes the 8-unit blocks of `units[start, end)` into h1..h4; the result goes to `state`. */
function mixBlocks(
  units: Uint16Array,
  start: number,
  end: number,
  h1: number,
  h2: number,
  h3: number,
  h4: number,
): void {
  for (let i = start; i < end; i += 8) {
    let k1 = units[i]! | (units[i + 1]! << 16)
    let k2 = units[i + 2]! | (units[i + 3]! << 16)
    let k3 = units[i + 4]! | (units[i + 5]! << 16)
    let k4 = units[i + 6]! | (units[i + 7]! << 16)

    k1 = Math.imul(k1, C1)
    k1 = (k1 << 15) | (k1 >>> 17)
    h1 ^= Math.imul(k1, C2)
    h1 = (h1 << 19) | (h1 >>> 13)
    h1 = (Math.imul(h1 + h2, 5) + 0x561ccd1b) | 0

    k2 = Math.imul(k2, C2)
    k2 = (k2 << 16) | (k2 >>> 16)
    h2 ^= Math.imul(k2, C3)
    h2 = (h2 << 17) | (h2 >>> 15)
    h2 = (Math.imul(h2 + h3, 5) + 0x0bcaa747) | 0

    k3 = Math.imul(k3, C3)
    k3 = (k3 << 17) | (k3 >>> 15)
    h3 ^= Math.imul(k3, C4)
    h3 = (h3 << 15) | (h3 >>> 17)
    h3 = (Math.imul(h3 + h4, 5) + 0x96cd1c35) | 0

    k4 = Math.imul(k4, C4)
    k4 = (k4 << 18) | (k4 >>> 14)
    h4 ^= Math.imul(k4, C1)
    h4 = (h4 << 13) | (h4 >>> 19)
    h4 = (Math.imul(h4 + h1, 5) + 0x32ac3b17) | 0
  }
  state[0] = h1
  state[1] = h2
  state[2] = h3
  state[3] = h4
}

/**
 * Mixes the tail, the last 0 to 7 units from `units[at]` (followed by 7 zeros), into h1..h4 from
 * `state`, and finalizes the hash of a `bytes`-byte stream into `state`.
 */
function mixTail(units: Uint16Array, at: number, bytes: number): void {
  let h1 = state[0]!, h2 = state[1]!, h3 = state[2]!, h4 = state[3]! // prettier-ignore

  // Branch-free tail: units fill the k words low half first, as the little-endian bytes would,
  // and the zeros past the end stand for the missing ones. A word that is all padding changes
  // nothing (imul and rotate keep 0 at 0, and h ^ 0 is h), just as the reference skips it. The
  // branchy version mispredicted on inputs of varied lengths.
  let k1 = Math.imul(units[at]! | (units[at + 1]! << 16), C1)
  k1 = (k1 << 15) | (k1 >>> 17)
  h1 ^= Math.imul(k1, C2)
  let k2 = Math.imul(units[at + 2]! | (units[at + 3]! << 16), C2)
  k2 = (k2 << 16) | (k2 >>> 16)
  h2 ^= Math.imul(k2, C3)
  let k3 = Math.imul(units[at + 4]! | (units[at + 5]! << 16), C3)
  k3 = (k3 << 17) | (k3 >>> 15)
  h3 ^= Math.imul(k3, C4)
  let k4 = Math.imul(units[at + 6]!, C4)
  k4 = (k4 << 18) | (k4 >>> 14)
  h4 ^= Math.imul(k4, C1)

  h1 ^= bytes
  h2 ^= bytes
  h3 ^= bytes
  h4 ^= bytes
  h1 = (h1 + h2 + h3 + h4) | 0
  h2 = (h2 + h1) | 0
  h3 = (h3 + h1) | 0
  h4 = (h4 + h1) | 0
  h1 = fmix32(h1)
  h2 = fmix32(h2)
  h3 = fmix32(h3)
  h4 = fmix32(h4)
  h1 = (h1 + h2 + h3 + h4) | 0
  state[0] = h1
  state[1] = (h2 + h1) | 0
  state[2] = (h3 + h1) | 0
  state[3] = (h4 + h1) | 0
}

function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/** The two hex digits of each byte, as char codes: `HIGH[byte]`, then `LOW[byte]`. */
const HIGH = new Uint8Array(256)
const LOW = new Uint8Array(256)
for (let byte = 0; byte < 256; byte++) {
  HIGH[byte] = '0123456789abcdef'.charCodeAt(byte >>> 4)
  LOW[byte] = '0123456789abcdef'.charCodeAt(byte & 15)
}

// One fromCharCode call with 32 arguments makes a flat string in one allocation; it beat joining
// toString(16) pieces, and concatenating 2- or 4-digit strings from a 256- or 65536-entry table
// (slower, and the result is a rope that its first reader must flatten). The digits come from the
// tables above: computing them (`nibble < 10 ? 48 : 87`) mispredicts a branch on varied hashes,
// which made this function 2.5 times slower.
// prettier-ignore
function hex32(a: number, b: number, c: number, d: number): string {
  const a0 = a >>> 24, a1 = (a >>> 16) & 255, a2 = (a >>> 8) & 255, a3 = a & 255
  const b0 = b >>> 24, b1 = (b >>> 16) & 255, b2 = (b >>> 8) & 255, b3 = b & 255
  const c0 = c >>> 24, c1 = (c >>> 16) & 255, c2 = (c >>> 8) & 255, c3 = c & 255
  const d0 = d >>> 24, d1 = (d >>> 16) & 255, d2 = (d >>> 8) & 255, d3 = d & 255
  return String.fromCharCode(
    HIGH[a0]!, LOW[a0]!, HIGH[a1]!, LOW[a1]!, HIGH[a2]!, LOW[a2]!, HIGH[a3]!, LOW[a3]!,
    HIGH[b0]!, LOW[b0]!, HIGH[b1]!, LOW[b1]!, HIGH[b2]!, LOW[b2]!, HIGH[b3]!, LOW[b3]!,
    HIGH[c0]!, LOW[c0]!, HIGH[c1]!, LOW[c1]!, HIGH[c2]!, LOW[c2]!, HIGH[c3]!, LOW[c3]!,
    HIGH[d0]!, LOW[d0]!, HIGH[d1]!, LOW[d1]!, HIGH[d2]!, LOW[d2]!, HIGH[d3]!, LOW[d3]!,
  )
}

const spare: Hasher[] = []

/**
 * A reset Hasher from a small pool: hashing allocates no buffer in the steady state. Reentrant
 * calls (a `toJSON()` that hashes, a Map entry) simply take another one.
 */
export function takeHasher(): Hasher {
  return spare.pop() ?? new Hasher()
}

/** Returns a Hasher that has been ended (by `hex()` or `raw()`) to the pool. */
export function giveHasher(hasher: Hasher): void {
  spare.push(hasher)
}

/**
 * The 128-bit MurmurHash3 (x86_128 variant, seed 0) of a string's UTF-16LE bytes, as 32 lowercase
 * hex digits: h1..h4, each big-endian, the way murmurhash3js and most ports print it.
 */
export function hash128(input: string): string {
  const hasher = takeHasher()
  hasher.text(input)
  const hex = hasher.hex()
  giveHasher(hasher)
  return hex
}
