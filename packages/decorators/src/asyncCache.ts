// AsyncCache: a read-through cache over any @cache/core policy, with single-flight loads,
// retries, timeouts, negative caching, stale-while-revalidate, batching, disposal and statistics.
import { Batcher, type BatchFn } from '@cache/batch'
import type { EvictionReason, PolicyName } from '@cache/core'

import { disposeResources, findResources, settleAll } from './dispose.js'
import { Entry, promiseOf, viewOf, type CacheEntry } from './entry.js'
import { CacheTimeoutError, configError } from './errors.js'
import type {
  CacheEvent,
  CacheEventListener,
  ErrorContext,
  ErrorHandler,
  RemovalReason,
} from './events.js'
import { Attempt, Flight, type Loader } from './flight.js'
import { L2Link, l2KeyOf, type L2LockResult, type L2Record, type L2Subscriber } from './l2.js'
import {
  normalizeOptions,
  type AsyncCacheOptions,
  type BatchOptions,
  type Config,
  type RetryConfig,
} from './options.js'
import { register, unregister, type Registrable } from './registry.js'
import {
  estimateBytes,
  formatBytes,
  loadTimeOf,
  newCounters,
  recordLoadTime,
  type CacheStats,
  type Counters,
} from './stats.js'
import { createStore, type Store } from './store.js'
import { startInterval, startTimer, stopInterval, stopTimer } from './timers.js'

/** Options of one `get()` call. */
export interface GetOptions {
  /**
   * Lets this caller give up: its promise rejects with `signal.reason`, while the load goes on
   * for the other callers of the key. The load's own signal is aborted only when every caller
   * waiting on it has given up.
   */
  readonly signal?: AbortSignal
  /** The time to live of the entry this call loads, in ms, instead of `ttl` / `expiration`. */
  readonly ttl?: number
}

/** Options of a batched `get()`: the batch function that loads many keys at once. */
export interface BatchGetOptions<K, V> extends GetOptions {
  /**
   * Loads the missing keys of one batch window in one call; see `BatchFn` of `@cache/batch`.
   * Keep one function per kind of load: each gets its own batcher.
   */
  readonly batchLoader: BatchFn<K, V>
}

/** Options of one `set()` call. */
export interface SetOptions {
  /** This entry's time to live in ms, instead of `ttl` / `expiration`. */
  readonly ttl?: number
}

/** Options of `warmup()`. */
export interface WarmupOptions {
  /**
   * The most loads running at once.
   * @default 8
   */
  readonly concurrency?: number
}

/** What `warmup()` did: the keys it loaded (or found cached) and those whose loader failed. */
export interface WarmupResult<K> {
  /** The keys now cached (loaded, or found already cached), in the order they finished. */
  readonly loaded: K[]
  /** The keys whose loader failed, with what it threw. */
  readonly failed: { readonly key: K; readonly error: unknown }[]
}

/** A cache's configuration, as `info()` reports it. */
export interface CacheInfo {
  /** The `name` option (a cached function's name by default). */
  readonly name: string
  /** The capacity, `null` when unbounded. */
  readonly maxSize: number | null
  /** The eviction policy. */
  readonly policy: PolicyName
  /** The default time to live in ms when it is a plain duration, else `null`. */
  readonly ttl: number | null
  /** The `expiration` option as given. */
  readonly expiration: unknown
  /** Whether failures are kept. */
  readonly negativeCache: boolean
  /** The `negativeExpiration` option (as given, or the default `10` seconds). */
  readonly negativeExpiration: unknown
  /** Retries, with every default filled in. */
  readonly retry: {
    readonly count: number
    readonly backoffMs: number
    readonly maxBackoffMs: number
    readonly jitter: number
  }
  /** The attempt timeout in ms, `null` when none. */
  readonly timeoutMs: number | null
  /** How long past expiry values are served, in ms: 0 (off) to `Infinity`. */
  readonly staleWhileRevalidate: number
  /** The `dispose` option as given (`'function'` for a function). */
  readonly dispose: boolean | readonly string[] | 'function'
  /** The `autoRemoveExpired` period in ms, `null` when off. */
  readonly autoRemoveExpired: number | null
  /** The `batch` options as given. */
  readonly batch: BatchOptions
  /** Whether a second tier (`l2`) is behind the cache. */
  readonly l2: boolean
}

/**
 * What `cached()` needs of a cache beyond its public API: the hit and miss paths with the
 * counting already right. Filled in by AsyncCache's static block (which may read private
 * fields) and never exported from the package.
 */
