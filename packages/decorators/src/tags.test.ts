import { CacheConfigError } from '@cache/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { deferred, flush } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { cached, methodCache } from './cached.js'
import type { CacheEvent, ErrorContext } from './events.js'
import { l2KeyOf } from './l2.js'
import { CacheTagError, MAX_TAG_LENGTH, MAX_TAGS } from './tags.js'
import { MemoryL2Server, memoryL2Store } from './testing/index.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('tags in one cache', () => {
  it('invalidateTags() removes exactly the entries carrying one of the tags, at once', async () => {
    const events: CacheEvent<string>[] = []
    const cache = new AsyncCache<string, string>({ onEvent: (event) => events.push(event) })
    cache.set('ada', 'A', { tags: ['user:1', 'team:7'] })
    cache.set('alan', 'B', { tags: ['team:7'] })
    cache.set('grace', 'C', { tags: ['team:9'] })
    cache.set('plain', 'D')
    events.length = 0
    const removed = cache.invalidateTags(['team:7', 'nobody'])
    // Gone before the promise settles.
    expect([cache.has('ada'), cache.has('alan'), cache.has('grace'), cache.has('plain')]).toEqual([
      false,
      false,
      true,
      true,
    ])
    await expect(removed).resolves.toBe(2)
    expect(events).toEqual([
      { type: 'remove', key: 'ada', reason: 'tag' },
      { type: 'remove', key: 'alan', reason: 'tag' },
      { type: 'invalidateTags', tags: ['team:7', 'nobody'], removed: 2, remote: false },
    ])
    expect(cache.stats()).toMatchObject({ tagInvalidations: 1, tagInvalidationsReceived: 0 })
    // The index forgot the removed entries: invalidating again removes nothing.
    await expect(cache.invalidateTags(['team:7', 'user:1'])).resolves.toBe(0)
  })

  it('tags loads by get(key, loader, { tags }), kept errors included', async () => {
    const cache = new AsyncCache<string, string>({ negativeCache: true })
    const loader = vi.fn(({ key }: { key: string }) => `value of ${key}`)
    await cache.get('a', loader, { tags: ['t'] })
    await expect(
      cache.get('b', () => Promise.reject(new Error('down')), { tags: ['t'] }),
    ).rejects.toThrow('down')
    expect(cache.peek('b')?.isError).toBe(true)
    await expect(cache.invalidateTags(['t'])).resolves.toBe(2)
    await cache.get('a', loader, { tags: ['t'] })
    expect(loader).toHaveBeenCalledTimes(2)
  })

  it('a replaced entry takes its own tags; a deleted or evicted one leaves the index', async () => {
    const cache = new AsyncCache<string, number>({ maxSize: 2 })
    cache.set('a', 1, { tags: ['old'] })
    cache.set('a', 2, { tags: ['new'] })
    await expect(cache.invalidateTags(['old'])).resolves.toBe(0)
    expect(cache.peek('a')).toMatchObject({ value: 2 })
    cache.set('b', 3, { tags: ['new'] })
    cache.set('c', 4, { tags: ['new'] }) // evicts 'a'
    cache.delete('b')
    await expect(cache.invalidateTags(['new'])).resolves.toBe(1)
    expect(cache.size).toBe(0)
  })

  it('a load in flight when its tag is invalidated serves its callers, and is not kept', async () => {
    const cache = new AsyncCache<string, string>()
    const slow = deferred<string>()
    const first = cache.get('k', () => slow.promise, { tags: ['t'] })
    await cache.invalidateTags(['t'])
    slow.resolve('as of before')
    await expect(first).resolves.toBe('as of before')
    expect(cache.has('k')).toBe(false)
    // A load that started after the invalidation is kept.
    await cache.get('k', () => 'after', { tags: ['t'] })
    expect(cache.peek('k')).toMatchObject({ value: 'after' })
    // Another tag's invalidation does not stop a load.
    const other = deferred<string>()
    const second = cache.get('j', () => other.promise, { tags: ['t'] })
    await cache.invalidateTags(['u'])
    other.resolve('kept')
    await second
    expect(cache.has('j')).toBe(true)
  })
})

