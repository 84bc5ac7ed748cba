import { CacheConfigError } from '@cache/core'
import { keyOf, makeKey, SINGLE_KEY } from '@cache/keys'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { deferred, flush, Resource, settle } from '../test/helpers.js'
import { cached } from './cached.js'

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2022-09-30T00:00:00Z') })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('cached(async fn): the scenarios of aquiche’s own tests', () => {
  it('caches with default options', async () => {
    const counter = vi.fn()
    const fn = cached(async (value: string) => {
      counter()
      await Promise.resolve()
      return value.length
    })
    const results: number[] = []
    for (const value of ['a', 'bb', 'ccc', 'ddd', 'a', 'ddd', 'bb']) results.push(await fn(value))
    expect(counter).toHaveBeenCalledTimes(4)
    expect(results).toEqual([1, 2, 3, 3, 1, 3, 2])
    expect(await fn.stats()).toMatchObject({ hits: 3, misses: 4, size: 4, maxSize: 1000 })
  })

  it('keys by a template with named placeholders read from the parameter list', async () => {
    const counter = vi.fn()
    const getUsername = cached(
      async (environment: string, user: { id: string; username: string }) => {
        counter()
        await Promise.resolve()
        return user.username
      },
      { key: 'env:{environment}:id:{user[id]}' },
    )
    const calls: [string, { id: string; username: string }][] = [
      ['dev', { id: 'id1', username: 'file.peter' }],
      ['prod', { id: 'id2', username: 'doe.jane' }],
      ['dev', { id: 'id1', username: 'file.peter' }],
      ['prod', { id: 'id1', username: 'file.peter' }],
      ['prod', { id: 'id3', username: 'smith.john' }],
      ['dev', { id: 'id5', username: 'brave.richard' }],
      ['prod', { id: 'id3', username: 'smith.john' }],
    ]
    for (const [environment, user] of calls) await getUsername(environment, user)
    expect(counter).toHaveBeenCalledTimes(5)
    expect(await getUsername.stats()).toMatchObject({ hits: 2, misses: 5, size: 5 })
    expect([...(getUsername.cache.peek('env:dev:id:id1') ? ['found'] : [])]).toEqual(['found'])
  })

  it('shares one entry between every call with SINGLE_KEY', async () => {
    const counter = vi.fn()
    const fn = cached(
      async (environment: string) => {
        counter()
        await Promise.resolve()
        return environment.length
      },
      { key: SINGLE_KEY },
    )
    const results: number[] = []
    for (const env of ['prod', 'dev', 'system', 'random_stage']) results.push(await fn(env))
    expect(results).toEqual([4, 4, 4, 4])
    expect(counter).toHaveBeenCalledTimes(1)
    expect(await fn.stats()).toMatchObject({ hits: 3, misses: 1, size: 1 })
  })

  it('holds at most maxSize entries', async () => {
    const fn = cached(async (value: string) => Promise.resolve(value.length), { maxSize: 5 })
    for (const value of ['a', 'bb', 'ccc', 'ddd', 'a', 'ddd', 'bb', 'g', 'z', 'l', 'o', 'p', 'r']) {
      await fn(value)
    }
    expect(await fn.stats()).toMatchObject({ maxSize: 5, size: 5 })
  })

  it('calls through when enabled is false, and caches when it is true', async () => {
    const counter = vi.fn()
    const body = async (value: string): Promise<number> => {
      counter()
      await Promise.resolve()
      return value.length
    }
    const on = cached(body, { enabled: true })
    const off = cached(body, { enabled: false })
    for (let i = 0; i < 3; i++) await on('a')
    expect(counter).toHaveBeenCalledTimes(1)
    for (let i = 0; i < 3; i++) await off('a')
    expect(counter).toHaveBeenCalledTimes(4)
    expect((await off.stats()).size).toBe(0)
    expect((await off.info()).enabled).toBe(false)
  })

  it('counts every call as a miss and a load when enabled is false, as maxSize: 0 does', async () => {
    const syncOff = cached((n: number) => n * 2, { enabled: false })
    const asyncOff = cached(async (n: number) => Promise.resolve(n * 2), { enabled: false })
    const keepsNothing = cached((n: number) => n * 2, { maxSize: 0 })
    const events: unknown[] = []
    syncOff.cache.on((event) => events.push(event))
    for (const n of [1, 1, 2]) {
      expect(syncOff(n)).toBe(n * 2)
      expect(keepsNothing(n)).toBe(n * 2)
      expect(await asyncOff(n)).toBe(n * 2)
    }
    for (const stats of [syncOff.stats(), keepsNothing.stats(), await asyncOff.stats()]) {
      expect(stats).toMatchObject({ hits: 0, misses: 3, loads: 3, hitRatio: 0, size: 0 })
    }
    expect(events).toEqual([
      { type: 'miss', key: 1 },
      { type: 'miss', key: 1 },
      { type: 'miss', key: 2 },
    ])
  })

  it('loads again after clear()', async () => {
    const counter = vi.fn((value: string) => Promise.resolve(value.length))
    const fn = cached(async (value: string) => counter(value))
    await fn('a')
    await fn('a')
    await fn.clear()
    expect((await fn.stats()).size).toBe(0)
    await fn('a')
    expect(counter).toHaveBeenCalledTimes(2)
  })

  it('expires by a sync or async function of the cached item', async () => {
    for (const expiration of [
      (item: { value: number }) => item.value > 1,
      async (item: { value: number }) => Promise.resolve(item.value > 1),
    ]) {
      const counter = vi.fn()
      const fn = cached(
        async (value: string) => {
          counter()
          await Promise.resolve()
          return value.length
        },
        { expiration },
      )
      const results: number[] = []
      for (const value of [...Array<string>(10).fill('a'), ...Array<string>(10).fill('bb')]) {
        results.push(await fn(value))
      }
      expect(results).toEqual([...Array<number>(10).fill(1), ...Array<number>(10).fill(2)])
      expect(counter).toHaveBeenCalledTimes(11)
    }
  })

  it('expires by the data a pointer points to in the result', async () => {
    const counter = vi.fn()
    const fn = cached(
      async (value: string) => {
        counter(value)
        await Promise.resolve()
        const expiration =
          value.length > 1 ? '2022-01-30T00:00:00+0000' : '2022-10-30T00:00:00+0000'
        return { token: { expiration } }
      },
      { expiration: '$.token.expiration' },
    )
    for (const value of [...Array<string>(10).fill('a'), ...Array<string>(10).fill('bb')]) {
      await fn(value)
    }
    expect(counter).toHaveBeenCalledTimes(11)
    expect(counter.mock.calls.filter(([value]) => value === 'a')).toHaveLength(1)
  })

  it('removes expired items when asked, and on its own with autoRemoveExpired', async () => {
    const manual = cached(async (value: string) => Promise.resolve(value.length), {
      expiration: '12h',
    })
    const auto = cached(async (value: string) => Promise.resolve(value.length), {
      expiration: '12h',
      autoRemoveExpired: '12h',
    })
    await manual('a')
    await auto('a')
    vi.setSystemTime(new Date('2022-10-01T00:00:00Z'))
    expect((await manual.stats()).size).toBe(0) // expired entries are not counted
    expect(await manual.removeExpired()).toBe(1)
    await vi.advanceTimersByTimeAsync(12 * 3_600_000)
    expect(auto.cache.peek('a')).toBeUndefined()
    expect((await auto.stats()).lastExpirationCheck).toBe(Date.now())
  })

  it('rethrows, and never keeps, an error without negativeCache', async () => {
    const counter = vi.fn()
    const fn = cached(async (_value: string): Promise<number> => {
      counter()
      await Promise.resolve()
      throw new Error('Doom has fallen upon us')
    })
    await expect(fn('a')).rejects.toThrow('Doom has fallen upon us')
    await expect(fn('a')).rejects.toThrow('Doom has fallen upon us')
    expect(counter).toHaveBeenCalledTimes(2)
  })

  it('keeps and rethrows (never returns) an error with negativeCache, until negativeExpiration', async () => {
    const counter = vi.fn()
    const fn = cached(
      async (value: string) => {
        counter()
        await Promise.resolve()
        if (value === 'a') throw new Error('Doom has fallen upon us')
        return value.length
      },
      { negativeCache: true, negativeExpiration: '10m', expiration: '3d' },
    )
    const first = await settle(fn('a'))
    const second = await settle(fn('a'))
    expect(second.error).toBe(first.error)
    await fn('b')
    expect(counter).toHaveBeenCalledTimes(2)
    expect((await fn.stats()).size).toBe(2)
    vi.setSystemTime(new Date('2022-10-01T00:00:00Z'))
    await settle(fn('a'))
    await fn('b')
    expect(counter).toHaveBeenCalledTimes(3)
  })

  it('retries with backoff: count + 1 calls, then the last error', async () => {
    let calls = 0
    const fn = cached(
      async (_value: string): Promise<number> => {
        calls++
        await Promise.resolve()
        throw new Error(`attempt ${calls}`)
      },
      { retry: { count: 3, backoffMs: 1_000 } },
    )
    const result = settle(fn('a'))
    await vi.advanceTimersByTimeAsync(999)
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(1 + 2_000 + 4_000)
    expect(calls).toBe(4)
    expect((await result).error).toEqual(new Error('attempt 4'))
  })

  it('keeps a resource-holding result until it expires or is cleared, then closes it', async () => {
    const getClient = cached(async () => Promise.resolve(new Resource('http')), {
      dispose: true,
      expiration: '1h',
    })
    const first = await getClient()
    expect(await getClient()).toBe(first)
    vi.advanceTimersByTime(3_600_000)
    const second = await getClient()
    expect(first.closed).toBe(1)
    await getClient.clear()
    expect(second.closed).toBe(1)
  })

  it('closes each resource found by a list of data pointers', async () => {
    const getClients = cached(
      async () =>
        Promise.resolve({
          token: 'p@ss123',
          clients: { http: new Resource('http'), db: new Resource('db') },
        }),
      { dispose: ['$.clients.database:ignore_missing', '$.clients.http', '$.clients.db'] },
    )
    const { clients } = await getClients()
    await getClients.clear()
    expect([clients.http.closed, clients.db.closed]).toEqual([1, 1])
  })
})

