// Another instance's invalidation reaching loads in flight: the load of each invalidated key is
// forgotten (its callers get its value, L1 does not keep it), every other load is kept, however
// many loads are in flight and however many have come and gone before.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { flush } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { l2KeyOf } from './l2.js'
import { MemoryL2Server, memoryL2Store } from './testing/memoryL2Store.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

/** A cache whose loads wait until released, and what the other instance's deletes send it. */
function setUp() {
  const server = new MemoryL2Server()
  const cache = new AsyncCache<string, string>({
    ttl: 60_000,
    l2: memoryL2Store({ server }),
    onError: () => {},
  })
  const pending = new Map<string, () => void>()
  const loader = ({ key }: { key: string }): Promise<string> =>
    new Promise((resolve) =>
      pending.set(key, () => {
        resolve(`${key}@1`)
      }),
    )
  /** What another instance's delete of `keys` sends this one. */
  const invalidate = (keys: readonly string[]): void => {
    server.broadcast(
      undefined,
      keys.map((key) => l2KeyOf(key)),
    )
  }
  const release = async (keys: readonly string[]): Promise<void> => {
    for (const key of keys) pending.get(key)!()
    await flush()
  }
  return { cache, loader, invalidate, release }
}

describe('invalidations reaching loads in flight', () => {
  it('forget exactly the loads of the keys invalidated, among many', async () => {
    const { cache, loader, invalidate, release } = setUp()
    const keys = Array.from({ length: 1_000 }, (_, i) => `k${i}`)
    const answers = keys.map((key) => cache.get(key, loader))
    await flush()
    invalidate(['k10', 'k500', 'absent'])
    await release(keys)
    await expect(Promise.all(answers)).resolves.toEqual(keys.map((key) => `${key}@1`))
    const kept = keys.filter((key) => cache.has(key))
    expect(kept).toHaveLength(998)
    expect(cache.has('k10')).toBe(false)
    expect(cache.has('k500')).toBe(false)
  })

  it('still find the load of a key after many loads have come and gone', async () => {
    const { cache, loader, invalidate, release } = setUp()
    // Loads that stay in flight while many others start and end (the map is swept meanwhile).
    const long = Array.from({ length: 100 }, (_, i) => `long${i}`)
    const longAnswers = long.map((key) => cache.get(key, loader))
    for (let round = 0; round < 5; round++) {
      const keys = Array.from({ length: 300 }, (_, i) => `r${round}-${i}`)
      const answers = keys.map((key) => cache.get(key, loader))
      await flush()
      invalidate([`r${round}-7`, `r${round - 1}-8`]) // the second: a load that has ended
      await release(keys)
      await Promise.all(answers)
      expect(keys.filter((key) => !cache.has(key))).toEqual([`r${round}-7`])
    }
    invalidate(['long3', 'long99'])
    await release(long)
    await expect(Promise.all(longAnswers)).resolves.toEqual(long.map((key) => `${key}@1`))
    expect(long.filter((key) => !cache.has(key))).toEqual(['long3', 'long99'])
    // A key loaded again after its load was forgotten: the new load is the one forgotten now.
    const again = cache.get('r4-7', loader)
    await flush()
    invalidate(['r4-7'])
    await release(['r4-7'])
    await expect(again).resolves.toBe('r4-7@1')
    expect(cache.has('r4-7')).toBe(false)
  })
})
