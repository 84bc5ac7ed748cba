import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { hash128, hashUnits } from './hash128.js'

// A plain byte-at-a-time MurmurHash3_x86_128, transcribed from the reference C (SMHasher's
// MurmurHash3.cpp) independently of the string version under test, and checked below against
// SMHasher's published verification value for the algorithm.
function referenceBytes(data: Uint8Array, seed: number): Uint32Array {
  const c1 = 0x239b961b
  const c2 = 0xab0e9789
  const c3 = 0x38b34ae5
  const c4 = 0xa1e38b93
  const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0
  const mul = (a: number, b: number) => Math.imul(a, b) >>> 0
  const add = (a: number, b: number) => (a + b) >>> 0
  const word = (i: number) =>
    (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)) >>> 0
  const fmix = (h: number) => {
    h ^= h >>> 16
    h = mul(h, 0x85ebca6b)
    h ^= h >>> 13
    h = mul(h, 0xc2b2ae35)
    return (h ^ (h >>> 16)) >>> 0
  }
  let h1 = seed >>> 0
  let h2 = seed >>> 0
  let h3 = seed >>> 0
  let h4 = seed >>> 0
  const nblocks = Math.floor(data.length / 16)
  for (let b = 0; b < nblocks; b++) {
    let k1 = word(b * 16)
    let k2 = word(b * 16 + 4)
    let k3 = word(b * 16 + 8)
    let k4 = word(b * 16 + 12)
    k1 = mul(rotl(mul(k1, c1), 15), c2)
    h1 = (h1 ^ k1) >>> 0
    h1 = add(mul(add(rotl(h1, 19), h2), 5), 0x561ccd1b)
    k2 = mul(rotl(mul(k2, c2), 16), c3)
    h2 = (h2 ^ k2) >>> 0
    h2 = add(mul(add(rotl(h2, 17), h3), 5), 0x0bcaa747)
    k3 = mul(rotl(mul(k3, c3), 17), c4)
    h3 = (h3 ^ k3) >>> 0
    h3 = add(mul(add(rotl(h3, 15), h4), 5), 0x96cd1c35)
    k4 = mul(rotl(mul(k4, c4), 18), c1)
    h4 = (h4 ^ k4) >>> 0
    h4 = add(mul(add(rotl(h4, 13), h1), 5), 0x32ac3b17)
  }
  const tail = nblocks * 16
  const rest = data.length & 15
  let k1: number
  let k2: number
  let k3: number
  let k4: number
  // The C switch falls through from case 15 down to case 1; these ifs do the same.
  const at = (offset: number, shift: number) => (rest > offset ? data[tail + offset]! << shift : 0)
  if (rest > 12) {
    k4 = at(14, 16) ^ at(13, 8) ^ at(12, 0)
    k4 = mul(rotl(mul(k4, c4), 18), c1)
    h4 = (h4 ^ k4) >>> 0
  }
  if (rest > 8) {
    k3 = at(11, 24) ^ at(10, 16) ^ at(9, 8) ^ at(8, 0)
    k3 = mul(rotl(mul(k3 >>> 0, c3), 17), c4)
    h3 = (h3 ^ k3) >>> 0
  }
  if (rest > 4) {
    k2 = at(7, 24) ^ at(6, 16) ^ at(5, 8) ^ at(4, 0)
    k2 = mul(rotl(mul(k2 >>> 0, c2), 16), c3)
    h2 = (h2 ^ k2) >>> 0
  }
  if (rest > 0) {
    k1 = at(3, 24) ^ at(2, 16) ^ at(1, 8) ^ at(0, 0)
    k1 = mul(rotl(mul(k1 >>> 0, c1), 15), c2)
    h1 = (h1 ^ k1) >>> 0
  }
  const len = data.length
  h1 = (h1 ^ len) >>> 0
  h2 = (h2 ^ len) >>> 0
  h3 = (h3 ^ len) >>> 0
  h4 = (h4 ^ len) >>> 0
  h1 = add(add(add(h1, h2), h3), h4)
  h2 = add(h2, h1)
  h3 = add(h3, h1)
  h4 = add(h4, h1)
  h1 = fmix(h1)
  h2 = fmix(h2)
  h3 = fmix(h3)
  h4 = fmix(h4)
  h1 = add(add(add(h1, h2), h3), h4)
  h2 = add(h2, h1)
  h3 = add(h3, h1)
  h4 = add(h4, h1)
  return Uint32Array.of(h1, h2, h3, h4)
}

function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2)
  for (let i = 0; i < text.length; i++) {
    bytes[2 * i] = text.charCodeAt(i) & 0xff
    bytes[2 * i + 1] = text.charCodeAt(i) >>> 8
  }
  return bytes
}

const toHex = (words: Uint32Array) =>
  [...words].map((w) => w.toString(16).padStart(8, '0')).join('')

describe('hash128', () => {
  it('matches the reference implementation, which passes SMHasher verification (0xB3ECE62A)', () => {
    // SMHasher's VerificationTest: hash {}, {0}, {0,1}, … {0..254} with seed 256 - n, hash the
    // concatenated 16-byte outputs with seed 0, read the first 4 bytes little-endian.
    const hashes = new Uint8Array(256 * 16)
    const key = new Uint8Array(256)
    for (let n = 0; n < 256; n++) {
      key[n] = n
      const words = referenceBytes(key.subarray(0, n), 256 - n)
      hashes.set(new Uint8Array(words.buffer), n * 16)
    }
    expect(referenceBytes(hashes, 0)[0]).toBe(0xb3ece62a)
  })

  it('equals MurmurHash3_x86_128 of the UTF-16LE bytes, with seed 0', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        expect(hash128(text)).toBe(toHex(referenceBytes(utf16le(text), 0)))
      }),
      { numRuns: 2000 },
    )
  })

  it('covers every tail length', () => {
    for (let n = 0; n <= 40; n++) {
      const text = 'é€😀abcdefghijklmnopqrstuvwxyz0123456789'.slice(0, n)
      expect(hash128(text)).toBe(toHex(referenceBytes(utf16le(text), 0)))
    }
  })

  it('streams input longer than its 512-unit buffer', () => {
    const text = Array.from({ length: 1100 }, (_, i) =>
      String.fromCharCode((i * 7919) & 0xffff),
    ).join('')
    for (const n of [503, 504, 511, 512, 513, 519, 520, 1023, 1024, 1025, 1100]) {
      expect(hash128(text.slice(0, n))).toBe(toHex(referenceBytes(utf16le(text.slice(0, n)), 0)))
    }
  })

  it('prints 32 lowercase hex digits', () => {
    expect(hash128('')).toBe('00000000000000000000000000000000')
    expect(hash128('a')).toMatch(/^[0-9a-f]{32}$/)
  })

  it('hashes a zero-padded buffer slice in one go as the stream does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40, size: 'max' }),
        fc.nat(5),
        (codes, start) => {
          const units = new Uint16Array(start + codes.length + 7).fill(0xffff, 0, start)
          units.set(codes, start)
          const hash = hashUnits(units, start, start + codes.length)
          expect(hash).toBe(hash128(String.fromCharCode(...codes)))
        },
      ),
      { numRuns: 200 },
    )
  })
})
