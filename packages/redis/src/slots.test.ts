import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { SLOTS, slotOf, slotOfTag, slotTag } from './slots.js'

/** Redis's own algorithm, spelled out bit by bit over the UTF-8 bytes: the reference model. */
function referenceSlot(key: string): number {
  const bytes = Buffer.from(key)
  let start = 0
  let end = bytes.length
  const open = bytes.indexOf(0x7b)
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1)
    if (close > open + 1) {
      start = open + 1
      end = close
    }
  }
  let crc = 0
  for (let i = start; i < end; i++) {
    crc ^= bytes[i]! << 8
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  }
  return crc % SLOTS
}

describe('slotOf', () => {
  it("gives CLUSTER KEYSLOT's answers for the documented examples", () => {
    // From the Redis Cluster specification and `CLUSTER KEYSLOT` on redis-server 7.
    expect(slotOf('foo')).toBe(12182)
    expect(slotOf('bar')).toBe(5061)
    expect(slotOf('{user1000}.following')).toBe(slotOf('{user1000}.followers'))
    expect(slotOf('{user1000}.following')).toBe(3443)
    // An empty tag does not count; only the first `{…}` does.
    expect(slotOf('foo{}{bar}')).toBe(referenceSlot('foo{}{bar}'))
    expect(slotOf('foo{{bar}}zap')).toBe(slotOf('{bar'))
  })

  it('matches the reference model on any key, ASCII or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 24 }), (key) => {
        expect(slotOf(key)).toBe(referenceSlot(key))
      }),
      { numRuns: 500 },
    )
  })

  it('puts a value and its lock in the slot of their hash', () => {
    const hash = '0123456789abcdef0123456789abcdef'
    expect(slotOf(`users:{${hash}}`)).toBe(slotOfTag(hash))
    expect(slotOf(`users:lock:{${hash}}`)).toBe(slotOfTag(hash))
  })
})

describe('slotTag', () => {
  it('names a short tag for every slot that hashes to it', () => {
    for (let slot = 0; slot < SLOTS; slot++) {
      const tag = slotTag(slot)
      expect(tag.length).toBeLessThanOrEqual(4)
      if (slotOfTag(tag) !== slot)
        expect.fail(`slotTag(${slot}) = ${tag} hashes to ${slotOfTag(tag)}`)
    }
  })
})