describe('keys do not collide (unlike the Python libraries)', () => {
  it('keeps 1, "1", true, 1n, [1] and {0: 1} apart', async () => {
    const fn = cached(async (value: unknown) => Promise.resolve(typeof value))
    const values: unknown[] = [1, '1', true, 1n, [1], { 0: 1 }]
    const results: string[] = []
    for (const value of values) results.push(await fn(value))
    expect(results).toEqual(['number', 'string', 'boolean', 'bigint', 'object', 'object'])
    expect(await fn.stats()).toMatchObject({ misses: 6, hits: 0, size: 6 })
  })

  it('keeps f(), f(undefined), f(0), f(-0) and a hash-like string apart, sync or async', async () => {
    const hashLike = '0123456789abcdef0123456789abcdef'
    const calls: unknown[][] = []
    const sync = cached((...args: unknown[]) => {
      calls.push(args)
      return args.length
    })
    const async = cached(async (...args: unknown[]) => Promise.resolve(args.length))
    for (let i = 0; i < 2; i++) {
      for (const args of [[], [undefined], [0], [-0], [hashLike], [null]]) {
        sync(...args)
        await async(...args)
      }
    }
    expect(calls).toHaveLength(6)
    expect(Object.is(calls[3]![0], -0)).toBe(true)
    expect(sync.stats()).toMatchObject({ misses: 6, hits: 6 })
    expect(await async.stats()).toMatchObject({ misses: 6, hits: 6 })
  })

  it('treats equal objects with keys in any order as the same call', async () => {
    const body = vi.fn((query: { a: number; b: { c: number; d: number } }) =>
      Promise.resolve(query.a + query.b.c),
    )
    const fn = cached(async (query: { a: number; b: { c: number; d: number } }) => body(query))
    await fn({ a: 1, b: { c: 2, d: 3 } })
    await fn({ b: { d: 3, c: 2 }, a: 1 })
    expect(body).toHaveBeenCalledTimes(1)
  })

  it('keys class instances by [keyOf]()', async () => {
    class UserId {
      constructor(readonly id: number) {}
      [keyOf](): number {
        return this.id
      }
    }
    const body = vi.fn((user: UserId) => Promise.resolve(user.id))
    const fn = cached(async (user: UserId) => body(user))
    await fn(new UserId(1))
    await fn(new UserId(1))
    await fn(new UserId(2))
    expect(body).toHaveBeenCalledTimes(2)
  })

  it('leaves out skipArgs, ignoreArgs (by position or name) and ignoreProps', async () => {
    const body = vi.fn()
    const fn = cached(
      async (
        db: object,
        id: number,
        trace: string,
        options: { full: boolean; requestId: string },
      ) => {
        body(db, id, trace, options)
        return Promise.resolve(id)
      },
      { skipArgs: 1, ignoreArgs: ['trace'], ignoreProps: ['requestId'] },
    )
    await fn({ a: 1 }, 1, 't1', { full: true, requestId: 'r1' })
    await fn({ b: 2 }, 1, 't2', { full: true, requestId: 'r2' })
    await fn({ b: 2 }, 1, 't2', { full: false, requestId: 'r2' })
    expect(body).toHaveBeenCalledTimes(2)
  })

  it('keys by a function of the arguments', async () => {
    const body = vi.fn()
    const fn = cached(
      async (user: { id: number; name: string }) => {
        body()
        return Promise.resolve(user.name)
      },
      { key: (user) => user.id },
    )
    await fn({ id: 1, name: 'a' })
    await fn({ id: 1, name: 'b' })
    expect(body).toHaveBeenCalledTimes(1)
    expect(fn.cache.has(1)).toBe(true)
  })
})

