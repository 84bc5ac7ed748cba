import { describe, expect, it } from 'vitest'

import { LRUCache } from './lruCache.js'

describe('LRUCache', () => {
  it('evicts the least recently used key', () => {
    const cache = new LRUCache<string, number>({ maxSize: 3 })
    cache.set('a', 1).set('b', 2).set('c', 3)
    cache.get('a')
    cache.set('d', 4)
    expect([...cache.keys()]).toEqual(['d', 'a', 'c'])
  })

  it('does not count peek or has as a use', () => {
    const cache = new LRUCache<string, number>({ maxSize: 2 })
    cache.set('a', 1).set('b', 2)
    cache.peek('a')
    cache.has('a')
    cache.set('c', 3)
    expect([...cache.keys()]).toEqual(['c', 'b'])
  })

  it('counts a re-set as a use', () => {
    const cache = new LRUCache<string, number>({ maxSize: 2 })
    cache.set('a', 1).set('b', 2).set('a', 3).set('c', 3)
    expect([...cache.entries()]).toEqual([
      ['c', 3],
      ['a', 3],
    ])
  })
})
