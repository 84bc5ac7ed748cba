import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { Flight } from './flight.js'
import { TagIndex } from './tagIndex.js'

type Op =
  | { readonly kind: 'put'; readonly key: number; readonly tags: readonly string[] }
  | { readonly kind: 'remove'; readonly key: number }
  | { readonly kind: 'invalidate'; readonly tags: readonly string[] }

const tag = fc.constantFrom('a', 'b', 'c', 'd')
const tags = fc.uniqueArray(tag, { maxLength: 3 })
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key: fc.nat(5), tags }),
  fc.record({ kind: fc.constant('remove' as const), key: fc.nat(5) }),
  fc.record({ kind: fc.constant('invalidate' as const), tags }),
)

describe('TagIndex', () => {
  it('finds exactly the live keys carrying a tag, and forgets tags with no entry left', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const index = new TagIndex<number>()
        // The model: the live entries and their tags, as the engine's store holds them.
        const model = new Map<number, readonly string[]>()
        for (const o of ops) {
          if (o.kind === 'put') {
            const old = model.get(o.key)
            if (old !== undefined) index.remove(o.key, old)
            model.set(o.key, o.tags)
            index.add(o.key, o.tags)
          } else if (o.kind === 'remove') {
            const old = model.get(o.key)
            if (old !== undefined) index.remove(o.key, old)
            model.delete(o.key)
          } else {
            const expected = [...model]
              .filter(([, t]) => t.some((x) => o.tags.includes(x)))
              .map(([key]) => key)
              .sort()
            const found = index.invalidate(o.tags, [])
            expect([...found].sort()).toEqual(expected)
            for (const key of found) {
              index.remove(key, model.get(key)!)
              model.delete(key)
            }
          }
        }
        const live = new Set([...model.values()].flat())
        expect(index.size).toBe(live.size)
      }),
      { numRuns: 200 },
    )
  })

  it('remembers, per load in flight, only the tags invalidated while it ran', () => {
    const index = new TagIndex<string>()
    const noop = () => undefined
    const before = new Flight('k', false, noop)
    before.promise.catch(noop)
    index.invalidate(['t'], [before])
    const after = new Flight('j', false, noop)
    after.promise.catch(noop)
    expect(index.droppedDuring(before, ['u', 't'])).toBe(true)
    expect(index.droppedDuring(before, ['u'])).toBe(false)
    expect(index.droppedDuring(after, ['t'])).toBe(false)
    expect(index.droppedDuring(undefined, ['t'])).toBe(false)
    expect(index.epoch).toBe(1)
  })
})
