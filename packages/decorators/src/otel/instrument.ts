// instrument(cache): OpenTelemetry metrics and load spans for one cache, through
// @opentelemetry/api only (an optional peer dependency, loaded by this entry alone).
import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  ValueType,
  type Attributes,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type ObservableResult,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api'

import { engineOf, type AsyncCache } from '../asyncCache.js'
import type { CacheEngine } from '../engine.js'
import { configError } from '../errors.js'
import type { CacheEvent } from '../events.js'
import type { LoadTracer } from '../loadTracer.js'
import { isThenable } from '../thenable.js'
import { errorType } from './errorType.js'
import { instrumentL2 } from './l2Telemetry.js'
import { COUNTER_METRICS } from './metricTable.js'
import { MonotonicTotal } from './monotonic.js'

/** The instrumentation scope's name, for meters and tracers. */
export const INSTRUMENTATION_SCOPE = '@cache/decorators'

/**
 * Bucket boundaries of `cache.load.duration`, in seconds: OpenTelemetry's HTTP duration buckets,
 * from 5 ms to 10 s.
 */
export const LOAD_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]

/** Options of {@link instrument}. */
export interface InstrumentOptions {
  /**
   * Where the metrics go; `false` for none.
   * @default the global MeterProvider (`metrics.getMeterProvider()`)
   */
  readonly meterProvider?: MeterProvider | false
  /**
   * Where the load spans go; `false` for none.
   * @default the global TracerProvider (`trace.getTracerProvider()`)
   */
  readonly tracerProvider?: TracerProvider | false
  /**
   * The `cache.name` attribute of every metric point and span.
   * @default the cache's `name` option (a cached function's name)
   */
  readonly name?: string
}

/** What {@link instrument} accepts: an AsyncCache, or a function made by `cached()`. */
export type Instrumentable<K = unknown, V = unknown> =
  AsyncCache<K, V> | { readonly cache: AsyncCache<unknown, V> }

/** Removes the instrumentation that {@link instrument} installed. Calling it again does nothing. */
export type Uninstrument = () => void

const instrumented = new WeakSet<object>()

/**
 * Reports one cache to OpenTelemetry until the returned function is called:
 *
 * - metrics (counters read from the cache's own statistics when the SDK collects, so the hit path
 *   pays nothing): `cache.requests` by `cache.result` (`hit`, `stale`, `dedup`, `miss`),
 *   `cache.loads`, `cache.load.retries`, `cache.load.timeouts`, `cache.l2.requests` by
 *   `cache.result`, `cache.l2.errors`, and the observable gauge `cache.size`; from events:
 *   the histogram `cache.load.duration` (seconds, `error.type` on failed loads),
 *   `cache.load.errors` by `error.type` and `cache.evictions` by `cache.eviction.reason`;
 *   with an `l2`, the histogram `cache.l2.operation.duration` by `cache.l2.operation` (each
 *   call to the store) and, for a store with `health`, the gauge `cache.l2.available`;
 * - a `cache.load` span per load (a sync function's too), a child of the caller's active span,
 *   with the loader run inside it (a database call's span is its child); attributes
 *   `cache.name` and `cache.load.result` (`ok`, `error`, or `stale`: failed, and answered with
 *   a stale value by fail-safe); a failed load has `error.type` and status ERROR; with an `l2`, a `cache.l2.<operation>` span per call to the store. Neither keys
 *   nor values are ever recorded, nor their L2 keys, nor an error's message (it may name a key).
 *
 * Every metric point carries `cache.name`. One instrumentation per cache at a time.
 *
 * @example
 * ```ts
 * import { instrument } from '@cache/decorators/otel'
 * const users = new AsyncCache<number, User>({ name: 'users', maxSize: 10_000 })
 * const stop = instrument(users) // global providers; or { meterProvider, tracerProvider }
 * ```
 * @throws {CacheConfigError} when `target` is neither an AsyncCache nor a cached function, or
 * is instrumented already.
 */
export function instrument<K, V>(
  target: Instrumentable<K, V>,
  options: InstrumentOptions = {},
): Uninstrument {
  const engine = engineOfTarget(target)
  if (instrumented.has(engine)) {
    throw configError('instrument(target)', 'a cache not instrumented already', target)
  }
  instrumented.add(engine)
  const name = options.name ?? engine.config.name
  const stops: (() => void)[] = []
  const meterProvider = options.meterProvider ?? metrics.getMeterProvider()
  const meter = meterProvider === false ? undefined : meterProvider.getMeter(INSTRUMENTATION_SCOPE)
  if (meter !== undefined) stops.push(metered(engine, meter, name))
  const tracerProvider = options.tracerProvider ?? trace.getTracerProvider()
  const tracer =
    tracerProvider === false ? undefined : tracerProvider.getTracer(INSTRUMENTATION_SCOPE)
  if (tracer !== undefined) stops.push(tracing(engine, tracer, name))
  stops.push(instrumentL2(engine, { meter, tracer, name }))
  let done = false
  return () => {
    if (done) return
    done = true
    for (const stop of stops) stop()
    instrumented.delete(engine)
  }
}

function engineOfTarget<K, V>(target: Instrumentable<K, V>): CacheEngine {
  // The engine's key type does not matter to telemetry, which never reads a key.
  const cache = ('cache' in target ? target.cache : target) as unknown as AsyncCache
  try {
    return engineOf(cache)
  } catch {
    throw configError('instrument(target)', 'an AsyncCache or a cached() function', target)
  }
}

// --- metrics ------------------------------------------------------------------------------------

/** The instruments fed by events, and how each event type feeds them (one entry per type). */
interface EventInstruments {
  readonly duration: Histogram
  readonly errors: Counter
  readonly evictions: Counter
}