describe('calls of two primitive arguments (keys from the memo of pair keys)', () => {
  it('keeps pairs of different types, -0 and long strings apart, sync or async', async () => {
    const long = 'y'.repeat(100)
    const pairs: [unknown, unknown][] = [
      [1, 2],
      [1, '2'],
      ['1', 2],
      [0, 1],
      [-0, 1],
      [null, undefined],
      [undefined, null],
      [long, 1],
      [1, long],
    ]
    const calls: unknown[][] = []
    const sync = cached((a: unknown, b: unknown) => {
      calls.push([a, b])
      return calls.length
    })
    const async = cached(async (a: unknown, b: unknown) => Promise.resolve([a, b]))
    for (let i = 0; i < 2; i++) {
      for (const [a, b] of pairs) {
        sync(a, b)
        expect(await async(a, b)).toEqual([a, b])
      }
    }
    expect(calls).toHaveLength(9)
    expect(Object.is(calls[4]![0], -0)).toBe(true)
    expect(sync.stats()).toMatchObject({ misses: 9, hits: 9, size: 9 })
    expect(await async.stats()).toMatchObject({ misses: 9, hits: 9, size: 9 })
  })

  it('keys a pair by makeKey, so invalidate() and cache.has(makeKey(args)) find it', async () => {
    const fn = cached(async (a: number, b: string) => Promise.resolve(`${a}${b}`))
    await fn(1, 'a')
    expect(fn.cache.has(makeKey([1, 'a']))).toBe(true)
    expect(await fn.invalidate(1, 'a')).toBe(true)
    expect(fn.cache.has(makeKey([1, 'a']))).toBe(false)
  })

  it('is a hit at 99 and a miss at 100 with a ttl of 100', async () => {
    const inner = vi.fn(async (a: number, b: number) => Promise.resolve(a + b))
    const fn = cached(inner, { ttl: 100 })
    await fn(1, 2)
    vi.advanceTimersByTime(99)
    await fn(1, 2)
    expect(inner).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(1)
    expect(await fn(1, 2)).toBe(3)
    expect(inner).toHaveBeenCalledTimes(2)
  })
})

