// instrument() of a cache with a second tier: each store call by operation (exact counts and
// durations on fake time), the spans of the calls (exact trees), and the store's health gauge.
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { DataPointType } from '@opentelemetry/sdk-metrics'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

import { histogram, otelSdk, points, tree, type OtelSdk } from '../../test/otelSdk.js'
import { AsyncCache } from '../asyncCache.js'
import { l2KeyOf, type L2Store } from '../l2.js'
import type { L2Health } from '../l2Health.js'
import { MemoryL2Server, memoryL2Store, type MemoryL2Store } from '../testing/memoryL2Store.js'
import { instrument, L2_DURATION_BUCKETS } from './index.js'

const contextManager = new AsyncLocalStorageContextManager()
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable())
})
afterAll(() => {
  context.disable()
})

let sdk: OtelSdk
beforeEach(() => {
  // performance.now() times the store's calls: faked, so that their durations are exact.
  vi.useFakeTimers({ now: 0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'performance'] })
  sdk = otelSdk()
})
afterEach(async () => {
  vi.useRealTimers()
  await sdk.shutdown()
})

/** A store whose calls each take `ms` of fake time more than memoryL2Store's. */
function slowStore(inner: MemoryL2Store, ms: number): L2Store {
  const after = async <T>(call: () => Promise<T>): Promise<T> => {
    await new Promise((resolve) => setTimeout(resolve, ms))
    return call()
  }
  return {
    get: (keys) => after(() => inner.get(keys)),
    set: (writes, notify) => after(() => inner.set(writes, notify)),
    delete: (keys, options) => after(() => inner.delete(keys, options)),
    clear: (options) => after(() => inner.clear(options)),
    subscribe: (subscriber) => inner.subscribe(subscriber),
    lock: (key, options) => after(() => inner.lock!(key, options)),
    get health() {
      return inner.health
    },
  }
}

/** `promise`, with fake time advanced until it settles. */
async function settled<T>(promise: Promise<T>): Promise<T> {
  const result = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  await vi.advanceTimersByTimeAsync(1_000)
  const outcome = await result
  if ('error' in outcome) throw outcome.error
  return outcome.value
}

/** The attributes every store call's span and point has. */
function base(operation: string): Record<string, string> {
  return { 'cache.name': 'users', 'cache.l2.operation': operation }
}

/** A loader that answers `value` after `ms` of fake time, in a `db` span. */
function dbLoader(ms: number, value: string) {
  return async (): Promise<string> => {
    const span = sdk.tracerProvider.getTracer('db').startSpan('db')
    await new Promise((resolve) => setTimeout(resolve, ms))
    span.end()
    return value
  }
}

