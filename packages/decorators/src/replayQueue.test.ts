import { CacheConfigError } from '@cache/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { flush } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import type { CacheEvent } from './events.js'
import { l2KeyOf, type L2DeleteOptions, type L2Store } from './l2.js'
import { REPLAY_RETRY_MS, ReplayQueue } from './replayQueue.js'
import {
  L2UnreachableError,
  MemoryL2Server,
  memoryL2Store,
  type MemoryL2Store,
} from './testing/memoryL2Store.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

const TTL = 60_000

/** A store whose deletes and clears fail while `down` (this instance's link to L2 is cut). */
function flaky(inner: MemoryL2Store): L2Store & { down: boolean; sent: number[] } {
  const store = {
    down: false,
    sent: [] as number[],
    get: (keys: readonly string[]) => inner.get(keys),
    set: (...args: Parameters<MemoryL2Store['set']>) => inner.set(...args),
    delete: (keys: readonly string[], options?: L2DeleteOptions) => {
      if (store.down) return Promise.reject(new L2UnreachableError())
      store.sent.push(options?.ageMs ?? 0)
      return inner.delete(keys, options)
    },
    clear: (options?: L2DeleteOptions) => {
      if (store.down) return Promise.reject(new L2UnreachableError())
      store.sent.push(options?.ageMs ?? 0)
      return inner.clear(options)
    },
    subscribe: (subscriber: Parameters<MemoryL2Store['subscribe']>[0]) =>
      inner.subscribe(subscriber),
  }
  return store
}

function instances(n: number, options: { l2ReplayLimit?: number } = {}) {
  const server = new MemoryL2Server()
  const caches = Array.from(
    { length: n },
    () =>
      new AsyncCache<string, string>({
        ttl: TTL,
        l2: memoryL2Store({ server }),
        onError: () => {},
        ...options,
      }),
  )
  return { server, caches }
}

describe('l2ReplayLimit: options', () => {
  it.each([-1, 1.5, '10', Number.NaN, 1_000_001])('refuses %s with a CacheConfigError', (value) => {
    const make = () => new AsyncCache({ l2ReplayLimit: value as number })
    expect(make).toThrow(CacheConfigError)
    expect(make).toThrow(/`l2ReplayLimit` must be an integer from 0 to 1000000/)
  })

  it('0 keeps nothing: a delete that fails is only reported', async () => {
    const { server, caches } = instances(1, { l2ReplayLimit: 0 })
    const a = caches[0]!
    server.disconnect()
    a.delete('k')
    await a.whenL2Settled()
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 0, l2Errors: 1 })
  })
})

