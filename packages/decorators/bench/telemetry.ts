// What telemetry costs a hit, for AsyncCache#get and a cached(async fn), raced in one process:
// no telemetry; instrument() with metrics only; metrics and tracing, both with the SDK's real
// providers (a periodic metric reader collecting every 100 ms and a batch span processor, each with
// an exporter that drops what it gets); and a diagnostics_channel subscriber on our channels
// (subscribed only while its contender runs: it is process-wide). Hits are counted from the
// cache's own counters when the SDK collects and make no span, so the goal is no difference.
// Then the cost of a span per sync load (a miss of a cached sync function), tracing off and on.
import diagnostics from 'node:diagnostics_channel'

import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'

import { AsyncCache, cached, DIAGNOSTICS_CHANNELS } from '../src/index.js'
import { instrument, type Instrumentable } from '../src/otel/index.js'
import { dropMetrics, dropSpans } from './dropExporters.js'
import { compile, race, report, type Contender } from './race.js'

function providers(): { meterProvider: MeterProvider; tracerProvider: BasicTracerProvider } {
  const reader = new PeriodicExportingMetricReader({
    exporter: dropMetrics,
    exportIntervalMillis: 100,
  })
  return {
    meterProvider: new MeterProvider({ readers: [reader] }),
    tracerProvider: new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(dropSpans)],
    }),
  }
}

function noop(): void {}

/** A subscriber on every channel of ours while a contender runs. */
const subscribed: NonNullable<Contender['around']> = {
  before: () => {
    for (const name of Object.values(DIAGNOSTICS_CHANNELS)) diagnostics.subscribe(name, noop)
  },
  after: () => {
    for (const name of Object.values(DIAGNOSTICS_CHANNELS)) diagnostics.unsubscribe(name, noop)
  },
}

type Variant = 'off' | 'metrics' | 'metrics+traces' | 'diagnostics channel'
const VARIANTS: readonly Variant[] = ['off', 'metrics', 'metrics+traces', 'diagnostics channel']

/** Instruments `target` as `variant` says. */
function setUp<K, V>(target: Instrumentable<K, V>, variant: Variant): void {
  if (variant === 'metrics') {
    instrument(target, { meterProvider: providers().meterProvider, tracerProvider: false })
  } else if (variant === 'metrics+traces') {
    instrument(target, providers())
  }
}

/** Prints each variant's time per call against `off`'s: what telemetry adds to a call. */
function overhead(title: string, ops: Map<string, number>, names: readonly string[]): void {
  const off = ops.get(names[0]!)!
  console.log(`\n${title}: time per call against no telemetry`)
  for (const name of names.slice(1)) {
    const ratio = off / ops.get(name)!
    const ns = (1e9 / ops.get(name)! - 1e9 / off).toFixed(1)
    console.log(`- ${name}: ${ratio.toFixed(3)}x (${ratio >= 1 ? '+' : ''}${ns} ns)`)
  }
}

/** Races the hit paths over `trace`, each variant a contender. */
export async function telemetryHits(trace: readonly number[], ops: number): Promise<void> {
  const keys = [...new Set(trace)]
  // eslint-disable-next-line @typescript-eslint/require-await
  const doubleAsync = async (n: number): Promise<number> => n * 2

  const caches = VARIANTS.map((variant) => {
    const cache = new AsyncCache<number, number>({ name: variant, maxSize: 10_000 })
    for (const k of keys) cache.set(k, k * 2)
    setUp(cache, variant)
    return { variant, cache }
  })
  const fns = VARIANTS.map((variant) => {
    const fn = cached(doubleAsync, { name: variant, maxSize: 10_000 })
    setUp(fn, variant)
    return { variant, fn }
  })
  for (const { fn } of fns) for (const k of keys) await fn(k)

  const contender = (name: string, target: unknown, call: string, variant: Variant): Contender => ({
    name,
    // `off` is the peer, so that report() prints each variant's ops/s against it.
    ours: variant !== 'off',
    run: compile(
      `for (let i = 0; i < trace.length; i++) await ${call}(trace[i])`,
      target,
      { trace },
      true,
    ),
    ...(variant === 'diagnostics channel' ? { around: subscribed } : {}),
  })
  const gets = caches.map(({ variant, cache }) =>
    contender(`AsyncCache#get, ${variant}`, cache, 'fn.get', variant),
  )
  const getOps = await race(ops, gets)
  report('AsyncCache#get hit path, telemetry off and on', gets, getOps)
  overhead(
    'AsyncCache#get',
    getOps,
    gets.map((c) => c.name),
  )
  const calls = fns.map(({ variant, fn }) =>
    contender(`cached(async fn), ${variant}`, fn, 'fn', variant),
  )
  const callOps = await race(ops, calls)
  report('cached(async fn) hit path, telemetry off and on', calls, callOps)
  overhead(
    'cached(async fn)',
    callOps,
    calls.map((c) => c.name),
  )
}

/**
 * A sync function's miss (every call: one-entry caches over alternating keys, so each call loads
 * and evicts) with tracing off and on: the cost of a span per sync load.
 */
export async function syncLoadSpans(): Promise<void> {
  const double = (n: number): number => n * 2
  const off = cached(double, { name: 'off', maxSize: 1 })
  const traced = cached(double, { name: 'traced', maxSize: 1 })
  instrument(traced, { meterProvider: false, tracerProvider: providers().tracerProvider })
  const OPS = 1000
  const contenders = [
    { name: 'sync load, tracing off', ours: false, fn: off },
    { name: 'sync load, tracing on', ours: true, fn: traced },
  ].map(({ name, ours, fn }) => ({
    name,
    ours,
    run: compile('for (let i = 0; i < 1000; i++) fn(i & 1)', fn, {}, false),
  }))
  const result = await race(OPS, contenders)
  report('Sync miss (a load each call), tracing off and on', contenders, result)
  overhead(
    'Sync load',
    result,
    contenders.map((c) => c.name),
  )
}
