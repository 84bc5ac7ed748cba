// When the only stale copy of a key is in L2 (a cold instance): the read-or-lock before the load
// hands it over (`onStale` of the L2 contract), so the soft timeout, fail-safe after a failed
// load and a waiter behind another instance's lock use it without a second read.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { deferred, settle } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { CacheTimeoutError } from './errors.js'
import type { CacheEvent } from './events.js'
import { l2KeyOf, type L2Record, type L2Store } from './l2.js'
import { MemoryL2Server, memoryL2Store, type MemoryL2Store } from './testing/memoryL2Store.js'

const T0 = 1_000_000

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

const BASE = { ttl: 1_000, failSafe: { maxStale: '1h', throttle: 5_000 } } as const
const OPTIONS = { ...BASE, timeouts: { soft: 100 } } as const

/** A loader settling with `value` after `ms`, counting its calls. */
function slow(value: string, ms: number) {
  const loader = vi.fn(
    () =>
      new Promise<string>((resolve) =>
        setTimeout(() => {
          resolve(value)
        }, ms),
      ),
  )
  return loader
}

/** A server holding `k` = 'old', written by an instance that is gone, now 1 s past its ttl. */
async function serverWithStaleCopy(tags?: readonly string[]): Promise<MemoryL2Server> {
  const server = new MemoryL2Server()
  const writer = new AsyncCache<string, string>({ ...OPTIONS, l2: memoryL2Store({ server }) })
  await writer.get('k', () => 'old', tags === undefined ? undefined : { tags })
  await writer.whenL2Settled()
  await writer.destroy()
  vi.advanceTimersByTime(2_000)
  return server
}

/** A cold instance on `server`, its store's reads spied on. */
function coldInstance(server: MemoryL2Server, options: object = OPTIONS) {
  const store = memoryL2Store({ server })
  const get = vi.spyOn(store, 'get')
  const events: CacheEvent<string>[] = []
  const cache = new AsyncCache<string, string>({
    ...options,
    l2: store,
    onEvent: (event) => events.push(event),
  })
  return { cache, store, get, events }
}

