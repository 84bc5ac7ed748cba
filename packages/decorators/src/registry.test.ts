import { describe, expect, it, vi } from 'vitest'

import { deferred, Resource } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { cached } from './cached.js'
import { clearAll, clearAllSync } from './registry.js'

describe('clearAll', () => {
  it('clears every cache the package created: AsyncCaches, sync and async functions', async () => {
    const counter = vi.fn()
    const a = cached(async (value: string) => {
      counter()
      return Promise.resolve(value.length)
    })
    const b = cached((value: string) => {
      counter()
      return value.length
    })
    const cache = new AsyncCache<string, number>()
    await a('a')
    await a('a')
    b('b')
    b('b')
    cache.set('c', 1)
    expect(counter).toHaveBeenCalledTimes(2)
    await clearAll()
    expect((await a.stats()).size).toBe(0)
    expect(b.stats().size).toBe(0)
    expect(cache.size).toBe(0)
    await a('a')
    b('b')
    expect(counter).toHaveBeenCalledTimes(4)
  })

  it('resolves once the disposals it started have settled', async () => {
    const gate = deferred<undefined>()
    const closed = vi.fn()
    const cache = new AsyncCache<string, object>({
      dispose: async () => {
        await gate.promise
        closed()
      },
    })
    cache.set('k', {})
    let done = false
    const clearing = clearAll().then(() => (done = true))
    await Promise.resolve()
    expect(done).toBe(false)
    gate.resolve(undefined)
    await clearing
    expect(closed).toHaveBeenCalledTimes(1)
  })

  it('leaves out a cache that was destroyed', async () => {
    const resource = new Resource('r')
    const cache = new AsyncCache<string, Resource>({ dispose: true })
    cache.set('k', resource)
    await cache.destroy()
    expect(resource.closed).toBe(1)
    cache.set('k', new Resource('again'))
    await clearAll()
    expect(cache.has('k')).toBe(true)
  })
})

describe('clearAllSync', () => {
  it('clears only the caches of sync functions', async () => {
    const asyncBody = vi.fn((value: string) => Promise.resolve(value.length))
    const syncBody = vi.fn((value: string) => value.length)
    const a = cached(async (value: string) => asyncBody(value))
    const s = cached((value: string) => syncBody(value))
    await a('a')
    s('s')
    clearAllSync()
    expect((await a.stats()).size).toBe(1)
    expect(s.stats().size).toBe(0)
    await a('a')
    s('s')
    expect(asyncBody).toHaveBeenCalledTimes(1)
    expect(syncBody).toHaveBeenCalledTimes(2)
  })

  it('does not count a function that turned out to return promises as sync', async () => {
    const fn = cached((value: string) => Promise.resolve(value.length))
    await fn('a')
    clearAllSync()
    expect((await fn.stats()).size).toBe(1)
  })
})
