import { describe, expect, it } from 'vitest'

import { CacheConfigError } from './errors.js'
import { simulate } from './simulate.js'
import { TinyLFUCache } from './tinyLfuCache.js'

// Each key re-read `distance` requests after its first read: recency is all that matters.
function recencyTrace(keys: number, distance: number): Int32Array {
  const trace = new Int32Array(2 * keys)
  let n = 0
  for (let i = 0; i < keys; i++) {
    trace[n++] = i
    trace[n++] = i >= distance ? i - distance : keys + i
  }
  return trace
}

describe('TinyLFUCache', () => {
  it('sizes the window at 1% and protected at 80% of main', () => {
    const cache = new TinyLFUCache({ maxSize: 1000 })
    expect(cache.windowCapacity).toBe(10)
    expect(cache.protectedCapacity).toBe(792)
  })

  it('keeps popular keys through a scan of one-time keys', () => {
    const cache = new TinyLFUCache<number, number>({ maxSize: 100, adaptive: false })
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 99; k++) if (cache.get(k) === undefined) cache.set(k, k)
    }
    for (let k = 1000; k < 1500; k++) if (cache.get(k) === undefined) cache.set(k, k)
    let kept = 0
    for (let k = 0; k < 99; k++) if (cache.has(k)) kept++
    expect(kept).toBe(99)
  })

  it('admits a candidate only when the sketch finds it more popular than the victim', () => {
    const cache = new TinyLFUCache<string, number>({ maxSize: 2, adaptive: false })
    // window 1, main 1
    cache.set('hot', 1)
    cache.get('hot')
    cache.set('cold', 2) // 'hot' moves from the window to probation; no eviction yet
    expect([...cache.keys()]).toEqual(['cold', 'hot'])
    cache.set('new', 3) // candidate 'cold' (1) against victim 'hot' (2): rejected
    expect([...cache.keys()]).toEqual(['new', 'hot'])
    for (let i = 0; i < 3; i++) cache.get('new')
    cache.set('newer', 4) // candidate 'new' (4) against 'hot' (2): admitted, 'hot' evicted
    expect([...cache.keys()]).toEqual(['newer', 'new'])
  })

  it('admits a frequent candidate against a stronger victim about once in 128 tries', () => {
    let admitted = 0
    for (let seed = 1; seed <= 2000; seed++) {
      const cache = new TinyLFUCache<string, number>({ maxSize: 100, adaptive: false, seed })
      cache.set('victim', 0)
      for (let i = 0; i < 14; i++) cache.get('victim')
      for (let i = 0; i < 98; i++) cache.set(`filler${i}`, 0)
      cache.set('candidate', 0)
      for (let i = 0; i < 7; i++) cache.get('candidate')
      // 'victim' (15) is probation's oldest; 'candidate' (8) leaves the window for 'x'.
      cache.set('x', 0)
      if (cache.has('candidate') && !cache.has('victim')) admitted++
    }
    // Exact for these seeds; about 2000 / 128.
    expect(admitted).toBe(14)
  })

  it('grows the window by hill climbing when recency is what pays', () => {
    const trace = recencyTrace(200_000, 20)
    const adaptive = new TinyLFUCache<number, boolean>({ maxSize: 1000 })
    const fixed = new TinyLFUCache<number, boolean>({ maxSize: 1000, adaptive: false })
    const adaptiveResult = simulate(trace, adaptive)
    const fixedResult = simulate(trace, fixed)
    expect(fixed.windowCapacity).toBe(10)
    expect(adaptive.windowCapacity).toBe(802)
    expect(adaptiveResult.hits).toBe(191144)
    expect(fixedResult.hits).toBe(5840)
  })

  it('rejects bad policy options', () => {
    expect(() => new TinyLFUCache({ maxSize: 10, windowRatio: 0 })).toThrow(
      new CacheConfigError('windowRatio', 'a number between 0 and 1 (exclusive)', 0),
    )
    expect(() => new TinyLFUCache({ maxSize: 10, adaptive: 'yes' as never })).toThrow(
      '`adaptive` must be a boolean, got: "yes"',
    )
    expect(() => new TinyLFUCache({ maxSize: 10, seed: 0 })).toThrow(
      '`seed` must be a non-zero integer, got: 0',
    )
  })
})
