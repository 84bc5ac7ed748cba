// One load, from first attempt to settled waiters, written once:
//
//   attempt (timeout.ts: under the load's hard bound, its own abort signal)
//     → failed? retry with backoff (retry.ts) while attempts remain
//     → value: resolve its expiry (expiry.ts)   error: a stale value under fail-safe (failSafe.ts),
//                                                else with negativeCache, its negativeExpiration
//     → keep it: L1, and L2 when the load went through the second tier (l2Write.ts)
//     → settle every waiter, count it and report it (accounting.ts)
//
// Two drivers step through the same steps: `run` awaits (async functions and AsyncCache), and
// `runSync` never waits (a cached sync function: retries at once, returns the value before an
// async expiry is known).
import type { RetryConfig } from './config.js'
import type { CacheEngine } from './engine.js'
import { expiresAtOf } from './expiry.js'
import type { Flight, Loader } from './flight.js'
import { backoffOf, retryOutcome, sleep, type RetryOutcome } from './retry.js'
import { tagsOfResult } from './tags.js'
import { isThenable } from './thenable.js'
import { attempt } from './timeout.js'

/** What the pipeline uses of its engine. */
export type PipelineHost<K> = Pick<
  CacheEngine<K>,
  'config' | 'now' | 'flights' | 'tally' | 'removals' | 'l2' | 'put' | 'failSafe' | 'keepsTagged'
>

/** The loads of one cache. */
export class LoadPipeline<K> {
  readonly #engine: PipelineHost<K>
  readonly #retry: RetryConfig

  constructor(engine: PipelineHost<K>) {
    this.#engine = engine
    this.#retry = engine.config.retry
  }

  // --- the drivers ------------------------------------------------------------------------------

