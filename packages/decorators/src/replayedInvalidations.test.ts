// An invalidation replayed after an outage (a delete or clear made while the store was
// unreachable, sent once it is back with its age): L1 copies that a load of this instance made
// after the invalidation's moment are newer than it and stay; older loads and copies read from
// L2 go, as with any invalidation.
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

const TTL = 60_000
const failing = (): Promise<string> => Promise.reject(new Error('the source is down'))

type Options = ConstructorParameters<typeof AsyncCache<string, string>>[0]

function setUp(options: Options = {}) {
  const server = new MemoryL2Server()
  const cache = new AsyncCache<string, string>({
    ttl: TTL,
    l2: memoryL2Store({ server }),
    onError: () => {},
    ...options,
  })
  /** What another instance's delete of `keys` (`null`: clear), made `ageMs` ago, does. */
  const replayed = (keys: readonly string[] | null, ageMs: number): void => {
    if (keys === null) {
      server.removeAll(ageMs)
      server.broadcast(undefined, null, ageMs)
      return
    }
    const l2Keys = keys.map((key) => l2KeyOf(key))
    for (const l2Key of l2Keys) server.remove(l2Key, ageMs)
    server.broadcast(undefined, l2Keys, ageMs)
  }
  return { server, cache, replayed }
}

/** A loader that answers `value` after `ms` (fake time), counting its calls. */
function slowLoader(value: string, ms: number) {
  return vi.fn(
    () =>
      new Promise<string>((resolve) => {
        setTimeout(() => {
          resolve(value)
        }, ms)
      }),
  )
}

describe('an invalidation replayed after an outage (with its age)', () => {
  it('keeps a copy whose load started after its moment, drops one started before or in its ms', async () => {
    const { cache, replayed } = setUp()
    await cache.get('at', () => Promise.resolve('at@1')) // load started (and ended) at 1_000_000
    vi.advanceTimersByTime(1)
    await cache.get('after', () => Promise.resolve('after@1')) // at 1_000_001
    vi.advanceTimersByTime(99)
    // The delete was made 101 ms ago, at 999_999: both loads started after it.
    replayed(['at', 'after'], 101)
    expect([cache.has('at'), cache.has('after')]).toEqual([true, true])
    // Made 100 ms ago, at 1_000_000: the load of 'at' started in that ms (it may have read the
    // source before the change), 'after''s later.
    replayed(['at', 'after'], 100)
    expect([cache.has('at'), cache.has('after')]).toEqual([false, true])
    replayed(['after'], 99)
    expect(cache.has('after')).toBe(false)
  })

  it("orders by the load's start, not its end: a load running across the moment goes", async () => {
    const { cache, replayed } = setUp()
    const loader = slowLoader('k@1', 50)
    const answer = cache.get('k', loader)
    await vi.advanceTimersByTimeAsync(50)
    await expect(answer).resolves.toBe('k@1') // started at 1_000_000, ended at 1_000_050
    // The delete was made at 1_000_010, while the load ran: the source it read may be older.
    replayed(['k'], 40)
    expect(cache.has('k')).toBe(false)
    const again = cache.get('k', loader)
    await vi.advanceTimersByTimeAsync(50)
    await expect(again).resolves.toBe('k@1')
    expect(loader).toHaveBeenCalledTimes(2)
  })

  it('drops a copy read from L2 whatever its age (its load moment is not known here)', async () => {
    const { server, cache, replayed } = setUp()
    const writer = new AsyncCache<string, string>({ ttl: TTL, l2: memoryL2Store({ server }) })
    await writer.get('k', () => Promise.resolve('k@1'))
    await writer.whenL2Settled()
    vi.advanceTimersByTime(1_000)
    const loader = vi.fn(failing)
    await expect(cache.get('k', loader)).resolves.toBe('k@1') // from L2
    expect(loader).toHaveBeenCalledTimes(0)
    replayed(['k'], 1) // made 1 ms ago, after this copy was read
    expect(cache.has('k')).toBe(false)
  })

  it('keeps a copy set() after its moment, drops one set() before', () => {
    const { cache, replayed } = setUp()
    cache.set('old', 'old@1')
    vi.advanceTimersByTime(10)
    cache.set('new', 'new@1')
    vi.advanceTimersByTime(10)
    replayed(['old', 'new'], 15)
    expect([cache.has('old'), cache.has('new')]).toEqual([false, true])
  })

  it('without an age drops every copy, however recent', async () => {
    const { cache, server } = setUp()
    await cache.get('k', () => Promise.resolve('k@1'))
    server.broadcast(undefined, [l2KeyOf('k')])
    expect(cache.has('k')).toBe(false)
  })

  it('a replayed clear keeps the copies loaded after its moment and drops the rest', async () => {
    const { cache, replayed } = setUp()
    await cache.get('before', () => Promise.resolve('before@1'))
    vi.advanceTimersByTime(100)
    await cache.get('after', () => Promise.resolve('after@1'))
    vi.advanceTimersByTime(100)
    replayed(null, 150)
    expect([cache.has('before'), cache.has('after')]).toEqual([false, true])
    replayed(null, 50)
    expect(cache.has('after')).toBe(false)
  })

  it('Redis and the source down together: a copy loaded after the delete answers for fail-safe', async () => {
    // A deletes 'k' and 'j' while the store is down; B, which could not hear it, loads 'k'
    // again from the source after the delete. Once the store is back, A replays its delete
    // (with its age); then the source goes down too.
    const { server, cache: b } = setUp({ ttl: 500, failSafe: { maxStale: 600_000 } })
    const a = new AsyncCache<string, string>({
      ttl: 500,
      l2: memoryL2Store({ server }),
      onError: () => {},
    })
    await b.get('j', () => Promise.resolve('j@1'))
    await b.get('k', () => Promise.resolve('k@1'))
    await a.get('j', failing) // A reads both from L2
    await a.get('k', failing)
    await Promise.all([a.whenL2Settled(), b.whenL2Settled()])
    server.disconnect()
    vi.advanceTimersByTime(100)
    a.delete('j')
    a.delete('k')
    await flush()
    expect(a.stats().l2ReplayQueued).toBe(2)
    vi.advanceTimersByTime(1_000) // B's copies expired meanwhile
    await expect(b.get('k', () => Promise.resolve('k@2'))).resolves.toBe('k@2') // after the delete
    vi.advanceTimersByTime(1_000)
    server.reconnect() // B's copies stop being fresh; A replays its deletes
    await flush()
    expect(a.stats()).toMatchObject({ l2Replayed: 2 })
    // 'k@2' is newer than the delete: kept for fail-safe. 'j@1' was deleted: gone.
    await expect(b.get('k', failing)).resolves.toBe('k@2')
    await expect(b.get('j', failing)).rejects.toThrow('the source is down')
    expect(b.stats().failSafeActivations).toBe(1)
  })
})
