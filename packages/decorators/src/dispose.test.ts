import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { deferred, flush, Resource } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { awaitDisposals } from './dispose.js'
import { CacheDisposeError } from './errors.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

function cacheOf(options: ConstructorParameters<typeof AsyncCache<string, Resource>>[0] = {}) {
  return new AsyncCache<string, Resource>({ dispose: true, ...options })
}

describe('dispose: true', () => {
  it('closes a value when the policy evicts it', () => {
    const cache = cacheOf({ maxSize: 1 })
    const a = new Resource('a')
    cache.set('a', a).set('b', new Resource('b'))
    expect(a.closed).toBe(1)
  })

  it('closes a value that expired, when it is found, swept or auto-removed, once', async () => {
    const cache = cacheOf({ ttl: 10 })
    const a = new Resource('a')
    const b = new Resource('b')
    cache.set('a', a).set('b', b)
    vi.advanceTimersByTime(10)
    await cache.get('a')
    expect([a.closed, b.closed]).toEqual([1, 0])
    expect(cache.removeExpired()).toBe(1)
    expect([a.closed, b.closed]).toEqual([1, 1])
    cache.clear()
    expect([a.closed, b.closed]).toEqual([1, 1])
  })

  it('closes a value on delete, on replacement and on clear, once each', async () => {
    const cache = cacheOf()
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new Resource(name)) as [
      Resource,
      Resource,
      Resource,
      Resource,
    ]
    cache.set('a', a).set('b', b)
    expect(cache.delete('a')).toBe(true)
    cache.set('b', c) // replaces b
    await cache.get('d', () => d)
    cache.clear()
    expect([a.closed, b.closed, c.closed, d.closed]).toEqual([1, 1, 1, 1])
  })

  it('prefers Symbol.asyncDispose, then Symbol.dispose, then close()', () => {
    const calls: string[] = []
    const cache = new AsyncCache<string, object>({ dispose: true })
    cache.set('async', {
      [Symbol.asyncDispose]: () => {
        calls.push('asyncDispose')
        return Promise.resolve()
      },
      [Symbol.dispose]: () => calls.push('dispose!'),
      close: () => calls.push('close!'),
    })
    cache.set('sync', {
      [Symbol.dispose]: () => calls.push('dispose'),
      close: () => calls.push('close!'),
    })
    cache.set('close', { close: () => calls.push('close') })
    cache.set('primitive', 5 as unknown as object)
    cache.clear()
    expect(calls.sort()).toEqual(['asyncDispose', 'close', 'dispose'])
  })

  it('reports a failing disposal to onError as CacheDisposeError, sync or async, never throwing', async () => {
    const onError = vi.fn()
    const cache = new AsyncCache<string, object>({ dispose: true, onError })
    const syncError = new Error('sync close failed')
    const asyncError = new Error('async close failed')
    const broken = {
      close: () => {
        throw syncError
      },
    }
    cache.set('a', broken)
    cache.set('b', { [Symbol.asyncDispose]: () => Promise.reject(asyncError) })
    expect(() => {
      cache.clear()
    }).not.toThrow()
    await cache.whenDisposed()
    expect(onError).toHaveBeenCalledTimes(2)
    const [[first, firstContext], [second]] = onError.mock.calls as [
      [CacheDisposeError, unknown],
      [CacheDisposeError, unknown],
    ]
    expect(first).toBeInstanceOf(CacheDisposeError)
    expect(first).toMatchObject({
      code: 'ERR_CACHE_DISPOSE',
      key: 'a',
      value: broken,
      cause: syncError,
      message: 'disposing of a resource failed: sync close failed',
    })
    expect(firstContext).toEqual({ operation: 'dispose', key: 'a' })
    expect(second).toMatchObject({ key: 'b', cause: asyncError })
  })

  it('reports an object that has nothing to dispose it with', () => {
    const onError = vi.fn()
    const cache = new AsyncCache<string, object>({ dispose: true, onError })
    cache.set('a', { plain: true })
    cache.clear()
    expect(onError.mock.calls[0]![0]).toMatchObject({
      code: 'ERR_CACHE_DISPOSE',
      message:
        'dispose found no Symbol.asyncDispose, Symbol.dispose or close() method on the resource',
    })
  })

  it('closes the value of a load every caller gave up on, since nobody else will', async () => {
    const cache = cacheOf()
    const gate = deferred<Resource>()
    const controller = new AbortController()
    const pending = cache.get('k', () => gate.promise, { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    const orphan = new Resource('orphan')
    gate.resolve(orphan)
    await flush()
    expect(orphan.closed).toBe(1)
    expect(cache.has('k')).toBe(false)
  })

  it('does not dispose of kept errors', async () => {
    const onError = vi.fn()
    const cache = new AsyncCache<string, object>({ dispose: true, negativeCache: true, onError })
    await expect(cache.get('k', () => Promise.reject(new Error('x')))).rejects.toThrow('x')
    cache.clear()
    expect(onError).not.toHaveBeenCalled()
  })
})

describe('dispose: data pointers', () => {
  it('closes each resource a pointer finds, and tolerates :ignore_missing', () => {
    const onError = vi.fn()
    const cache = new AsyncCache<string, { clients: Record<string, Resource> }>({
      dispose: ['$.clients.http', '$.clients.db:ignore_missing'],
      onError,
    })
    const http = new Resource('http')
    const db = new Resource('db')
    cache.set('both', { clients: { http, db } })
    const onlyHttp = new Resource('http2')
    cache.set('http only', { clients: { http: onlyHttp } })
    cache.clear()
    expect([http.closed, db.closed, onlyHttp.closed]).toEqual([1, 1, 1])
    expect(onError).not.toHaveBeenCalled()
  })

  it('reports a pointer that finds nothing, and still caches the value', async () => {
    const onError = vi.fn()
    const cache = new AsyncCache<string, object>({ dispose: ['$.client'], onError })
    await expect(cache.get('k', () => ({ other: 1 }))).resolves.toEqual({ other: 1 })
    expect(cache.has('k')).toBe(true)
    expect(onError.mock.calls[0]![0]).toMatchObject({
      code: 'ERR_CACHE_DISPOSE',
      key: 'k',
      message:
        "dispose pointer '$.client' found nothing in the value (end it with ':ignore_missing' if that is expected)",
    })
  })

  it('reads pointers through Maps', () => {
    const cache = new AsyncCache<string, Map<string, Resource>>({ dispose: ['$.db'] })
    const db = new Resource('db')
    cache.set('k', new Map([['db', db]]))
    cache.clear()
    expect(db.closed).toBe(1)
  })
})

describe('dispose: the pointer grammar of @cache/expiry', () => {
  it("closes every value a wildcard names, and '*' closes every own value", () => {
    const wildcard = new AsyncCache<string, { clients: Record<string, Resource> }>({
      dispose: ['$.clients.*'],
    })
    const [http, db] = [new Resource('http'), new Resource('db')]
    wildcard.set('k', { clients: { http, db } })
    wildcard.clear()
    expect([http.closed, db.closed]).toEqual([1, 1])

    const whole = new AsyncCache<string, Record<string, unknown>>({ dispose: '*' })
    const [a, b] = [new Resource('a'), new Resource('b')]
    whole.set('k', { a, b, count: 2 })
    whole.clear()
    expect([a.closed, b.closed]).toEqual([1, 1])
  })

  it('reads array items by index', () => {
    const cache = new AsyncCache<string, { pool: Resource[] }>({ dispose: ['$.pool[1]'] })
    const [first, second] = [new Resource('first'), new Resource('second')]
    cache.set('k', { pool: [first, second] })
    cache.clear()
    expect([first.closed, second.closed]).toEqual([0, 1])
  })

  it('never reaches inherited members, as expiration pointers never do', () => {
    const onError = vi.fn()
    const inherited = new Resource('inherited')
    const value: object = Object.create({ client: inherited }) as object
    const cache = new AsyncCache<string, object>({ dispose: ['$.client'], onError })
    cache.set('k', value)
    cache.clear()
    expect(inherited.closed).toBe(0)
    expect(onError).toHaveBeenCalledTimes(1)
    expect(onError.mock.calls[0]![0]).toMatchObject({ code: 'ERR_CACHE_DISPOSE', key: 'k' })
  })

  it('rejects what is not a pointer when the cache is created', () => {
    for (const bad of ['$.', '$.a..b', 'clients', '$.a[x]']) {
      expect(() => new AsyncCache({ dispose: [bad] })).toThrow(
        `\`dispose[0]\` must be a data pointer '$.key[.key…][:ignore_missing]' with no empty key, got: ${JSON.stringify(bad)}`,
      )
    }
    expect(() => new AsyncCache({ dispose: '**' as never })).toThrow(
      '`dispose` must be a boolean, \'*\', a list of data pointers or a function of the value, got: "**"',
    )
  })
})

describe('dispose: a function', () => {
  it('is called with the value and the key', () => {
    const dispose = vi.fn()
    const cache = new AsyncCache<string, number[]>({ dispose })
    const value = [1]
    cache.set('k', value)
    cache.delete('k')
    expect(dispose).toHaveBeenCalledWith(value, 'k')
  })
})

describe('awaitDisposals', () => {
  it('waits for async disposals to settle, or reports false at the timeout', async () => {
    const gate = deferred<undefined>()
    const cache = new AsyncCache<string, object>({
      dispose: () => gate.promise,
    })
    cache.set('k', {})
    cache.clear()
    const timedOut = awaitDisposals(100)
    await vi.advanceTimersByTimeAsync(100)
    await expect(timedOut).resolves.toBe(false)
    const done = awaitDisposals(100)
    gate.resolve(undefined)
    await expect(done).resolves.toBe(true)
    await expect(awaitDisposals()).resolves.toBe(true)
  })
})