describe('the async wrapper', () => {
  it('shares one call between concurrent callers of the same arguments', async () => {
    const gate = deferred<number>()
    const body = vi.fn((_id: number) => gate.promise)
    const fn = cached(async (id: number) => body(id))
    const calls = Array.from({ length: 100 }, () => fn(1))
    gate.resolve(5)
    expect(new Set(await Promise.all(calls))).toEqual(new Set([5]))
    expect(body).toHaveBeenCalledTimes(1)
    expect(await fn.stats()).toMatchObject({ misses: 1, hits: 99, dedupHits: 99 })
  })

  it('passes `this` through and keeps the name and length', async () => {
    const service = {
      base: 10,
      add: cached(async function (this: { base: number }, n: number) {
        return Promise.resolve(this.base + n)
      }),
    }
    await expect(service.add(1)).resolves.toBe(11)
    async function loadUser(id: number, full: boolean): Promise<string> {
      return Promise.resolve(`${id}${full}`)
    }
    const wrapped = cached(loadUser)
    expect([wrapped.name, wrapped.length]).toEqual(['loadUser', 2])
    expect(wrapped.original).toBe(loadUser)
    expect((await wrapped.info()).name).toBe('loadUser')
  })

  it('invalidates one entry: true when it existed, false otherwise', async () => {
    const body = vi.fn((id: number) => Promise.resolve(id))
    const fn = cached(async (id: number) => body(id))
    await fn(1)
    await expect(fn.invalidate(1)).resolves.toBe(true)
    await expect(fn.invalidate(1)).resolves.toBe(false)
    await expect(fn.invalidate(2)).resolves.toBe(false)
    await fn(1)
    expect(body).toHaveBeenCalledTimes(2)
  })

  it('returns promises from its helpers', async () => {
    const fn = cached(async (id: number) => Promise.resolve(id))
    expect(fn.stats()).toBeInstanceOf(Promise)
    expect(fn.info()).toBeInstanceOf(Promise)
    expect(fn.removeExpired()).toBeInstanceOf(Promise)
    expect(fn.clear()).toBeInstanceOf(Promise)
    await expect(fn.info()).resolves.toMatchObject({
      async: true,
      key: 'arguments',
      perInstance: null,
    })
  })

  it('fails a hanging call with CacheTimeoutError and lets the next call try again', async () => {
    const fn = cached(
      async (id: number) =>
        new Promise<number>((resolve) => {
          if (id === 2) resolve(2)
        }),
      {
        timeoutMs: 50,
      },
    )
    const hanging = settle(fn(1))
    await vi.advanceTimersByTimeAsync(50)
    expect((await hanging).error).toMatchObject({ code: 'ERR_CACHE_TIMEOUT', timeoutMs: 50 })
    const again = settle(fn(1))
    await vi.advanceTimersByTimeAsync(50)
    expect((await again).error).toMatchObject({ code: 'ERR_CACHE_TIMEOUT' })
    expect((await fn.stats()).loads).toBe(2)
  })

  it('keeps nothing and calls through every time with maxSize 0', async () => {
    const body = vi.fn((id: number) => Promise.resolve(id))
    const fn = cached(async (id: number) => body(id), { maxSize: 0 })
    await Promise.all([fn(1), fn(1)])
    await fn(1)
    expect(body).toHaveBeenCalledTimes(3)
  })
})

