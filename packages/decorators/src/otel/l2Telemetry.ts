// The second tier's side of instrument(): each call the cache makes to its store timed by
// operation (`cache.l2.operation.duration`) and, with tracing, a `cache.l2.<operation>` span;
// the store's `health` as the gauge `cache.l2.available`. The calls are seen through a wrapper
// of the store that the cache uses only while it is instrumented, so an uninstrumented cache
// pays nothing and the store needs to know nothing of telemetry.
import {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  ValueType,
  type Attributes,
  type Context,
  type Histogram,
  type Meter,
  type ObservableResult,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api'

import type { CacheEngine } from '../engine.js'
import type { L2LockResult, L2Record, L2Store } from '../l2.js'
import type { L2Health } from '../l2Health.js'
import { errorType } from './errorType.js'

/**
 * Bucket boundaries of `cache.l2.operation.duration`, in seconds: from 0.5 ms (a Redis call on
 * the same network) to 2.5 s (past any sensible call timeout).
 */
export const L2_DURATION_BUCKETS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
]

/** The store's calls as `cache.l2.operation` names them: its methods, and a lock's two. */
export type L2Operation =
  'get' | 'set' | 'delete' | 'clear' | 'lock' | 'commit' | 'release' | 'invalidateTags'

const OPERATIONS: readonly L2Operation[] = [
  'get',
  'set',
  'delete',
  'clear',
  'lock',
  'commit',
  'release',
  'invalidateTags',
]

/** What {@link instrumentL2} reports to: either may be absent (metrics or tracing off). */
export interface L2TelemetryTargets {
  readonly meter: Meter | undefined
  readonly tracer: Tracer | undefined
  readonly name: string
}

/** A clock in ms with sub-ms precision, read at each call so that fake timers apply. */
function preciseNow(): number {
  return performance.now()
}

/**
 * Reports `engine`'s second tier (nothing without one); returns the function that stops it.
 * The calls' wrapper is in place only while metrics or tracing is on.
 */
export function instrumentL2(engine: CacheEngine, targets: L2TelemetryTargets): () => void {
  const tier = engine.l2
  const store = engine.config.l2
  if (tier === undefined || store === undefined) return noop
  const { meter, tracer, name } = targets
  const stops: (() => void)[] = []
  const duration = meter?.createHistogram('cache.l2.operation.duration', {
    description: 'Calls to the second tier (l2), by cache.l2.operation; error.type when failed.',
    unit: 's',
    valueType: ValueType.DOUBLE,
    advice: { explicitBucketBoundaries: [...L2_DURATION_BUCKETS] },
  })
  if (meter !== undefined && 'health' in store) stops.push(observeHealth(meter, store, name))
  if (duration !== undefined || tracer !== undefined) {
    const calls = new L2Calls(duration, tracer, name)
    stops.push(tier.intercept((inner) => calls.wrap(inner)))
  }
  return () => {
    for (const stop of stops) stop()
  }
}

function noop(): void {}

// --- health -------------------------------------------------------------------------------------

/** `cache.l2.available`: 1 while the store (or each of its servers) is usable, else 0. */
function observeHealth(meter: Meter, store: L2Store, name: string): () => void {
  const gauge = meter.createObservableGauge('cache.l2.available', {
    description:
      'Whether the second tier (l2) is used: 1, or 0 while it is skipped (connection lost, circuit breaker open); per cache.l2.node for a store with several servers.',
    unit: '1',
    valueType: ValueType.INT,
  })
  const base: Attributes = { 'cache.name': name }
  const callback = (result: ObservableResult): void => {
    const health = healthOf(store)
    if (health === undefined) return
    if (health.nodes === undefined) {
      result.observe(health.state === 'available' ? 1 : 0, base)
      return
    }
    for (const node of health.nodes) {
      const value = node.state === 'available' ? 1 : 0
      result.observe(value, { ...base, 'cache.l2.node': node.node })
    }
  }
  gauge.addCallback(callback)
  return () => {
    gauge.removeCallback(callback)
  }
}

/** The store's `health`, or `undefined` when it has none that reads as one (or it throws). */
function healthOf(store: L2Store): L2Health | undefined {
  let health: unknown
  try {
    health = store.health
  } catch {
    return undefined
  }
  if (typeof health !== 'object' || health === null) return undefined
  const { state, nodes } = health as { state?: unknown; nodes?: unknown }
  if (state !== 'available' && state !== 'unavailable') return undefined
  if (nodes === undefined) return { state }
  if (!Array.isArray(nodes)) return undefined
  const valid = (nodes as unknown[]).filter(
    (n): n is { node: string; state: 'available' | 'unavailable' } =>
      typeof n === 'object' &&
      n !== null &&
      typeof (n as { node?: unknown }).node === 'string' &&
      ((n as { state?: unknown }).state === 'available' ||
        (n as { state?: unknown }).state === 'unavailable'),
  )
  return { state, nodes: valid }
}

