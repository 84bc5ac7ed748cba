// What a call does after a failed hit: a fresh entry after all, a stale one served while one
// background load refreshes it, the load already in flight joined, or a new load started (through
// the second tier when there is one) and handed to the load pipeline. Also a sync function's miss.
import { checkCallTimeouts, waitBounded, type CallTimeouts } from './callTimeouts.js'
import type { CacheEngine } from './engine.js'
import { promiseOf, type Entry } from './entry.js'
import { checkEagerRefresh, watchRefresh } from './eagerRefresh.js'
import { configError, ttlError } from './errors.js'
import { Flight, type Loader } from './flight.js'
import type { TagSource } from './tags.js'
import { isThenable } from './thenable.js'

/** What the miss path uses of its engine. */
export type MissPathHost<K> = Pick<
  CacheEngine<K>,
  'config' | 'now' | 'store' | 'flights' | 'tally' | 'removals' | 'l2' | 'pipeline' | 'failSafe'
>

const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined)

/** The miss path of one cache. */
export class MissPath<K> {
  readonly #engine: MissPathHost<K>
  /** `maxSize: 0`: nothing is stored and loads are not shared; every call goes through. */
  readonly #passThrough: boolean

  constructor(engine: MissPathHost<K>) {
    this.#engine = engine
    this.#passThrough = engine.config.maxSize === 0
  }

