// Redis Cluster's hash slots, computed here rather than asked of the server: a key's slot is
// CRC16 (XMODEM) of its hash tag (the text between the first `{` and the next `}`, when not
// empty) or of the whole key, modulo 16,384. The store groups a tick's commands by slot (one
// MGET, one READ_OR_LOCK, one COMMIT per slot) and names each slot's clear marker with a short
// hash tag of that slot (`slotTag`), found once per process.

/** Hash slots in a Redis Cluster. */
export const SLOTS = 16_384

/** CRC16-CCITT (XMODEM, polynomial 0x1021) of each byte value, as Redis's `crc16.c`. */
const TABLE: Uint16Array = (() => {
  const table = new Uint16Array(256)
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
    table[byte] = crc
  }
  return table
})()

/**
 * CRC16 of `text` from `start` to `end` (exclusive), over its UTF-8 bytes. The store's own keys
 * are ASCII (hex digits, short tags): those take one table step per character, no encoding.
 */
function crc16(text: string, start: number, end: number): number {
  let crc = 0
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) {
      crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ code) & 0xff]!
      continue
    }
    // Anything else (a tag's name, say): through its UTF-8 bytes, as the server hashes it.
    for (const byte of Buffer.from(text.slice(i, end))) {
      crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!
    }
    return crc
  }
  return crc
}

/** The hash slot of a Redis key, as `CLUSTER KEYSLOT` computes it. */
export function slotOf(key: string): number {
  const open = key.indexOf('{')
  if (open !== -1) {
    const close = key.indexOf('}', open + 1)
    // `{}` (nothing between) does not count: the whole key is hashed.
    if (close > open + 1) return crc16(key, open + 1, close) & (SLOTS - 1)
  }
  return crc16(key, 0, key.length) & (SLOTS - 1)
}

/** The hash slot of an L2 key (its 32 hex digits are its value's and its lock's hash tag). */
export function slotOfTag(tag: string): number {
  return crc16(tag, 0, tag.length) & (SLOTS - 1)
}

let tags: string[] | undefined

/**
 * A short string (base 36) that hashes to `slot`: the hash tag of that slot's clear marker. The
 * table of all 16,384 is found once per process, on first use (about 170,000 CRC16s of 1 to 4
 * characters, a few ms).
 */
export function slotTag(slot: number): string {
  if (tags === undefined) {
    const found = new Array<string>(SLOTS)
    let missing = SLOTS
    for (let n = 0; missing > 0; n++) {
      const tag = n.toString(36)
      const s = slotOfTag(tag)
      if (found[s] === undefined) {
        found[s] = tag
        missing--
      }
    }
    tags = found
  }
  return tags[slot]!
}
