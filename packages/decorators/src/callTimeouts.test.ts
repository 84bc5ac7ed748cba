import { CacheConfigError } from '@cache/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { deferred, settle } from '../test/helpers.js'
import { AsyncCache } from './asyncCache.js'
import { CacheTimeoutError } from './errors.js'
import type { CacheEvent } from './events.js'
import { MemoryL2Server, memoryL2Store } from './testing/memoryL2Store.js'

const T0 = 1_000_000

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

/** A loader that never settles, recording the signals it got. */
function hanging() {
  const signals: AbortSignal[] = []
  const loader = vi.fn(({ signal }: { signal: AbortSignal }) => {
    signals.push(signal)
    return new Promise<string>(() => {})
  })
  return { loader, signals }
}

/** A cache holding `k` = 'old', just expired (kept stale for fail-safe). */
async function withStale(options: object = {}) {
  const events: CacheEvent<string>[] = []
  const cache = new AsyncCache<string, string>({
    ttl: 1_000,
    failSafe: { maxStale: '1h', throttle: 5_000 },
    onEvent: (event) => events.push(event),
    onError: () => {},
    ...options,
  })
  await cache.get('k', () => 'old')
  vi.advanceTimersByTime(1_000)
  events.length = 0
  return { cache, events }
}

describe("CacheTimeoutError's message names the option that set the bound", () => {
  it.each([
    [{ timeoutMs: 1_000 }, undefined, 'timeoutMs'],
    [{ timeouts: { hard: '1s' } }, undefined, 'timeouts.hard'],
    [{ timeoutMs: 5_000 }, { hard: 1_000 }, 'per-call timeouts.hard'],
    [{}, { hard: '1s' }, 'per-call timeouts.hard'],
  ] as const)('cache %o, call %o: (%s)', async (options, timeouts, option) => {
    const cache = new AsyncCache<string, string>(options)
    const { loader, signals } = hanging()
    const call = settle(cache.get('k', loader, timeouts === undefined ? {} : { timeouts }))
    await vi.advanceTimersByTimeAsync(999)
    expect(signals[0]!.aborted).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const error = (await call).error as CacheTimeoutError
    expect(error).toBeInstanceOf(CacheTimeoutError)
    expect(error.message).toBe(`Loading "k" did not settle within 1000 ms (${option})`)
    expect(error).toMatchObject({ code: 'ERR_CACHE_TIMEOUT', key: 'k', timeoutMs: 1_000, option })
    expect(signals[0]!.aborted).toBe(true)
  })
})

describe('per-call timeouts are checked as the cache option is', () => {
  it.each([
    [{ failSafe: { maxStale: 1 } }, 5, 'timeouts', '5'],
    [{ failSafe: { maxStale: 1 } }, { hard: -1 }, 'timeouts.hard', '-1'],
    [{ failSafe: { maxStale: 1 } }, { hard: Infinity }, 'timeouts.hard', 'Infinity'],
    [{ failSafe: { maxStale: 1 } }, { soft: 'soon' }, 'timeouts.soft', '"soon"'],
    [{}, { soft: 10 }, 'timeouts.soft', '10'],
    [{ failSafe: { maxStale: 1 } }, { sfot: 10 }, 'sfot', '10'],
  ])(
    'cache %o, timeouts %o: CacheConfigError naming %s and %s',
    async (options, timeouts, option, value) => {
      const cache = new AsyncCache<string, string>(options)
      const loader = vi.fn(() => 'v')
      const result = await settle(cache.get('k', loader, { timeouts: timeouts as never }))
      const error = result.error as CacheConfigError
      expect(error).toBeInstanceOf(CacheConfigError)
      expect(error.option).toBe(option)
      expect(error.message).toContain(`\`${option}\``)
      expect(error.message).toContain(value)
      expect(loader).not.toHaveBeenCalled()
      // The cache is not left broken.
      expect(await cache.get('k', loader)).toBe('v')
    },
  )

  it('rejects a bad per-call timeouts in getMany() too', async () => {
    const cache = new AsyncCache<string, string>({})
    const result = await settle(cache.getMany(['a'], () => ['v'], { timeouts: { hard: 0 } }))
    expect((result.error as CacheConfigError).option).toBe('timeouts.hard')
  })
})

