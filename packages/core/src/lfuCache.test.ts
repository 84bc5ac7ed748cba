import { describe, expect, it } from 'vitest'

import { LFUCache } from './lfuCache.js'

describe('LFUCache', () => {
  it('evicts the least frequently used key, the least recent among equals', () => {
    const cache = new LFUCache<string, number>({ maxSize: 3 })
    cache.set('a', 1).set('b', 2).set('c', 3)
    cache.get('a')
    cache.get('a')
    cache.get('c')
    cache.get('b')
    // a: 3 uses; b and c: 2 uses each, c used before b.
    cache.set('d', 4)
    expect([...cache.keys()]).toEqual(['a', 'b', 'd'])
    expect(cache.frequency('a')).toBe(3)
    expect(cache.frequency('d')).toBe(1)
    expect(cache.frequency('c')).toBe(0)
  })

  it('starts a new key at frequency 1 and counts a re-set as a use', () => {
    const cache = new LFUCache<string, number>({ maxSize: 2 })
    cache.set('a', 1).set('a', 2).set('b', 1)
    cache.set('c', 1)
    expect([...cache.keys()]).toEqual(['a', 'c'])
  })

  it('keeps frequencies in O(1) buckets over long runs', () => {
    const cache = new LFUCache<number, number>({ maxSize: 4 })
    for (let i = 0; i < 4; i++) cache.set(i, i)
    for (let n = 0; n < 1000; n++) cache.get(n % 4)
    expect(cache.frequency(0)).toBe(251)
    expect(cache.frequency(3)).toBe(251)
    cache.set(9, 9)
    expect(cache.has(0)).toBe(false)
    expect(cache.frequency(9)).toBe(1)
  })
})