export interface CacheInternals {
  create(config: Config): AsyncCache
  config(cache: AsyncCache): Config
  /** The fresh entry for `key`, counting a hit; `undefined` (nothing counted) otherwise. */
  hit(cache: AsyncCache, key: unknown): Entry | undefined
  /**
   * Joins the load in flight for `key` (counting a shared hit), unless there is none or it is a
   * background refresh; `undefined` then (nothing counted).
   */
  join(
    cache: AsyncCache,
    key: unknown,
    signal: AbortSignal | undefined,
  ): Promise<unknown> | undefined
  /** Everything after a failed `hit`: stale, shared load, miss. */
  miss(
    cache: AsyncCache,
    key: unknown,
    loader: Loader,
    signal: AbortSignal | undefined,
  ): Promise<unknown>
  /**
   * The miss path of a sync function: calls `call` (retrying), stores and returns its result, or
   * throws. A thenable result is handed to an async load (with `loader` for retries) and its
   * promise returned.
   */
  missSync(cache: AsyncCache, key: unknown, call: () => unknown, loader: Loader): unknown
}

/** See {@link CacheInternals}. */
export const internals: CacheInternals = {} as CacheInternals

const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined)
const ENTRY_OVERHEAD = 96 // bytes: the entry object, its store slot and map entry
const SAMPLE = 1000

let presetConfig: Config | undefined

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

function ttlError(ttl: unknown): Error | undefined {
  return typeof ttl !== 'number' || !(ttl > 0)
    ? configError('ttl', 'a positive number of milliseconds or Infinity', ttl)
    : undefined
}

/** The wait before retry number `attempt` (1 = after the first failure). */
function backoffOf(retry: RetryConfig, attempt: number): number {
  const delay = Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (attempt - 1))
  return retry.jitter === 0 ? delay : delay * (1 - retry.jitter * Math.random())
}

/**
 * A cache of async (or sync) loads over any `@cache/core` eviction policy.
 *
 * - `get(key, loader)` runs `loader` once for all the callers that miss the same key at the same
 *   time; they all get its value, or all get its error (which is not kept unless
 *   `negativeCache` is on).
 * - Values expire by `ttl` or any `@cache/expiry` form, may be served stale while one background
 *   load refreshes them, and have their resources disposed of when they leave.
 * - `stats()` counts hits, misses, loads and their times; `on()` streams events.
 *
 * @example
 * ```ts
 * const users = new AsyncCache<number, User>({ maxSize: 10_000, ttl: 60_000 })
 * const user = await users.get(42, ({ key, signal }) => fetchUser(key, { signal }))
 * users.stats().hitRatio
 * ```
 */