describe('instrument(cache) with an l2', () => {
  it('times each store call by operation and makes a span of it under the caller or the load', async () => {
    const server = new MemoryL2Server()
    const cache = new AsyncCache<string, string>({
      name: 'users',
      l2: slowStore(memoryL2Store({ server }), 2),
    })
    const stop = instrument(cache, {
      meterProvider: sdk.meterProvider,
      tracerProvider: sdk.tracerProvider,
    })
    const request = sdk.tracerProvider.getTracer('app').startSpan('request')
    await context.with(trace.setSpan(context.active(), request), async () => {
      // A miss: the key's lock taken, the loader run, its value committed (and the lock freed).
      expect(await settled(cache.get('a', dbLoader(100, 'A')))).toBe('A')
      await settled(cache.whenL2Settled())
      // A delete, then a read without a loader that finds nothing.
      cache.delete('a')
      await settled(cache.whenL2Settled())
      expect(await settled(cache.get('a'))).toBeUndefined()
      // The server unreachable: the lock fails (the loader runs), so does the write.
      server.disconnect()
      expect(await settled(cache.get('b', dbLoader(10, 'B')))).toBe('B')
      await settled(cache.whenL2Settled())
      // Read before clear(), which zeroes the cache's counters.
      const during = await sdk.collect()
      expect(points(during, 'cache.l2.available')).toEqual({ 'cache.name=users': 0 })
      expect(points(during, 'cache.l2.requests')).toEqual({
        'cache.name=users,cache.result=hit': 0,
        'cache.name=users,cache.result=miss': 3,
      })
      expect(points(during, 'cache.l2.errors')).toEqual({ 'cache.name=users': 2 })
      server.reconnect()
      cache.clear()
      await settled(cache.whenL2Settled())
    })
    request.end()
    const metrics = await sdk.collect()
    const users = 'cache.name=users'
    expect(histogram(metrics, 'cache.l2.operation.duration')).toEqual({
      [`${users},cache.l2.operation=lock`]: { count: 1, sum: 0.002 },
      [`${users},cache.l2.operation=commit`]: { count: 1, sum: 0 },
      [`${users},cache.l2.operation=delete`]: { count: 1, sum: 0.002 },
      [`${users},cache.l2.operation=get`]: { count: 1, sum: 0.002 },
      [`${users},cache.l2.operation=lock,error.type=L2UnreachableError`]: { count: 1, sum: 0.002 },
      [`${users},cache.l2.operation=set,error.type=L2UnreachableError`]: { count: 1, sum: 0.002 },
      [`${users},cache.l2.operation=clear`]: { count: 1, sum: 0.002 },
    })
    const duration = metrics.get('cache.l2.operation.duration')!
    expect(duration.descriptor.unit).toBe('s')
    expect(
      duration.dataPointType === DataPointType.HISTOGRAM &&
        duration.dataPoints[0]!.value.buckets.boundaries,
    ).toEqual(L2_DURATION_BUCKETS)
    expect(points(metrics, 'cache.l2.available')).toEqual({ [users]: 1 })

    const spans = sdk.spanExporter.getFinishedSpans()
    expect(tree(spans)).toEqual([
      'cache.l2.lock <- request',
      'db <- cache.load',
      'cache.load <- request',
      'cache.l2.commit <- cache.load',
      'cache.l2.delete <- request',
      'cache.l2.get <- request',
      'cache.l2.lock <- request',
      'db <- cache.load',
      'cache.load <- request',
      'cache.l2.set <- cache.load',
      'cache.l2.clear <- request',
      'request <- (root)',
    ])
    // Each write is a child of the load that produced its value.
    expect(spans[3]!.parentSpanContext?.spanId).toBe(spans[2]!.spanContext().spanId)
    expect(spans[9]!.parentSpanContext?.spanId).toBe(spans[8]!.spanContext().spanId)
    const l2Spans = spans.filter((s) => s.name.startsWith('cache.l2.'))
    expect(l2Spans.map((s) => [s.name, s.kind, s.status.code, s.attributes])).toEqual([
      [
        'cache.l2.lock',
        SpanKind.CLIENT,
        SpanStatusCode.UNSET,
        { ...base('lock'), 'cache.l2.lock.status': 'acquired' },
      ],
      ['cache.l2.commit', SpanKind.CLIENT, SpanStatusCode.UNSET, base('commit')],
      ['cache.l2.delete', SpanKind.CLIENT, SpanStatusCode.UNSET, base('delete')],
      [
        'cache.l2.get',
        SpanKind.CLIENT,
        SpanStatusCode.UNSET,
        { ...base('get'), 'cache.result': 'miss' },
      ],
      [
        'cache.l2.lock',
        SpanKind.CLIENT,
        SpanStatusCode.ERROR,
        { ...base('lock'), 'error.type': 'L2UnreachableError' },
      ],
      [
        'cache.l2.set',
        SpanKind.CLIENT,
        SpanStatusCode.ERROR,
        { ...base('set'), 'error.type': 'L2UnreachableError' },
      ],
      ['cache.l2.clear', SpanKind.CLIENT, SpanStatusCode.UNSET, base('clear')],
    ])
    // Neither the keys nor their L2 hashes are recorded.
    const recorded = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]))
    expect(recorded).not.toContain(l2KeyOf('a'))
    expect(recorded).not.toContain(l2KeyOf('b'))
    expect(recorded).not.toMatch(/"[abAB]"/)
    stop()
  })

  it('marks a read that another instance filled as a hit', async () => {
    const server = new MemoryL2Server()
    const writer = new AsyncCache<string, string>({ l2: memoryL2Store({ server }) })
    await writer.get('a', () => 'A')
    await writer.whenL2Settled()
    const reader = new AsyncCache<string, string>({
      name: 'users',
      l2: memoryL2Store({ server }),
    })
    const stop = instrument(reader, { meterProvider: false, tracerProvider: sdk.tracerProvider })
    expect(await reader.get('a')).toBe('A')
    expect(await reader.get('a', () => 'never')).toBe('A')
    const spans = sdk.spanExporter.getFinishedSpans()
    expect(spans.map((s) => [s.name, s.attributes['cache.result']])).toEqual([
      ['cache.l2.get', 'hit'],
    ])
    stop()
  })

  it('stops timing and tracing the store once uninstalled, and calls it as before', async () => {
    const server = new MemoryL2Server()
    const store = memoryL2Store({ server })
    const cache = new AsyncCache<string, string>({ name: 'users', l2: store })
    const stop = instrument(cache, {
      meterProvider: sdk.meterProvider,
      tracerProvider: sdk.tracerProvider,
    })
    await settled(cache.get('a', () => 'A'))
    await settled(cache.whenL2Settled())
    stop()
    await settled(cache.get('b', () => 'B'))
    await settled(cache.whenL2Settled())
    expect([...server.values.keys()].sort()).toEqual([l2KeyOf('a'), l2KeyOf('b')].sort())
    expect(sdk.spanExporter.getFinishedSpans().map((s) => s.name)).toEqual([
      'cache.l2.lock',
      'cache.load',
      'cache.l2.commit',
    ])
    const metrics = await sdk.collect()
    expect(histogram(metrics, 'cache.l2.operation.duration')).toEqual({
      'cache.name=users,cache.l2.operation=lock': { count: 1, sum: 0 },
      'cache.name=users,cache.l2.operation=commit': { count: 1, sum: 0 },
    })
    expect(metrics.get('cache.l2.available')?.dataPoints ?? []).toEqual([])
  })

  it('reports no l2 metric for a cache without an l2', async () => {
    const cache = new AsyncCache<string, string>({ name: 'users' })
    const stop = instrument(cache, { meterProvider: sdk.meterProvider, tracerProvider: false })
    await cache.get('a', () => 'A')
    const metrics = await sdk.collect()
    expect(metrics.has('cache.l2.operation.duration')).toBe(false)
    expect(metrics.has('cache.l2.available')).toBe(false)
    stop()
  })
})

