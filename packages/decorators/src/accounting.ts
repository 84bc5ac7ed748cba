// Everything a cache counts and reports, in one place: each method below is one thing that
// happened, its counter increments and the event it makes (the only place events are made), so
// that no path of the engine counts a hit, a miss or a load on its own. Events are built only
// while someone listens; errors nobody can receive go to `onError`.
import { configError } from './errors.js'
import type {
  CacheEvent,
  CacheEventListener,
  ErrorContext,
  ErrorHandler,
  RemovalReason,
} from './events.js'
import type { ReplayOp } from './replayQueue.js'
import { newCounters, recordLoadTime, resetCounters, type Counters } from './stats.js'
import { diagnosticsActive, freshHitChannel, publishEvent, publishFreshHit } from './diagnostics.js'
import type { LoadTracer } from './loadTracer.js'

/** The counters, listeners and error hook of one cache. */
export class Tally<K> {
  /** Never replaced (`reset()` zeroes it in place), so a snapshot can always read it. */
  readonly counters: Counters = newCounters()
  /** `undefined` while nobody listens: the hot path tests this one field. */
  #listeners: readonly CacheEventListener<K>[] | undefined = undefined
  /** The listeners that want fresh hits too (telemetry counts those from `counters`). */
  #hitListeners: readonly CacheEventListener<K>[] | undefined = undefined
  readonly #onError: ErrorHandler
  /** The cache's `name`, for diagnostics messages. */
  readonly name: string
  /** Wraps loads in spans while OpenTelemetry tracing is on (telemetryHooks.ts). */
  tracer: LoadTracer<K> | undefined = undefined

  constructor(onError: ErrorHandler, onEvent: CacheEventListener<K> | undefined, name: string) {
    this.#onError = onError
    this.name = name
    if (onEvent !== undefined) this.#listeners = this.#hitListeners = [onEvent]
  }

  // --- what happened -------------------------------------------------------------------------

