// A cache's miss path and the loads it starts: serving a stale value while one background load
// refreshes it, joining the load in flight, or starting one (through the second tier when there
// is one); then running it to its end: each attempt (under `timeoutMs`), retries with backoff,
// settling the flight and keeping its value (or, with `negativeCache`, its error). Also the miss
// path of a cached sync function, which retries at once and never waits.
import { startTimer, stopTimer } from '@cache/internal'

import { backoffOf, retryOutcome, sleep } from './backoff.js'
import type { CacheParts } from './cacheParts.js'
import { promiseOf } from './entry.js'
import { CacheTimeoutError, ttlError } from './errors.js'
import { Attempt, Flight, type Loader } from './flight.js'
import type { L2Tier } from './l2Tier.js'
import type { Config } from './config.js'
import { expiresAtOf } from './expiry.js'
import type { Removals } from './removals.js'
import { recordLoadTime, type Counters } from './stats.js'
import type { Store } from './store.js'
import { isThenable } from './thenable.js'

/** What {@link LoadRunner} needs of its cache: all its parts share but `run`, which it is. */
export type LoadRunnerHost<K> = Omit<CacheParts<K>, 'run'>

/** What the runner uses of the cache's removals: expiring an entry, closing an unwanted value. */
type RemovalsPart<K> = Pick<Removals<K>, 'expire' | 'discard'>

/** What the runner uses of the second tier: loads and peeks through it, writes of results. */
type L2Part<K> = Pick<L2Tier<K>, 'load' | 'peek' | 'write'>

const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined)

/** The misses and loads of one cache. */
export class LoadRunner<K> {
  readonly #host: LoadRunnerHost<K>
  readonly #config: Config
  readonly #counters: Counters
  readonly #store: Store<K>
  readonly #flights: Map<K, Flight>
  readonly #now: () => number
  /** `maxSize: 0`: nothing is stored and loads are not shared; every call goes through. */
  readonly #passThrough: boolean
  readonly #removals: RemovalsPart<K>
  /** The second tier, when the cache has one. */
  readonly #l2: L2Part<K> | undefined

  constructor(host: LoadRunnerHost<K>, removals: RemovalsPart<K>, l2: L2Part<K> | undefined) {
    this.#host = host
    this.#config = host.config
    this.#counters = host.counters
    this.#store = host.store
    this.#flights = host.flights
    this.#now = host.config.now
    this.#passThrough = host.config.maxSize === 0
    this.#removals = removals
    this.#l2 = l2
  }

