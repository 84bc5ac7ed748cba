import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { GhostQueue } from './ghostQueue.js'

describe('GhostQueue', () => {
  it('keeps keys oldest first and reuses freed nodes', () => {
    const ghost = new GhostQueue<string>(2)
    const a = ghost.push('a')
    ghost.push('b')
    expect([ghost.size, ghost.keyOf(ghost.oldest)]).toEqual([2, 'a'])
    ghost.remove(a)
    expect([ghost.size, ghost.keyOf(ghost.oldest)]).toEqual([1, 'b'])
    expect(ghost.push('c')).toBe(a)
    ghost.clear()
    expect([ghost.size, ghost.oldest]).toEqual([0, -1])
  })

  it('behaves as an array of keys under random pushes and removals', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.boolean(), fc.nat(20)), { minLength: 5, maxLength: 100, size: 'max' }),
        (capacity, ops) => {
          const ghost = new GhostQueue<number>(capacity)
          let model: { key: number; node: number }[] = []
          let next = 0
          for (const [push, pick] of ops) {
            if (push && model.length < capacity) {
              model.push({ key: next, node: ghost.push(next) })
              next++
            } else if (model.length > 0) {
              const victim = model[pick % model.length]!
              ghost.remove(victim.node)
              model = model.filter((entry) => entry !== victim)
            }
            expect(ghost.size).toBe(model.length)
            expect(model.length === 0 ? -1 : ghost.keyOf(ghost.oldest)).toBe(model[0]?.key ?? -1)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