export class AsyncCache<K = unknown, V = unknown> implements Registrable {
  readonly #config: Config
  readonly #store: Store<K>
  readonly #flights = new Map<K, Flight>()
  #counters: Counters = newCounters()
  readonly #now: () => number
  /** `maxSize: 0`: nothing is stored and loads are not shared; every call goes through. */
  readonly #passThrough: boolean
  readonly #disposals = new Set<Promise<void>>()
  /** `undefined` while nobody listens: the hot path tests this one field. */
  #listeners: readonly CacheEventListener<K>[] | undefined = undefined
  /** What a store `'delete'` means right now: an explicit delete, or an expiry we triggered. */
  #deleteReason: RemovalReason = 'delete'
  /** Whether any stored entry may expire: if not, `size` needs no scan. */
  #mayExpire = false
  #lastExpirationCheck: number | null = null
  #timer: unknown = undefined
  #batchLoaders: WeakMap<BatchFn<K, V>, Loader<K, V>> | undefined = undefined
  readonly #registration: WeakRef<Registrable>
  /** The second tier, when `l2` is given. */
  readonly #l2: L2Link | undefined = undefined
  /** L2 key → the key of the L1 entry holding it, to apply other instances' invalidations. */
  readonly #l2Index: Map<string, K> | undefined = undefined
  /** What the store calls; the store holds it weakly, the cache strongly. */
  readonly #l2Subscriber: L2Subscriber = {
    invalidate: (keys) => {
      this.#invalidated(keys)
    },
    error: (error) => {
      this.#report(error, { operation: 'l2' })
    },
  }

  /**
   * @param options - see {@link AsyncCacheOptions}.
   * @throws {CacheConfigError} naming the first invalid option and its value.
   */
  constructor(options?: AsyncCacheOptions<K, V>) {
    const config = presetConfig ?? normalizeOptions(options)
    presetConfig = undefined
    this.#config = config
    this.#now = config.now
    this.#passThrough = config.maxSize === 0
    this.#store = createStore<K>(config.maxSize, config.policy, this.#onRemove)
    if (config.onEvent !== undefined) this.#listeners = [config.onEvent]
    if (config.autoRemoveMs !== undefined) this.#timer = autoRemove(this, config.autoRemoveMs)
    if (config.l2 !== undefined) {
      this.#l2 = new L2Link(config.l2, this.#report)
      this.#l2Index = new Map()
      this.#l2.subscribe(new WeakRef(this.#l2Subscriber))
    }
    this.#registration = register(this)
  }

  static {
    internals.create = (config) => {
      presetConfig = config
      return new AsyncCache()
    }
    internals.config = (cache) => cache.#config
    // The body of #fresh, written out: the hit path of every cached function comes through here.
    internals.hit = (cache, key) => {
      const entry = cache.#store.get(key)
      if (
        entry === undefined ||
        (entry.expiresAt !== Infinity && cache.#now() >= entry.expiresAt)
      ) {
        return undefined
      }
      cache.#counters.hits++
      if (cache.#listeners !== undefined) cache.#emit({ type: 'hit', key, kind: 'fresh' })
      return entry
    }
    internals.join = (cache, key, signal) => {
      const flight = cache.#flights.get(key)
      if (flight === undefined || flight.background) return undefined
      cache.#counters.dedupHits++
      cache.#hit(key, 'shared')
      return flight.join(signal)
    }
    internals.miss = (cache, key, loader, signal) => cache.#miss(key, loader, signal, undefined)
    internals.missSync = (cache, key, call, loader) => cache.#loadSync(key, call, loader)
  }

  /** The fresh entries held (expired ones are not counted, even before they are removed). */
  get size(): number {
    if (!this.#mayExpire) return this.#store.size
    const now = this.#now()
    let size = 0
    for (const [, entry] of this.#store.entries()) if (now < entry.expiresAt) size++
    return size
  }

  /** The capacity: `null` when unbounded. */
  get maxSize(): number | null {
    return this.#config.maxSize
  }

  /**
   * The value for `key`. On a miss, `loader` runs once however many callers miss the same key
   * at the same time, and all of them get its result; without a loader a miss gives
   * `undefined`. A kept error (`negativeCache`) is rethrown.
   *
   * With `{ batchLoader }`, the misses of one batch window are loaded in one call.
   *
   * @example
   * ```ts
   * const user = await cache.get(42, ({ key, signal }) => fetchUser(key, { signal }))
   * const cachedOnly = await cache.get(42) // undefined on a miss
   * const batched = await cache.get(42, { batchLoader: (ids) => fetchUsers(ids) })
   * ```
   */
  get(key: K): Promise<V | undefined>
  get(key: K, loader: Loader<K, V>, options?: GetOptions): Promise<V>
  get(key: K, options: BatchGetOptions<K, V>): Promise<V>
  get(
    key: K,
    loader?: Loader<K, V> | BatchGetOptions<K, V>,
    options?: GetOptions,
  ): Promise<V | undefined> {
    const entry = this.#fresh(key)
    if (entry !== undefined) return promiseOf(entry) as Promise<V>
    if (loader === undefined) {
      return this.#miss(key, undefined, undefined, undefined) as Promise<V | undefined>
    }
    if (typeof loader === 'function') {
      return this.#miss(key, loader, options?.signal, options?.ttl) as Promise<V>
    }
    return this.#miss(
      key,
      this.#batchLoader(loader.batchLoader),
      loader.signal,
      loader.ttl,
    ) as Promise<V>
  }

  /**
   * The values for `keys`, in order. Hits are served from the cache; the misses are loaded
   * together, through one `batchLoader` call per batch window (`batch` options). Rejects with
   * the first failure, like `Promise.all`.
   *
   * @example
   * ```ts
   * const [ada, alan] = await cache.getMany([1, 2], async (ids) => {
   *   const rows = await db.users.findMany(ids)
   *   return new Map(rows.map((row) => [row.id, row]))
   * })
   * ```
   */
  getMany(keys: Iterable<K>, batchLoader: BatchFn<K, V>, options?: GetOptions): Promise<V[]> {
    const loader = this.#batchLoader(batchLoader)
    const signal = options?.signal
    const ttl = options?.ttl
    const loads: Promise<V>[] = []
    for (const key of keys) {
      const entry = this.#fresh(key)
      loads.push(
        (entry !== undefined
          ? promiseOf(entry)
          : this.#miss(key, loader, signal, ttl)) as Promise<V>,
      )
    }
    return Promise.all(loads)
  }

  /**
   * Stores `value` under `key`, fresh from now. An in-flight load of `key` no longer stores
   * its result (its callers still get it). With an async `expiration`, the entry is fresh
   * until the expiration resolves.
   *
   * @throws {CacheConfigError} for an invalid `ttl`.
   */
  set(key: K, value: V, options?: SetOptions): this {
    const ttl = options?.ttl
    const error = ttl === undefined ? undefined : ttlError(ttl)
    if (error !== undefined) throw error
    const fetchedAt = this.#now()
    let expiresAt = Infinity
    let pending: PromiseLike<number> | undefined
    if (ttl !== undefined) {
      expiresAt = fetchedAt + ttl
    } else if (this.#config.expiry !== undefined) {
      const at = this.#config.expiry({ value, fetchedAt, isError: false }, fetchedAt)
      if (typeof at === 'number') expiresAt = at
      else pending = at
    }
    this.#flights.delete(key)
    const entry = this.#put(key, value, false, fetchedAt, expiresAt)
    if (entry.l2Key !== undefined) {
      void this.#writeL2(entry.l2Key, value, false, fetchedAt, expiresAt, true)
    }
    if (pending !== undefined) {
      pending.then(
        (at) => {
          if (this.#store.peek(key) !== entry) return
          this.#mayExpire = true
          entry.expiresAt = at
          entry.staleUntil = this.#staleUntil(at)
          if (entry.l2Key !== undefined) {
            void this.#writeL2(entry.l2Key, value, false, fetchedAt, at, false)
          }
        },
        (error: unknown) => {
          if (this.#store.peek(key) === entry) this.#store.delete(key)
          this.#report(error, { operation: 'expiry', key })
        },
      )
    }
    return this
  }

  /** Whether a fresh entry (a value, or a kept error) exists for `key`. Counts nothing. */
  has(key: K): boolean {
    const entry = this.#store.peek(key)
    return entry !== undefined && (entry.expiresAt === Infinity || this.#now() < entry.expiresAt)
  }

  /**
   * The entry for `key`, without counting a hit or touching its recency: a fresh entry, or a
   * stale one still served under `staleWhileRevalidate` (`stale: true`). A cached `undefined`
   * is `{ isError: false, value: undefined, … }`; a miss is `undefined`.
   */
  peek(key: K): CacheEntry<V> | undefined {
    const entry = this.#store.peek(key)
    if (entry === undefined) return undefined
    const now = this.#now()
    return now < entry.staleUntil || now < entry.expiresAt ? viewOf<V>(entry, now) : undefined
  }

  /**
   * Removes `key`'s entry (disposing of its resources) and forgets any load in flight for it, so
   * that its result is not stored. `true` if a live entry was removed. With `l2`, also deletes
   * the L2 copy and tells the other instances (in the background: see `whenL2Settled()`).
   */
  delete(key: K): boolean {
    this.#flights.delete(key)
    if (this.#l2 !== undefined) void this.#l2.delete(l2KeyOf(key))
    const entry = this.#store.peek(key)
    if (entry === undefined) return false
    if (entry.staleUntil !== Infinity && this.#now() >= entry.staleUntil) {
      this.#expire(key)
      return false
    }
    return this.#store.delete(key)
  }

  /**
   * Removes every entry (disposing of their resources), forgets loads in flight (their callers
   * still get their results, which are not stored) and resets the statistics. With `l2`, also
   * clears the store (only its own keys) and tells the other instances.
   */
  clear(): void {
    if (this.#l2 !== undefined) void this.#l2.clear()
    this.#clearLocal()
  }

  #clearLocal(): void {
    this.#flights.clear()
    this.#counters = newCounters()
    this.#lastExpirationCheck = null
    this.#mayExpire = false
    this.#store.clear()
  }

  /** Removes every expired entry now (disposing of their resources); returns how many. */
  removeExpired(): number {
    const now = this.#now()
    this.#lastExpirationCheck = now
    if (!this.#mayExpire) return 0
    const expired: K[] = []
    for (const [key, entry] of this.#store.entries()) {
      if (now >= entry.staleUntil) expired.push(key)
    }
    for (const key of expired) this.#expire(key)
    return expired.length
  }

  /**
   * Loads many keys ahead of use, at most `concurrency` at a time. Keys already cached are not
   * loaded again. A failing loader does not stop the others: its key is listed in `failed`.
   *
   * @example
   * ```ts
   * const { failed } = await cache.warmup({ config: loadConfig, flags: loadFlags })
   * ```
   */
  async warmup(
    loaders: Iterable<readonly [K, Loader<K, V>]> | Readonly<Record<K & string, Loader<K, V>>>,
    options?: WarmupOptions,
  ): Promise<WarmupResult<K>> {
    const concurrency = options?.concurrency ?? 8
    if (
      concurrency !== Infinity &&
      (typeof concurrency !== 'number' || !Number.isSafeInteger(concurrency) || concurrency < 1)
    ) {
      throw configError('concurrency', 'a positive integer or Infinity', concurrency)
    }
    const pairs: (readonly [K, Loader<K, V>])[] =
      Symbol.iterator in loaders
        ? [...loaders]
        : (Object.entries(loaders) as unknown as [K, Loader<K, V>][])
    const loaded: K[] = []
    const failed: { key: K; error: unknown }[] = []
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < pairs.length) {
        const [key, loader] = pairs[next++]!
        try {
          await this.get(key, loader)
          loaded.push(key)
        } catch (error) {
          failed.push({ key, error })
        }
      }
    }
    const workers: Promise<void>[] = []
    for (let i = 0; i < Math.min(concurrency, pairs.length); i++) workers.push(worker())
    await Promise.all(workers)
    return { loaded, failed }
  }

  /**
   * A snapshot of the statistics. `size` and `bytes` scan the entries (`bytes` samples at most
   * 1000 of them), so this is not meant for a hot path; listen to events for that.
   */
  stats(): CacheStats {
    const c = this.#counters
    const calls = c.hits + c.misses
    const bytes = this.#estimateBytes()
    return {
      hits: c.hits,
      misses: c.misses,
      hitRatio: calls === 0 ? 0 : c.hits / calls,
      dedupHits: c.dedupHits,
      staleHits: c.staleHits,
      size: this.size,
      maxSize: this.#config.maxSize,
      evictions: c.evictions,
      expirations: c.expirations,
      loads: c.loads,
      loadErrors: c.loadErrors,
      retries: c.retries,
      timeouts: c.timeouts,
      l2Hits: c.l2Hits,
      l2Misses: c.l2Misses,
      loadTime: loadTimeOf(c),
      ttl: this.#config.ttl,
      bytes,
      pretty: formatBytes(bytes),
      lastExpirationCheck: this.#lastExpirationCheck,
    }
  }

  /** The cache's configuration. */
  info(): CacheInfo {
    const config = this.#config
    const { count, backoffMs, maxBackoffMs, jitter } = config.retry
    const dispose = config.disposeOption
    return {
      name: config.name,
      maxSize: config.maxSize,
      policy: config.policy,
      ttl: config.ttl,
      expiration: config.expiration,
      negativeCache: config.negativeCache,
      negativeExpiration: config.negativeExpiration,
      retry: { count, backoffMs, maxBackoffMs, jitter },
      timeoutMs: config.timeoutMs ?? null,
      staleWhileRevalidate: config.staleMs,
      dispose:
        typeof dispose === 'function'
          ? 'function'
          : ((dispose as boolean | readonly string[] | undefined) ?? false),
      autoRemoveExpired: config.autoRemoveMs ?? null,
      batch: config.batch,
      l2: config.l2 !== undefined,
    }
  }

  /**
   * Calls `listener` with every {@link CacheEvent} from now on; returns the function that stops
   * it. Events cost nothing while nobody listens.
   *
   * @example
   * ```ts
   * const stop = cache.on((event) => {
   *   if (event.type === 'hit') hitCounter.inc()
   * })
   * ```
   */
  on(listener: CacheEventListener<K>): () => void {
    if (typeof listener !== 'function') throw configError('listener', 'a function', listener)
    this.#listeners = [...(this.#listeners ?? []), listener]
    return () => {
      const rest = (this.#listeners ?? []).filter((l) => l !== listener)
      this.#listeners = rest.length === 0 ? undefined : rest
    }
  }

  /** Resolves once every disposal this cache has started so far has settled. */
  whenDisposed(): Promise<void> {
    return settleAll(this.#disposals)
  }

  /**
   * Resolves once every write, delete and clear this cache has sent to its second tier (`l2`)
   * so far has settled (stored, or failed and reported to `onError`). At once without `l2`.
   *
   * @example
   * ```ts
   * users.delete(42)
   * await users.whenL2Settled() // the other instances have been told
   * ```
   */
  whenL2Settled(): Promise<void> {
    return this.#l2 === undefined ? RESOLVED_UNDEFINED : this.#l2.settled()
  }

  /**
   * Stops `autoRemoveExpired`, clears the cache (disposing of its entries' resources) and leaves
   * the `clearAll()` registry. Resolves once those disposals have settled. With `l2`, it stops
   * listening to the store and leaves the shared L2 as it is (see `clear()` to empty it).
   */
  destroy(): Promise<void> {
    if (this.#timer !== undefined) stopInterval(this.#timer)
    this.#timer = undefined
    unregister(this.#registration)
    this.#l2?.unsubscribe()
    this.#clearLocal()
    return this.whenDisposed()
  }

  // --- hit and miss paths -----------------------------------------------------------------

  /** The fresh entry for `key`, counting a hit; `undefined` otherwise (nothing counted). */
  #fresh(key: K): Entry | undefined {
    const entry = this.#store.get(key)
    if (entry === undefined || (entry.expiresAt !== Infinity && this.#now() >= entry.expiresAt)) {
      return undefined
    }
    this.#counters.hits++
    if (this.#listeners !== undefined) this.#emit({ type: 'hit', key, kind: 'fresh' })
    return entry
  }

  #miss(
    key: K,
    loader: Loader<K, V> | undefined,
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
        this.#expire(key)
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
    if (this.#listeners !== undefined) this.#emit({ type: 'miss', key })
    if (loader === undefined) return this.#l2 === undefined ? RESOLVED_UNDEFINED : this.#peekL2(key)
    // With a second tier, a load is counted once the loader runs (an L2 hit is no load).
    if (this.#l2 === undefined) this.#counters.loads++
    return this.#start(key, loader, ttl, false, undefined).join(signal)
  }

  #hit(key: K, kind: 'fresh' | 'stale' | 'shared'): void {
    this.#counters.hits++
    if (this.#listeners !== undefined) this.#emit({ type: 'hit', key, kind })
  }

  /** Starts a load (counted by the caller) and registers it as the key's flight. */
  #start(
    key: K,
    loader: Loader<K, V>,
    ttl: number | undefined,
    background: boolean,
    first: PromiseLike<unknown> | undefined,
  ): Flight {
    const flight = new Flight(key, background, this.#abandon)
    if (!this.#passThrough) this.#flights.set(key, flight)
    if (this.#l2 !== undefined && first === undefined) {
      flight.l2Key = l2KeyOf(key)
      void this.#runTiered(flight, key, loader, ttl)
      return flight
    }
    if (background) this.#counters.loads++
    void this.#run(flight, key, loader, ttl, first)
    return flight
  }

  // --- the second tier (l2) ---------------------------------------------------------------

  /**
   * A load through the second tier: its value in L2; else, holding the key's distributed lock
   * (when the store has one), the loader, whose value goes to L1 and L2; or the value another
   * instance loaded while this one waited on the lock.
   */
  async #runTiered(
    flight: Flight,
    key: K,
    loader: Loader<K, V>,
    ttl: number | undefined,
  ): Promise<void> {
    const link = this.#l2!
    const l2Key = flight.l2Key!
    let record = await link.read(l2Key)
    if (flight.abandoned) return
    let lease: Extract<L2LockResult, { status: 'acquired' }> | undefined
    if (record === undefined) {
      const lock = await link.lock(l2Key)
      if (lock.status === 'acquired') lease = lock
      else if (lock.status === 'loaded' && lock.record.ttlMs > 0) record = lock.record
      // Every waiter may have given up while we waited on the lock.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      if (flight.abandoned) {
        if (lease !== undefined) await link.release(lease, false)
        return
      }
    }
    if (record !== undefined) {
      this.#counters.l2Hits++
      this.#settleFromL2(flight, key, record)
      return
    }
    this.#counters.l2Misses++
    this.#counters.loads++
    try {
      await this.#run(flight, key, loader, ttl, undefined)
    } finally {
      if (lease !== undefined) {
        const written = flight.l2Write === undefined ? false : await flight.l2Write
        await link.release(lease, written)
      }
    }
  }

  /** Settles a load with a value found in L2, keeping it in L1 unless the load was forgotten. */
  #settleFromL2(flight: Flight, key: K, record: L2Record): void {
    // A background refresh keeps serving its stale value rather than a kept error.
    const keep = !(record.isError && flight.background)
    if (this.#flights.get(key) === flight) {
      this.#flights.delete(key)
      if (keep) this.#fill(key, flight.l2Key!, record)
    }
    flight.settled = true
    if (record.isError) flight.reject(record.value)
    else flight.resolve(record.value)
  }

  /** `get(key)` without a loader, on an L1 miss: the L2 value, kept in L1, or `undefined`. */
  async #peekL2(key: K): Promise<unknown> {
    const l2Key = l2KeyOf(key)
    const record = await this.#l2!.read(l2Key)
    if (record === undefined) {
      this.#counters.l2Misses++
      return undefined
    }
    this.#counters.l2Hits++
    const current = this.#store.peek(key)
    if (!this.#flights.has(key) && (current === undefined || this.#now() >= current.expiresAt)) {
      this.#fill(key, l2Key, record)
    }
    if (record.isError) throw record.value
    return record.value
  }

  /** Keeps an L2 record in L1, expiring when the L2 copy does (never later). */
  #fill(key: K, l2Key: string, record: L2Record): void {
    const expiresAt = record.ttlMs === Infinity ? Infinity : this.#now() + record.ttlMs
    this.#put(key, record.value, record.isError, record.fetchedAt, expiresAt, l2Key)
  }

  /** Writes an entry to L2 for as long as it lives in L1; `true` once stored. */
  #writeL2(
    l2Key: string,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    notify: boolean,
  ): Promise<boolean> {
    const ttlMs = expiresAt === Infinity ? Infinity : expiresAt - this.#now()
    if (!(ttlMs > 0)) return Promise.resolve(false)
    return this.#l2!.write({ key: l2Key, value, isError, fetchedAt, ttlMs }, notify)
  }

  /** Another instance changed these L2 keys (`null`: everything): drop the L1 copies. */
  #invalidated(keys: readonly string[] | null): void {
    try {
      if (keys === null) {
        this.#flights.clear()
        this.#store.clear()
        return
      }
      const index = this.#l2Index!
      for (const l2Key of keys) {
        for (const [key, flight] of this.#flights) {
          if (flight.l2Key === l2Key) this.#flights.delete(key)
        }
        if (!index.has(l2Key)) continue
        const key = index.get(l2Key) as K
        this.#flights.delete(key)
        this.#store.delete(key)
      }
    } catch (error) {
      this.#report(error, { operation: 'l2' })
    }
  }

  /** Every waiter gave up: forget the flight, so the next call starts afresh. */
  readonly #abandon = (flight: Flight, reason: unknown): void => {
    const key = flight.key as K
    if (this.#flights.get(key) === flight) this.#flights.delete(key)
    flight.settled = true
    flight.reject(reason)
  }

  async #run(
    flight: Flight,
    key: K,
    loader: Loader<K, V>,
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
        let error = caught
        let again = attempt <= retry.count
        if (again && retry.shouldRetry !== undefined) {
          try {
            again = retry.shouldRetry(error, attempt)
          } catch (thrown) {
            error = thrown
            again = false
          }
        }
        if (!again) return this.#fail(flight, key, error, started, attempt, true)
        const delayMs = backoffOf(retry, attempt)
        this.#counters.retries++
        if (this.#listeners !== undefined) {
          this.#emit({ type: 'retry', key, attempt: attempt + 1, delayMs, error })
        }
        if (delayMs > 0) await this.#sleep(flight, delayMs)
        // Every waiter may have given up while we slept.
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
        if (flight.abandoned) return
        continue
      }
      return this.#succeed(flight, key, value, ttl, started, attempt)
    }
  }

  /** One attempt: the loader's result, failing with `CacheTimeoutError` after `timeoutMs`. */
  #attempt(
    flight: Flight,
    key: K,
    loader: Loader<K, V>,
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
        true,
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

  #sleep(flight: Flight, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = startTimer(
        () => {
          flight.wake = undefined
          resolve()
        },
        ms,
        true,
      )
      flight.wake = () => {
        stopTimer(timer)
        flight.wake = undefined
        resolve()
      }
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
    let expiresAt = Infinity
    if (ttl !== undefined) {
      expiresAt = fetchedAt + ttl
    } else if (this.#config.expiry !== undefined) {
      try {
        const at = this.#config.expiry({ value, fetchedAt, isError: false }, fetchedAt)
        expiresAt = typeof at === 'number' ? at : await at
      } catch (error) {
        // The value cannot be kept under the configured expiration: fail loudly, keep nothing.
        return this.#fail(flight, key, error, started, attempts, false)
      }
    }
    const durationMs = this.#now() - started
    recordLoadTime(this.#counters, durationMs)
    if (flight.abandoned) {
      // Nobody is left to receive the value: close what it holds now, or it would leak.
      const resources = this.#resourcesOf(key, value)
      if (resources !== undefined) this.#dispose(key, resources)
      return
    }
    if (this.#flights.get(key) === flight) {
      this.#flights.delete(key)
      this.#put(key, value, false, fetchedAt, expiresAt, flight.l2Key)
      if (flight.l2Key !== undefined) {
        flight.l2Write = this.#writeL2(flight.l2Key, value, false, fetchedAt, expiresAt, false)
      }
    }
    flight.settled = true
    if (this.#listeners !== undefined) {
      this.#emit({ type: 'load', key, durationMs, attempts })
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
        this.#report(expiryError, { operation: 'expiry', key })
      }
    }
    if (this.#flights.get(key) === flight) {
      this.#flights.delete(key)
      if (keep && expiresAt !== -Infinity) {
        this.#put(key, error, true, fetchedAt, expiresAt, flight.l2Key)
        if (flight.l2Key !== undefined) {
          flight.l2Write = this.#writeL2(flight.l2Key, error, true, fetchedAt, expiresAt, false)
        }
      }
    }
    flight.settled = true
    if (this.#listeners !== undefined) {
      this.#emit({ type: 'loadError', key, error, durationMs, attempts })
    }
    if (flight.background && !flight.joined) this.#report(error, { operation: 'refresh', key })
    flight.reject(error)
  }

  #loadSync(key: K, call: () => unknown, loader: Loader<K, V>): unknown {
    const counters = this.#counters
    counters.misses++
    if (this.#listeners !== undefined) this.#emit({ type: 'miss', key })
    counters.loads++
    const started = this.#now()
    const config = this.#config
    const retry = config.retry
    for (let attempt = 1; ; attempt++) {
      let value: unknown
      try {
        value = call()
      } catch (caught) {
        let error = caught
        let again = attempt <= retry.count
        if (again && retry.shouldRetry !== undefined) {
          try {
            again = retry.shouldRetry(error, attempt)
          } catch (thrown) {
            error = thrown
            again = false
          }
        }
        if (again) {
          counters.retries++
          if (this.#listeners !== undefined) {
            this.#emit({ type: 'retry', key, attempt: attempt + 1, delayMs: 0, error })
          }
          continue
        }
        this.#failSync(key, error, started, attempt)
        throw error
      }
      if (isThenable(value)) {
        // A function not declared async returned a promise: hand it to an async load, which
        // shares it, applies the timeout and retries, and never keeps a rejection.
        return this.#start(key, loader, undefined, false, value).join(undefined)
      }
      const fetchedAt = this.#now()
      const at =
        config.expiry === undefined
          ? Infinity
          : config.expiry({ value, fetchedAt, isError: false }, fetchedAt)
      const durationMs = this.#now() - started
      recordLoadTime(counters, durationMs)
      this.#putWhenExpiryKnown(key, value, false, fetchedAt, at)
      if (this.#listeners !== undefined) {
        this.#emit({ type: 'load', key, durationMs, attempts: attempt })
      }
      return value
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
    if (this.#listeners !== undefined) {
      this.#emit({ type: 'loadError', key, error, durationMs, attempts })
    }
  }

  // --- storage ----------------------------------------------------------------------------

  #staleUntil(expiresAt: number): number {
    const staleMs = this.#config.staleMs
    if (staleMs === 0) return expiresAt
    return staleMs === Infinity ? Infinity : expiresAt + staleMs
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
      this.#put(key, value, isError, fetchedAt, at)
      return
    }
    at.then(
      (resolved) => {
        this.#put(key, value, isError, fetchedAt, resolved)
      },
      (error: unknown) => {
        this.#report(error, { operation: 'expiry', key })
      },
    )
  }

  #put(
    key: K,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    l2Key?: string,
  ): Entry {
    const resources = isError ? undefined : this.#resourcesOf(key, value)
    const entry = new Entry(
      value,
      isError,
      fetchedAt,
      expiresAt,
      isError ? expiresAt : this.#staleUntil(expiresAt),
      resources,
    )
    if (expiresAt !== Infinity) this.#mayExpire = true
    if (this.#l2Index !== undefined) {
      entry.l2Key = l2Key ?? l2KeyOf(key)
      this.#l2Index.set(entry.l2Key, key)
    }
    this.#store.set(key, entry)
    return entry
  }

  #resourcesOf(key: K, value: unknown): unknown[] | undefined {
    const config = this.#config
    if (!config.dispose) return undefined
    return findResources(value, config.disposePointers, key, this.#report)
  }

  #expire(key: K): void {
    this.#deleteReason = 'expire'
    try {
      this.#store.delete(key)
    } finally {
      this.#deleteReason = 'delete'
    }
  }

  /** Every entry leaving the store comes through here, exactly once. */
  readonly #onRemove = (key: K, entry: Entry, reason: EvictionReason): void => {
    let removal: RemovalReason
    switch (reason) {
      case 'evict':
        this.#counters.evictions++
        removal = 'evict'
        break
      case 'delete':
        removal = this.#deleteReason
        if (removal === 'expire') this.#counters.expirations++
        break
      case 'expire':
        this.#counters.expirations++
        removal = 'expire'
        break
      case 'set':
        removal = 'replace'
        break
      default:
        removal = 'clear'
    }
    if (entry.l2Key !== undefined && reason !== 'set' && this.#l2Index!.get(entry.l2Key) === key) {
      this.#l2Index!.delete(entry.l2Key)
    }
    if (this.#listeners !== undefined) this.#emit({ type: 'remove', key, reason: removal })
    if (entry.resources !== undefined) this.#dispose(key, entry.resources)
  }

  #dispose(key: K, resources: readonly unknown[]): void {
    disposeResources(resources, this.#config.disposer, key, this.#report, this.#disposals)
  }

  #batchLoader(batchLoader: BatchFn<K, V>): Loader<K, V> {
    if (typeof batchLoader !== 'function') {
      throw configError('batchLoader', 'a function of (keys, context)', batchLoader)
    }
    const loaders = (this.#batchLoaders ??= new WeakMap())
    let loader = loaders.get(batchLoader)
    if (loader === undefined) {
      const batcher = new Batcher<K, V>(batchLoader, this.#config.batch)
      loader = (context) => batcher.load(context.key)
      loaders.set(batchLoader, loader)
    }
    return loader
  }

  // --- reporting --------------------------------------------------------------------------

  #emit(event: CacheEvent<K>): void {
    for (const listener of this.#listeners!) {
      try {
        listener(event)
      } catch (error) {
        this.#report(error, { operation: 'event', key: event.key })
      }
    }
  }

  readonly #report: ErrorHandler = (error: unknown, context: ErrorContext): void => {
    try {
      this.#config.onError(error, context)
    } catch {
      // onError must not throw; there is nowhere left to report to.
    }
  }

  #estimateBytes(): number {
    const size = this.#store.size
    if (size === 0) return 0
    const seen = new Set<object>()
    let sampled = 0
    let bytes = 0
    for (const [key, entry] of this.#store.entries()) {
      bytes += ENTRY_OVERHEAD + estimateBytes(key, seen) + estimateBytes(entry.value, seen)
      if (++sampled === SAMPLE) break
    }
    return Math.round((bytes * size) / sampled)
  }
}

/** Starts the `autoRemoveExpired` timer; it holds the cache weakly and stops once it is gone. */
function autoRemove(cache: { removeExpired(): number }, ms: number): unknown {
  const ref = new WeakRef(cache)
  const timer = startInterval(() => {
    const live = ref.deref()
    if (live === undefined) stopInterval(timer)
    else live.removeExpired()
  }, ms)
  return timer
}