describe('cache.l2.available', () => {
  /** A store whose `health` is `health()` (memoryL2Store's calls otherwise). */
  function storeWith(health: () => unknown): L2Store {
    const inner = memoryL2Store()
    return Object.defineProperty(Object.create(inner) as L2Store, 'health', { get: health })
  }

  async function available(store: L2Store): Promise<Record<string, number>> {
    const cache = new AsyncCache<string, string>({ name: 'users', l2: store })
    const stop = instrument(cache, { meterProvider: sdk.meterProvider, tracerProvider: false })
    try {
      const metrics = await sdk.collect()
      return metrics.has('cache.l2.available') ? points(metrics, 'cache.l2.available') : {}
    } finally {
      stop()
    }
  }

  it('is 1 or 0 per node for a store that reports its servers (a cluster)', async () => {
    const health: L2Health = {
      state: 'available',
      nodes: [
        { node: '10.0.0.1:6379', state: 'available' },
        { node: '10.0.0.2:6379', state: 'unavailable' },
      ],
    }
    expect(await available(storeWith(() => health))).toEqual({
      'cache.name=users,cache.l2.node=10.0.0.1:6379': 1,
      'cache.name=users,cache.l2.node=10.0.0.2:6379': 0,
    })
  })

  it('follows the store’s state from one collection to the next', async () => {
    const server = new MemoryL2Server()
    const cache = new AsyncCache<string, string>({ name: 'users', l2: memoryL2Store({ server }) })
    const stop = instrument(cache, { meterProvider: sdk.meterProvider, tracerProvider: false })
    const read = async () => points(await sdk.collect(), 'cache.l2.available')
    expect(await read()).toEqual({ 'cache.name=users': 1 })
    server.disconnect()
    expect(await read()).toEqual({ 'cache.name=users': 0 })
    server.reconnect()
    expect(await read()).toEqual({ 'cache.name=users': 1 })
    stop()
  })

  it('is left out for a store without health, or with one that throws or does not read', async () => {
    const bare = memoryL2Store()
    const withoutHealth: L2Store = {
      get: (keys) => bare.get(keys),
      set: (writes, notify) => bare.set(writes, notify),
      delete: (keys) => bare.delete(keys),
      clear: () => bare.clear(),
    }
    const cache = new AsyncCache<string, string>({ name: 'users', l2: withoutHealth })
    const stop = instrument(cache, { meterProvider: sdk.meterProvider, tracerProvider: false })
    expect((await sdk.collect()).has('cache.l2.available')).toBe(false)
    stop()
    expect(
      await available(
        storeWith(() => {
          throw new Error('broken')
        }),
      ),
    ).toEqual({})
    expect(await available(storeWith(() => ({ state: 'up' })))).toEqual({})
    expect(await available(storeWith(() => ({ state: 'available', nodes: 'all' })))).toEqual({})
  })
})