  /** A call served from a fresh entry: the hot path, so it does nothing else. */
  hit(key: K): void {
    this.counters.hits++
    if (this.#hitListeners !== undefined) this.#emitHit(key)
    if (freshHitChannel.hasSubscribers) publishFreshHit(this.name, key)
  }

  /** A call served an expired value under `staleWhileRevalidate`. */
  staleHit(key: K): void {
    this.counters.staleHits++
    this.counters.hits++
    if (this.#watched()) this.#emit({ type: 'hit', key, kind: 'stale' })
  }

  /** A call that joined the load already in flight for its key. */
  sharedHit(key: K): void {
    this.counters.dedupHits++
    this.counters.hits++
    if (this.#watched()) this.#emit({ type: 'hit', key, kind: 'shared' })
  }

  /** A call that found nothing usable. */
  miss(key: K): void {
    this.counters.misses++
    if (this.#watched()) this.#emit({ type: 'miss', key })
  }

  /**
   * A call of a function cached with `enabled: false`: it runs the function and keeps nothing,
   * so it is what `maxSize: 0` makes of every call, a miss and a load.
   */
  uncached(key: K): void {
    this.counters.misses++
    this.counters.loads++
    if (this.#watched()) this.#emit({ type: 'miss', key })
  }

  /** A loader is about to run (an L2 hit is no load). */
  loadStarted(): void {
    this.counters.loads++
  }

  /** A load produced its value after `attempts` attempts. */
  loaded(key: K, durationMs: number, attempts: number): void {
    recordLoadTime(this.counters, durationMs)
    if (this.#watched()) {
      this.#emit({ type: 'load', key, durationMs, attempts })
    }
  }

  /** Nothing was left of a load to report but its time (every waiter gave up). */
  loadTime(durationMs: number): void {
    recordLoadTime(this.counters, durationMs)
  }

  /** A load failed for good: counted now, reported by {@link loadFailedEvent} once settled. */
  loadFailed(durationMs: number): void {
    this.counters.loadErrors++
    recordLoadTime(this.counters, durationMs)
  }

  /** The event of a failed load, once its callers are about to get the error. */
  loadFailedEvent(key: K, error: unknown, durationMs: number, attempts: number): void {
    if (this.#watched()) {
      this.#emit({ type: 'loadError', key, error, durationMs, attempts })
    }
  }

  /** Attempt number `attempt` is about to be made, `delayMs` after the failure of the last. */
  retrying(key: K, attempt: number, delayMs: number, error: unknown): void {
    this.counters.retries++
    if (this.#watched()) {
      this.#emit({ type: 'retry', key, attempt, delayMs, error })
    }
  }

  /** An attempt exceeded `timeoutMs`. */
  timedOut(): void {
    this.counters.timeouts++
  }

  /** Fail-safe served a stale value instead of `error`, the failure of `key`'s load. */
  failSafe(key: K, error: unknown): void {
    this.counters.failSafeActivations++
    if (this.#listeners !== undefined) this.#emit({ type: 'failSafe', key, error })
  }

  /** A load outlasted `timeouts.soft`: its callers got the stale value, it goes on. */
  softTimeout(key: K, timeoutMs: number): void {
    this.counters.softTimeouts++
    if (this.#listeners !== undefined) this.#emit({ type: 'softTimeout', key, timeoutMs })
  }

  /** A load that outlasted `timeouts.soft` produced its value (kept in L1 and L2). */
  backgroundLoaded(key: K, durationMs: number): void {
    this.counters.backgroundLoads++
    if (this.#listeners !== undefined) this.#emit({ type: 'backgroundLoad', key, durationMs })
  }

  /** A load that outlasted `timeouts.soft` failed. */
  backgroundFailed(key: K, error: unknown, durationMs: number): void {
    this.counters.backgroundLoadErrors++
    if (this.#listeners !== undefined) {
      this.#emit({ type: 'backgroundLoadError', key, error, durationMs })
    }
  }

  /** An entry left the store. */
  removed(key: K, reason: RemovalReason): void {
    if (reason === 'evict') this.counters.evictions++
    else if (reason === 'expire') this.counters.expirations++
    if (this.#watched()) this.#emit({ type: 'remove', key, reason })
  }

  /**
   * `tags` were invalidated (`remote`: by another instance, received through the store), which
   * removed `removed` entries here.
   */
  tagsInvalidated(tags: readonly string[], removed: number, remote: boolean): void {
    if (remote) this.counters.tagInvalidationsReceived++
    else this.counters.tagInvalidations++
    if (this.#watched()) {
      this.#emit({ type: 'invalidateTags', tags, removed, remote })
    }
  }

  /** A hit past its entry's `eagerRefresh` point started a background refresh. */
  eagerRefreshStarted(key: K): void {
    this.counters.eagerRefreshes++
    if (this.#watched()) this.#emit({ type: 'eagerRefresh', key, outcome: 'started' })
  }

  /** Another instance is refreshing the key (it holds the L2 lock): this one does not load. */
  eagerRefreshBusy(key: K): void {
    if (this.#watched()) this.#emit({ type: 'eagerRefresh', key, outcome: 'busy' })
  }

  /** An eager refresh failed; its entry is kept. */
  eagerRefreshFailed(key: K, error: unknown): void {
    this.counters.eagerRefreshErrors++
    if (this.#watched()) {
      this.#emit({ type: 'eagerRefresh', key, outcome: 'failed', error })
    }
  }

  /** A delete or clear L2 could not take was queued (replayQueue.ts). */
  queued(op: ReplayOp): void {
    this.counters.l2ReplayQueued++
    if (this.#watched()) this.#emitReplay('queued', op, 0)
  }

  /** A queued delete or clear reached L2. */
  replayed(op: ReplayOp, ageMs: number): void {
    this.counters.l2Replayed++
    if (this.#watched()) this.#emitReplay('replayed', op, ageMs)
  }

  /** The replay queue was full: its operations became one clear. */
  collapsed(): void {
    this.counters.l2ReplayCollapsed++
    if (this.#watched()) {
      this.#emitReplay('collapsed', { kind: 'clear', key: '', at: 0 }, 0)
    }
  }

  #emitReplay(outcome: 'queued' | 'replayed' | 'collapsed', op: ReplayOp, ageMs: number): void {
    const base = { type: 'l2Replay', key: undefined, outcome, operation: op.kind, ageMs } as const
    if (op.kind === 'tag') this.#emit({ ...base, l2Key: undefined, tag: op.key })
    else this.#emit({ ...base, l2Key: op.kind === 'clear' ? undefined : op.key })
  }

  /** The second tier had the key (`true`) or not. */
  l2Read(found: boolean): void {
    if (found) this.counters.l2Hits++
    else this.counters.l2Misses++
  }

  /** Zeroes every counter (`clear()`). */
  reset(): void {
    resetCounters(this.counters)
  }

  // --- listeners and errors ------------------------------------------------------------------

  /**
   * Adds a listener; returns the function that removes it. `freshHits: false` (telemetry, which
   * counts them from `counters`) keeps fresh hits, the hot path, from building events for it.
   */
  on(listener: CacheEventListener<K>, freshHits = true): () => void {
    if (typeof listener !== 'function') throw configError('listener', 'a function', listener)
    this.#listeners = [...(this.#listeners ?? []), listener]
    if (freshHits) this.#hitListeners = [...(this.#hitListeners ?? []), listener]
    return () => {
      const rest = (this.#listeners ?? []).filter((l) => l !== listener)
      this.#listeners = rest.length === 0 ? undefined : rest
      const hitRest = (this.#hitListeners ?? []).filter((l) => l !== listener)
      this.#hitListeners = hitRest.length === 0 ? undefined : hitRest
    }
  }

  /**
   * Hands `error`, which no caller can receive, to `onError` (which must not throw); counts the
   * second tier's (`l2Errors`), which the default `onError` does not print.
   */
  readonly report = (error: unknown, context: ErrorContext): void => {
    if (context.operation === 'l2') this.counters.l2Errors++
    try {
      this.#onError(error, context)
    } catch {
      // onError must not throw; there is nowhere left to report to.
    }
  }

  #emitHit(key: K): void {
    this.#emitTo(this.#hitListeners!, { type: 'hit', key, kind: 'fresh' })
  }

  /** Whether an event is wanted: a listener, or a diagnostics channel with a subscriber. */
  #watched(): boolean {
    return this.#listeners !== undefined || diagnosticsActive()
  }

  #emit(event: CacheEvent<K>): void {
    if (this.#listeners !== undefined) this.#emitTo(this.#listeners, event)
    publishEvent(this.name, event)
  }

  #emitTo(listeners: readonly CacheEventListener<K>[], event: CacheEvent<K>): void {
    for (const listener of listeners) {
      try {
        listener(event)
      } catch (error) {
        this.report(
          error,
          'key' in event ? { operation: 'event', key: event.key } : { operation: 'event' },
        )
      }
    }
  }
}