describe('abort signals in arguments', () => {
  it('lets the first caller give up while the others still get the value; aborts when all have', async () => {
    const gate = deferred<string>()
    const seen: AbortSignal[] = []
    const fetchUser = cached(async (id: number, options: { signal?: AbortSignal } = {}) => {
      seen.push(options.signal!)
      return gate.promise.then((name) => `${name}${id}`)
    })
    const first = new AbortController()
    const second = new AbortController()
    const a = settle(fetchUser(1, { signal: first.signal }))
    const b = settle(fetchUser(1, { signal: second.signal }))
    const c = settle(fetchUser(1))
    first.abort(new Error('first gave up'))
    expect((await a).error).toEqual(new Error('first gave up'))
    expect(seen).toHaveLength(1)
    expect(seen[0]).not.toBe(first.signal)
    expect(seen[0]!.aborted).toBe(false)
    gate.resolve('user')
    expect((await b).value).toBe('user1')
    expect((await c).value).toBe('user1')
    expect(await fetchUser.stats()).toMatchObject({ misses: 1, dedupHits: 2 })
  })

  it('aborts the shared call once every caller with a signal has given up', async () => {
    const seen: AbortSignal[] = []
    const fetchUser = cached(
      async (id: number, signal: AbortSignal) =>
        new Promise<number>((resolve, reject) => {
          seen.push(signal)
          signal.addEventListener('abort', () => {
            reject(signal.reason as Error)
          })
          if (id < 0) resolve(id)
        }),
    )
    const first = new AbortController()
    const second = new AbortController()
    const a = settle(fetchUser(1, first.signal))
    const b = settle(fetchUser(1, second.signal))
    first.abort()
    await flush()
    expect(seen[0]!.aborted).toBe(false)
    second.abort(new Error('all gone'))
    await Promise.all([a, b])
    expect(seen[0]!.aborted).toBe(true)
    expect(seen[0]!.reason).toEqual(new Error('all gone'))
    // Signals are not part of the key: calls with different signals share one entry.
    expect((await fetchUser.stats()).dedupHits).toBe(1)
  })
})

