import { describe, expect, it } from 'vitest'

import { CacheConfigError } from './errors.js'
import { S3FIFOModel } from '../test/referenceModels.js'
import { S3FIFOCache } from './s3fifoCache.js'

describe('S3FIFOCache', () => {
  it('filters one-hit wonders through the small queue and remembers them in the ghost', () => {
    // maxSize 10: small holds 1, main 9.
    const cache = new S3FIFOCache<string, number>({ maxSize: 10 })
    expect(cache.mainCapacity).toBe(9)
    for (let i = 0; i < 10; i++) cache.set(`k${i}`, i)
    cache.get('k9')
    cache.set('x', 0) // small's tail k0 was never hit: evicted, remembered in the ghost
    expect(cache.has('k0')).toBe(false)
    cache.set('k0', 0) // a ghost hit: k0 goes straight to main (k1 leaves small for the ghost)
    expect([...cache.keys()].slice(0, 2)).toEqual(['k0', 'x'])
  })

  it('revives a ghost in its own slot, even when the entry evicted for it comes from main', () => {
    // maxSize 4: small 1, main 3, ghosts 3. Each returning key comes back into main.
    const cache = new S3FIFOCache<string, number>({ maxSize: 4 })
    for (const key of ['a', 'b', 'c', 'd', 'e', 'a', 'b', 'c', 'd']) cache.set(key, 0)
    expect([...cache.keys()]).toEqual(['d', 'c', 'b', 'a'])
    cache.set('e', 1) // main is over its 3: its oldest, 'a', is evicted; 'e' is a ghost revived
    expect([cache.size, ...cache.keys()]).toEqual([4, 'e', 'd', 'c', 'b'])
    expect(cache.get('e')).toBe(1)
    cache.set('f', 2) // a new key: 'b' leaves main, 'f' enters small
    expect([cache.size, ...cache.keys()]).toEqual([4, 'e', 'd', 'c', 'f'])
    expect([cache.has('a'), cache.peek('f')]).toEqual([false, 2])
  })

  it('keeps a ghost as a key only: no value, weight or expiry, and never a live entry', () => {
    let now = 0
    const evicted: string[] = []
    const cache = new S3FIFOCache<string, number>({
      maxSize: 4,
      maxWeight: 4,
      ttl: 100,
      now: () => now,
      onEvict: (key, value, reason) => evicted.push(`${key}=${value}:${reason}`),
    })
    cache.set('a', 1).set('b', 2).set('c', 3).set('d', 4)
    cache.set('e', 5) // small's oldest, 'a', was never hit: evicted, and remembered as a ghost
    expect(evicted).toEqual(['a=1:evict'])
    expect([cache.has('a'), cache.peek('a'), cache.get('a'), cache.delete('a')]).toEqual([
      false,
      undefined,
      undefined,
      false,
    ])
    expect([cache.expiresAt('a'), cache.size, cache.weight]).toEqual([undefined, 4, 4])
    now = 100 // every entry expires; the ghost is not an entry and is not purged
    expect(cache.purgeExpired()).toBe(4)
    expect(evicted.slice(1).sort()).toEqual([
      'b=2:expire',
      'c=3:expire',
      'd=4:expire',
      'e=5:expire',
    ])
    cache.set('a', 6) // the ghost comes back, into main, with a fresh TTL
    expect([cache.get('a'), cache.expiresAt('a'), cache.size, cache.weight]).toEqual([6, 200, 1, 1])
    expect([...cache.keys()]).toEqual(['a'])
  })

  it('matches its model when keys keep coming back from the ghost queue', () => {
    // 5 keys over 4 entries: every set after the first round revives a ghost, and main keeps
    // overflowing, so victims' slots are handed over and freed again and again.
    const cache = new S3FIFOCache<number, number>({ maxSize: 4 })
    const model = new S3FIFOModel(4)
    for (let i = 0; i < 200; i++) {
      cache.set(i % 5, i)
      model.set(i % 5, i)
      expect([...cache.keys()]).toEqual(model.keys())
    }
  })

  it('never remembers an entry evicted from main, even after a heavier re-set chose itself', () => {
    // Found by search: the heavier re-set of 0 picks 0 itself as small's victim (it leaves and
    // comes back), then main's tail goes; 0's later eviction from main must not make it a ghost,
    // so when it comes back it enters small, and is small's next victim.
    const evicted: number[] = []
    const cache = new S3FIFOCache<number, number>({
      maxSize: 4,
      maxWeight: 6,
      promotionThreshold: 2,
      onEvict: (key) => evicted.push(key),
    })
    cache.set(4, 0, { weight: 2 }).set(4, 1, { weight: 3 }).set(2, 2, { weight: 2 })
    cache.get(4)
    cache.set(0, 4, { weight: 1 })
    cache.get(2)
    cache.set(2, 6, { weight: 1 }).set(0, 7, { weight: 3 }).set(0, 8, { weight: 3 })
    cache.get(0)
    cache.get(2)
    cache.set(0, 11, { weight: 3 }).set(2, 12, { weight: 3 })
    expect([...cache.keys()]).toEqual([2, 0])
    cache.set(4, 13, { weight: 3 }) // 0 leaves main
    expect([[...cache.keys()], evicted.at(-1)]).toEqual([[2, 4], 0])
    cache.set(0, 14) // not a ghost: back into small, behind main's 2
    expect([...cache.keys()]).toEqual([2, 0])
    cache.set(5, 15).set(6, 16).set(7, 17) // small is over its share: 0, its oldest, goes
    expect([[...cache.keys()], evicted.at(-1)]).toEqual([[2, 7, 6, 5], 0])
  })

  it('promotes an entry hit in the small queue to main instead of evicting it', () => {
    const cache = new S3FIFOCache<string, number>({ maxSize: 4 })
    cache.set('a', 1).set('b', 2).set('c', 3).set('d', 4)
    cache.get('a')
    cache.set('e', 5)
    expect(cache.has('a')).toBe(true)
    expect(cache.has('b')).toBe(false)
  })

  it('needs two hits to promote with promotionThreshold 2', () => {
    const cache = new S3FIFOCache<string, number>({ maxSize: 4, promotionThreshold: 2 })
    cache.set('a', 1).set('b', 2).set('c', 3).set('d', 4)
    cache.get('a')
    cache.set('e', 5)
    expect(cache.has('a')).toBe(false)
  })

  it('rejects bad policy options', () => {
    expect(() => new S3FIFOCache({ maxSize: 4, smallRatio: 1 })).toThrow(
      new CacheConfigError('smallRatio', 'a number between 0 and 1 (exclusive)', 1),
    )
    expect(() => new S3FIFOCache({ maxSize: 4, promotionThreshold: 4 })).toThrow(
      '`promotionThreshold` must be an integer from 1 to 3, got: 4',
    )
  })
})
