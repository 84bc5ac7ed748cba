// The options of AsyncCache as users write them (the public types). They are checked in
// validateOptions.ts and turned into the `Config` of config.ts, which is what the cache reads.
import type { PolicyName } from '@cache/core'
import type { ExpirySpec } from '@cache/expiry'

import type { CacheEventListener, ErrorHandler } from './events.js'
import type { L2Store } from './l2.js'

/** Retrying a failed load: exponential backoff between attempts; only the last error surfaces. */
export interface RetryOptions {
  /** How many times to retry after the first attempt fails (so `count + 1` attempts at most). */
  readonly count: number
  /**
   * The wait before the first retry, in ms; it doubles before each further one.
   * @default 100
   */
  readonly backoffMs?: number
  /**
   * The longest wait between two attempts, in ms.
   * @default 30_000
   */
  readonly maxBackoffMs?: number
  /**
   * How much of each wait is random, from 0 (none) to 1 ("full jitter": anywhere from 0 to the
   * wait), so that many clients failing together do not retry in lockstep.
   * @default 0
   */
  readonly jitter?: number
  /**
   * Whether an error is worth another attempt; `attempt` is the attempt that failed (1-based).
   * @default () => true
   */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean
}

/** How `get(key, { batchLoader })` and `getMany()` group misses (see `@cache/batch`). */
export interface BatchOptions {
  /**
   * How long a batch collects misses, in ms. `0` collects those of the same tick.
   * @default 0
   */
  readonly windowMs?: number
  /**
   * The most keys in one batch call.
   * @default 100
   */
  readonly maxBatchSize?: number
  /**
   * The most batch calls in flight at once.
   * @default Infinity
   */
  readonly concurrency?: number
  /**
   * Fails a batch call that has not settled within this many ms.
   * @default undefined
   */
  readonly timeoutMs?: number
}

/**
 * A duration: a number of milliseconds, or any duration `@cache/expiry`'s `parseDuration` reads
 * (`'30s'`, `'10 minutes'`, `'PT1H'`).
 */
export type DurationOption = number | string

/**
 * Fail-safe: serve the last good value when a load fails. See the README's "Fail-safe" section.
 *
 * @example
 * ```ts
 * const cache = new AsyncCache({ ttl: 60_000, failSafe: { maxStale: '1h', throttle: '30s' } })
 * ```
 */
export interface FailSafeOptions {
  /**
   * How long an entry is kept past its expiry, stale, to be served if a load of its key fails:
   * in L1 and in L2 (whose copy lives `ttl + maxStale`, its freshness still its own expiry).
   */
  readonly maxStale: DurationOption
  /**
   * How long a stale value served by fail-safe is then treated as fresh, so that a failing
   * source is called at most once per `throttle` per key.
   * @default 30_000 (30 s)
   */
  readonly throttle?: DurationOption
  /**
   * Whether calls fall back on stale values by default; `false` keeps entries for `maxStale`
   * but falls back only for calls that pass `{ failSafe: true }`.
   * @default true
   */
  readonly enabled?: boolean
}

/**
 * Bounds on a load's wait. See the README's "Soft and hard timeouts" section.
 *
 * @example
 * ```ts
 * const cache = new AsyncCache({ ttl: 60_000, failSafe: { maxStale: '1h' }, timeouts: { soft: 100, hard: '2s' } })
 * ```
 */
export interface TimeoutsOptions {
  /**
   * With a stale value at hand (a fail-safe entry past its expiry), callers get it once the
   * load has taken this long; the load goes on in the background and updates L1 and L2 when
   * it finishes. Needs `failSafe`. Without a stale value it does not apply.
   * @default undefined (callers wait for the load)
   */
  readonly soft?: DurationOption
  /**
   * Aborts an attempt (its `signal`) that has not settled by then and fails it with
   * `CacheTimeoutError`, to be retried (`retry`), or served a stale value by fail-safe. The
   * same bound as `timeoutMs`, of which it is the other name: give one of them.
   * @default undefined (waits forever)
   */
  readonly hard?: DurationOption
}

/** Disposes of one resource when its entry leaves the cache; may return a promise. */
export type Disposer<V> = (resource: V, key: unknown) => void | PromiseLike<void>

/**
 * What to dispose of when an entry leaves the cache (evicted, expired, invalidated, replaced,
 * cleared):
 * - `true`: the value, through `Symbol.asyncDispose`, `Symbol.dispose` or `close()`;
 * - a list of data pointers into the value (`'$.clients.db'`, `'$.pool[0]'`, `'$.clients.*'`),
 *   each value found disposed of likewise; a pointer ending in `':ignore_missing'` may find
 *   nothing. The grammar is `@cache/expiry`'s `compilePointer`: own properties only, never
 *   inherited members;
 * - `'*'`: every own enumerable value of the value (as `['$.*']`);
 * - a function, called with the value.
 */
export type DisposeOption<V> = boolean | '*' | readonly string[] | Disposer<V>