describe('the sync wrapper', () => {
  it('returns values, not promises, and caches them', () => {
    const body = vi.fn((n: number) => n * 2)
    const double = cached((n: number) => body(n))
    expect(double(2)).toBe(4)
    expect(double(2)).toBe(4)
    expect(body).toHaveBeenCalledTimes(1)
    expect(double.stats()).toMatchObject({ hits: 1, misses: 1, size: 1 })
    expect(double.info()).toMatchObject({ async: false })
    expect(double.invalidate(2)).toBe(true)
    expect(double.invalidate(2)).toBe(false)
    expect(double.removeExpired()).toBe(0)
    double.clear()
    expect(double.stats().size).toBe(0)
  })

  it('rethrows a kept error synchronously with negativeCache, and retries at once', () => {
    let calls = 0
    const parse = cached(
      (text: string): number => {
        calls++
        throw new SyntaxError(`bad ${text}`)
      },
      { negativeCache: true, retry: 2 },
    )
    expect(() => parse('x')).toThrow(new SyntaxError('bad x'))
    expect(calls).toBe(3)
    expect(() => parse('x')).toThrow(new SyntaxError('bad x'))
    expect(calls).toBe(3)
  })

  it('never keeps a sync error without negativeCache', () => {
    let calls = 0
    const fn = cached((n: number): number => {
      calls++
      if (calls === 1) throw new Error('first')
      return n
    })
    expect(() => fn(1)).toThrow('first')
    expect(fn(1)).toBe(1)
    expect(fn(1)).toBe(1)
    expect(calls).toBe(2)
  })

  it('expires by ttl', () => {
    const body = vi.fn((n: number) => n)
    const fn = cached((n: number) => body(n), { ttl: 100 })
    fn(1)
    vi.advanceTimersByTime(100)
    fn(1)
    expect(body).toHaveBeenCalledTimes(2)
  })

  it('turns async when a function not declared async returns a promise', async () => {
    const gate = deferred<number>()
    const body = vi.fn((_id: number) => gate.promise)
    const fn = cached((id: number) => body(id))
    const first = fn(1)
    const second = fn(1)
    expect(first).toBeInstanceOf(Promise)
    gate.resolve(7)
    await expect(first).resolves.toBe(7)
    await expect(second).resolves.toBe(7)
    await expect(fn(1)).resolves.toBe(7)
    expect(body).toHaveBeenCalledTimes(1)
    expect(fn.stats()).toBeInstanceOf(Promise)
  })

  it('does not keep a rejected promise from a function not declared async', async () => {
    const body = vi.fn().mockRejectedValueOnce(new Error('no')).mockResolvedValue(1)
    const fn = cached((id: number) => body(id) as Promise<number>)
    await expect(fn(1)).rejects.toThrow('no')
    await expect(fn(1)).resolves.toBe(1)
  })

  it('retries a function not declared async that returned a promise by calling it again', async () => {
    const body = vi.fn().mockRejectedValueOnce(new Error('once')).mockResolvedValue(2)
    const fn = cached((id: number) => body(id) as Promise<number>, { retry: 1 })
    const result = fn(1)
    await vi.advanceTimersByTimeAsync(100) // the default backoff before the retry
    await expect(result).resolves.toBe(2)
    expect(body).toHaveBeenCalledTimes(2)
    expect(body).toHaveBeenLastCalledWith(1)
    await expect(fn(1)).resolves.toBe(2)
    expect(body).toHaveBeenCalledTimes(2)
  })

  it('may be declared async with `async: true`, to use async options', async () => {
    const fn = cached((id: number) => Promise.resolve(id), { async: true, timeoutMs: 100 })
    expect(fn.stats()).toBeInstanceOf(Promise)
    await expect(fn(3)).resolves.toBe(3)
  })
})

