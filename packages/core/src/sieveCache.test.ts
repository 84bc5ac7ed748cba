import { describe, expect, it } from 'vitest'

import { SieveCache } from './sieveCache.js'

describe('SieveCache', () => {
  it('lets the hand pass visited entries and evict the first unvisited one', () => {
    const cache = new SieveCache<string, number>({ maxSize: 3 })
    cache.set('a', 1).set('b', 2).set('c', 3)
    cache.get('a')
    cache.set('d', 4) // hand: a (visited, cleared) → b evicted; hand rests on c
    expect([...cache.keys()]).toEqual(['d', 'c', 'a'])
    cache.set('e', 5) // hand at c: unvisited → evicted
    expect([...cache.keys()]).toEqual(['e', 'd', 'a'])
    cache.set('f', 6) // hand at d, the newest but one: unvisited → evicted
    expect([...cache.keys()]).toEqual(['f', 'e', 'a'])
    cache.get('e')
    cache.get('f')
    cache.set('g', 7) // hand passed the head: wraps to the tail, a (cleared long ago) is evicted
    expect([...cache.keys()]).toEqual(['g', 'f', 'e'])
  })

  it('moves the hand on when the entry under it is deleted', () => {
    const cache = new SieveCache<string, number>({ maxSize: 3 })
    cache.set('a', 1).set('b', 2).set('c', 3)
    cache.get('a')
    cache.set('d', 4) // hand rests on c
    cache.get('a')
    cache.delete('c') // hand moves to d
    cache.set('e', 5) // room: no eviction
    cache.set('f', 6) // hand at d: unvisited → evicted
    expect([...cache.keys()]).toEqual(['f', 'e', 'a'])
  })
})
