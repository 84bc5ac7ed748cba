import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { GhostQueue } from './ghostQueue.js'

describe('GhostQueue', () => {
  it('forgets the oldest key when full, and frees room when a key is taken', () => {
    const ghost = new GhostQueue<string>(2)
    ghost.add('a')
    ghost.add('b')
    ghost.add('c')
    expect([ghost.has('a'), ghost.has('b'), ghost.has('c')]).toEqual([false, true, true])
    expect(ghost.take('b')).toBe(true)
    expect(ghost.take('b')).toBe(false)
    ghost.add('d')
    expect([ghost.has('c'), ghost.has('d'), ghost.size]).toEqual([true, true, 2])
  })

  it('behaves as a bounded array of keys', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat(8)), { minLength: 5, maxLength: 100, size: 'max' }),
        (capacity, ops) => {
          const ghost = new GhostQueue<number>(capacity)
          let model: number[] = []
          for (const [add, key] of ops) {
            if (add && !model.includes(key)) {
              ghost.add(key)
              model.push(key)
              if (model.length > capacity) model.shift()
            } else if (!add) {
              expect(ghost.take(key)).toBe(model.includes(key))
              model = model.filter((k) => k !== key)
            }
            for (let k = 0; k <= 8; k++) expect(ghost.has(k)).toBe(model.includes(k))
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
