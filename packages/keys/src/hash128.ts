// MurmurHash3 x86_128 (Austin Appleby, public domain), fed 16-bit code units as a stream.

const C1 = 0x239b961b
const C2 = 0xab0e9789 | 0
const C3 = 0x38b34ae5
const C4 = 0xa1e38b93 | 0
/** Code units buffered before mixing: a multiple of the 8-unit (16-byte) block. */
const SIZE = 512

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
  private readonly units = new Uint16Array(SIZE)
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

  /** Writes a non-negative integer in decimal. */
  int(value: number): void {
    if (value < 10) this.unit(48 + value)
    else this.text(String(value))
  }

  /** Writes bytes, one code unit each. */
  bytes(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.unit(bytes[i]!)
  }

  /** Ends the stream: the hash as 32 lowercase hex digits (h1..h4, each big-endian). Resets. */
  hex(): string {
    this.finish()
    const { h1, h2, h3, h4 } = this
    this.reset()
    return hex32(h1, h2, h3, h4)
  }

  /** Ends the stream: the hash as 8 code units, for sorting and writing on. Resets. */
  raw(): string {
    this.finish()
    const { h1, h2, h3, h4 } = this
    this.reset()
    return String.fromCharCode(
      h1 >>> 16, h1 & 0xffff, h2 >>> 16, h2 & 0xffff,
      h3 >>> 16, h3 & 0xffff, h4 >>> 16, h4 & 0xffff,
    ) // prettier-ignore
  }

  private reset(): void {
    this.h1 = this.h2 = this.h3 = this.h4 = 0
    this.length = this.mixed = 0
  }

  /** Mixes a full buffer. */
  private flush(): void {
    this.mixBlocks(SIZE)
    this.mixed += SIZE
    this.length = 0
  }

  private mixBlocks(end: number): void {
    const { units } = this
    let { h1, h2, h3, h4 } = this
    for (let i = 0; i < end; i += 8) {
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
    this.h1 = h1
    this.h2 = h2
    this.h3 = h3
    this.h4 = h4
  }

  private finish(): void {
    const whole = this.length - (this.length & 7)
    this.mixBlocks(whole)
    const { units } = this
    let { h1, h2, h3, h4 } = this

    // Tail: up to 7 code units (14 bytes). Units fill the k words low half first, as the
    // little-endian bytes would; a missing unit reads as 0, which is what the byte version XORs in.
    // Nested ifs rather than a helper closure: the closure made this function 3x slower.
    const rest = this.length - whole
    if (rest > 0) {
      const u0 = units[whole]!
      const u1 = rest > 1 ? units[whole + 1]! : 0
      let k1 = Math.imul(u0 | (u1 << 16), C1)
      k1 = (k1 << 15) | (k1 >>> 17)
      h1 ^= Math.imul(k1, C2)
      if (rest > 2) {
        const u3 = rest > 3 ? units[whole + 3]! : 0
        let k2 = Math.imul(units[whole + 2]! | (u3 << 16), C2)
        k2 = (k2 << 16) | (k2 >>> 16)
        h2 ^= Math.imul(k2, C3)
        if (rest > 4) {
          const u5 = rest > 5 ? units[whole + 5]! : 0
          let k3 = Math.imul(units[whole + 4]! | (u5 << 16), C3)
          k3 = (k3 << 17) | (k3 >>> 15)
          h3 ^= Math.imul(k3, C4)
          if (rest > 6) {
            let k4 = Math.imul(units[whole + 6]!, C4)
            k4 = (k4 << 18) | (k4 >>> 14)
            h4 ^= Math.imul(k4, C1)
          }
        }
      }
    }

    const bytes = (this.mixed + this.length) * 2
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
    this.h1 = h1
    this.h2 = (h2 + h1) | 0
    this.h3 = (h3 + h1) | 0
    this.h4 = (h4 + h1) | 0
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/** A nibble's hex digit as a char code: 0-9, then a-f. */
function digit(nibble: number): number {
  return nibble + (nibble < 10 ? 48 : 87)
}

// One fromCharCode call with 32 arguments is about three times faster than four
// toString(16).padStart(8) calls joined, and makes a flat string.
function hex32(a: number, b: number, c: number, d: number): string {
  return String.fromCharCode(
    digit(a >>> 28), digit((a >>> 24) & 15), digit((a >>> 20) & 15), digit((a >>> 16) & 15),
    digit((a >>> 12) & 15), digit((a >>> 8) & 15), digit((a >>> 4) & 15), digit(a & 15),
    digit(b >>> 28), digit((b >>> 24) & 15), digit((b >>> 20) & 15), digit((b >>> 16) & 15),
    digit((b >>> 12) & 15), digit((b >>> 8) & 15), digit((b >>> 4) & 15), digit(b & 15),
    digit(c >>> 28), digit((c >>> 24) & 15), digit((c >>> 20) & 15), digit((c >>> 16) & 15),
    digit((c >>> 12) & 15), digit((c >>> 8) & 15), digit((c >>> 4) & 15), digit(c & 15),
    digit(d >>> 28), digit((d >>> 24) & 15), digit((d >>> 20) & 15), digit((d >>> 16) & 15),
    digit((d >>> 12) & 15), digit((d >>> 8) & 15), digit((d >>> 4) & 15), digit(d & 15),
  ) // prettier-ignore
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
