// AsyncCache: a read-through cache over any @cache/core policy, with single-flight loads,
// retries, timeouts, negative caching, stale-while-revalidate, batching, disposal and statistics.
// This file holds the public API, the hit path and storing entries. The parts it owns do the rest:
// the miss path and loads (loadRunner.ts), the second tier (l2Tier.ts), removals (removals.ts).
import type { BatchFn } from '@cache/batch'
import type { EvictionReason } from '@cache/core'
import { startInterval, stopInterval } from '@cache/internal'

import { BatchLoaders } from './batchLoaders.js'
import type { BatchGetOptions, GetOptions, SetOptions } from './callOptions.js'
import { cacheInfoOf, type CacheInfo } from './cacheInfo.js'
import type { CacheParts } from './cacheParts.js'
import { Entry, promiseOf, viewOf, type CacheEntry } from './entry.js'
import { configError, ttlError } from './errors.js'
import type { CacheEvent, CacheEventListener, ErrorContext, ErrorHandler } from './events.js'
import type { Flight, Loader } from './flight.js'
import { L2Tier } from './l2Tier.js'
import { LoadRunner } from './loadRunner.js'
import type { Config } from './config.js'
import { expiresAtOf } from './expiry.js'
import type { AsyncCacheOptions } from './options.js'
import { normalizeOptions } from './validateOptions.js'
import { register, unregister, type Registrable } from './registry.js'
import { Removals } from './removals.js'
import {
  estimateStoreBytes,
  newCounters,
  resetCounters,
  snapshotOf,
  type CacheStats,
  type Counters,
} from './stats.js'
import { createStore, type Store } from './store.js'
import { runWarmup, type WarmupOptions, type WarmupResult } from './warmup.js'

// The types of AsyncCache's signatures live beside it; they are exported from here too, so that
// this module stays the one place to import the class and what its methods take and return.
export type { BatchGetOptions, GetOptions, SetOptions } from './callOptions.js'
export type { CacheInfo } from './cacheInfo.js'
export type { WarmupOptions, WarmupResult } from './warmup.js'

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
   * throws. A thenable result is handed to an async load (which calls `call` again for retries)
   * and its promise returned.
   */
  missSync(cache: AsyncCache, key: unknown, call: () => unknown): unknown
}

/** See {@link CacheInternals}. */
export const internals: CacheInternals = {} as CacheInternals

const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined)

