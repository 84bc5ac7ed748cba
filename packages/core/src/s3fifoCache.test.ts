import { describe, expect, it } from 'vitest'

import { CacheConfigError } from './errors.js'
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
