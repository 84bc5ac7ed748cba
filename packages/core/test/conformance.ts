// The conformance suite every policy must pass: what `EvictionCache` promises whatever the
// eviction order. Each policy's own file then tests what is its own (order, admission).
import { describe, expect, it, vi } from 'vitest'

import {
  CacheConfigError,
  CacheError,
  CacheTtlError,
  CacheWeightError,
  type CacheOptions,
  type EvictionCache,
  type EvictionReason,
  type PolicyName,
} from '../src/index.js'

/** Builds a cache of the policy under test. */
export type CacheFactory = <K, V>(options: CacheOptions<K, V>) => EvictionCache<K, V>

/** Registers the shared suite for one policy. */
export function testConformance(policy: PolicyName, create: CacheFactory): void {
  describe(`${policy}: the EvictionCache contract`, () => {
    it('names its policy and its limits', () => {
      const cache = create<string, number>({ maxSize: 3 })
      expect(cache.policy).toBe(policy)
      expect(cache.maxSize).toBe(3)
      expect(cache.maxWeight).toBe(Infinity)
      expect(cache.size).toBe(0)
    })

    it('stores, reads, overwrites and deletes', () => {
      const cache = create<string, number>({ maxSize: 3 })
      expect(cache.set('a', 1)).toBe(cache)
      expect(cache.get('a')).toBe(1)
      expect(cache.peek('a')).toBe(1)
      expect(cache.has('a')).toBe(true)
      cache.set('a', 2)
      expect(cache.get('a')).toBe(2)
      expect(cache.size).toBe(1)
      expect(cache.delete('a')).toBe(true)
      expect(cache.delete('a')).toBe(false)
      expect(cache.get('a')).toBeUndefined()
      expect(cache.has('a')).toBe(false)
      expect(cache.size).toBe(0)
    })

    it('never holds more than maxSize entries and keeps the newest entry', () => {
      const cache = create<number, number>({ maxSize: 5 })
      for (let i = 0; i < 100; i++) {
        cache.set(i, i * 2)
        expect(cache.size).toBe(Math.min(i + 1, 5))
        expect(cache.peek(i)).toBe(i * 2)
      }
      expect([...cache.keys()]).toHaveLength(5)
    })

    it('works with keys that break naive caches', () => {
      const cache = create<unknown, string>({ maxSize: 10 })
      const object = {}
      const keys: unknown[] = [
        '__proto__',
        'constructor',
        'hasOwnProperty',
        object,
        NaN,
        -0,
        undefined,
        null,
      ]
      keys.forEach((key, i) => {
        cache.set(key, `v${i}`)
      })
      keys.forEach((key, i) => {
        expect(cache.get(key)).toBe(`v${i}`)
      })
      expect(cache.get({})).toBeUndefined()
      // -0 and 0 are one key, as in a Map (SameValueZero).
      expect(cache.get(0)).toBe('v5')
      expect(cache.size).toBe(8)
      expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'v0')).toBe(false)
    })

    it('keeps an undefined value apart from a missing key through has()', () => {
      const cache = create<string, undefined>({ maxSize: 2 })
      cache.set('a', undefined)
      expect(cache.has('a')).toBe(true)
      expect(cache.has('b')).toBe(false)
    })

    it('iterates keys, values and entries alike', () => {
      const cache = create<string, number>({ maxSize: 4 })
      cache.set('a', 1).set('b', 2).set('c', 3)
      const keys = [...cache.keys()]
      expect(keys.sort()).toEqual(['a', 'b', 'c'])
      expect([...cache.entries()].map(([k]) => k)).toEqual([...cache.keys()])
      expect([...cache.values()]).toEqual([...cache.keys()].map((k) => cache.peek(k)))
      expect([...cache]).toEqual([...cache.entries()])
    })

    it('passes every departure to onEvict with its reason', () => {
      const log: [string, number, EvictionReason][] = []
      const cache = create<string, number>({
        maxSize: 2,
        ttl: 1000,
        now: () => now,
        onEvict: (k, v, r) => log.push([k, v, r]),
      })
      let now = 0
      cache.set('a', 1).set('b', 2)
      cache.set('a', 10) // replaced: 'set'
      cache.set('a', 10) // same value: nothing
      cache.delete('b') // 'delete'
      cache.set('c', 3).set('d', 4) // one of a/c evicted: 'evict'
      now = 1000
      cache.get('d') // expired: 'expire'
      expect(log.slice(0, 2)).toEqual([
        ['a', 1, 'set'],
        ['b', 2, 'delete'],
      ])
      expect(log[2]![2]).toBe('evict')
      expect(log[3]).toEqual(['d', 4, 'expire'])
      const survivor = [...cache.keys()]
      expect(survivor).toHaveLength(0)
      expect(cache.size).toBe(1)
      log.length = 0
      now = 0
      cache.clear()
      expect(log).toHaveLength(1)
      expect(log[0]![2]).toBe('clear')
      expect(cache.size).toBe(0)
    })

    it('leaves the cache consistent when onEvict throws, and rethrows after the operation', () => {
      const onEvict = vi.fn(() => {
        throw new Error('boom')
      })
      const cache = create<number, number>({ maxSize: 2, onEvict })
      cache.set(1, 1).set(2, 2)
      expect(() => cache.set(3, 3)).toThrow('boom')
      expect(cache.size).toBe(2)
      expect(cache.get(3)).toBe(3)
      expect(() => cache.delete(3)).toThrow('boom')
      expect(cache.has(3)).toBe(false)
      for (let i = 10; i < 20; i++) {
        try {
          cache.set(i, i)
        } catch {
          // each eviction throws; the set itself has happened
        }
        expect(cache.get(i)).toBe(i)
        expect(cache.size).toBe(2)
      }
      // One for set(3), one for delete(3), then nine evictions: set(10) found room.
      expect(onEvict).toHaveBeenCalledTimes(11)
    })

    it('survives an onEvict that writes back into the cache', () => {
      const cache: EvictionCache<number, number> = create<number, number>({
        maxSize: 3,
        onEvict: (key, value, reason) => {
          if (reason === 'evict' && key < 1000) cache.set(key + 1000, value)
        },
      })
      for (let i = 0; i < 50; i++) cache.set(i, i)
      expect(cache.size).toBe(3)
      expect([...cache.keys()]).toHaveLength(3)
      for (const [k, v] of cache.entries()) expect(v).toBe(k % 1000)
    })

    it('expires entries by default and per-entry ttl on the injected clock', () => {
      let now = 1_000
      const cache = create<string, number>({ maxSize: 10, ttl: 100, now: () => now })
      cache.set('default', 1)
      cache.set('long', 2, { ttl: 500 })
      cache.set('forever', 3, { ttl: Infinity })
      cache.set('absolute', 4, { expiresAt: 1_050 })
      expect(cache.expiresAt('default')).toBe(1_100)
      expect(cache.expiresAt('forever')).toBe(Infinity)
      expect(cache.expiresAt('missing')).toBeUndefined()
      now = 1_050
      expect(cache.get('absolute')).toBeUndefined()
      expect(cache.get('default')).toBe(1)
      now = 1_100
      expect(cache.peek('default')).toBeUndefined()
      expect(cache.has('long')).toBe(true)
      expect([...cache.keys()].sort()).toEqual(['forever', 'long'])
      now = 1_500
      expect(cache.size).toBe(2)
      expect(cache.purgeExpired()).toBe(1)
      expect(cache.size).toBe(1)
      expect(cache.get('forever')).toBe(3)
      expect(cache.purgeExpired()).toBe(0)
    })

    it('never reads the clock when no entry expires', () => {
      const now = vi.fn(() => 0)
      const cache = create<number, number>({ maxSize: 2, now })
      for (let i = 0; i < 10; i++) cache.set(i, i).get(i)
      cache.purgeExpired()
      expect(now).not.toHaveBeenCalled()
    })

    it('replaces an expired entry as a new one, reporting the old as expired', () => {
      let now = 0
      const log: [string, number, EvictionReason][] = []
      const cache = create<string, number>({
        maxSize: 2,
        ttl: 10,
        now: () => now,
        onEvict: (k, v, r) => log.push([k, v, r]),
      })
      cache.set('a', 1)
      now = 10
      cache.set('a', 2)
      expect(log).toEqual([['a', 1, 'expire']])
      expect(cache.get('a')).toBe(2)
      expect(cache.expiresAt('a')).toBe(20)
    })

    it('counts a delete of an expired entry as an expiry', () => {
      let now = 0
      const cache = create<string, number>({ maxSize: 2, ttl: 10, now: () => now })
      cache.set('a', 1)
      now = 10
      expect(cache.delete('a')).toBe(false)
      expect(cache.size).toBe(0)
    })

    it('evicts by weight and rejects an entry that can never fit', () => {
      const evicted: string[] = []
      const cache = create<string, string>({
        maxSize: 100,
        maxWeight: 10,
        weigh: (value) => value.length,
        onEvict: (key) => evicted.push(key),
      })
      cache.set('a', 'xxxx').set('b', 'xxxx')
      expect(cache.weight).toBe(8)
      cache.set('c', 'xxxx')
      expect(cache.weight).toBeLessThanOrEqual(10)
      expect(evicted).toHaveLength(1)
      expect(cache.peek('c')).toBe('xxxx')
      const before = [...cache.entries()]
      expect(() => cache.set('c', 'x'.repeat(11))).toThrow(
        new CacheWeightError('c', 'an entry of weight 11 can never fit in `maxWeight` 10', 11),
      )
      expect([...cache.entries()]).toEqual(before)
      expect(() => cache.set('d', 'x', { weight: -1 })).toThrow(
        'the weight of an entry must be a positive finite number, got: -1',
      )
      cache.set('c', 'xxxxxxxx')
      expect(cache.weight).toBeLessThanOrEqual(10)
      expect(cache.peek('c')).toBe('xxxxxxxx')
    })

    // issue 17, item 1: the eviction loop of a re-set picked the slot being re-set.
    it('keeps a key re-set to a heavier value and evicts the others instead', () => {
      const evicted: [string, number, EvictionReason][] = []
      const weighted = () =>
        create<string, { w: number }>({
          maxSize: 3,
          maxWeight: 3,
          weigh: (value) => value.w,
          onEvict: (key, value, reason) => evicted.push([key, value.w, reason]),
        })
      const fifoCase = weighted()
      fifoCase.set('a', { w: 1 }).set('b', { w: 1 }).set('a', { w: 3 })
      expect(fifoCase.has('a')).toBe(true)
      expect(fifoCase.get('a')).toEqual({ w: 3 })
      expect(fifoCase.has('b')).toBe(false)
      expect([fifoCase.size, fifoCase.weight]).toEqual([1, 3])
      expect(evicted).toEqual([
        ['a', 1, 'set'],
        ['b', 1, 'evict'],
      ])

      evicted.length = 0
      const lfuCase = weighted()
      lfuCase.set('a', { w: 1 }).set('b', { w: 1 })
      lfuCase.get('b')
      lfuCase.get('b')
      lfuCase.delete('a')
      lfuCase.set('a', { w: 1 }).set('a', { w: 3 })
      expect(lfuCase.has('a')).toBe(true)
      expect(lfuCase.get('a')).toEqual({ w: 3 })
      expect(lfuCase.has('b')).toBe(false)
      expect([lfuCase.size, lfuCase.weight]).toEqual([1, 3])
      expect(evicted).toEqual([
        ['a', 1, 'delete'],
        ['a', 1, 'set'],
        ['b', 1, 'evict'],
      ])
    })

    it('stays usable after a re-set that makes room among many entries', () => {
      const cache = create<number, number>({ maxSize: 10, maxWeight: 10, weigh: (value) => value })
      for (let i = 0; i < 10; i++) cache.set(i, 1)
      cache.set(0, 5)
      expect(cache.get(0)).toBe(5)
      expect([cache.size, cache.weight]).toEqual([6, 10])
      for (let i = 10; i < 20; i++) cache.set(i, 1)
      expect(cache.weight).toBeLessThanOrEqual(10)
      expect(cache.size).toBeLessThanOrEqual(10)
      expect(cache.get(19)).toBe(1)
    })

    it('rejects bad options with a CacheConfigError naming the value', () => {
      const bad: [Partial<CacheOptions<unknown, unknown>>, string][] = [
        [{ maxSize: 0 }, '`maxSize` must be a positive integer up to 1073741824, got: 0'],
        [{ maxSize: -1 }, '`maxSize` must be a positive integer up to 1073741824, got: -1'],
        [{ maxSize: 1.5 }, '`maxSize` must be a positive integer up to 1073741824, got: 1.5'],
        [{ maxSize: NaN }, '`maxSize` must be a positive integer up to 1073741824, got: NaN'],
        [
          { maxSize: '10' as unknown as number },
          '`maxSize` must be a positive integer up to 1073741824, got: "10"',
        ],
        [
          { maxSize: 1, ttl: -5 },
          '`ttl` must be a positive number of milliseconds or Infinity, got: -5',
        ],
        [
          { maxSize: 1, ttl: NaN },
          '`ttl` must be a positive number of milliseconds or Infinity, got: NaN',
        ],
        [{ maxSize: 1, maxWeight: 0 }, '`maxWeight` must be a positive number or Infinity, got: 0'],
        [{ maxSize: 1, onEvict: 'log' as never }, '`onEvict` must be a function, got: "log"'],
        [{ maxSize: 1, weigh: 3 as never }, '`weigh` must be a function, got: 3'],
        [{ maxSize: 1, now: {} as never }, '`now` must be a function, got: {}'],
      ]
      for (const [options, message] of bad) {
        const attempt = () => create(options as CacheOptions<unknown, unknown>)
        expect(attempt).toThrow(CacheConfigError)
        expect(attempt).toThrow(message)
      }
      try {
        create({ maxSize: -1 })
      } catch (error) {
        expect(error).toBeInstanceOf(CacheError)
        expect(error).toMatchObject({ code: 'ERR_CACHE_CONFIG', option: 'maxSize', value: -1 })
      }
      expect.assertions(bad.length * 2 + 2)
    })

    it('rejects a bad per-entry ttl without changing the cache', () => {
      const cache = create<string, number>({ maxSize: 2 })
      cache.set('a', 1)
      expect(() => cache.set('a', 2, { ttl: -1 })).toThrow(CacheTtlError)
      expect(() => cache.set('b', 2, { ttl: 0 })).toThrow(
        '`ttl` must be a positive number of milliseconds or Infinity, got: 0',
      )
      expect(() => cache.set('b', 2, { expiresAt: NaN })).toThrow(
        '`expiresAt` must be a number of milliseconds per the cache clock, got: NaN',
      )
      expect([...cache.entries()]).toEqual([['a', 1]])
    })

    it('is empty and reusable after clear()', () => {
      const cache = create<number, number>({ maxSize: 3, ttl: 50, now: () => 0 })
      for (let i = 0; i < 10; i++) cache.set(i, i)
      cache.clear()
      expect(cache.size).toBe(0)
      expect([...cache.keys()]).toEqual([])
      for (let i = 0; i < 10; i++) cache.set(i, i)
      expect(cache.size).toBe(3)
      expect(cache.get(9)).toBe(9)
    })
  })
}