// --- calls --------------------------------------------------------------------------------------

/** Times and traces the calls of one cache to its store. */
class L2Calls {
  readonly #duration: Histogram | undefined
  readonly #tracer: Tracer | undefined
  /** Each operation's attributes, made once: a call allocates none unless it fails. */
  readonly #attributes: Readonly<Record<L2Operation, Attributes>>
  readonly #spanNames: Readonly<Record<L2Operation, string>>
  readonly #spanOptions: Readonly<Record<L2Operation, SpanOptions>>

  constructor(duration: Histogram | undefined, tracer: Tracer | undefined, name: string) {
    this.#duration = duration
    this.#tracer = tracer
    const attributes = {} as Record<L2Operation, Attributes>
    const spanNames = {} as Record<L2Operation, string>
    const spanOptions = {} as Record<L2Operation, SpanOptions>
    for (const op of OPERATIONS) {
      attributes[op] = { 'cache.name': name, 'cache.l2.operation': op }
      spanNames[op] = `cache.l2.${op}`
      spanOptions[op] = { kind: SpanKind.CLIENT, attributes: attributes[op] }
    }
    this.#attributes = attributes
    this.#spanNames = spanNames
    this.#spanOptions = spanOptions
  }

  /** A store that makes `inner`'s calls through {@link call}; optional methods stay optional. */
  wrap(inner: L2Store): L2Store {
    const wrapped: {
      -readonly [M in keyof L2Store]: L2Store[M]
    } = {
      get: (keys) => this.call('get', () => inner.get(keys), describeRead),
      set: (writes, notify) => this.call('set', () => inner.set(writes, notify)),
      delete: (keys, options) => this.call('delete', () => inner.delete(keys, options)),
      clear: (options) => this.call('clear', () => inner.clear(options)),
    }
    if (inner.subscribe !== undefined) {
      wrapped.subscribe = (subscriber) => inner.subscribe!(subscriber)
    }
    if (inner.lock !== undefined) {
      wrapped.lock = (key, options) =>
        this.call('lock', () => inner.lock!(key, options), describeLock).then((result) =>
          this.#lease(result),
        )
    }
    if (inner.invalidateTags !== undefined) {
      wrapped.invalidateTags = (tags) =>
        this.call('invalidateTags', () => inner.invalidateTags!(tags))
    }
    return wrapped
  }

  /** A lock acquired, its release and commit made through {@link call} too. */
  #lease(result: L2LockResult): L2LockResult {
    if (result.status !== 'acquired') return result
    return {
      status: 'acquired',
      release: (written) => this.call('release', () => result.release(written)),
      ...(result.commit === undefined
        ? {}
        : { commit: (write) => this.call('commit', () => result.commit!(write)) }),
    }
  }

  /**
   * Runs one store call, inside its span when tracing (a child of the active span: the caller's
   * for a read or a lock, the load's for the write of its value), and records its duration.
   */
  call<T>(
    op: L2Operation,
    run: () => Promise<T>,
    describe?: (span: Span, result: T) => void,
  ): Promise<T> {
    const started = preciseNow()
    const attributes = this.#attributes[op]
    // The active context only when tracing: metrics alone need nothing of it.
    const tracer = this.#tracer
    let parent: Context | undefined
    let span: Span | undefined
    if (tracer !== undefined) {
      parent = context.active()
      span = tracer.startSpan(this.#spanNames[op], this.#spanOptions[op], parent)
    }
    let promise: Promise<T>
    try {
      promise = span === undefined ? run() : context.with(trace.setSpan(parent!, span), run)
    } catch (error) {
      // A store that throws instead of rejecting: the same as a rejection, for the cache too.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      promise = Promise.reject(error)
    }
    return Promise.resolve(promise).then(
      (result) => {
        this.#duration?.record((preciseNow() - started) / 1000, attributes)
        if (span !== undefined) {
          describe?.(span, result)
          span.end()
        }
        return result
      },
      (error: unknown) => {
        const type = errorType(error)
        this.#duration?.record((preciseNow() - started) / 1000, {
          ...attributes,
          'error.type': type,
        })
        if (span !== undefined) {
          span.setAttribute('error.type', type)
          span.setStatus({ code: SpanStatusCode.ERROR })
          span.end()
        }
        throw error
      },
    )
  }
}

/** A read's span: `cache.result` of a one-key read. */
function describeRead(span: Span, records: readonly (L2Record | undefined)[]): void {
  if (records.length === 1) span.setAttribute('cache.result', readResult(records[0]))
}

/** A lock call's span: what the store answered. */
function describeLock(span: Span, result: L2LockResult): void {
  span.setAttribute('cache.l2.lock.status', result.status)
}

/** `cache.result` of a one-key read: a fresh copy, one kept stale for fail-safe, or none. */
function readResult(record: L2Record | undefined): 'hit' | 'stale' | 'miss' {
  if (record === undefined) return 'miss'
  return record.ttlMs > 0 ? 'hit' : 'stale'
}
