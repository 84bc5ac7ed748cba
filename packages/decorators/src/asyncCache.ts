// AsyncCache: a read-through cache over any @cache/core policy, with single-flight loads,
// retries, timeouts, negative caching, stale-while-revalidate, batching, disposal and statistics.
// A thin shell: every method hands over to the cache engine (engine.ts), which cached() and
// @cached use as well.
import type { BatchFn } from '@cache/batch'

import type { BatchGetOptions, GetOptions, SetOptions } from './callOptions.js'
import type { CacheInfo } from './cacheInfo.js'
import { CacheEngine } from './engine.js'
import { promiseOf, type CacheEntry } from './entry.js'
import type { CacheEventListener } from './events.js'
import type { Loader } from './flight.js'
import type { AsyncCacheOptions } from './options.js'
import type { Registrable } from './registry.js'
import type { CacheStats } from './stats.js'
import { checkTags, tagsOrRejection } from './tags.js'
import { normalizeOptions } from './validateOptions.js'
import { runWarmup, type WarmupOptions, type WarmupResult } from './warmup.js'

// The types of AsyncCache's signatures live beside it; they are exported from here too, so that
// this module stays the one place to import the class and what its methods take and return.
export type { BatchGetOptions, GetOptions, SetOptions } from './callOptions.js'
export type { CacheInfo } from './cacheInfo.js'
export type { WarmupOptions, WarmupResult } from './warmup.js'

/** The engine behind `cache`, for the telemetry entry (src/otel). Internal. */
export let engineOf: <K>(cache: AsyncCache<K>) => CacheEngine<K>

