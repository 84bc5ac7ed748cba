// The hit path with telemetry off and on: cached() functions (async and sync) alone, and the same
// functions with instrument() reporting to an OpenTelemetry SDK (a MeterProvider and a
// BasicTracerProvider with no exporter). Hits are counted from the cache's own counters when the
// SDK collects, so the goal is no difference.
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base'
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'

import { cached } from '../src/index.js'
import { instrument } from '../src/otel/index.js'
import { compile, race, report, type Contender } from './race.js'

class ManualReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve()
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve()
  }
}

/** Races the hit paths of plain and instrumented cached() functions over `trace`. */
export async function telemetryHits(trace: readonly number[], ops: number): Promise<void> {
  const meterProvider = new MeterProvider({ readers: [new ManualReader()] })
  const tracerProvider = new BasicTracerProvider()
  // eslint-disable-next-line @typescript-eslint/require-await
  const doubleAsync = async (n: number): Promise<number> => n * 2
  const double = (n: number): number => n * 2
  const off = cached(doubleAsync, { maxSize: 10_000 })
  const on = cached(doubleAsync, { maxSize: 10_000 })
  const syncOff = cached(double, { maxSize: 10_000 })
  const syncOn = cached(double, { maxSize: 10_000 })
  instrument(on, { meterProvider, tracerProvider })
  instrument(syncOn, { meterProvider, tracerProvider })
  for (const key of new Set(trace)) {
    await off(key)
    await on(key)
    syncOff(key)
    syncOn(key)
  }
  const run = (name: string, fn: unknown, async: boolean): Contender => ({
    name,
    ours: name.endsWith('off'),
    run: compile(
      `for (let i = 0; i < trace.length; i++) ${async ? 'await ' : ''}fn(trace[i])`,
      fn,
      { trace },
      async,
    ),
  })
  const asyncContenders = [
    run('async, telemetry off', off, true),
    run('async, telemetry on', on, true),
  ]
  report('Async hit path, telemetry off vs on', asyncContenders, await race(ops, asyncContenders))
  const syncContenders = [
    run('sync, telemetry off', syncOff, false),
    run('sync, telemetry on', syncOn, false),
  ]
  report('Sync hit path, telemetry off vs on', syncContenders, await race(ops, syncContenders))
}