  /**
   * The async driver: runs `flight`'s attempts until one succeeds, the retries run out or every
   * waiter gives up, then settles it. `first`: the first attempt's result, already obtained
   * (from a sync function that returned a promise).
   */
  run(
    flight: Flight,
    key: K,
    loader: Loader<K>,
    ttl: number | undefined,
    first: PromiseLike<unknown> | undefined,
  ): Promise<void> {
    const tracer = this.#engine.tally.tracer
    // With `first`, a sync function's miss handed over its promise: that miss's span covers it.
    if (tracer === undefined || first !== undefined)
      return this.#run(flight, key, loader, ttl, first)
    return tracer.load(key, flight, () => this.#run(flight, key, loader, ttl, first))
  }

  async #run(
    flight: Flight,
    key: K,
    loader: Loader<K>,
    ttl: number | undefined,
    first: PromiseLike<unknown> | undefined,
  ): Promise<void> {
    const engine = this.#engine
    const started = engine.now()
    for (let n = 1; ; n++) {
      let value: unknown
      try {
        value = await attempt(flight, key, loader, n, first, engine.tally)
      } catch (caught) {
        first = undefined
        if (flight.abandoned) return
        const outcome = retryOutcome(this.#retry, caught, n)
        const delayMs = this.#retryDelay(key, outcome, n, false)
        if (delayMs < 0) return this.#failed(flight, key, outcome.error, started, n, true)
        if (delayMs > 0) await sleep(flight, delayMs)
        // Every waiter may have given up while we slept.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (flight.abandoned) return
        continue
      }
      const fetchedAt = engine.now()
      let expiresAt: number
      try {
        const at = expiresAtOf(engine.config, value, fetchedAt, ttl)
        expiresAt = typeof at === 'number' ? at : await at
      } catch (error) {
        // The value cannot be kept under the configured expiration: fail loudly, keep nothing.
        return this.#failed(flight, key, error, started, n, false)
      }
      this.#succeeded(flight, key, value, fetchedAt, expiresAt, started, n)
      return
    }
  }

  /**
   * The sync driver, for a cached sync function: calls `call` (retrying at once), keeps and
   * returns its result, or throws. A thenable result is returned as it is, unsettled: the caller
   * hands it to an async load. `servedStale` (the load's span, while tracing) is told of a
   * failure that fail-safe answered with a stale value.
   */
  runSync(key: K, call: () => unknown, servedStale?: (error: unknown) => void): unknown {
    const engine = this.#engine
    const started = engine.now()
    for (let n = 1; ; n++) {
      let value: unknown
      try {
        value = call()
      } catch (caught) {
        const outcome = retryOutcome(this.#retry, caught, n)
        if (this.#retryDelay(key, outcome, n, true) >= 0) continue
        const stale = engine.failSafe?.recoverSync(key, outcome.error)
        if (stale !== undefined) {
          const durationMs = engine.now() - started
          engine.tally.loadFailed(durationMs)
          engine.tally.loadFailedEvent(key, outcome.error, durationMs, n)
          servedStale?.(outcome.error)
          return stale.value
        }
        void this.#failed(undefined, key, outcome.error, started, n, true)
        throw outcome.error
      }
      if (isThenable(value)) return value
      const fetchedAt = engine.now()
      let at: number | PromiseLike<number>
      try {
        at = expiresAtOf(engine.config, value, fetchedAt, undefined)
      } catch (error) {
        void this.#failed(undefined, key, error, started, n, false)
        throw error
      }
      if (typeof at === 'number') {
        this.#succeeded(undefined, key, value, fetchedAt, at, started, n)
      } else {
        // The caller gets the value now; it is kept once its expiry is known.
        at.then(
          (resolved) => {
            this.#succeeded(undefined, key, value, fetchedAt, resolved, started, n)
          },
          (error: unknown) => {
            engine.tally.report(error, { operation: 'expiry', key })
          },
        )
      }
      return value
    }
  }

  // --- the steps both drivers take ------------------------------------------------------------

  /**
   * After failed attempt `n`: the wait before the next attempt (counted and reported as a
   * retry), or -1 when the load has failed for good. A sync function never waits.
   */
  #retryDelay(key: K, outcome: RetryOutcome, n: number, sync: boolean): number {
    if (!outcome.again) return -1
    const delayMs = sync ? 0 : backoffOf(this.#retry, n)
    this.#engine.tally.retrying(key, n + 1, delayMs, outcome.error)
    return delayMs
  }

  /**
   * A value's last steps: its load counted, the value kept (L1, and L2 when the load went
   * through it) while the load is still its key's, and every waiter given it. `flight` is
   * `undefined` for a sync call, whose caller gets the value from the driver.
   */
  #succeeded(
    flight: Flight | undefined,
    key: K,
    value: unknown,
    fetchedAt: number,
    expiresAt: number,
    started: number,
    attempts: number,
  ): void {
    const engine = this.#engine
    const durationMs = engine.now() - started
    if (flight === undefined) {
      this.#keep(undefined, key, value, false, fetchedAt, expiresAt, started)
      engine.tally.loaded(key, durationMs, attempts)
      return
    }
    if (flight.abandoned) {
      engine.tally.loadTime(durationMs)
      // Nobody is left to receive the value: close what it holds now, or it would leak.
      engine.removals.discard(key, value)
      return
    }
    if (engine.flights.get(key) === flight) {
      engine.flights.delete(key)
      this.#keep(flight, key, value, false, fetchedAt, expiresAt, started)
    }
    flight.settled = true
    engine.tally.loaded(key, durationMs, attempts)
    if (flight.answer?.early === true) engine.tally.backgroundLoaded(key, durationMs)
    flight.resolve(value)
  }

  /**
   * A failed load's last steps: counted; with `negativeCache` (for a loader's own error,
   * `negative`), the error's expiry resolved and the error kept; every waiter given the error.
   * A promise when the expiry is async (the async driver waits for it, the sync one does not).
   */
  #failed(
    flight: Flight | undefined,
    key: K,
    error: unknown,
    started: number,
    attempts: number,
    negative: boolean,
  ): Promise<void> | undefined {
    const engine = this.#engine
    const durationMs = engine.now() - started
    engine.tally.loadFailed(durationMs)
    if (flight?.abandoned === true) return undefined
    if (flight?.answer !== undefined && engine.failSafe !== undefined) {
      // Fail-safe first: a stale value served is never hidden by a kept error.
      return engine.failSafe.recover(flight, key, error).then((served) => {
        if (served) this.#settleStale(flight, key, error, durationMs, attempts)
        else return this.#keepFailure(flight, key, error, durationMs, attempts, negative)
      })
    }
    return this.#keepFailure(flight, key, error, durationMs, attempts, negative)
  }

  /** A failure that stands: the error kept under `negativeCache`, and given to every waiter. */
  #keepFailure(
    flight: Flight | undefined,
    key: K,
    error: unknown,
    durationMs: number,
    attempts: number,
    negative: boolean,
  ): Promise<void> | undefined {
    const engine = this.#engine
    const config = engine.config
    const fetchedAt = engine.now()
    let at: number | PromiseLike<number> = -Infinity
    if (negative && config.negativeCache && flight?.background !== true) {
      try {
        at = config.negativeExpiry({ value: error, fetchedAt, isError: true }, fetchedAt)
      } catch (expiryError) {
        engine.tally.report(expiryError, { operation: 'expiry', key })
      }
    }
    if (typeof at === 'number') {
      this.#settleError(flight, key, error, fetchedAt, at, durationMs, attempts)
      return undefined
    }
    return Promise.resolve(at).then(
      (expiresAt) => {
        this.#settleError(flight, key, error, fetchedAt, expiresAt, durationMs, attempts)
      },
      (expiryError: unknown) => {
        engine.tally.report(expiryError, { operation: 'expiry', key })
        this.#settleError(flight, key, error, fetchedAt, -Infinity, durationMs, attempts)
      },
    )
  }

