// instrument(): exact metric values and span trees for a scripted sequence of calls, read with the
// OpenTelemetry SDK's in-memory exporters.
import { context, SpanStatusCode, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { DataPointType, type MeterProvider } from '@opentelemetry/sdk-metrics'
import type {
  BasicTracerProvider,
  InMemorySpanExporter,
  ReadableSpan,
  TimedEvent,
} from '@opentelemetry/sdk-trace-base'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

import { histogram, otelSdk, points, tree, type OtelSdk } from '../../test/otelSdk.js'
import { AsyncCache } from '../asyncCache.js'
import { cached } from '../cached.js'
import { instrument, LOAD_DURATION_BUCKETS } from './index.js'

const contextManager = new AsyncLocalStorageContextManager()
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable())
})
afterAll(() => {
  context.disable()
})

let sdk: OtelSdk
let meterProvider: MeterProvider
let spanExporter: InMemorySpanExporter
let tracerProvider: BasicTracerProvider

beforeEach(() => {
  vi.useFakeTimers({ now: 0, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
  sdk = otelSdk()
  ;({ meterProvider, spanExporter, tracerProvider } = sdk)
})
afterEach(async () => {
  vi.useRealTimers()
  await sdk.shutdown()
})

const collect = () => sdk.collect()

/** A loader that answers `value` (or throws `error`) after `ms` of fake time, in a `db` span. */
function dbLoader(ms: number, outcome: { value: string } | { error: Error }) {
  return async (): Promise<string> => {
    const span = tracerProvider.getTracer('db').startSpan('db')
    await new Promise((resolve) => setTimeout(resolve, ms))
    span.end()
    if ('error' in outcome) throw outcome.error
    return outcome.value
  }
}

/** A span event as `{ type, message }` when it is a recorded exception (with a stack trace). */
function exceptionOf(event: TimedEvent): unknown {
  const attributes = event.attributes ?? {}
  if (event.name !== 'exception' || typeof attributes['exception.stacktrace'] !== 'string') {
    return event
  }
  return { type: attributes['exception.type'], message: attributes['exception.message'] }
}

/**
 * The scripted sequence: a miss joined by a second caller (dedup), two hits, a failed load, two
 * more misses whose second evicts the least recently used entry; all inside a `request` span.
 */
async function script(cache: AsyncCache<string, string>): Promise<void> {
  const request = tracerProvider.getTracer('app').startSpan('request')
  await context.with(trace.setSpan(context.active(), request), async () => {
    const first = cache.get('a', dbLoader(100, { value: 'A' }))
    const joined = cache.get('a', dbLoader(100, { value: 'never' }))
    await vi.advanceTimersByTimeAsync(100)
    expect([await first, await joined]).toEqual(['A', 'A'])
    expect([await cache.get('a'), await cache.get('a')]).toEqual(['A', 'A'])

    const failed = cache.get('b', dbLoader(50, { error: new TypeError('db down') }))
    const failure = expect(failed).rejects.toThrow('db down')
    await vi.advanceTimersByTimeAsync(50)
    await failure

    for (const key of ['c', 'd']) {
      const got = cache.get(key, dbLoader(10, { value: key.toUpperCase() }))
      await vi.advanceTimersByTimeAsync(10)
      expect(await got).toBe(key.toUpperCase())
    }
  })
  request.end()
}

describe('instrument(cache): metrics', () => {
  it('reports requests by result, loads, their durations and errors, evictions and size', async () => {
    const cache = new AsyncCache<string, string>({ name: 'users', maxSize: 2 })
    const stop = instrument(cache, { meterProvider, tracerProvider })
    await script(cache)
    const metrics = await collect()
    const users = 'cache.name=users'
    expect(points(metrics, 'cache.requests')).toEqual({
      [`${users},cache.result=hit`]: 2,
      [`${users},cache.result=stale`]: 0,
      [`${users},cache.result=dedup`]: 1,
      [`${users},cache.result=miss`]: 4,
    })
    expect(points(metrics, 'cache.loads')).toEqual({ [users]: 4 })
    expect(histogram(metrics, 'cache.load.duration')).toEqual({
      [users]: { count: 3, sum: 0.12 },
      [`${users},error.type=TypeError`]: { count: 1, sum: 0.05 },
    })
    expect(points(metrics, 'cache.load.errors')).toEqual({ [`${users},error.type=TypeError`]: 1 })
    expect(points(metrics, 'cache.evictions')).toEqual({
      [`${users},cache.eviction.reason=evict`]: 1,
    })
    expect(points(metrics, 'cache.size')).toEqual({ [users]: 2 })
    expect(points(metrics, 'cache.l2.requests')).toEqual({
      [`${users},cache.result=hit`]: 0,
      [`${users},cache.result=miss`]: 0,
    })
    expect(points(metrics, 'cache.load.retries')).toEqual({ [users]: 0 })
    expect(points(metrics, 'cache.refreshes')).toEqual({
      [`${users},cache.refresh.result=started`]: 0,
      [`${users},cache.refresh.result=error`]: 0,
    })
    const duration = metrics.get('cache.load.duration')!
    expect(duration.descriptor.unit).toBe('s')
    expect(
      duration.dataPointType === DataPointType.HISTOGRAM &&
        duration.dataPoints[0]!.value.buckets.boundaries,
    ).toEqual(LOAD_DURATION_BUCKETS)
    stop()
  })

  it('keeps counters monotonic across clear(), which resets the cache statistics', async () => {
    const cache = new AsyncCache<string, string>({ name: 'users', maxSize: 2 })
    const stop = instrument(cache, { meterProvider, tracerProvider: false })
    await script(cache)
    await collect()
    cache.clear()
    expect(cache.stats().misses).toBe(0)
    await cache.get('e', () => 'E')
    const metrics = await collect()
    expect(points(metrics, 'cache.requests')['cache.name=users,cache.result=miss']).toBe(5)
    expect(points(metrics, 'cache.evictions')).toEqual({
      'cache.name=users,cache.eviction.reason=evict': 1,
      'cache.name=users,cache.eviction.reason=clear': 2,
    })
    expect(points(metrics, 'cache.size')).toEqual({ 'cache.name=users': 1 })
    stop()
  })

  it('stops reporting once uninstalled, and a cache takes one instrumentation at a time', async () => {
    const cache = new AsyncCache<string, string>({ name: 'users' })
    const stop = instrument(cache, { meterProvider, tracerProvider })
    expect(() => instrument(cache, { meterProvider })).toThrow(
      expect.objectContaining({ code: 'ERR_CACHE_CONFIG' }),
    )
    await cache.get('a', () => 'A')
    stop()
    stop()
    await cache.get('b', () => 'B')
    const metrics = await collect()
    // The observable instruments have no callback left; the event-fed ones stopped counting.
    expect(metrics.get('cache.requests')?.dataPoints ?? []).toEqual([])
    expect(histogram(metrics, 'cache.load.duration')).toEqual({
      'cache.name=users': { count: 1, sum: 0 },
    })
    expect(spanExporter.getFinishedSpans().map((s) => s.name)).toEqual(['cache.load'])
    // Instrumenting again after the uninstall works.
    instrument(cache, { meterProvider: false, tracerProvider })()
  })

  it('instruments a cached() function under its name, or the name given', async () => {
    const double = cached(async (n: number) => Promise.resolve(n * 2), { maxSize: 10 })
    const stop = instrument(double, { meterProvider, tracerProvider: false, name: 'doubles' })
    await double(1)
    await double(1)
    const metrics = await collect()
    expect(points(metrics, 'cache.requests')).toEqual({
      'cache.name=doubles,cache.result=hit': 1,
      'cache.name=doubles,cache.result=stale': 0,
      'cache.name=doubles,cache.result=dedup': 0,
      'cache.name=doubles,cache.result=miss': 1,
    })
    stop()
  })

  it('rejects what is neither an AsyncCache nor a cached function', () => {
    expect(() => instrument(Object.create(AsyncCache.prototype) as AsyncCache)).toThrow(
      expect.objectContaining({ code: 'ERR_CACHE_CONFIG' }),
    )
  })
})

describe('instrument(cache): spans', () => {
  it('makes one span per load, a child of the caller’s span, with the loader’s spans inside', async () => {
    const cache = new AsyncCache<string, string>({ name: 'users', maxSize: 2 })
    const stop = instrument(cache, { meterProvider: false, tracerProvider })
    await script(cache)
    const spans = spanExporter.getFinishedSpans()
    expect(tree(spans)).toEqual([
      'db <- cache.load',
      'cache.load <- request',
      'db <- cache.load',
      'cache.load <- request',
      'db <- cache.load',
      'cache.load <- request',
      'db <- cache.load',
      'cache.load <- request',
      'request <- (root)',
    ])
    // Each db span is the child of the load just after it, not of another load.
    for (let i = 0; i < 8; i += 2) {
      expect(spans[i]!.parentSpanContext?.spanId).toBe(spans[i + 1]!.spanContext().spanId)
    }
    const loads = spans.filter((s) => s.name === 'cache.load')
    expect(loads.map((s) => s.attributes)).toEqual([
      { 'cache.name': 'users', 'cache.load.result': 'ok' },
      { 'cache.name': 'users', 'cache.load.result': 'error', 'error.type': 'TypeError' },
      { 'cache.name': 'users', 'cache.load.result': 'ok' },
      { 'cache.name': 'users', 'cache.load.result': 'ok' },
    ])
    expect(loads.map((s) => s.status)).toEqual([
      { code: SpanStatusCode.UNSET },
      { code: SpanStatusCode.ERROR },
      { code: SpanStatusCode.UNSET },
      { code: SpanStatusCode.UNSET },
    ])
    // No events: an error's message (which may name a key) is not recorded.
    expect(loads.map((s) => s.events.map(exceptionOf))).toEqual([[], [], [], []])
    // Nothing of a key or a value is recorded.
    const recorded = JSON.stringify(loads.map((s) => [s.attributes, s.events, s.name]))
    expect(recorded).not.toMatch(/"[abcdABCD]"/)
    stop()
  })

  it('makes no span for hits and none after uninstall', async () => {
    const cache = new AsyncCache<string, string>({ name: 'users' })
    cache.set('a', 'A')
    const stop = instrument(cache, { meterProvider: false, tracerProvider })
    await cache.get('a', () => 'never')
    stop()
    await cache.get('b', () => 'B')
    expect(spanExporter.getFinishedSpans()).toEqual([])
  })
})

describe('instrument(cached sync function): spans', () => {
  /** A sync function that makes an `attempt` span per call and fails `failures` times a key. */
  function parser(failures = 0) {
    const failed = new Map<string, number>()
    return (text: string): number => {
      tracerProvider.getTracer('parser').startSpan('attempt').end()
      const n = failed.get(text) ?? 0
      if (text === 'bad' || n < failures) {
        failed.set(text, n + 1)
        throw new SyntaxError(`cannot parse ${text}`)
      }
      return Number(text)
    }
  }

  /** Runs `body` inside a `request` span, which ends afterwards. */
  async function inRequest(body: () => unknown): Promise<void> {
    const request = tracerProvider.getTracer('app').startSpan('request')
    await context.with(trace.setSpan(context.active(), request), body)
    request.end()
  }

  it('makes one span per sync load, a child of the caller’s, with the function’s spans inside', async () => {
    const parse = cached(parser(), { name: 'parse', maxSize: 10 })
    const stop = instrument(parse, { meterProvider: false, tracerProvider })
    await inRequest(() => {
      expect(parse('1')).toBe(1)
      expect(parse('1')).toBe(1)
      expect(() => parse('bad')).toThrow('cannot parse bad')
    })
    const spans = spanExporter.getFinishedSpans()
    expect(tree(spans)).toEqual([
      'attempt <- cache.load',
      'cache.load <- request',
      'attempt <- cache.load',
      'cache.load <- request',
      'request <- (root)',
    ])
    expect(spans[0]!.parentSpanContext?.spanId).toBe(spans[1]!.spanContext().spanId)
    expect(spans[2]!.parentSpanContext?.spanId).toBe(spans[3]!.spanContext().spanId)
    const loads = spans.filter((s) => s.name === 'cache.load')
    expect(loads.map((s) => [s.attributes, s.status, s.events.map(exceptionOf)])).toEqual([
      [{ 'cache.name': 'parse', 'cache.load.result': 'ok' }, { code: SpanStatusCode.UNSET }, []],
      [
        { 'cache.name': 'parse', 'cache.load.result': 'error', 'error.type': 'SyntaxError' },
        { code: SpanStatusCode.ERROR },
        [],
      ],
    ])
    stop()
  })

  it('keeps a sync load’s retries in its one span', async () => {
    const parse = cached(parser(2), { name: 'parse', retry: 2 })
    const stop = instrument(parse, { meterProvider: false, tracerProvider })
    await inRequest(() => {
      expect(parse('7')).toBe(7)
    })
    expect(tree(spanExporter.getFinishedSpans())).toEqual([
      'attempt <- cache.load',
      'attempt <- cache.load',
      'attempt <- cache.load',
      'cache.load <- request',
      'request <- (root)',
    ])
    stop()
  })

  it('ends the span of a sync function that returned a promise once the promise settles', async () => {
    // Not declared async: cached() finds out at the first call, which becomes an async load.
    const fetchLater = (n: number): number | Promise<number> =>
      dbLoader(10, { value: String(n * 2) })().then(Number)
    const twice = cached(fetchLater, { name: 'later' })
    const stop = instrument(twice, { meterProvider: false, tracerProvider })
    let pending: unknown
    await inRequest(() => {
      pending = twice(2)
    })
    expect(tree(spanExporter.getFinishedSpans())).toEqual(['request <- (root)'])
    await vi.advanceTimersByTimeAsync(10)
    expect(await pending).toBe(4)
    await inRequest(async () => {
      const later = twice(3)
      await vi.advanceTimersByTimeAsync(10)
      expect(await later).toBe(6)
    })
    // One span for the first load (the sync call and its promise), as for the next, async, one.
    const spans = spanExporter.getFinishedSpans()
    expect(tree(spans)).toEqual([
      'request <- (root)',
      'db <- cache.load',
      'cache.load <- request',
      'db <- cache.load',
      'cache.load <- request',
      'request <- (root)',
    ])
    expect(spans[2]!.parentSpanContext?.spanId).toBe(spans[0]!.spanContext().spanId)
    expect(spans[4]!.parentSpanContext?.spanId).toBe(spans[5]!.spanContext().spanId)
    stop()
  })

  it('makes no span for a sync function while tracing is off', async () => {
    const parse = cached(parser(), { name: 'parse' })
    const stop = instrument(parse, { meterProvider: false, tracerProvider: false })
    await inRequest(() => parse('1'))
    expect(tree(spanExporter.getFinishedSpans())).toEqual([
      'attempt <- request',
      'request <- (root)',
    ])
    stop()
  })
})

describe('instrument(cache): a failed load answered by fail-safe', () => {
  const failSafe = { maxStale: 60_000, throttle: 2_000 }

  /** What every such span shows: the load failed (its error's type), callers got a stale value. */
  const failedStale = {
    name: 'cache.load',
    attributes: { 'cache.name': 'users', 'cache.load.result': 'stale', 'error.type': 'Error' },
    status: { code: SpanStatusCode.ERROR },
    events: [],
  }
  const shown = (span: ReadableSpan) => ({
    name: span.name,
    attributes: span.attributes,
    status: span.status,
    events: span.events.map(exceptionOf),
  })

  it('ends an async load’s span with ERROR, error.type and cache.load.result=stale', async () => {
    const cache = new AsyncCache<string, string>({ name: 'users', ttl: 1_000, failSafe })
    const stop = instrument(cache, { meterProvider: false, tracerProvider })
    expect(await cache.get('a', () => 'A')).toBe('A')
    vi.advanceTimersByTime(1_000)
    const request = tracerProvider.getTracer('app').startSpan('request')
    const got = context.with(trace.setSpan(context.active(), request), () =>
      cache.get('a', dbLoader(10, { error: new Error('db down') })),
    )
    await vi.advanceTimersByTimeAsync(10)
    expect(await got).toBe('A')
    request.end()
    const spans = spanExporter.getFinishedSpans()
    expect(tree(spans)).toEqual([
      'cache.load <- (root)',
      'db <- cache.load',
      'cache.load <- request',
      'request <- (root)',
    ])
    expect(shown(spans[0]!)).toEqual({
      name: 'cache.load',
      attributes: { 'cache.name': 'users', 'cache.load.result': 'ok' },
      status: { code: SpanStatusCode.UNSET },
      events: [],
    })
    expect(shown(spans[2]!)).toEqual(failedStale)
    expect(cache.stats().failSafeActivations).toBe(1)
    stop()
  })

  it('ends a sync load’s span the same way', () => {
    let down = false
    let calls = 0
    const load = (id: string): string => {
      calls++
      tracerProvider.getTracer('db').startSpan('db').end()
      if (down) throw new Error(`db down (${id.length})`)
      return id.toUpperCase()
    }
    const users = cached(load, { name: 'users', ttl: 1_000, failSafe })
    const stop = instrument(users, { meterProvider: false, tracerProvider })
    expect(users('a')).toBe('A')
    vi.advanceTimersByTime(1_000)
    down = true
    const request = tracerProvider.getTracer('app').startSpan('request')
    context.with(trace.setSpan(context.active(), request), () => {
      expect(users('a')).toBe('A') // the stale value, fresh again for `throttle`
      expect(users('a')).toBe('A') // a hit: no span
    })
    request.end()
    expect(calls).toBe(2)
    const spans = spanExporter.getFinishedSpans()
    expect(tree(spans)).toEqual([
      'db <- cache.load',
      'cache.load <- (root)',
      'db <- cache.load',
      'cache.load <- request',
      'request <- (root)',
    ])
    expect(shown(spans[1]!)).toEqual({
      name: 'cache.load',
      attributes: { 'cache.name': 'users', 'cache.load.result': 'ok' },
      status: { code: SpanStatusCode.UNSET },
      events: [],
    })
    expect(shown(spans[3]!)).toEqual(failedStale)
    expect(users.cache.stats().failSafeActivations).toBe(1)
    stop()
  })
})
