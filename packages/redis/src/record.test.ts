import { describe, expect, it } from 'vitest'

import { jsonSerializer } from './codec.js'
import { channelOf, clearedKey, lockKey, valueKey, valuePattern } from './keys.js'
import { decodeEntry, encodeEntry, payloadOf, recordOf, timeOf } from './record.js'

describe('entries in Redis', () => {
  it('lays out a value or an error with its expiry and load time', () => {
    const entry = { value: { a: 1 }, isError: false, fetchedAt: 1_700 }
    const forever = encodeEntry(entry, Infinity, 1_650, payloadOf(entry, jsonSerializer))
    expect(forever).toBe('v|1650|1700|{"a":1}')
    expect(decodeEntry(forever, jsonSerializer)).toEqual({
      ...entry,
      expiresAt: Infinity,
      version: 1_650,
    })
    expect(
      decodeEntry(
        'e9000|4|5|{"$t":"E","v":{"name":"Error","message":"x","props":[]}}',
        jsonSerializer,
      ),
    ).toMatchObject({
      isError: true,
      fetchedAt: 5,
      expiresAt: 9_000,
      version: 4,
      value: new Error('x'),
    })
  })

  it('lays out a value kept stale for fail-safe: its expiry, then + and the stale time', () => {
    const entry = { value: 'v', isError: false, fetchedAt: 1_700 }
    const data = encodeEntry(entry, 9_000, 1_650, payloadOf(entry, jsonSerializer), 60_000)
    expect(data).toBe('v9000+60000|1650|1700|"v"')
    expect(decodeEntry(data, jsonSerializer)).toEqual({
      ...entry,
      expiresAt: 9_000,
      version: 1_650,
      staleMs: 60_000,
    })
    // Fresh, then stale (ttlMs <= 0, with its staleMs), then gone at expiry + staleMs.
    expect(recordOf(data, 8_000, 0, jsonSerializer)).toMatchObject({
      ttlMs: 1_000,
      staleMs: 60_000,
    })
    expect(recordOf(data, 10_000, 0, jsonSerializer)).toMatchObject({
      value: 'v',
      ttlMs: -1_000,
      staleMs: 60_000,
    })
    expect(recordOf(data, 69_000, 0, jsonSerializer)).toBeUndefined()
    for (const bad of ['v9000+|1|1|1', 'v9000+0|1|1|1', 'v+5|1|1|1', 'v9000+x|1|1|1']) {
      expect(() => decodeEntry(bad, jsonSerializer), bad).toThrow(TypeError)
    }
  })

  it('lays out a tagged entry with an upper-case kind and its tags before the text', () => {
    const entry = { value: 'v|x', isError: false, fetchedAt: 7, tags: ['team:7', 'a|"b'] }
    const data = encodeEntry(entry, 9_000, 6, payloadOf(entry, jsonSerializer))
    expect(data).toBe('V9000|6|7|18|["team:7","a|\\"b"]"v|x"')
    expect(decodeEntry(data, jsonSerializer)).toEqual({ ...entry, expiresAt: 9_000, version: 6 })
    expect(recordOf(data, 8_000, 0, jsonSerializer)).toEqual({
      value: 'v|x',
      isError: false,
      fetchedAt: 7,
      ttlMs: 1_000,
      tags: ['team:7', 'a|"b'],
      version: 6,
    })
    const error = { value: new Error('x'), isError: true, fetchedAt: 7, tags: ['t'] }
    expect(encodeEntry(error, Infinity, 6, payloadOf(error, jsonSerializer))).toMatch(
      /^E\|6\|7\|5\|\["t"\]\{/,
    )
    // No tags: the untagged layout, byte for byte.
    const plain = { value: 1, isError: false, fetchedAt: 7, tags: [] }
    expect(encodeEntry(plain, Infinity, 6, payloadOf(plain, jsonSerializer))).toBe('v|6|7|1')
    for (const bad of ['V|6|7|x|["t"]1', 'V|6|7|3|["t"]1', 'V|6|7|5|[1,2]1', 'V|6|7|1|1']) {
      expect(() => decodeEntry(bad, jsonSerializer), bad).toThrow(TypeError)
    }
  })

  it('lays out a tagged value kept stale: the stale head, then the tags, then the text', () => {
    const entry = { value: 'v', isError: false, fetchedAt: 7, tags: ['t'] }
    const data = encodeEntry(entry, 9_000, 6, payloadOf(entry, jsonSerializer), 500)
    expect(data).toBe('V9000+500|6|7|5|["t"]"v"')
    expect(decodeEntry(data, jsonSerializer)).toEqual({
      ...entry,
      expiresAt: 9_000,
      version: 6,
      staleMs: 500,
    })
    expect(recordOf(data, 9_200, 0, jsonSerializer)).toEqual({
      value: 'v',
      isError: false,
      fetchedAt: 7,
      ttlMs: -200,
      staleMs: 500,
      tags: ['t'],
      version: 6,
    })
    expect(recordOf(data, 9_500, 0, jsonSerializer)).toBeUndefined()
  })

  it('refuses data it did not write', () => {
    for (const data of [
      '',
      'x|1|1|1',
      'v|1|1',
      'v|1||1',
      'v||1|1',
      'vabc|1|1|1',
      'v1|x|1|1',
      'v1|1|x|1',
      'v1',
      't|1|',
    ]) {
      expect(() => decodeEntry(data, jsonSerializer), data).toThrow(TypeError)
    }
    expect(() =>
      payloadOf(
        { value: 1, isError: false, fetchedAt: 0 },
        { encode: () => 1 as never, decode: () => 1 },
      ),
    ).toThrow(/must return a string/)
  })

  it("gives a record the time Redis keeps the key, less the round trip's time", () => {
    expect(recordOf('v2000|1|1|1', 1_000, 30, jsonSerializer)).toEqual({
      value: 1,
      isError: false,
      fetchedAt: 1,
      ttlMs: 970,
    })
    expect(recordOf(Buffer.from('v|1|1|1'), 1_000, 30, jsonSerializer)?.ttlMs).toBe(Infinity)
    expect(recordOf('v1020|1|1|1', 1_000, 30, jsonSerializer)).toBeUndefined()
    expect(recordOf('t|1|', 1_000, 30, jsonSerializer)).toBeUndefined() // a tombstone
    expect(recordOf(null, 0, 0, jsonSerializer)).toBeUndefined()
    expect(recordOf(false, 0, 0, jsonSerializer)).toBeUndefined()
  })

  it("reads Redis's TIME in ms", () => {
    expect(timeOf(['1700000000', '123999'])).toBe(1_700_000_000_123)
    expect(() => timeOf('nope')).toThrow(TypeError)
  })
})

describe('keys', () => {
  it('names values, locks and the channel under the prefix, a value and its lock in one hash slot', () => {
    const hash = 'a'.repeat(32)
    expect([valueKey('u:', hash), lockKey('u:', hash), clearedKey('u:'), channelOf('u:')]).toEqual([
      `u:{${hash}}`,
      `u:lock:{${hash}}`,
      'u:cleared',
      'u:invalidate',
    ])
  })

  it('matches exactly the prefix and 32 hex digits, glob characters escaped', () => {
    expect(valuePattern('a*[b]?\\:')).toBe(`a\\*\\[b\\]\\?\\\\:{${'[0-9a-f]'.repeat(32)}}`)
  })
})