  /**
   * A failed load whose fail-safe callers got a stale value (failSafe.ts kept it, fresh for
   * `throttle`): nothing kept, the callers that refuse stale values get the error.
   */
  #settleStale(flight: Flight, key: K, error: unknown, durationMs: number, attempts: number): void {
    const engine = this.#engine
    if (engine.flights.get(key) === flight) engine.flights.delete(key)
    flight.settled = true
    engine.tally.loadFailedEvent(key, error, durationMs, attempts)
    this.#reportUnreceived(flight, key, error, durationMs)
    flight.reject(error)
  }

  /** A background load's error, which no caller receives: counted, and given to `onError`. */
  #reportUnreceived(flight: Flight, key: K, error: unknown, durationMs: number): void {
    const tally = this.#engine.tally
    if (flight.answer?.early === true) {
      tally.backgroundFailed(key, error, durationMs)
      tally.report(error, { operation: 'refresh', key })
    } else if (flight.background && !flight.joined) {
      tally.report(error, { operation: 'refresh', key })
    }
  }

  /** Keeps the error (unless `expiresAt` is -Infinity) and gives it to every waiter. */
  #settleError(
    flight: Flight | undefined,
    key: K,
    error: unknown,
    fetchedAt: number,
    expiresAt: number,
    durationMs: number,
    attempts: number,
  ): void {
    const engine = this.#engine
    const keep = expiresAt !== -Infinity
    const startedAt = fetchedAt - durationMs
    if (flight === undefined) {
      if (keep) this.#keep(undefined, key, error, true, fetchedAt, expiresAt, startedAt)
      engine.tally.loadFailedEvent(key, error, durationMs, attempts)
      return
    }
    if (engine.flights.get(key) === flight) {
      engine.flights.delete(key)
      if (keep) this.#keep(flight, key, error, true, fetchedAt, expiresAt, startedAt)
    }
    flight.settled = true
    engine.tally.loadFailedEvent(key, error, durationMs, attempts)
    this.#reportUnreceived(flight, key, error, durationMs)
    flight.reject(error)
  }

  /**
   * Keeps a result in L1, and writes it to L2 when the load went through the second tier (with
   * the key's lock, when the load holds it: the write releases it). `startedAt`: when the load
   * started, which orders the L2 write against deletes made meanwhile.
   */
  #keep(
    flight: Flight | undefined,
    key: K,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    startedAt: number,
  ): void {
    const engine = this.#engine
    let tags: readonly string[] | undefined
    try {
      tags = tagsOfResult(flight?.tags, value, isError)
    } catch (error) {
      // A tags function that fails leaves a value that could not be invalidated: not kept.
      engine.tally.report(error, { operation: 'tags', key })
      return
    }
    // Tagged with a tag invalidated while it loaded: its value is as of before that.
    if (tags !== undefined && !engine.keepsTagged(flight, tags)) return
    const l2Key = flight?.l2Key
    const loadMs = Math.ceil(fetchedAt - startedAt)
    engine.put(key, value, isError, fetchedAt, expiresAt, l2Key, tags, flight?.eagerRefresh, loadMs)
    if (l2Key === undefined) return
    const writes = engine.l2!.writes
    const lease = flight!.lease
    if (lease === undefined) {
      flight!.l2Write = writes.write(
        l2Key,
        value,
        isError,
        fetchedAt,
        expiresAt,
        false,
        tags,
        startedAt,
      )
      return
    }
    flight!.lease = undefined
    flight!.l2Write = writes.commit(
      lease,
      l2Key,
      value,
      isError,
      fetchedAt,
      expiresAt,
      startedAt,
      tags,
    )
  }
}