  /**
   * Everything after a failed hit: a fresh entry after all, a stale one (refreshed in the
   * background), the load in flight, or a new load (none without `loader`: `undefined`, or the
   * second tier's value). `failSafe`: the call's own fail-safe option (see failSafe.ts);
   * `timeouts`: its own bounds (see callTimeouts.ts).
   */
  miss(
    key: K,
    loader: Loader<K> | undefined,
    signal: AbortSignal | undefined,
    ttl: number | undefined,
    tags?: TagSource,
    eagerRefresh?: number | false,
    failSafe?: boolean,
    timeouts?: unknown,
  ): Promise<unknown> {
    if (ttl !== undefined) {
      const error = ttlError(ttl)
      if (error !== undefined) return Promise.reject(error)
    }
    let eager: number | undefined
    if (eagerRefresh !== undefined) {
      try {
        eager = checkEagerRefresh(eagerRefresh) ?? 0
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a CacheConfigError
        return Promise.reject(error)
      }
    }
    const engine = this.#engine
    const tally = engine.tally
    let lenient = false
    if (engine.failSafe !== undefined) {
      try {
        lenient = engine.failSafe.lenient(failSafe)
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(error)
      }
    } else if (failSafe === true) {
      return Promise.reject(configError('failSafe', 'true only on a cache with `failSafe`', true))
    }
    let bounds: CallTimeouts | undefined
    if (timeouts !== undefined) {
      try {
        bounds = checkCallTimeouts(timeouts, engine.config.failSafe)
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a CacheConfigError
        return Promise.reject(error)
      }
    }
    /** An expired value fail-safe keeps, to answer with if the load fails. */
    let stale: Entry | undefined
    const entry = engine.store.peek(key)
    if (entry !== undefined) {
      const now = engine.now()
      if (now < entry.expiresAt) {
        tally.hit(key)
        // Past its eager refresh point: one background load, unless one is in flight already.
        if (now >= entry.refreshAt && loader !== undefined && !engine.flights.has(key)) {
          tally.eagerRefreshStarted(key)
          const flight = this.#start(
            key,
            loader,
            ttl,
            true,
            undefined,
            tags,
            entry.fetchedAt,
            eager,
          )
          watchRefresh(tally, key, flight)
        }
        return promiseOf(entry)
      }
      if (now < entry.staleUntil) {
        if (loader !== undefined) {
          tally.staleHit(key)
          if (!engine.flights.has(key)) {
            // A failing refresh throttles under fail-safe rather than retrying at every hit.
            const fallback = lenient && !entry.isError ? entry : undefined
            this.#start(key, loader, ttl, true, undefined, tags, undefined, eager, fallback)
          }
          return promiseOf(entry)
        }
      } else if (now >= entry.keepUntil) {
        engine.removals.expire(key)
      } else if (!entry.isError) {
        stale = entry
      }
    }
    const flight = engine.flights.get(key)
    if (flight !== undefined) {
      tally.sharedHit(key)
      if (lenient) engine.failSafe!.attach(flight, key, stale)
      if (bounds === undefined) return flight.join(signal, lenient)
      // Joined: its own bounds limit its wait, never the load.
      return waitBounded(engine, flight, key, lenient, bounds.softMs, bounds.hardMs, signal)
    }
    // A signal's reason may be any value; callers get it as given, as fetch() does.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    tally.miss(key)
    if (loader === undefined) {
      return engine.l2 === undefined ? RESOLVED_UNDEFINED : engine.l2.peek(key)
    }
    // With a second tier, a load is counted once the loader runs (an L2 hit is no load).
    if (engine.l2 === undefined) tally.loadStarted()
    const started = this.#start(
      key,
      loader,
      ttl,
      false,
      undefined,
      tags,
      undefined,
      eager,
      stale,
      lenient,
      bounds?.hardMs,
    )
    // Its own hard bound is the load's; its own soft bound, its wait's.
    const softMs = bounds?.softMs
    if (softMs === undefined) return started.join(signal, lenient)
    return waitBounded(engine, started, key, lenient, softMs, undefined, signal)
  }

  /**
   * The miss of a cached sync function: the pipeline's sync driver calls `call` (retrying at
   * once), keeps and returns its result, or throws. A thenable result is handed to an async load
   * (whose retries call `call` again), whose promise is returned.
   */
  missSync(key: K, call: () => unknown, tags?: TagSource): unknown {
    const tally = this.#engine.tally
    tally.miss(key)
    tally.loadStarted()
    const tracer = tally.tracer
    if (tracer === undefined) return this.#loadSync(key, call, tags)
    return tracer.loadSync(key, (servedStale) => this.#loadSync(key, call, tags, servedStale))
  }

  #loadSync(
    key: K,
    call: () => unknown,
    tags: TagSource | undefined,
    servedStale?: (error: unknown) => void,
  ): unknown {
    const result = this.#engine.pipeline.runSync(key, call, servedStale)
    if (!isThenable(result)) return result
    // A function not declared async returned a promise: hand it to an async load, which
    // shares it, applies the timeout and retries, and never keeps a rejection.
    return this.#start(key, call, undefined, false, result, tags).join(undefined)
  }

  /** Every waiter gave up: forget the flight, so the next call starts afresh. */
  readonly #abandon = (flight: Flight, reason: unknown): void => {
    const key = flight.key as K
    const flights = this.#engine.flights
    if (flights.get(key) === flight) flights.delete(key)
    flight.settled = true
    flight.reject(reason)
  }

  /**
   * Starts a load (counted by the caller, but for a background one) and registers it as the
   * key's flight: through the second tier when there is one, else straight to the pipeline.
   * `refreshOf`: an eager refresh of the copy loaded then; `eager`: a call's `eagerRefresh`;
   * `hardMs`: the starting call's own `timeouts.hard`, else the cache's bound applies.
   */
  #start(
    key: K,
    loader: Loader<K>,
    ttl: number | undefined,
    background: boolean,
    first: PromiseLike<unknown> | undefined,
    tags: TagSource | undefined,
    refreshOf?: number,
    eager?: number,
    stale?: Entry,
    lenient: boolean = stale !== undefined,
    hardMs?: number,
  ): Flight {
    const engine = this.#engine
    const flight = new Flight(key, background, this.#abandon)
    if (hardMs === undefined) {
      flight.timeoutMs = engine.config.timeoutMs
      flight.timeoutOption = engine.config.timeoutOption
    } else {
      flight.timeoutMs = hardMs
      flight.timeoutOption = 'per-call timeouts.hard'
    }
    flight.tags = tags
    flight.refreshOf = refreshOf
    flight.eagerRefresh = eager
    if (!this.#passThrough) engine.flights.set(key, flight)
    // Before the load starts: a loader may fail at once, before this returns.
    if (lenient) engine.failSafe!.attach(flight, key, stale)
    if (engine.l2 !== undefined && first === undefined) {
      engine.l2.load(flight, key, loader, ttl)
      return flight
    }
    if (background) engine.tally.loadStarted()
    void engine.pipeline.run(flight, key, loader, ttl, first)
    return flight
  }
}