describe('cached() and @cached with tags', () => {
  it('tags each entry from the arguments and the value, inferring their types', async () => {
    interface User {
      readonly id: number
      readonly team: string
    }
    const fetchUser = vi.fn((id: number): Promise<User> =>
      Promise.resolve({ id, team: `t${id % 2}` }),
    )
    const getUser = cached(fetchUser, {
      tags: ([id], user) => [`user:${id}`, `team:${user.team}`],
    })
    await Promise.all([getUser(1), getUser(2), getUser(3)])
    await expect(getUser.invalidateTags(['team:t1'])).resolves.toBe(2)
    await getUser(1)
    await getUser(2)
    expect(fetchUser).toHaveBeenCalledTimes(4)
    await expect(getUser.invalidateTags(['user:2'])).resolves.toBe(1)
  })

  it('a sync function: tags from a list or a function; invalidateTags() returns the count', () => {
    const square = vi.fn((n: number) => n * n)
    const cachedSquare = cached(square, { tags: (args, value) => [`n:${args[0]}`, `v:${value}`] })
    cachedSquare(2)
    cachedSquare(3)
    expect(cachedSquare.invalidateTags(['v:4'])).toBe(1)
    cachedSquare(2)
    cachedSquare(3)
    expect(square).toHaveBeenCalledTimes(3)
    const listed = cached((n: number) => n + 1, { tags: ['all'] })
    listed(1)
    listed(2)
    expect(listed.invalidateTags(['all'])).toBe(2)
  })

  it('@cached tags the method calls of its cache', async () => {
    let calls = 0
    class Users {
      @cached({ tags: (args: readonly unknown[]) => [`user:${String(args[0])}`] })
      async byId(id: number): Promise<string> {
        calls++
        return Promise.resolve(`user ${id}`)
      }
    }
    const users = new Users()
    await users.byId(1)
    await users.byId(2)
    await expect(methodCache(users, 'byId').invalidateTags(['user:1'])).resolves.toBe(1)
    await users.byId(1)
    await users.byId(2)
    expect(calls).toBe(3)
  })

  it('a tags function that throws or answers no tag list: value served, not kept, onError', async () => {
    const errors: [unknown, ErrorContext][] = []
    const onError = (error: unknown, context: ErrorContext) => errors.push([error, context])
    const load = vi.fn((id: number) => Promise.resolve(id))
    const bad = cached(load, {
      onError,
      tags: (args) => (args[0] === 1 ? [''] : ({} as never as readonly string[])),
    })
    await expect(bad(1)).resolves.toBe(1)
    await expect(bad(2)).resolves.toBe(2)
    await bad(1)
    expect(load).toHaveBeenCalledTimes(3)
    expect(errors.map(([error, context]) => [(error as CacheTagError).code, context])).toEqual([
      ['ERR_CACHE_TAG', { operation: 'tags', key: 1 }],
      ['ERR_CACHE_TAG', { operation: 'tags', key: 2 }],
      ['ERR_CACHE_TAG', { operation: 'tags', key: 1 }],
    ])
    expect((errors[0]![0] as Error).message).toBe(
      'the tags function: each tag must be a non-empty string of at most 256 characters, got at index 0: ""',
    )
  })
})