describe('a cold instance whose only stale copy is in L2', () => {
  it('gets the stale value at exactly soft, from the read-or-lock; the load lands in both tiers after', async () => {
    const server = await serverWithStaleCopy()
    const c = coldInstance(server)
    const loader = slow('new', 400)
    let answer: string | undefined
    void c.cache.get('k', loader).then((value) => (answer = value))
    await vi.advanceTimersByTimeAsync(99)
    expect(answer).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(answer).toBe('old')
    // No second read: the stale copy came with the lock decision.
    expect(c.get).not.toHaveBeenCalled()
    expect(loader).toHaveBeenCalledTimes(1)
    expect(c.cache.stats()).toMatchObject({ softTimeouts: 1, l2Misses: 1, loads: 1 })
    // A caller meanwhile joins the load and gets the stale value at once.
    expect(await c.cache.get('k', loader)).toBe('old')
    await vi.advanceTimersByTimeAsync(300)
    await c.cache.whenL2Settled()
    expect(c.cache.peek('k')).toMatchObject({ value: 'new', stale: false })
    expect(server.values.get(l2KeyOf('k'))).toMatchObject({ value: 'new', staleMs: 3_600_000 })
    expect(server.locks.size).toBe(0)
    expect(loader).toHaveBeenCalledTimes(1)
    expect(c.events.map((event) => event.type)).toEqual([
      'miss',
      'softTimeout',
      'hit',
      'load',
      'backgroundLoad',
    ])
  })

  it('other instances waiting on its lock get the loaded value; a fail-safe one gets the stale value at its soft first', async () => {
    const server = await serverWithStaleCopy()
    const c = coldInstance(server)
    const d = coldInstance(server)
    const strict = coldInstance(server, BASE)
    const loader = slow('new', 400)
    const other = vi.fn(() => 'never')
    const fromC = c.cache.get('k', loader)
    const answers: Record<string, string> = {}
    await vi.advanceTimersByTimeAsync(50)
    // D and a strict instance (no soft) find C's lock held: they wait for its value.
    void d.cache.get('k', other).then((value) => (answers.d = value))
    void strict.cache.get('k', other).then((value) => (answers.strict = value))
    await vi.advanceTimersByTimeAsync(99)
    expect(answers).toEqual({})
    await vi.advanceTimersByTimeAsync(1)
    // D's soft counts from its own load: at 150 ms, with the copy its lock call handed over.
    expect(answers).toEqual({ d: 'old' })
    expect(await fromC).toBe('old')
    await vi.advanceTimersByTimeAsync(250)
    expect(answers).toEqual({ d: 'old', strict: 'new' })
    expect(other).not.toHaveBeenCalled()
    expect(d.cache.peek('k')).toMatchObject({ value: 'new', stale: false })
    expect(strict.cache.peek('k')).toMatchObject({ value: 'new', stale: false })
    expect(d.get).not.toHaveBeenCalled()
    expect(d.cache.stats()).toMatchObject({ softTimeouts: 1, l2Hits: 1, loads: 0 })
    expect(strict.cache.stats()).toMatchObject({ softTimeouts: 0, l2Hits: 1, loads: 0 })
  })

  it('a failed load serves the handed copy without a second read, throttled in L1', async () => {
    const server = await serverWithStaleCopy()
    const c = coldInstance(server, BASE)
    const failing = vi.fn(() => Promise.reject(new Error('source down')))
    expect(await c.cache.get('k', failing)).toBe('old')
    expect(c.get).not.toHaveBeenCalled()
    expect(c.cache.peek('k')).toMatchObject({ value: 'old', stale: false })
    vi.advanceTimersByTime(4_999)
    expect(await c.cache.get('k', failing)).toBe('old')
    expect(failing).toHaveBeenCalledTimes(1)
    expect(c.cache.stats()).toMatchObject({ failSafeActivations: 1, loadErrors: 1 })
    // L2 keeps its copy as it was: no fresh value made up there.
    expect(server.values.get(l2KeyOf('k'))).toMatchObject({ value: 'old', expiresAt: T0 + 1_000 })
  })

  it('soft, then hard: the stale value at soft, the load fails at hard, the copy is kept throttled', async () => {
    const server = await serverWithStaleCopy()
    const errors: unknown[] = []
    const c = coldInstance(server, {
      ...OPTIONS,
      timeouts: { soft: 50, hard: 1_000 },
      onError: (error: unknown) => errors.push(error),
    })
    const hang = vi.fn(() => new Promise<string>(() => {}))
    const call = c.cache.get('k', hang)
    await vi.advanceTimersByTimeAsync(50)
    expect(await call).toBe('old')
    await vi.advanceTimersByTimeAsync(950)
    expect(c.events.map((event) => event.type)).toEqual([
      'miss',
      'softTimeout',
      'failSafe',
      'loadError',
      'backgroundLoadError',
    ])
    const failSafe = c.events[2] as Extract<CacheEvent<string>, { type: 'failSafe' }>
    expect(failSafe.error).toBeInstanceOf(CacheTimeoutError)
    expect(errors).toEqual([failSafe.error])
    expect(c.cache.peek('k')).toMatchObject({ value: 'old', stale: false })
    expect(c.get).not.toHaveBeenCalled()
    expect(server.locks.size).toBe(0)
  })

  it('a tagged stale copy is handed until its tag is invalidated, and not served after', async () => {
    const server = await serverWithStaleCopy(['t'])
    const c = coldInstance(server)
    const gate = deferred<string>()
    let answer: string | undefined
    void c.cache.get('k', () => gate.promise).then((value) => (answer = value))
    await vi.advanceTimersByTimeAsync(10)
    // Invalidated after the copy was handed: the load in flight forgets it.
    await c.cache.invalidateTags(['t'])
    await vi.advanceTimersByTimeAsync(200)
    expect(answer).toBeUndefined()
    gate.resolve('new')
    await vi.advanceTimersByTimeAsync(0)
    expect(answer).toBe('new')
    expect(c.cache.stats().softTimeouts).toBe(0)
  })

  it('a stale copy carrying an invalidated tag is never handed', async () => {
    const server = await serverWithStaleCopy(['t'])
    server.invalidateTags(['t'])
    const c = coldInstance(server)
    let answer: string | undefined
    void c.cache.get('k', slow('new', 400)).then((value) => (answer = value))
    await vi.advanceTimersByTimeAsync(399)
    expect(answer).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(answer).toBe('new')
    expect(c.cache.stats().softTimeouts).toBe(0)
  })

  it('a delete while the load runs: the handed copy is not served', async () => {
    const server = await serverWithStaleCopy()
    const c = coldInstance(server)
    const other = new AsyncCache<string, string>({ ...OPTIONS, l2: memoryL2Store({ server }) })
    const gate = deferred<string>()
    const call = settle(c.cache.get('k', () => gate.promise))
    await vi.advanceTimersByTimeAsync(10)
    other.delete('k')
    await other.whenL2Settled()
    await vi.advanceTimersByTimeAsync(200)
    gate.reject(new Error('source down'))
    expect(((await call).error as Error).message).toBe('source down')
    expect(c.cache.stats()).toMatchObject({ softTimeouts: 0, failSafeActivations: 0 })
  })

  it('a store without locks hands the stale copy from its one read', async () => {
    const server = await serverWithStaleCopy()
    const store = memoryL2Store({ server, locks: false })
    const get = vi.spyOn(store, 'get')
    const cache = new AsyncCache<string, string>({ ...OPTIONS, l2: store })
    let answer: string | undefined
    void cache.get('k', slow('new', 400)).then((value) => (answer = value))
    await vi.advanceTimersByTimeAsync(99)
    expect(answer).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(answer).toBe('old')
    expect(get).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(300)
    await cache.whenL2Settled()
    expect(server.values.get(l2KeyOf('k'))).toMatchObject({ value: 'new' })
  })

  it('costs nothing without fail-safe: no onStale in the lock call, no stale copy taken', async () => {
    const server = await serverWithStaleCopy()
    const store = memoryL2Store({ server })
    const lock = vi.spyOn(store, 'lock')
    const cache = new AsyncCache<string, string>({ ttl: 1_000, l2: store })
    expect(await cache.get('k', () => 'new')).toBe('new')
    expect(lock.mock.calls[0]![1]).toEqual({})
    // Nor for a fail-safe cache's call that refuses stale values.
    const strict = coldInstance(server)
    const strictLock = vi.spyOn(strict.store, 'lock')
    await strict.cache.get('j', () => 'v', { failSafe: false })
    expect(strictLock.mock.calls[0]![1]).toEqual({})
  })
})