describe('per-call hard: the starting call bounds the load, a joining call only its wait', () => {
  it("the first caller's hard runs the load; the L2 lock's lease follows it", async () => {
    const store = memoryL2Store({ server: new MemoryL2Server() })
    const lock = vi.spyOn(store, 'lock')
    const cache = new AsyncCache<string, string>({
      l2: store,
      retry: { count: 1, backoffMs: 100 },
      timeoutMs: 10_000,
    })
    await cache.get('k', () => 'v', { timeouts: { hard: 500 } })
    expect(lock.mock.calls[0]![1]).toEqual({ leaseMs: 1_100 })
    await cache.get('j', () => 'v')
    expect(lock.mock.calls[1]![1]).toEqual({ leaseMs: 20_100 })
  })

  it('a joiner gives up at its own hard with CacheTimeoutError; the shared load goes on and lands', async () => {
    const cache = new AsyncCache<string, string>({ ttl: 10_000 })
    const gate = deferred<string>()
    let signal: AbortSignal | undefined
    const loader = vi.fn((context: { signal: AbortSignal }) => {
      signal = context.signal
      return gate.promise
    })
    const first = cache.get('k', loader)
    const joiner = settle(cache.get('k', loader, { timeouts: { hard: 200 } }))
    await vi.advanceTimersByTimeAsync(199)
    let joined: Awaited<typeof joiner> | undefined
    void joiner.then((result) => (joined = result))
    await vi.advanceTimersByTimeAsync(0)
    expect(joined).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    const error = (await joiner).error as CacheTimeoutError
    expect(error.message).toBe('Loading "k" did not settle within 200 ms (per-call timeouts.hard)')
    expect(signal!.aborted).toBe(false)
    gate.resolve('v')
    expect(await first).toBe('v')
    expect(cache.peek('k')).toMatchObject({ value: 'v', stale: false })
    expect(loader).toHaveBeenCalledTimes(1)
    // The joiner's bound did not count as an attempt's timeout.
    expect(cache.stats()).toMatchObject({ loads: 1, timeouts: 0, loadErrors: 0 })
  })

  it('a joiner with a stale value at hand gets it at its own hard (a fail-safe activation)', async () => {
    const { cache, events } = await withStale()
    const gate = deferred<string>()
    const first = cache.get('k', () => gate.promise, { failSafe: false })
    const joiner = cache.get('k', () => gate.promise, { timeouts: { hard: 300 } })
    await vi.advanceTimersByTimeAsync(300)
    expect(await joiner).toBe('old')
    const failSafe = events.find((event) => event.type === 'failSafe') as {
      error: CacheTimeoutError
    }
    expect(failSafe.error.message).toBe(
      'Loading "k" did not settle within 300 ms (per-call timeouts.hard)',
    )
    gate.resolve('new')
    expect(await first).toBe('new')
    expect(cache.peek('k')).toMatchObject({ value: 'new' })
    expect(cache.stats()).toMatchObject({ failSafeActivations: 1, loads: 2 })
  })

  it('a joiner that gave up no longer holds the load: the first caller aborting aborts it', async () => {
    const cache = new AsyncCache<string, string>({})
    const { loader, signals } = hanging()
    const starter = new AbortController()
    const joinerSignal = new AbortController()
    const first = settle(cache.get('k', loader, { signal: starter.signal }))
    const joiner = settle(
      cache.get('k', loader, { signal: joinerSignal.signal, timeouts: { hard: 100 } }),
    )
    await vi.advanceTimersByTimeAsync(100)
    expect((await joiner).error).toBeInstanceOf(CacheTimeoutError)
    expect(signals[0]!.aborted).toBe(false)
    starter.abort(new Error('gone'))
    expect(((await first).error as Error).message).toBe('gone')
    expect(signals[0]!.aborted).toBe(true)
    // Aborting the joiner's signal afterwards changes nothing.
    joinerSignal.abort(new Error('late'))
    expect(loader).toHaveBeenCalledTimes(1)
  })

  it('a joiner that gives up leaves the load running even when nobody else waits', async () => {
    const cache = new AsyncCache<string, string>({})
    const gate = deferred<string>()
    let signal: AbortSignal | undefined
    const loader = (context: { signal: AbortSignal }) => {
      signal = context.signal
      return gate.promise
    }
    const starter = new AbortController()
    const first = settle(cache.get('k', loader, { signal: starter.signal }))
    const joiner = settle(
      cache.get('k', loader, { signal: new AbortController().signal, timeouts: { hard: 100 } }),
    )
    starter.abort(new Error('gone'))
    await first
    await vi.advanceTimersByTimeAsync(100)
    expect((await joiner).error).toBeInstanceOf(CacheTimeoutError)
    expect(signal!.aborted).toBe(false)
    gate.resolve('v')
    await vi.advanceTimersByTimeAsync(0)
    expect(cache.peek('k')).toMatchObject({ value: 'v' })
  })
})