describe('bad tags get typed errors', () => {
  const cache = new AsyncCache<string, number>()

  it.each([
    [
      'a string',
      'team:7',
      'set() tags must be an array of tags (non-empty strings), got: "team:7"',
    ],
    [
      'a non-string tag',
      ['ok', 7],
      'set() tags: each tag must be a non-empty string of at most 256 characters, got at index 1: 7',
    ],
    [
      'an empty tag',
      [''],
      'set() tags: each tag must be a non-empty string of at most 256 characters, got at index 0: ""',
    ],
    [
      'too many tags',
      Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`),
      `set() tags may name at most ${MAX_TAGS} tags, got: ${MAX_TAGS + 1}`,
    ],
  ])('set() with %s throws CacheTagError, storing nothing', (_, tags, message) => {
    let caught: unknown
    try {
      cache.set('k', 1, { tags: tags as readonly string[] })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(CacheTagError)
    expect(caught).toMatchObject({ code: 'ERR_CACHE_TAG', message, tags })
    expect(cache.has('k')).toBe(false)
  })

  it('a tag too long, and get() and invalidateTags() reject', async () => {
    const long = 'x'.repeat(MAX_TAG_LENGTH + 1)
    const loader = vi.fn(() => 1)
    await expect(cache.get('k', loader, { tags: [long] })).rejects.toMatchObject({
      code: 'ERR_CACHE_TAG',
      message: expect.stringMatching(/^get\(\) tags: each tag must be .* at index 0: "x{20}/),
    })
    expect(loader).not.toHaveBeenCalled()
    await expect(cache.invalidateTags([null as never])).rejects.toBeInstanceOf(CacheTagError)
    await expect(cache.invalidateTags('t' as never)).rejects.toThrow(
      'invalidateTags() must be an array of tags (non-empty strings), got: "t"',
    )
    // A tag exactly at the limits is fine.
    cache.set('k', 1, { tags: ['y'.repeat(MAX_TAG_LENGTH)] })
    await expect(cache.invalidateTags(['y'.repeat(MAX_TAG_LENGTH)])).resolves.toBe(1)
  })

  it("cached()'s tags option is checked at creation", () => {
    expect(() => cached((n: number) => Promise.resolve(n), { tags: ['ok', ''] })).toThrow(
      CacheConfigError,
    )
    expect(() => cached((n: number) => Promise.resolve(n), { tags: 'x' as never })).toThrow(
      /`tags` must be a list of at most 64 non-empty strings/,
    )
  })
})

describe('tags across instances (memoryL2Store)', () => {
  /** Instances of one cache on one shared server, as processes on one Redis. */
  function fleet(server = new MemoryL2Server()) {
    const instance = () =>
      new AsyncCache<string, string>({ ttl: 60_000, l2: memoryL2Store({ server }) })
    return { server, instance }
  }

  it('gone on B within one delivery, and for a fresh C reading only L2', async () => {
    const { server, instance } = fleet()
    const a = instance()
    const b = instance()
    const loader = vi.fn(({ key }: { key: string }) => `v:${key}`)
    await a.get('k1', loader, { tags: ['t'] })
    await a.get('k2', loader, { tags: ['t', 'u'] })
    await a.get('k3', loader, { tags: ['u'] })
    await a.whenL2Settled()
    for (const key of ['k1', 'k2', 'k3']) await b.get(key, loader)
    expect(loader).toHaveBeenCalledTimes(3) // b read them all from L2
    expect(b.peek('k2')).toMatchObject({ value: 'v:k2' })
    const events: CacheEvent<string>[] = []
    b.on((event) => events.push(event))
    await expect(a.invalidateTags(['t'])).resolves.toBe(2)
    // The invalidation reached B with the call (one delivery), before any timer ran.
    expect([b.has('k1'), b.has('k2'), b.has('k3')]).toEqual([false, false, true])
    expect(events.at(-1)).toEqual({ type: 'invalidateTags', tags: ['t'], removed: 2, remote: true })
    expect(b.stats()).toMatchObject({ tagInvalidations: 0, tagInvalidationsReceived: 1 })
    expect(server.tagTimes.get('t')).toBe(Date.now())
    // A new instance reads L2 only: the tagged values are not there for it.
    const c = instance()
    const reload = vi.fn(({ key }: { key: string }) => `new:${key}`)
    await expect(c.get('k1', reload)).resolves.toBe('new:k1')
    await expect(c.get('k2', reload)).resolves.toBe('new:k2')
    await expect(c.get('k3', reload)).resolves.toBe('v:k3')
    expect(reload).toHaveBeenCalledTimes(2)
    expect(await c.get('k1')).toBe('new:k1')
  })

  it('a load that started before the invalidation is not served from L2 afterwards', async () => {
    const { server, instance } = fleet()
    const a = instance()
    const b = instance()
    const slow = deferred<string>()
    const loading = b.get('k', () => slow.promise, { tags: ['t'] })
    await flush()
    vi.advanceTimersByTime(100)
    await a.invalidateTags(['t'])
    vi.advanceTimersByTime(100)
    slow.resolve('as of before')
    await expect(loading).resolves.toBe('as of before')
    await b.whenL2Settled()
    expect(b.has('k')).toBe(false)
    const c = instance()
    await expect(c.get('k', () => 'fresh', { tags: ['t'] })).resolves.toBe('fresh')
    // The stale write was dropped on read, and the fresh one is served to everyone.
    expect(server.values.get(l2KeyOf('k'))?.value).toBe('fresh')
    await c.whenL2Settled()
    await expect(instance().get('k', () => 'unused')).resolves.toBe('fresh')
  })

  it('set() with tags reaches L2 with them; a store without invalidateTags is reported', async () => {
    const { server, instance } = fleet()
    const a = instance()
    a.set('k', 'v', { tags: ['t'] })
    await a.whenL2Settled()
    expect(server.values.get(l2KeyOf('k'))?.tags).toEqual(['t'])
    const errors: [unknown, ErrorContext][] = []
    const inner = memoryL2Store({ server })
    const bare = new AsyncCache<string, string>({
      l2: {
        get: (keys) => inner.get(keys),
        set: (writes, notify) => inner.set(writes, notify),
        delete: (keys) => inner.delete(keys),
        clear: () => inner.clear(),
      },
      onError: (error, context) => errors.push([error, context]),
    })
    bare.set('j', 'v', { tags: ['t'] })
    await expect(bare.invalidateTags(['t'])).resolves.toBe(1)
    expect(errors).toHaveLength(1)
    expect(errors[0]![1]).toEqual({ operation: 'l2' })
    expect((errors[0]![0] as Error).message).toMatch(/invalidateTags\(\)/)
  })

  it('an unreachable L2: removed here, reported, never thrown', async () => {
    const { server, instance } = fleet()
    const a = instance()
    a.set('k', 'v', { tags: ['t'] })
    await a.whenL2Settled()
    server.disconnect()
    await expect(a.invalidateTags(['t'])).resolves.toBe(1)
    expect(a.stats().l2Errors).toBe(1)
    server.reconnect()
  })
})