describe('a stale copy that arrives after the soft bound', () => {
  it('is given at once when the read-or-lock answers late, for the cache soft and a per-call one', async () => {
    const server = await serverWithStaleCopy()
    const inner = memoryL2Store({ server })
    const store: L2Store = {
      get: (keys) => inner.get(keys),
      set: (writes, notify) => inner.set(writes, notify),
      delete: (keys, options) => inner.delete(keys, options),
      clear: (options) => inner.clear(options),
      // A slow round trip: the lock answers 200 ms after it was asked.
      lock: async (key, options) => {
        await new Promise((resolve) => setTimeout(resolve, 200))
        return inner.lock!(key, options)
      },
    }
    const cache = new AsyncCache<string, string>({ ...OPTIONS, l2: store })
    const answers: Record<string, string> = {}
    void cache.get('k', slow('new', 400)).then((value) => (answers.cache = value))
    void cache
      .get('k', slow('unused', 1), { timeouts: { soft: 50 } })
      .then((value) => (answers.call = value))
    await vi.advanceTimersByTimeAsync(199)
    expect(answers).toEqual({})
    await vi.advanceTimersByTimeAsync(1)
    expect(answers).toEqual({ cache: 'old', call: 'old' })
    await vi.advanceTimersByTimeAsync(400)
    expect(cache.peek('k')).toMatchObject({ value: 'new' })
    expect(cache.stats().softTimeouts).toBe(2)
  })
})

