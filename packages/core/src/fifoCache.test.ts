import { describe, expect, it } from 'vitest'

import { FIFOCache } from './fifoCache.js'

describe('FIFOCache', () => {
  it('evicts the oldest insertion even when it was just read or re-set', () => {
    const cache = new FIFOCache<string, number>({ maxSize: 3 })
    cache.set('a', 1).set('b', 2).set('c', 3)
    cache.get('a')
    cache.set('a', 10)
    cache.set('d', 4)
    expect([...cache.keys()]).toEqual(['d', 'c', 'b'])
  })
})
