// instrument(): exact metric values and span trees for a scripted sequence of calls, read with the
// OpenTelemetry SDK's in-memory exporters.
import { context, trace, type Attributes } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  MetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics'
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'

import { AsyncCache } from '../asyncCache.js'
import { cached } from '../cached.js'
import { instrument, LOAD_DURATION_BUCKETS } from './index.js'

/** A reader that collects only when asked (a periodic one would wait on the fake timers). */
class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve()
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}

const contextManager = new AsyncLocalStorageContextManager()
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable())
})
afterAll(() => {
  context.disable()
})

let metricExporter: InMemoryMetricExporter
let reader: ManualReader
let meterProvider: MeterProvider
let spanExporter: InMemorySpanExporter
let tracerProvider: BasicTracerProvider

beforeEach(() => {
  vi.useFakeTimers({ now: 0, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  reader = new ManualReader({
    aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
  })
  meterProvider = new MeterProvider({ readers: [reader] })
  spanExporter = new InMemorySpanExporter()
  tracerProvider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
  })
})
afterEach(async () => {
  vi.useRealTimers()
  await meterProvider.shutdown()
  await tracerProvider.shutdown()
})

/** The metrics as exported now, by name. */
async function collect(): Promise<Map<string, MetricData>> {
  metricExporter.reset()
  const { resourceMetrics, errors } = await reader.collect()
  expect(errors).toEqual([])
  metricExporter.export(resourceMetrics, () => undefined)
  const exported = metricExporter.getMetrics()
  const byName = new Map<string, MetricData>()
  for (const resource of exported) {
    for (const scope of resource.scopeMetrics) {
      expect(scope.scope.name).toBe('@cache/decorators')
      for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric)
    }
  }
  return byName
}

/** Each point of a sum or gauge as `attributes → value`, attributes rendered as `k=v,…`. */
function points(metrics: Map<string, MetricData>, name: string): Record<string, number> {
  const metric = metrics.get(name)
  if (metric === undefined) throw new Error(`no metric ${name}`)
  const out: Record<string, number> = {}
  for (const point of metric.dataPoints) out[label(point.attributes)] = point.value as number
  return out
}

function label(attributes: Attributes): string {
  return Object.entries(attributes)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',')
}

/** Each histogram point as `attributes → { count, sum }` (sum rounded to the microsecond). */
function histogram(
  metrics: Map<string, MetricData>,
  name: string,
): Record<string, { count: number; sum: number }> {
  const metric = metrics.get(name)
  if (metric?.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`no histogram ${name}`)
  const out: Record<string, { count: number; sum: number }> = {}
  for (const point of metric.dataPoints) {
    out[label(point.attributes)] = {
      count: point.value.count,
      sum: Math.round((point.value.sum ?? NaN) * 1e6) / 1e6,
    }
  }
  return out
}

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
  /** Each span as `name <- parent name`, in the order they ended. */
  function tree(spans: readonly ReadableSpan[]): string[] {
    const names = new Map(spans.map((s) => [s.spanContext().spanId, s.name]))
    return spans.map((s) => {
      const parent = s.parentSpanContext?.spanId
      return `${s.name} <- ${parent === undefined ? '(root)' : (names.get(parent) ?? '?')}`
    })
  }

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
      { 'cache.name': 'users' },
      { 'cache.name': 'users', 'error.type': 'TypeError' },
      { 'cache.name': 'users' },
      { 'cache.name': 'users' },
    ])
    expect(loads.map((s) => s.status.code)).toEqual([0, 2, 0, 0])
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