describe('a kept error in L2 while this instance holds a stale value (negativeCache)', () => {
  it('fail-safe callers get the stale value (throttled), not the kept error; strict callers get the error', async () => {
    const server = new MemoryL2Server()
    const options = { ...BASE, negativeCache: true }
    const a = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    const b = new AsyncCache<string, string>({ ...options, l2: memoryL2Store({ server }) })
    await a.get('k', () => 'old')
    await a.whenL2Settled()
    vi.advanceTimersByTime(2_000)
    // On B, a strict caller's load fails: no stale value for it, so its error is kept in both tiers.
    const failure = new Error('source down')
    const onB = await settle(b.get('k', () => Promise.reject(failure), { failSafe: false }))
    expect(onB.error).toBe(failure)
    await b.whenL2Settled()
    expect(server.values.get(l2KeyOf('k'))).toMatchObject({ isError: true, value: failure })
    const events: CacheEvent<string>[] = []
    a.on((event) => events.push(event))
    const loader = vi.fn(() => 'unused')
    expect(await a.get('k', loader)).toBe('old')
    expect(loader).not.toHaveBeenCalled()
    expect(a.peek('k')).toMatchObject({ value: 'old', isError: false, stale: false })
    expect(events.filter((event) => event.type === 'failSafe')).toEqual([
      { type: 'failSafe', key: 'k', error: failure },
    ])
    // Throttled: served from L1 for `throttle`, without asking L2.
    expect(await a.get('k', loader)).toBe('old')
    expect(a.stats()).toMatchObject({ failSafeActivations: 1, l2Hits: 1 })
    // A strict caller on A, once the throttle is over, gets the kept error, and L1 keeps it.
    vi.advanceTimersByTime(5_000)
    expect((await settle(a.get('k', loader, { failSafe: false }))).error).toBe(failure)
    expect(a.peek('k')).toMatchObject({ isError: true })
    expect(loader).not.toHaveBeenCalled()
  })

  it('a cold instance (no stale value anywhere) gets the kept error', async () => {
    const server = new MemoryL2Server()
    const store = memoryL2Store({ server })
    const failure = new Error('source down')
    server.write({ key: l2KeyOf('k'), value: failure, isError: true, fetchedAt: T0, ttlMs: 10_000 })
    const cache = new AsyncCache<string, string>({ ...OPTIONS, l2: store })
    expect((await settle(cache.get('k', () => 'unused'))).error).toBe(failure)
    expect(cache.stats().failSafeActivations).toBe(0)
  })
})

/** The records a lock() call hands to onStale. */
async function handed(store: MemoryL2Store, key: string): Promise<L2Record[]> {
  const records: L2Record[] = []
  const result = await store.lock!(key, { onStale: (record) => records.push(record) })
  if (result.status === 'acquired') await result.release(false)
  return records
}

describe('memoryL2Store hands stale copies to onStale', () => {
  it('with the lock decision, once, only for copies kept stale', async () => {
    const server = await serverWithStaleCopy()
    const store = memoryL2Store({ server })
    const [record, ...more] = await handed(store, l2KeyOf('k'))
    expect(more).toEqual([])
    expect(record).toMatchObject({
      value: 'old',
      isError: false,
      ttlMs: -1_000,
      staleMs: 3_600_000,
    })
    await store.set(
      [{ key: l2KeyOf('plain'), value: 1, isError: false, fetchedAt: T0, ttlMs: 10 }],
      false,
    )
    vi.advanceTimersByTime(20)
    expect(await handed(store, l2KeyOf('plain'))).toEqual([])
  })
})