describe('replay after an L2 outage (memoryL2Store)', () => {
  it('sends the deletes and clears an outage held back once L2 is back: no instance serves what they removed', async () => {
    const { server, caches } = instances(3)
    const [a, b, c] = caches as [AsyncCache<string, string>, ...AsyncCache<string, string>[]]
    for (const key of ['k', 'j', 'x']) await a.get(key, () => `${key}@1`)
    await a.whenL2Settled()
    for (const cache of [b, c]) {
      for (const key of ['k', 'j', 'x']) await expect(cache!.get(key)).resolves.toBe(`${key}@1`)
    }
    const events: CacheEvent<string>[] = []
    a.on((event) => {
      if (event.type === 'l2Replay') events.push(event)
    })

    server.disconnect()
    a.delete('k')
    a.delete('j')
    a.delete('k') // the same delete again: still one operation for k
    await a.whenL2Settled()
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 2, l2Replayed: 0 })
    vi.advanceTimersByTime(5_000)
    await flush()

    server.reconnect() // tells every instance to drop its L1; a replays at once
    await a.whenL2Settled()
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 2, l2Replayed: 2, l2ReplayCollapsed: 0 })
    expect(server.values.has(l2KeyOf('k'))).toBe(false)
    expect(server.values.has(l2KeyOf('j'))).toBe(false)
    for (const cache of [a, b!, c!]) {
      await expect(cache.get('k', () => 'k@2')).resolves.toBe('k@2')
      await expect(cache.get('j', () => 'j@2')).resolves.toBe('j@2')
      await expect(cache.get('x', () => 'x@2')).resolves.toBe('x@1')
    }
    expect(events.map((e) => e.type === 'l2Replay' && [e.outcome, e.operation, e.ageMs])).toEqual([
      ['queued', 'delete', 0],
      ['queued', 'delete', 0],
      ['replayed', 'delete', 5_000],
      ['replayed', 'delete', 5_000],
    ])
  })

  it('replays a tag invalidation an outage held back: no instance serves what it removed', async () => {
    const { server, caches } = instances(2)
    const [a, b] = caches as [AsyncCache<string, string>, AsyncCache<string, string>]
    await a.get('u1', () => 'u1@1', { tags: ['users'] })
    await a.get('p1', () => 'p1@1', { tags: ['posts'] })
    await a.whenL2Settled()
    const events: CacheEvent<string>[] = []
    a.on((event) => {
      if (event.type === 'l2Replay') events.push(event)
    })

    server.disconnect()
    await expect(a.invalidateTags(['users'])).resolves.toBe(1) // gone here at once
    await a.whenL2Settled()
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 1, l2Replayed: 0 })
    vi.advanceTimersByTime(2_000)
    await flush()

    server.reconnect()
    await a.whenL2Settled()
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 1, l2Replayed: 1 })
    // A fresh instance reading only L2, and b: the tagged value is gone, the other stays.
    const c = new AsyncCache<string, string>({ ttl: TTL, l2: memoryL2Store({ server }) })
    for (const cache of [a, b, c]) {
      await expect(cache.get('u1', () => 'u1@2')).resolves.toBe('u1@2')
      await expect(cache.get('p1', () => 'p1@2')).resolves.toBe('p1@1')
    }
    expect(events).toEqual([
      expect.objectContaining({ outcome: 'queued', operation: 'tag', tag: 'users', ageMs: 0 }),
      expect.objectContaining({ outcome: 'replayed', operation: 'tag', tag: 'users' }),
    ])
  })

  it('replays as of the moment of the delete: a value written after it survives the replay', async () => {
    const server = new MemoryL2Server()
    const storeA = flaky(memoryL2Store({ server }))
    const a = new AsyncCache<string, string>({ ttl: TTL, l2: storeA, onError: () => {} })
    const b = new AsyncCache<string, string>({ ttl: TTL, l2: memoryL2Store({ server }) })
    await a.get('old', () => 'before the delete')
    await a.get('k', () => 'before the delete')
    await a.whenL2Settled()

    storeA.down = true
    a.delete('k')
    a.delete('old')
    await a.whenL2Settled()
    vi.advanceTimersByTime(100)
    b.set('k', 'written after the delete')
    await b.whenL2Settled()
    // a does not serve the L2 value its queued delete removes; a newer one it does.
    await expect(a.get('old', () => 'reloaded')).resolves.toBe('reloaded')
    await expect(a.get('k', () => 'reloaded')).resolves.toBe('written after the delete')

    storeA.down = false
    await vi.advanceTimersByTimeAsync(REPLAY_RETRY_MS)
    await a.whenL2Settled()
    // Replayed by the retry timer started when the deletes failed, as of their moment.
    expect(storeA.sent).toEqual([REPLAY_RETRY_MS, REPLAY_RETRY_MS])
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 2, l2Replayed: 2 })
    expect(server.values.get(l2KeyOf('k'))?.value).toBe('written after the delete')
    // 'old' was reloaded by a after the delete: its L2 copy is newer than the delete, and stays.
    expect(server.values.get(l2KeyOf('old'))?.value).toBe('reloaded')
  })

  it('fail-safe never serves the L2 stale copy of a key whose delete is still queued', async () => {
    const server = new MemoryL2Server()
    const storeA = flaky(memoryL2Store({ server }))
    const a = new AsyncCache<string, string>({
      ttl: TTL,
      failSafe: { maxStale: '1h' },
      l2: storeA,
      onError: () => {},
    })
    await a.get('k', () => 'before the delete')
    await a.whenL2Settled()

    storeA.down = true
    a.delete('k')
    await a.whenL2Settled()
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 1, l2Replayed: 0 })
    vi.advanceTimersByTime(TTL + 1_000) // L2's copy is now stale, kept for fail-safe
    expect(server.values.has(l2KeyOf('k'))).toBe(true)
    // The load fails: the only stale copy is the one the queued delete removes.
    await expect(a.get('k', () => Promise.reject(new Error('source down')))).rejects.toThrow(
      'source down',
    )
    expect(a.stats()).toMatchObject({ failSafeActivations: 0 })
  })

  it('retries every REPLAY_RETRY_MS while L2 stays unreachable, then stops', async () => {
    const server = new MemoryL2Server()
    const storeA = flaky(memoryL2Store({ server }))
    const a = new AsyncCache<string, string>({ ttl: TTL, l2: storeA, onError: () => {} })
    storeA.down = true
    for (const key of ['k', 'j', 'x']) a.delete(key)
    await a.whenL2Settled()
    await vi.advanceTimersByTimeAsync(3 * REPLAY_RETRY_MS)
    // Three failed deletes, then one failed call per retry (not one per queued key).
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 3, l2Replayed: 0, l2Errors: 6 })
    storeA.down = false
    await vi.advanceTimersByTimeAsync(REPLAY_RETRY_MS)
    expect(a.stats()).toMatchObject({ l2Replayed: 3, l2Errors: 6 })
    expect(storeA.sent).toEqual([4 * REPLAY_RETRY_MS, 4 * REPLAY_RETRY_MS, 4 * REPLAY_RETRY_MS])
    await vi.advanceTimersByTimeAsync(10 * REPLAY_RETRY_MS)
    expect(storeA.sent).toHaveLength(3)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('a clear supersedes every older queued delete', async () => {
    const server = new MemoryL2Server()
    const storeA = flaky(memoryL2Store({ server }))
    const a = new AsyncCache<string, string>({ ttl: TTL, l2: storeA, onError: () => {} })
    const b = new AsyncCache<string, string>({ ttl: TTL, l2: memoryL2Store({ server }) })
    for (const key of ['k', 'j']) await b.get(key, () => 'old')
    await b.whenL2Settled()
    storeA.down = true
    a.delete('k')
    a.delete('j')
    vi.advanceTimersByTime(10)
    a.clear()
    vi.advanceTimersByTime(10)
    a.delete('after')
    await a.whenL2Settled()
    vi.advanceTimersByTime(10)
    b.set('n', 'written after the clear')
    await b.whenL2Settled()
    storeA.down = false
    await vi.advanceTimersByTimeAsync(REPLAY_RETRY_MS)
    await a.whenL2Settled()
    // Queued once the failures settled (at 20 ms), replayed 1,000 ms later: the clear (made at
    // 10 ms) and the delete made after it (at 20 ms). Two operations.
    expect(storeA.sent.sort()).toEqual([REPLAY_RETRY_MS, REPLAY_RETRY_MS + 10])
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 4, l2Replayed: 2 })
    expect([...server.values.values()].map((entry) => entry.value)).toEqual([
      'written after the clear',
    ])
  })

  it('collapses into one clear when the queue is full, and counts it', async () => {
    const server = new MemoryL2Server()
    const storeA = flaky(memoryL2Store({ server }))
    const a = new AsyncCache<string, string>({
      ttl: TTL,
      l2: storeA,
      l2ReplayLimit: 3,
      onError: () => {},
    })
    const b = new AsyncCache<string, string>({ ttl: TTL, l2: memoryL2Store({ server }) })
    for (const key of ['k1', 'k2', 'k3', 'k4', 'other']) await b.get(key, () => 'old')
    await b.whenL2Settled()
    const events: CacheEvent<string>[] = []
    a.on((event) => {
      if (event.type === 'l2Replay') events.push(event)
    })
    storeA.down = true
    for (const key of ['k1', 'k2', 'k3', 'k4']) {
      a.delete(key)
      vi.advanceTimersByTime(1)
    }
    await a.whenL2Settled()
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 4, l2ReplayCollapsed: 1 })
    expect(events.map((e) => e.type === 'l2Replay' && `${e.outcome} ${e.operation}`)).toEqual([
      'queued delete',
      'queued delete',
      'queued delete',
      'collapsed clear',
      'queued clear',
    ])
    b.set('new', 'written after')
    await b.whenL2Settled()
    storeA.down = false
    await vi.advanceTimersByTimeAsync(REPLAY_RETRY_MS)
    await a.whenL2Settled()
    expect(a.stats()).toMatchObject({ l2Replayed: 1 })
    // The clear as of the last delete removed everything older, 'other' too; not the newer write.
    expect([...server.values.values()].map((entry) => entry.value)).toEqual(['written after'])
  })
})

describe('ReplayQueue', () => {
  it('keeps the newest operation per key, and drops those a queued clear covers', () => {
    const queue = new ReplayQueue(
      10,
      () => 100,
      () => Promise.resolve(true),
      {
        queued: () => {},
        replayed: () => {},
        collapsed: () => {},
      },
    )
    queue.add('delete', 'k', 1)
    queue.add('delete', 'k', 3)
    queue.add('delete', 'k', 2) // older than the one queued: nothing changes
    expect(queue.ops()).toEqual([{ kind: 'delete', key: 'k', at: 3 }])
    queue.add('clear', '', 5)
    queue.add('delete', 'j', 4) // made before the clear, which covers it
    queue.add('tag', 'users', 6) // a kind another layer adds
    expect(queue.ops()).toEqual([
      { kind: 'clear', key: '', at: 5 },
      { kind: 'tag', key: 'users', at: 6 },
    ])
    expect(queue.masks('k', 5)).toBe(true)
    expect(queue.masks('k', 6)).toBe(false)
    queue.stop()
    expect(queue.size).toBe(0)
  })
})
