// The README's dashboard queries use the names the Prometheus exporter really gives our metrics:
// a cache with an l2 goes through hits, misses, a failed load, an eviction and an L2 outage, and
// every metric and label name of the README's PromQL must appear in the exporter's output.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { otelSdk, type OtelSdk } from '../../test/otelSdk.js'
import { AsyncCache } from '../asyncCache.js'
import { MemoryL2Server, memoryL2Store } from '../testing/memoryL2Store.js'
import { instrument } from './index.js'

const readme = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md'),
  'utf8',
)

/** The PromQL of the README's dashboard, comments left out. */
function dashboard(): string {
  const blocks = [...readme.matchAll(/^```promql\n([\s\S]*?)^```$/gm)].map((m) => m[1]!)
  expect(blocks).toHaveLength(1)
  return blocks[0]!
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join('\n')
}

let sdk: OtelSdk
beforeEach(() => {
  sdk = otelSdk()
})
afterEach(async () => {
  await sdk.shutdown()
})

/** The exporter's text for a scripted sequence that makes every metric of the dashboard. */
async function exposition(): Promise<string> {
  const server = new MemoryL2Server()
  const cache = new AsyncCache<string, string>({
    name: 'users',
    maxSize: 1,
    l2: memoryL2Store({ server }),
  })
  const stop = instrument(cache, { meterProvider: sdk.meterProvider, tracerProvider: false })
  await cache.get('a', () => 'A')
  await cache.get('a')
  await expect(
    cache.get('b', () => {
      throw new TypeError('db down')
    }),
  ).rejects.toThrow('db down')
  await cache.get('c', () => 'C')
  server.disconnect()
  await cache.get('d', () => 'D')
  await cache.whenL2Settled()
  const { resourceMetrics } = await sdk.reader.collect()
  stop()
  // The exporter pins its own sdk-metrics (2.12.0), whose enums are other types than ours
  // (2.12.1) with the same values: the data is what it reads.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
  return new PrometheusSerializer().serialize(resourceMetrics)
}

describe('the README dashboard', () => {
  it('names only series and labels that the Prometheus exporter produces', async () => {
    const text = await exposition()
    const samples = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'))
    const series = new Set(samples.map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0]))
    const labels = new Set(
      samples.flatMap((line) =>
        [...line.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1]!),
      ),
    )
    const promql = dashboard()
    const used = new Set(
      [...promql.matchAll(/\b[a-z][a-z0-9_]*\b/g)]
        .map((m) => m[0])
        .filter((word) => word.includes('_') || word === 'le'),
    )
    const functions = new Set(['histogram_quantile'])
    const missing = [...used].filter((n) => !functions.has(n) && !series.has(n) && !labels.has(n))
    expect(missing).toEqual([])
    // What the queries rest on, exactly as exported.
    for (const name of [
      'cache_requests_total',
      'cache_load_duration_bucket',
      'cache_load_errors_total',
      'cache_l2_errors_total',
      'cache_l2_operation_duration_count',
      'cache_l2_operation_duration_bucket',
      'cache_l2_requests_total',
      'cache_l2_available',
      'cache_evictions_total',
      'cache_size',
    ]) {
      expect(used.has(name), name).toBe(true)
      expect(series.has(name), name).toBe(true)
    }
    expect(samples).toContain(
      'cache_l2_available{cache_name="users",otel_scope_name="@cache/decorators"} 0',
    )
    expect(samples).toContain(
      'cache_load_errors_total{cache_name="users",error_type="TypeError",otel_scope_name="@cache/decorators"} 1',
    )
  })
})