/** Options of `new AsyncCache()`; every one is checked when the cache is created. */
export interface AsyncCacheOptions<K = unknown, V = unknown> {
  /**
   * The most entries kept: a non-negative integer up to 2^30, or `null` for no limit. `0` keeps
   * nothing: every call goes through to the loader.
   * @default 1000
   */
  readonly maxSize?: number | null
  /**
   * The eviction policy (`@cache/core`): `'lru'`, `'lfu'`, `'fifo'`, `'sieve'`, `'s3fifo'` or
   * `'tinylfu'`.
   * @default 'lru'
   */
  readonly policy?: PolicyName
  /**
   * How long an entry stays fresh, in ms (`Infinity`: forever). Give `ttl` or `expiration`, not
   * both.
   * @default Infinity
   */
  readonly ttl?: number
  /**
   * When an entry expires, in any form of `@cache/expiry`: seconds (`30`), a duration
   * (`'10 minutes'`, `'PT1H'`), a date or time of day, a data pointer into the value
   * (`'$.token.expiresAt'`) or a function of the cached item. Checked when the cache is created.
   * @default undefined (never expires)
   */
  readonly expiration?: ExpirySpec<V>
  /**
   * Keep failed loads too: the error is rethrown to callers until it expires, without calling
   * the loader. Aborted loads are never kept.
   * @default false
   */
  readonly negativeCache?: boolean
  /**
   * When a kept error expires, in any form of `@cache/expiry`.
   * @default 10 (seconds)
   */
  readonly negativeExpiration?: ExpirySpec
  /**
   * Retries of a failed load: a count, or {@link RetryOptions}.
   * @default 0
   */
  readonly retry?: number | RetryOptions
  /**
   * Fails an attempt with `CacheTimeoutError` (and aborts the loader's `signal`) when it has not
   * settled within this many ms.
   * @default undefined (waits forever)
   */
  readonly timeoutMs?: number
  /**
   * Fail-safe: keep entries past their expiry, for up to `maxStale`, and serve such a stale
   * value (then fresh for `throttle`) when a load of its key fails (an error, a timeout, an
   * unreachable L2 with a failing source) instead of the error. See {@link FailSafeOptions}.
   * @default undefined (off)
   */
  readonly failSafe?: FailSafeOptions | false
  /**
   * Soft and hard bounds on loads; see {@link TimeoutsOptions}. `hard` is `timeoutMs`.
   * @default {}
   */
  readonly timeouts?: TimeoutsOptions
  /**
   * Serve an expired value while one background load refreshes it: `true` for as long as it
   * takes, or a number of ms past expiry after which the value is no longer served.
   * @default false
   */
  readonly staleWhileRevalidate?: boolean | number
  /**
   * Refresh a value before it expires: a hit after this fraction of its entry's life (from its
   * load to its expiry) gets the cached value at once and starts one background load of the key
   * (one across the instances with an `l2` that has locks), so a key in use never expires and
   * its callers never wait. A number between 0 and 1 (exclusive), such as `0.8`. A failed
   * refresh keeps the entry (counted in `stats().eagerRefreshErrors`).
   * @default false
   */
  readonly eagerRefresh?: number | false
  /**
   * Close what values hold when their entries leave the cache; see {@link DisposeOption}.
   * @default false
   */
  readonly dispose?: DisposeOption<V>
  /**
   * Receives every error no caller can receive (a failing `dispose`, a throwing listener, a
   * failed background refresh, a failed or unreachable `l2`), with its context. Must not throw.
   * @default prints no `'l2'` error (they are counted in `stats().l2Errors`; the
   * store reports its outages itself), and at most one `console.error` line per operation kind
   * per minute for the others, with the count of those not printed
   */
  readonly onError?: ErrorHandler
  /**
   * Receives every {@link CacheEvent}: export counters to Prometheus or OpenTelemetry without
   * polling. Same as calling `cache.on(listener)`.
   * @default undefined
   */
  readonly onEvent?: CacheEventListener<K>
  /**
   * Removes expired entries (disposing of their resources) every so often: a number of ms, or a
   * duration such as `'12h'`. The timer never keeps a process alive.
   * @default false
   */
  readonly autoRemoveExpired?: number | string | false
  /**
   * How misses are grouped into batch calls; see {@link BatchOptions}.
   * @default {}
   */
  readonly batch?: BatchOptions
  /**
   * The clock, in ms. Inject one in tests (or use fake timers).
   * @default () => Date.now()
   */
  readonly now?: () => number
  /**
   * How late (ms) a hit may see an expiry, as lru-cache's `ttlResolution`: with the default
   * clock, hits (`get`, calls of a cached function) read `Date.now()` at most once per
   * `ttlResolution` ms, so an entry may be served up to that long after it expired. The time
   * read is refreshed by a timer, and after 1024 hits (of any cache) at most: while one long
   * synchronous run (or chain of promise jobs) keeps the timer from running, an entry can be
   * served later than that, until the 1024th hit. `0` reads the clock at every hit. `has`,
   * `peek`, `size`, the miss path and the times stored always read the exact clock; an injected
   * `now`, fake timers (which replace `Date`) and runtimes whose timers cannot be unref'ed
   * (browsers, which throttle them; Deno) are read at every hit.
   * @default 1 (0 with `now`, the only value it takes then)
   */
  readonly ttlResolution?: number
  /**
   * A name for `info()`, events and messages.
   * @default ''
   */
  readonly name?: string
  /**
   * A shared second tier behind this in-process cache, such as `redisStore()` of
   * `@cache/redis`. Reads go L1, then L2 (a hit fills L1), then the loader, which writes both;
   * `delete`, `set` and `clear` reach the other instances through the store. L2 failures are
   * reported to `onError` and never reach a caller. Needs `maxSize` above 0 (or `null`).
   * @default undefined (in-process only)
   */
  readonly l2?: L2Store
  /**
   * The most deletes and clears (one per key, the newest) kept while `l2` is unreachable, to be
   * sent once it is back, each as of when it was made (so it never removes a value written
   * after it). Meanwhile this instance treats the values they remove as absent. Past the limit,
   * they collapse into one clear of the store (counted in `stats().l2ReplayCollapsed`): more
   * misses, never a stale value. `0` keeps nothing (a delete that fails is only reported).
   * @default 1000
   */
  readonly l2ReplayLimit?: number
}