describe('per-call soft', () => {
  it("a joiner's soft counts from its own call; the first caller without one waits for the load", async () => {
    const { cache, events } = await withStale()
    const gate = deferred<string>()
    const answers: Record<string, string> = {}
    void cache.get('k', () => gate.promise).then((value) => (answers.first = value))
    await vi.advanceTimersByTimeAsync(100)
    void cache
      .get('k', () => gate.promise, { timeouts: { soft: 50 } })
      .then((value) => (answers.joiner = value))
    await vi.advanceTimersByTimeAsync(49)
    expect(answers).toEqual({})
    await vi.advanceTimersByTimeAsync(1)
    expect(answers).toEqual({ joiner: 'old' })
    gate.resolve('new')
    await vi.advanceTimersByTimeAsync(0)
    expect(answers).toEqual({ joiner: 'old', first: 'new' })
    expect(events.filter((event) => event.type === 'softTimeout')).toEqual([
      { type: 'softTimeout', key: 'k', timeoutMs: 50 },
    ])
    expect(cache.peek('k')).toMatchObject({ value: 'new' })
  })

  it("a call's soft replaces the cache's: shorter or longer, for that call alone", async () => {
    const { cache } = await withStale({ timeouts: { soft: 100 } })
    const gate = deferred<string>()
    const answers: Record<string, string> = {}
    void cache
      .get('k', () => gate.promise, { timeouts: { soft: 30 } })
      .then((value) => (answers.short = value))
    void cache
      .get('k', () => gate.promise, { timeouts: { soft: 300 } })
      .then((value) => (answers.long = value))
    void cache.get('k', () => gate.promise).then((value) => (answers.cache = value))
    await vi.advanceTimersByTimeAsync(30)
    expect(answers).toEqual({ short: 'old' })
    await vi.advanceTimersByTimeAsync(70)
    expect(answers).toEqual({ short: 'old', cache: 'old' })
    await vi.advanceTimersByTimeAsync(199)
    expect(answers).toEqual({ short: 'old', cache: 'old' })
    await vi.advanceTimersByTimeAsync(1)
    expect(answers).toEqual({ short: 'old', cache: 'old', long: 'old' })
    expect(cache.stats().softTimeouts).toBe(3)
  })

  it('does not apply without a stale value: the caller waits for the load', async () => {
    const cache = new AsyncCache<string, string>({ failSafe: { maxStale: '1h' } })
    const gate = deferred<string>()
    let answer: string | undefined
    void cache
      .get('k', () => gate.promise, { timeouts: { soft: 10 } })
      .then((value) => (answer = value))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(answer).toBeUndefined()
    gate.resolve('v')
    await vi.advanceTimersByTimeAsync(0)
    expect(answer).toBe('v')
  })
})
