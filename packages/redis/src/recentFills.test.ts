// The ring of recent "filled" notices against a plain list of every notice ever received.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { RecentFills } from './recentFills.js'

describe('RecentFills', () => {
  it('answers the latest notice on a key since a mark, and nothing before it', () => {
    const recent = new RecentFills<string>(4)
    recent.add('a', 'first')
    const mark = recent.mark
    expect(recent.since('a', mark)).toBeUndefined()
    recent.add('b', 'other')
    recent.add('a', 'second')
    recent.add('a', 'third')
    expect(recent.since('a', mark)).toBe('third')
    expect(recent.since('b', mark)).toBe('other')
    expect(recent.since('a', 0)).toBe('third')
    expect(recent.since('c', 0)).toBeUndefined()
  })

  it('forgets what is older than its size', () => {
    const recent = new RecentFills<number>(2)
    recent.add('a', 1)
    recent.add('b', 2)
    recent.add('c', 3)
    expect(recent.mark).toBe(3)
    expect(recent.since('a', 0)).toBeUndefined()
    expect(recent.since('b', 0)).toBe(2)
    expect(recent.since('c', 0)).toBe(3)
  })

  it('matches a list of every notice, within its size', () => {
    const op = fc.oneof(
      fc.record({ add: fc.constantFrom('a', 'b', 'c') }),
      fc.record({ since: fc.constantFrom('a', 'b', 'c'), back: fc.nat(12) }),
    )
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.array(op, { maxLength: 60 }), (size, ops) => {
        const recent = new RecentFills<number>(size)
        const all: string[] = []
        for (const o of ops) {
          if ('add' in o) {
            recent.add(o.add, all.length)
            all.push(o.add)
            continue
          }
          const mark = Math.max(0, all.length - o.back)
          let expected: number | undefined
          for (let n = all.length - 1; n >= Math.max(mark, all.length - size); n--) {
            if (all[n] === o.since) {
              expected = n
              break
            }
          }
          expect(recent.since(o.since, mark)).toBe(expected)
        }
        expect(recent.mark).toBe(all.length)
      }),
      { numRuns: 200 },
    )
  })
})