  /**
   * Everything after a failed hit: a fresh entry after all, a stale one (refreshed in the
   * background), the load in flight, or a new load (none without `loader`: `undefined`, or the
   * second tier's value).
   */
  miss(
    key: K,
    loader: Loader<K> | undefined,
    signal: AbortSignal | undefined,
    ttl: number | undefined,
  ): Promise<unknown> {
    if (ttl !== undefined) {
      const error = ttlError(ttl)
      if (error !== undefined) return Promise.reject(error)
    }
    const entry = this.#store.peek(key)
    if (entry !== undefined) {
      const now = this.#now()
      if (now < entry.expiresAt) {
        this.#hit(key, 'fresh')
        return promiseOf(entry)
      }
      if (now < entry.staleUntil) {
        if (loader !== undefined) {
          this.#counters.staleHits++
          this.#hit(key, 'stale')
          if (!this.#flights.has(key)) this.#start(key, loader, ttl, true, undefined)
          return promiseOf(entry)
        }
      } else {
        this.#removals.expire(key)
      }
    }
    const flight = this.#flights.get(key)
    if (flight !== undefined) {
      this.#counters.dedupHits++
      this.#hit(key, 'shared')
      return flight.join(signal)
    }
    // A signal's reason may be any value; callers get it as given, as fetch() does.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    this.#counters.misses++
    if (this.#host.listening()) this.#host.emit({ type: 'miss', key })
    if (loader === undefined) {
      return this.#l2 === undefined ? RESOLVED_UNDEFINED : this.#l2.peek(key)
    }
    // With a second tier, a load is counted once the loader runs (an L2 hit is no load).
    if (this.#l2 === undefined) this.#counters.loads++
    return this.#start(key, loader, ttl, false, undefined).join(signal)
  }

  /**
   * Runs `flight`'s attempts until one succeeds, the retries run out or every waiter gives up,
   * then settles it. `first`: the first attempt's result, already obtained (from a sync function
   * that returned a promise).
   */
  async run(
    flight: Flight,
    key: K,
    loader: Loader<K>,
    ttl: number | undefined,
    first: PromiseLike<unknown> | undefined,
  ): Promise<void> {
    const started = this.#now()
    const retry = this.#config.retry
    for (let attempt = 1; ; attempt++) {
      let value: unknown
      try {
        value = await this.#attempt(flight, key, loader, attempt, first)
      } catch (caught) {
        first = undefined
        if (flight.abandoned) return
        const { again, error } = retryOutcome(retry, caught, attempt)
        if (!again) return this.#fail(flight, key, error, started, attempt, true)
        const delayMs = backoffOf(retry, attempt)
        this.#counters.retries++
        if (this.#host.listening()) {
          this.#host.emit({ type: 'retry', key, attempt: attempt + 1, delayMs, error })
        }
        if (delayMs > 0) await sleep(flight, delayMs)
        // Every waiter may have given up while we slept.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (flight.abandoned) return
        continue
      }
      return this.#succeed(flight, key, value, ttl, started, attempt)
    }
  }

  /**
   * The miss path of a cached sync function: calls `call` (retrying at once), stores and
   * returns its result, or throws. A thenable result is handed to an async load (whose retries
   * call `call` again), whose promise is returned.
   */
  loadSync(key: K, call: () => unknown): unknown {
    const host = this.#host
    const counters = this.#counters
    counters.misses++
    if (host.listening()) host.emit({ type: 'miss', key })
    counters.loads++
    const started = this.#now()
    const config = this.#config
    const retry = config.retry
    for (let attempt = 1; ; attempt++) {
      let value: unknown
      try {
        value = call()
      } catch (caught) {
        const { again, error } = retryOutcome(retry, caught, attempt)
        if (again) {
          counters.retries++
          if (host.listening()) {
            host.emit({ type: 'retry', key, attempt: attempt + 1, delayMs: 0, error })
          }
          continue
        }
        this.#failSync(key, error, started, attempt)
        throw error
      }
      if (isThenable(value)) {
        // A function not declared async returned a promise: hand it to an async load, which
        // shares it, applies the timeout and retries, and never keeps a rejection.
        return this.#start(key, call, undefined, false, value).join(undefined)
      }
      const fetchedAt = this.#now()
      const at = expiresAtOf(config, value, fetchedAt, undefined)
      const durationMs = this.#now() - started
      recordLoadTime(counters, durationMs)
      this.#putWhenExpiryKnown(key, value, false, fetchedAt, at)
      if (host.listening()) {
        host.emit({ type: 'load', key, durationMs, attempts: attempt })
      }
      return value
    }
  }

  #hit(key: K, kind: 'fresh' | 'stale' | 'shared'): void {
    this.#counters.hits++
    if (this.#host.listening()) this.#host.emit({ type: 'hit', key, kind })
  }

  /** Every waiter gave up: forget the flight, so the next call starts afresh. */
  readonly #abandon = (flight: Flight, reason: unknown): void => {
    const key = flight.key as K
    if (this.#flights.get(key) === flight) this.#flights.delete(key)
    flight.settled = true
    flight.reject(reason)
  }

  /**
   * Starts a load (counted by the caller) and registers it as the key's flight: through the
   * second tier when there is one, else straight to the loader.
   */
  #start(
    key: K,
    loader: Loader<K>,
    ttl: number | undefined,
    background: boolean,
    first: PromiseLike<unknown> | undefined,
  ): Flight {
    const flight = new Flight(key, background, this.#abandon)
    if (!this.#passThrough) this.#flights.set(key, flight)
    if (this.#l2 !== undefined && first === undefined) {
      this.#l2.load(flight, key, loader, ttl)
      return flight
    }
    if (background) this.#counters.loads++
    void this.run(flight, key, loader, ttl, first)
    return flight
  }

  /** One attempt: the loader's result, failing with `CacheTimeoutError` after `timeoutMs`. */
  #attempt(
    flight: Flight,
    key: K,
    loader: Loader<K>,
    n: number,
    first: PromiseLike<unknown> | undefined,
  ): unknown {
    const context = new Attempt<K>(key, n)
    flight.attempt = context
    const result = first ?? loader(context)
    const timeoutMs = this.#config.timeoutMs
    if (timeoutMs === undefined || !isThenable(result)) return result
    return new Promise((resolve, reject) => {
      const timer = startTimer(
        () => {
          this.#counters.timeouts++
          const error = new CacheTimeoutError(key, timeoutMs)
          context.abort(error)
          reject(error)
        },
        timeoutMs,
        { keepAlive: true },
      )
      result.then(
        (value) => {
          stopTimer(timer)
          resolve(value)
        },
        (error: unknown) => {
          stopTimer(timer)
          // A loader may reject with any value; callers get it as given.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(error)
        },
      )
    })
  }

  async #succeed(
    flight: Flight,
    key: K,
    value: unknown,
    ttl: number | undefined,
    started: number,
    attempts: number,
  ): Promise<void> {
    const fetchedAt = this.#now()
    let expiresAt: number
    try {
      const at = expiresAtOf(this.#config, value, fetchedAt, ttl)
      expiresAt = typeof at === 'number' ? at : await at
    } catch (error) {
      // The value cannot be kept under the configured expiration: fail loudly, keep nothing.
      return this.#fail(flight, key, error, started, attempts, false)
    }
    const durationMs = this.#now() - started
    recordLoadTime(this.#counters, durationMs)
    if (flight.abandoned) {
      // Nobody is left to receive the value: close what it holds now, or it would leak.
      this.#removals.discard(key, value)
      return
    }
    if (this.#flights.get(key) === flight) {
      this.#flights.delete(key)
      this.#keep(flight, key, value, false, fetchedAt, expiresAt)
    }
    flight.settled = true
    if (this.#host.listening()) {
      this.#host.emit({ type: 'load', key, durationMs, attempts })
    }
    flight.resolve(value)
  }

  async #fail(
    flight: Flight,
    key: K,
    error: unknown,
    started: number,
    attempts: number,
    negative: boolean,
  ): Promise<void> {
    const host = this.#host
    const durationMs = this.#now() - started
    this.#counters.loadErrors++
    recordLoadTime(this.#counters, durationMs)
    if (flight.abandoned) return
    const config = this.#config
    let expiresAt = -Infinity
    const fetchedAt = this.#now()
    const keep = negative && config.negativeCache && !flight.background
    if (keep) {
      try {
        const at = config.negativeExpiry({ value: error, fetchedAt, isError: true }, fetchedAt)
        expiresAt = typeof at === 'number' ? at : await at
      } catch (expiryError) {
        host.report(expiryError, { operation: 'expiry', key })
      }
    }
    if (this.#flights.get(key) === flight) {
      this.#flights.delete(key)
      if (keep && expiresAt !== -Infinity) {
        this.#keep(flight, key, error, true, fetchedAt, expiresAt)
      }
    }
    flight.settled = true
    if (host.listening()) {
      host.emit({ type: 'loadError', key, error, durationMs, attempts })
    }
    if (flight.background && !flight.joined) host.report(error, { operation: 'refresh', key })
    flight.reject(error)
  }

  /** Stores a flight's result in L1, and in L2 when the flight went through it. */
  #keep(
    flight: Flight,
    key: K,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
  ): void {
    this.#host.put(key, value, isError, fetchedAt, expiresAt, flight.l2Key)
    if (flight.l2Key !== undefined) {
      flight.l2Write = this.#l2!.write(flight.l2Key, value, isError, fetchedAt, expiresAt, false)
    }
  }

  #failSync(key: K, error: unknown, started: number, attempts: number): void {
    const durationMs = this.#now() - started
    this.#counters.loadErrors++
    recordLoadTime(this.#counters, durationMs)
    const config = this.#config
    if (config.negativeCache) {
      const fetchedAt = this.#now()
      const at = config.negativeExpiry({ value: error, fetchedAt, isError: true }, fetchedAt)
      this.#putWhenExpiryKnown(key, error, true, fetchedAt, at)
    }
    if (this.#host.listening()) {
      this.#host.emit({ type: 'loadError', key, error, durationMs, attempts })
    }
  }

  // Stores a sync function's result now, or, when its expiration is async, once the time is known.
  #putWhenExpiryKnown(
    key: K,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    at: number | PromiseLike<number>,
  ): void {
    if (typeof at === 'number') {
      this.#host.put(key, value, isError, fetchedAt, at, undefined)
      return
    }
    at.then(
      (resolved) => {
        this.#host.put(key, value, isError, fetchedAt, resolved, undefined)
      },
      (error: unknown) => {
        this.#host.report(error, { operation: 'expiry', key })
      },
    )
  }
}