type EventRecorder = (
  event: CacheEvent,
  instruments: EventInstruments,
  attributes: Attributes,
) => void

/** What each event type records; a new event type (fail-safe's) adds an entry here. */
const EVENT_RECORDERS: Partial<Record<CacheEvent['type'], EventRecorder>> = {
  load: (event, { duration }, attributes) => {
    if (event.type === 'load') duration.record(event.durationMs / 1000, attributes)
  },
  loadError: (event, { duration, errors }, attributes) => {
    if (event.type !== 'loadError') return
    const failed = { ...attributes, 'error.type': errorType(event.error) }
    duration.record(event.durationMs / 1000, failed)
    errors.add(1, failed)
  },
  remove: (event, { evictions }, attributes) => {
    if (event.type !== 'remove') return
    evictions.add(1, { ...attributes, 'cache.eviction.reason': event.reason })
  },
}

function metered(engine: CacheEngine, meter: Meter, name: string): () => void {
  const base: Attributes = { 'cache.name': name }
  const instruments: EventInstruments = {
    duration: meter.createHistogram('cache.load.duration', {
      description: 'How long loads took, from the first attempt to the result (retries included).',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: [...LOAD_DURATION_BUCKETS] },
    }),
    errors: meter.createCounter('cache.load.errors', {
      description: 'Loads that failed for good (after their retries), by error.type.',
      unit: '{error}',
      valueType: ValueType.INT,
    }),
    evictions: meter.createCounter('cache.evictions', {
      description:
        'Entries that left the cache, by cache.eviction.reason (evict, expire, delete, replace, clear).',
      unit: '{entry}',
      valueType: ValueType.INT,
    }),
  }
  const stopEvents = engine.tally.on((event) => {
    EVENT_RECORDERS[event.type]?.(event, instruments, base)
  }, false)

  const observed = COUNTER_METRICS.map((metric) => {
    const counter = meter.createObservableCounter(metric.name, {
      description: metric.description,
      unit: metric.unit,
      valueType: ValueType.INT,
    })
    const points = metric.points.map((point) => ({
      attributes: { ...base, ...point.attributes },
      read: point.read,
      total: new MonotonicTotal(),
    }))
    const callback = (result: ObservableResult): void => {
      const counters = engine.tally.counters
      for (const point of points)
        result.observe(point.total.read(point.read(counters)), point.attributes)
    }
    counter.addCallback(callback)
    return () => {
      counter.removeCallback(callback)
    }
  })
  const size = meter.createObservableGauge('cache.size', {
    description: 'Fresh entries held in memory (L1).',
    unit: '{entry}',
    valueType: ValueType.INT,
  })
  const observeSize = (result: ObservableResult): void => {
    result.observe(engine.size, base)
  }
  size.addCallback(observeSize)
  return () => {
    stopEvents()
    for (const stop of observed) stop()
    size.removeCallback(observeSize)
  }
}

// --- spans --------------------------------------------------------------------------------------

/** The attribute of every `cache.load` span that tells how the load ended. */
const LOAD_RESULT = 'cache.load.result'

/** Ends a load's span that succeeded. */
function endLoaded(span: Span): void {
  span.setAttribute(LOAD_RESULT, 'ok')
  span.end()
}

/**
 * Ends a load's span with the error that failed it: status ERROR and `error.type`; `stale`:
 * fail-safe answered its callers with a stale value instead. Neither the error's message nor its
 * stack is recorded: a message may name the key (this package's own timeout error does), and keys
 * are never recorded.
 */
function endFailed(span: Span, error: unknown, stale: boolean): void {
  span.setAttribute(LOAD_RESULT, stale ? 'stale' : 'error')
  span.setAttribute('error.type', errorType(error))
  span.setStatus({ code: SpanStatusCode.ERROR })
  span.end()
}

function tracing(engine: CacheEngine, tracer: Tracer, name: string): () => void {
  const options: SpanOptions = { kind: SpanKind.INTERNAL, attributes: { 'cache.name': name } }
  const loadTracer: LoadTracer<unknown> = {
    load(_key, flight, load) {
      const parent = context.active()
      const span = tracer.startSpan('cache.load', options, parent)
      flight.promise.then(
        () => {
          endLoaded(span)
        },
        (error: unknown) => {
          // The error is the load's even when fail-safe answered its callers with a stale value.
          endFailed(span, error, flight.answer?.answered === true)
        },
      )
      return context.with(trace.setSpan(parent, span), load)
    },
    // A span per sync load too: a miss runs the function, which costs far more than a span
    // (about a microsecond with the SDK), and what the function starts (a span of a sync call
    // it makes) belongs under it. Hits make none, sync or async.
    loadSync(_key, run) {
      const parent = context.active()
      const span = tracer.startSpan('cache.load', options, parent)
      let result: unknown
      // Set when the function failed and fail-safe answered with a stale value.
      let failed: { error: unknown } | undefined
      const servedStale = (error: unknown): void => {
        failed = { error }
      }
      try {
        result = context.with(trace.setSpan(parent, span), run, undefined, servedStale)
      } catch (error) {
        endFailed(span, error, false)
        throw error
      }
      if (failed !== undefined) {
        endFailed(span, failed.error, true)
        return result
      }
      if (!isThenable(result)) {
        endLoaded(span)
        return result
      }
      result.then(
        () => {
          endLoaded(span)
        },
        (error: unknown) => {
          endFailed(span, error, false)
        },
      )
      return result
    },
  }
  engine.tally.tracer = loadTracer
  return () => {
    if (engine.tally.tracer === loadTracer) engine.tally.tracer = undefined
  }
}
