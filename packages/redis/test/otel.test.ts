// instrument() of a cache whose l2 is a redisStore: the store's calls as metrics, and its health
// (connections and circuit breaker as one state) as the gauge cache.l2.available, read through
// the L2 contract's `health` without @cache/decorators/otel knowing Redis. A real server, killed
// and restarted.
import { AsyncCache } from '@cache/decorators'
import { instrument } from '@cache/decorators/otel'
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { redisStore } from '../src/index.js'
import { usePrivateServer, waitFor } from './helpers.js'

const env = usePrivateServer()

class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve()
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

/** Each point of `name` as `attributes → value` (a histogram's: its count). */
function points(metrics: MetricData[], name: string): Record<string, number> {
  const metric = metrics.find((m) => m.descriptor.name === name)
  const out: Record<string, number> = {}
  for (const point of metric?.dataPoints ?? []) {
    const label = Object.entries(point.attributes)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(',')
    out[label] =
      metric!.dataPointType === DataPointType.HISTOGRAM
        ? (point.value as { count: number }).count
        : (point.value as number)
  }
  return out
}

describe('instrument(cache) with a redisStore', () => {
  it('reports the store’s calls, and 0 for cache.l2.available while Redis is down', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {})
    const reader = new ManualReader({
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
    })
    const meterProvider = new MeterProvider({ readers: [reader] })
    const store = redisStore({
      url: env.server.url,
      prefix: 'otel:',
      // Generous: a first call that timed out on a loaded machine would make the miss load
      // without the lock and write with `set`, not `commit`. A killed server drops the
      // connection at once, so the outage below needs no timeout to be seen.
      timeoutMs: 2_000,
      breaker: { failureThreshold: 1, cooldownMs: 50, maxCooldownMs: 100 },
    })
    env.stores.push(store)
    await store.connect()
    const reported: string[] = []
    const cache = new AsyncCache<string, string>({
      name: 'users',
      l2: store,
      onError: (error) => reported.push(String(error)),
    })
    const stop = instrument(cache, { meterProvider, tracerProvider: false })
    const collect = async () => (await reader.collect()).resourceMetrics.scopeMetrics[0]!.metrics

    expect(await cache.get('a', () => 'A')).toBe('A')
    await cache.whenL2Settled()
    let metrics = await collect()
    // A miss: one read-or-lock round trip, then the value written and the lock freed in one.
    expect(points(metrics, 'cache.l2.operation.duration')).toEqual({
      'cache.name=users,cache.l2.operation=lock': 1,
      'cache.name=users,cache.l2.operation=commit': 1,
    })
    expect(points(metrics, 'cache.l2.available')).toEqual({ 'cache.name=users': 1 })

    await env.server.stop('SIGKILL')
    await waitFor(() => store.health.state === 'unavailable', 5_000, 'Redis seen down')
    expect(points(await collect(), 'cache.l2.available')).toEqual({ 'cache.name=users': 0 })
    // Served without Redis meanwhile; each skipped call counted with its error's class.
    expect(await cache.get('b', () => 'B')).toBe('B')
    await cache.whenL2Settled()
    metrics = await collect()
    // redisStore answers a skipped call (a lock, a write) without an error: the outage shows in
    // cache.l2.available, and in cache.l2.errors, which counts what the store reported (once per
    // lost connection, not per call).
    expect(points(metrics, 'cache.l2.operation.duration')).toEqual({
      'cache.name=users,cache.l2.operation=lock': 2,
      'cache.name=users,cache.l2.operation=commit': 1,
      'cache.name=users,cache.l2.operation=set': 1,
    })
    await waitFor(() => reported.length === 2, 5_000, 'both connections reported lost')
    expect(reported.sort()).toEqual([
      'RedisStoreError: Lost the command connection to Redis',
      'RedisStoreError: Lost the subscriber connection to Redis',
    ])
    expect(points(await collect(), 'cache.l2.errors')).toEqual({ 'cache.name=users': 2 })

    await env.server.start()
    await waitFor(() => store.health.state === 'available', 10_000, 'Redis seen back')
    expect(points(await collect(), 'cache.l2.available')).toEqual({ 'cache.name=users': 1 })
    stop()
    await meterProvider.shutdown()
  }, 30_000)
})
