// Strings chosen to share one `hashString` hash whatever its basis, for tests of the key index's
// flooding fallback. `hashString` folds two UTF-16 units into one word per step; flipping the top
// bit of a pair's second unit flips bit 31 of the state before a multiplication by an odd number,
// which flips only bit 31 after it, and the flip rides along until another pair flips it back.

/**
 * 128 distinct strings of exactly 16 units (short enough for the key index's string table) with
 * one hash: the top bits of the eight pairs' second units, flipped in every even-sized subset.
 */
export function collidingShortStrings(): string[] {
  const strings: string[] = []
  for (let pick = 0; pick < 128; pick++) {
    // Seven free choices; the eighth pair's flip makes the count even.
    let flips = pick | ((popCount(pick) & 1) << 7)
    let s = ''
    for (let pair = 0; pair < 8; pair++, flips >>= 1) {
      s += String.fromCharCode(0x61 + pair, 0x41 + pair + (flips & 1 ? 0x8000 : 0))
    }
    strings.push(s)
  }
  return strings
}

function popCount(bits: number): number {
  let count = 0
  for (; bits !== 0; bits &= bits - 1) count++
  return count
}