let presetConfig: Config | undefined

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
  /** Shared with the cache's parts, so never replaced: `clear()` resets it in place. */
  readonly #counters: Counters = newCounters()
  readonly #now: () => number
  /** `undefined` while nobody listens: the hot path tests this one field. */
  #listeners: readonly CacheEventListener<K>[] | undefined = undefined
  /** Whether any stored entry may expire: if not, `size` needs no scan. */
  #mayExpire = false
  #lastExpirationCheck: number | null = null
  #timer: unknown = undefined
  /** Made on the first batched call. */
  #batchLoaders: BatchLoaders<K, V> | undefined = undefined
  readonly #registration: WeakRef<Registrable>
  /** Counts, reports and disposes of the entries that leave the store. */
  readonly #removals: Removals<K>
  /** The miss path and the loads it starts: stale values, shared loads, retries, timeouts. */
  readonly #loads: LoadRunner<K>
  /** The second tier, when `l2` is given. */
  readonly #l2: L2Tier<K> | undefined = undefined

  /**
   * @param options - see {@link AsyncCacheOptions}.
   * @throws {CacheConfigError} naming the first invalid option and its value.
   */
  constructor(options?: AsyncCacheOptions<K, V>) {
    const config = presetConfig ?? normalizeOptions(options)
    presetConfig = undefined
    this.#config = config
    this.#now = config.now
    this.#store = createStore<K>(config.maxSize, config.policy, this.#onRemove)
    if (config.onEvent !== undefined) this.#listeners = [config.onEvent]
    const parts = this.#parts()
    this.#removals = new Removals(parts)
    if (config.autoRemoveMs !== undefined) this.#timer = autoRemove(this, config.autoRemoveMs)
    if (config.l2 !== undefined) this.#l2 = new L2Tier(config.l2, parts)
    this.#loads = new LoadRunner(parts, this.#removals, this.#l2)
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
      cache.#counters.hits++
      if (cache.#listeners !== undefined) cache.#emit({ type: 'hit', key, kind: 'shared' })
      return flight.join(signal)
    }
    internals.miss = (cache, key, loader, signal) =>
      cache.#loads.miss(key, loader, signal, undefined)
    internals.missSync = (cache, key, call) => cache.#loads.loadSync(key, call)
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
      return this.#loads.miss(key, undefined, undefined, undefined) as Promise<V | undefined>
    }
    if (typeof loader === 'function') {
      return this.#loads.miss(key, loader, options?.signal, options?.ttl) as Promise<V>
    }
    return this.#loads.miss(
      key,
      this.#batchLoaderOf(loader.batchLoader),
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
    const loader = this.#batchLoaderOf(batchLoader)
    const signal = options?.signal
    const ttl = options?.ttl
    const loads: Promise<V>[] = []
    for (const key of keys) {
      const entry = this.#fresh(key)
      loads.push(
        (entry !== undefined
          ? promiseOf(entry)
          : this.#loads.miss(key, loader, signal, ttl)) as Promise<V>,
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
    const at = expiresAtOf(this.#config, value, fetchedAt, ttl)
    // An async expiration is not known yet: fresh until it is.
    const expiresAt = typeof at === 'number' ? at : Infinity
    this.#flights.delete(key)
    const entry = this.#put(key, value, false, fetchedAt, expiresAt)
    if (entry.l2Key !== undefined) {
      void this.#l2!.write(entry.l2Key, value, false, fetchedAt, expiresAt, true)
    }
    if (typeof at !== 'number') {
      at.then(
        (resolved) => {
          if (this.#store.peek(key) !== entry) return
          this.#mayExpire = true
          entry.expiresAt = resolved
          entry.staleUntil = this.#staleUntil(resolved)
          if (entry.l2Key !== undefined) {
            void this.#l2!.write(entry.l2Key, value, false, fetchedAt, resolved, false)
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
    this.#l2?.delete(key)
    const entry = this.#store.peek(key)
    if (entry === undefined) return false
    if (entry.staleUntil !== Infinity && this.#now() >= entry.staleUntil) {
      this.#removals.expire(key)
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
    this.#l2?.clear()
    this.#clearLocal()
  }

  #clearLocal(): void {
    this.#flights.clear()
    resetCounters(this.#counters)
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
    for (const key of expired) this.#removals.expire(key)
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
  warmup(
    loaders: Iterable<readonly [K, Loader<K, V>]> | Readonly<Record<K & string, Loader<K, V>>>,
    options?: WarmupOptions,
  ): Promise<WarmupResult<K>> {
    return runWarmup(this, loaders, options)
  }

  /**
   * A snapshot of the statistics. `size` and `bytes` scan the entries (`bytes` samples at most
   * 1000 of them), so this is not meant for a hot path; listen to events for that.
   */
  stats(): CacheStats {
    return snapshotOf(this.#counters, {
      size: this.size,
      maxSize: this.#config.maxSize,
      ttl: this.#config.ttl,
      bytes: estimateStoreBytes(this.#store),
      lastExpirationCheck: this.#lastExpirationCheck,
    })
  }

  /** The cache's configuration. */
  info(): CacheInfo {
    return cacheInfoOf(this.#config)
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
    return this.#removals.whenDisposed()
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

  /** The per-key loader `get()` and `getMany()` use for `batchLoader`. */
  #batchLoaderOf(batchLoader: BatchFn<K, V>): Loader<K, V> {
    return (this.#batchLoaders ??= new BatchLoaders(this.#config.batch)).loaderOf(batchLoader)
  }

  // --- the hit path (a miss goes to #loads) ----------------------------------------------

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

  // --- storage ----------------------------------------------------------------------------

  #staleUntil(expiresAt: number): number {
    const staleMs = this.#config.staleMs
    if (staleMs === 0) return expiresAt
    return staleMs === Infinity ? Infinity : expiresAt + staleMs
  }

  #put(
    key: K,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    l2Key?: string,
  ): Entry {
    const resources = isError ? undefined : this.#removals.resourcesOf(key, value)
    const entry = new Entry(
      value,
      isError,
      fetchedAt,
      expiresAt,
      isError ? expiresAt : this.#staleUntil(expiresAt),
      resources,
    )
    if (expiresAt !== Infinity) this.#mayExpire = true
    if (this.#l2 !== undefined) this.#l2.index(key, entry, l2Key)
    this.#store.set(key, entry)
    return entry
  }

  /** Every entry leaving the store comes through here, exactly once. */
  readonly #onRemove = (key: K, entry: Entry, reason: EvictionReason): void => {
    if (entry.l2Key !== undefined && reason !== 'set') this.#l2!.unindex(key, entry.l2Key)
    this.#removals.removed(key, entry, reason)
  }

  /** What the parts get of the cache (see {@link CacheParts}). Built once, in the constructor. */
  #parts(): CacheParts<K> {
    return {
      config: this.#config,
      store: this.#store,
      flights: this.#flights,
      counters: this.#counters,
      report: this.#report,
      listening: () => this.#listeners !== undefined,
      emit: (event) => {
        this.#emit(event)
      },
      put: (key, value, isError, fetchedAt, expiresAt, l2Key) =>
        this.#put(key, value, isError, fetchedAt, expiresAt, l2Key),
      run: (flight, key, loader, ttl) => this.#loads.run(flight, key, loader, ttl, undefined),
    }
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
}

/** Starts the `autoRemoveExpired` timer; it holds the cache weakly and stops once it is gone. */
function autoRemove(cache: { removeExpired(): number }, ms: number): unknown {
  const ref = new WeakRef(cache)
  const timer = startInterval(
    () => {
      const live = ref.deref()
      if (live === undefined) stopInterval(timer)
      else live.removeExpired()
    },
    ms,
    { keepAlive: false },
  )
  return timer
}