/**
 * A cache of async (or sync) loads over any `@cache/core` eviction policy.
 *
 * - With `failSafe`, a failing load answers with the last good value (kept past its expiry for
 *   `maxStale`), and `timeouts.soft` answers with it when the load is slow.
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
  readonly #engine: CacheEngine<K>

  static {
    engineOf = (cache) => cache.#engine
  }

  /**
   * @param options - see {@link AsyncCacheOptions}.
   * @throws {CacheConfigError} naming the first invalid option and its value.
   */
  constructor(options?: AsyncCacheOptions<K, V>) {
    // cached() hands over the engine it made from options it checked itself (see cacheOver).
    this.#engine = isEngine(options)
      ? (options as CacheEngine<K>)
      : new CacheEngine<K>(normalizeOptions(options))
  }

  /** The fresh entries held (expired ones are not counted, even before they are removed). */
  get size(): number {
    return this.#engine.size
  }

  /** The capacity: `null` when unbounded. */
  get maxSize(): number | null {
    return this.#engine.config.maxSize
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
    const engine = this.#engine
    const entry = engine.hit(key)
    if (entry !== undefined) return promiseOf(entry) as Promise<V>
    if (loader === undefined) {
      return engine.miss(key, undefined, undefined, undefined) as Promise<V | undefined>
    }
    const callOptions = typeof loader === 'function' ? options : loader
    let tags: readonly string[] | undefined
    if (callOptions?.tags !== undefined) {
      const checked = tagsOrRejection(callOptions.tags, 'get() tags')
      if (!Array.isArray(checked)) return checked as Promise<never>
      tags = checked
    }
    if (typeof loader === 'function') {
      return engine.miss(
        key,
        loader,
        options?.signal,
        options?.ttl,
        tags,
        options?.eagerRefresh,
        options?.failSafe,
        options?.timeouts,
      ) as Promise<V>
    }
    return engine.miss(
      key,
      engine.batchLoaderOf(loader.batchLoader),
      loader.signal,
      loader.ttl,
      tags,
      loader.eagerRefresh,
      loader.failSafe,
      loader.timeouts,
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
    const engine = this.#engine
    const loader = engine.batchLoaderOf(batchLoader)
    const signal = options?.signal
    const ttl = options?.ttl
    const failSafe = options?.failSafe
    const timeouts = options?.timeouts
    let tags: readonly string[] | undefined
    if (options?.tags !== undefined) {
      const checked = tagsOrRejection(options.tags, 'getMany() tags')
      if (!Array.isArray(checked)) return checked as Promise<never>
      tags = checked
    }
    const eager = options?.eagerRefresh
    const loads: Promise<V>[] = []
    for (const key of keys) {
      const entry = engine.hit(key)
      loads.push(
        (entry !== undefined
          ? promiseOf(entry)
          : engine.miss(key, loader, signal, ttl, tags, eager, failSafe, timeouts)) as Promise<V>,
      )
    }
    return Promise.all(loads)
  }

  /**
   * Stores `value` under `key`, fresh from now. An in-flight load of `key` no longer stores
   * its result (its callers still get it). With an async `expiration`, the entry is fresh
   * until the expiration resolves.
   *
   * With `tags`, `invalidateTags()` of any of them removes the entry.
   *
   * @throws {CacheConfigError} for an invalid `ttl`.
   * @throws {CacheTagError} for invalid `tags`.
   */
  set(key: K, value: V, options?: SetOptions): this {
    const tags = options?.tags === undefined ? undefined : checkTags(options.tags, 'set() tags')
    this.#engine.set(key, value, options?.ttl, tags)
    return this
  }

  /**
   * Removes every entry carrying one of `tags`: from this cache at once (before it returns), and
   * with `l2`, from L2 (the invalidation is recorded there as a moment, so no instance serves an
   * entry written before it, even one reading only L2) and from every other instance's L1
   * (through the store's invalidation messages). A load in flight here does not keep a value
   * tagged with one of them. Resolves to the number of entries removed here, once L2 has the
   * invalidation (at once without `l2`); an L2 failure goes to `onError`, never to the caller
   * (see `whenL2Settled()`, as for `delete()`).
   *
   * @example
   * ```ts
   * await users.set(42, ada, { tags: ['team:7'] })
   * await users.invalidateTags(['team:7']) // 1
   * ```
   * @returns a promise of the number of entries removed from this L1.
   * @throws {CacheTagError} (as a rejection) for `tags` that are not a list of at most 64
   * non-empty strings of at most 256 characters.
   */
  invalidateTags(tags: readonly string[]): Promise<number> {
    const checked = tagsOrRejection(tags, 'invalidateTags()')
    return Array.isArray(checked)
      ? this.#engine.invalidateTags(checked as readonly string[])
      : (checked as Promise<never>)
  }

  /** Whether a fresh entry (a value, or a kept error) exists for `key`. Counts nothing. */
  has(key: K): boolean {
    return this.#engine.has(key)
  }

  /**
   * The entry for `key`, without counting a hit or touching its recency: a fresh entry, or a
   * stale one still served under `staleWhileRevalidate` (`stale: true`). A cached `undefined`
   * is `{ isError: false, value: undefined, … }`; a miss is `undefined`.
   */
  peek(key: K): CacheEntry<V> | undefined {
    return this.#engine.peek<V>(key)
  }

  /**
   * Removes `key`'s entry (disposing of its resources) and forgets any load in flight for it, so
   * that its result is not stored. `true` if a live entry was removed. With `l2`, also deletes
   * the L2 copy and tells the other instances (in the background: see `whenL2Settled()`).
   */
  delete(key: K): boolean {
    return this.#engine.delete(key)
  }

  /**
   * Removes every entry (disposing of their resources), forgets loads in flight (their callers
   * still get their results, which are not stored) and resets the statistics. With `l2`, also
   * clears the store (only its own keys) and tells the other instances.
   */
  clear(): void {
    this.#engine.clear()
  }

  /** Removes every expired entry now (disposing of their resources); returns how many. */
  removeExpired(): number {
    return this.#engine.removeExpired()
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
    return this.#engine.stats()
  }

  /** The cache's configuration. */
  info(): CacheInfo {
    return this.#engine.info()
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
    return this.#engine.tally.on(listener)
  }

  /** Resolves once every disposal this cache has started so far has settled. */
  whenDisposed(): Promise<void> {
    return this.#engine.whenDisposed()
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
    return this.#engine.whenL2Settled()
  }

  /**
   * Stops `autoRemoveExpired`, clears the cache (disposing of its entries' resources) and leaves
   * the `clearAll()` registry. Resolves once those disposals have settled. With `l2`, it stops
   * listening to the store and leaves the shared L2 as it is (see `clear()` to empty it).
   */
  destroy(): Promise<void> {
    return this.#engine.destroy()
  }
}

/**
 * The AsyncCache over `engine`: what `cache` is on a function cached with `cached()`, which
 * made the engine from options it had checked itself.
 */
export function cacheOver<K, V>(engine: CacheEngine<K>): AsyncCache<K, V> {
  // The constructor tells an engine from options (see there); an engine is no options object.
  return new AsyncCache<K, V>(engine as unknown as AsyncCacheOptions<K, V>)
}

// `instanceof` reads the prototype, which a revoked Proxy refuses: such options go on to
// normalizeOptions, which names them in a CacheConfigError.
function isEngine<K>(options: unknown): options is CacheEngine<K> {
  try {
    return options instanceof CacheEngine
  } catch {
    return false
  }
}