describe('invalid options are rejected when the wrapper is created', () => {
  const sync = (n: number): number => n
  const async = async (n: number): Promise<number> => Promise.resolve(n)

  it.each([
    [
      { maxSize: -1 },
      'maxSize',
      '`maxSize` must be null or an integer from 0 to 1073741824, got: -1',
    ],
    [
      { maxSize: 1.5 },
      'maxSize',
      '`maxSize` must be null or an integer from 0 to 1073741824, got: 1.5',
    ],
    [
      { policy: 'mru' },
      'policy',
      "`policy` must be one of 'lru', 'lfu', 'fifo', 'sieve', 's3fifo', 'tinylfu', got: \"mru\"",
    ],
    [{ ttl: -5 }, 'ttl', '`ttl` must be a positive number of milliseconds or Infinity, got: -5'],
    [
      { ttl: 5, expiration: '1h' },
      'ttl',
      '`ttl` must be left out when `expiration` is given (give one of them), got: 5',
    ],
    [
      { timeoutMs: 0 },
      'timeoutMs',
      '`timeoutMs` must be a positive finite number of milliseconds, got: 0',
    ],
    [{ retry: -1 }, 'retry.count', '`retry.count` must be a non-negative integer, got: -1'],
    [
      { retry: { count: 1, jitter: 2 } },
      'retry.jitter',
      '`retry.jitter` must be a number from 0 to 1, got: 2',
    ],
    [{ negativeCache: 'yes' }, 'negativeCache', '`negativeCache` must be a boolean, got: "yes"'],
    [
      { staleWhileRevalidate: -1 },
      'staleWhileRevalidate',
      '`staleWhileRevalidate` must be a boolean or a non-negative number of milliseconds, got: -1',
    ],
    [
      { dispose: ['clients.db'] },
      'dispose[0]',
      '`dispose[0]` must be a data pointer \'$.key[.key…][:ignore_missing]\' with no empty key, got: "clients.db"',
    ],
    [{ enabled: 1 }, 'enabled', '`enabled` must be a boolean, got: 1'],
    [{ maxsize: 5 }, 'maxsize', '`maxsize` must be spelled `maxSize`, got: 5'],
    [
      { key: 42 },
      'key',
      '`key` must be a key template, a function of the arguments or SINGLE_KEY, got: 42',
    ],
    [{ skipArgs: -1 }, 'skipArgs', '`skipArgs` must be a non-negative integer, got: -1'],
    [
      { key: 'a:{0}', skipArgs: 1 },
      'skipArgs',
      '`skipArgs` must be left out when `key` is given (the key says it all), got: 1',
    ],
    [
      { ignoreArgs: ['nope'] },
      'ignoreArgs',
      '`ignoreArgs` must be names of parameters the function has (n), got: "nope"',
    ],
    [{ onError: 'log' }, 'onError', '`onError` must be a function, got: "log"'],
    [
      { autoRemoveExpired: 'soon' },
      'autoRemoveExpired',
      '`autoRemoveExpired` must be a duration such as \'12h\', got: "soon"',
    ],
  ])('%j → CacheConfigError naming %s', (options, option, message) => {
    let error: unknown
    try {
      cached(async, options as never)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CacheConfigError)
    expect(error).toMatchObject({ code: 'ERR_CACHE_CONFIG', option, message })
  })

  it('names the expiration that @cache/expiry rejects, with its error as the cause', () => {
    let error: unknown
    try {
      cached(async, { expiration: 'P4Y' })
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ option: 'expiration', value: 'P4Y' })
    expect((error as Error).cause).toMatchObject({ code: 'ERR_EXPIRY_PARSE' })
  })

  it('names a malformed key template', () => {
    expect(() => cached(async, { key: 'user:{missing}' })).toThrow(
      /^`key` must be a valid key template \(Key template "user:\{missing\}" names `\{missing\}` at 5, but `paramNames` holds only `n`\), got: "user:\{missing\}"$/,
    )
  })

  it.each([
    [{ timeoutMs: 10 }, 'timeoutMs'],
    [{ staleWhileRevalidate: true }, 'staleWhileRevalidate'],
    [{ retry: { count: 1, backoffMs: 10 } }, 'retry.backoffMs'],
    [{ expiration: async () => Promise.resolve(true) }, 'expiration'],
  ])('refuses %j for a sync function', (options, option) => {
    expect(() => cached(sync, options as never)).toThrow(expect.objectContaining({ option }))
  })

  it('refuses async: false for a function declared async', () => {
    expect(() => cached(async, { async: false })).toThrow(
      '`async` must be left out (or true) for a function declared async, got: false',
    )
  })
})

describe('cached() reads its options once', () => {
  // issue 17, item 4: what is validated must be what is used, getters included.
  it('reads each option once, enabled and key options too', () => {
    const reads = { maxSize: 0, enabled: 0, key: 0 }
    const options = {
      get maxSize(): number {
        return reads.maxSize++ === 0 ? 2 : ('x' as never)
      },
      get enabled(): boolean {
        return reads.enabled++ === 0 ? true : ('x' as never)
      },
      get key(): string {
        return reads.key++ === 0 ? 'id:{0}' : (42 as never)
      },
    }
    const calls = vi.fn((id: number) => id * 10)
    const fn = cached(calls, options)
    expect([fn(1), fn(1), fn(2)]).toEqual([10, 10, 20])
    expect(calls).toHaveBeenCalledTimes(2)
    expect(reads).toEqual({ maxSize: 1, enabled: 1, key: 1 })
  })

  it('gives a CacheConfigError for options that cannot be read (a revoked Proxy)', () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(() => cached((a: number) => a, proxy)).toThrow(CacheConfigError)
    expect(() => cached((a: number) => a, proxy)).toThrow(
      '`options` must be an object whose options can be read, got: [unreadable object]',
    )
  })
})

describe('hostile option values found by the fuzz suite', () => {
  const revoked = (): object => {
    const { proxy, revoke } = Proxy.revocable([], {})
    revoke()
    return proxy
  }

  it.each(['paramNames', 'ignoreArgs', 'ignoreProps', 'dispose', 'l2'])(
    'a revoked Proxy as `%s` is a CacheConfigError naming it, not a TypeError',
    (name) => {
      let error: unknown
      try {
        cached((a: number) => Promise.resolve(a), { [name]: revoked() })
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(CacheConfigError)
      expect((error as CacheConfigError).message).toMatch(new RegExp(`^\`${name}\` must be `))
    },
  )

  it('an expiration of -Infinity is accepted as always expired, with no plain ttl in stats()', () => {
    const fn = cached((a: number) => a, { expiration: Number.NEGATIVE_INFINITY })
    expect([fn(1), fn(1)]).toEqual([1, 1])
    expect(fn.stats()).toMatchObject({ ttl: null, hits: 0, misses: 2 })
  })
})
