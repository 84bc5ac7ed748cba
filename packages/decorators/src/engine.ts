// The cache engine: one per cache, behind AsyncCache, cached() and @cached alike, which reach it
// only through the methods below. It owns the entries, the loads in flight and the parts that
// work on them: the hit path is here (`hit`, `join`), the miss path in missPath.ts, loads in
// loadPipeline.ts, the second tier in l2Tier.ts, removals in removals.ts, counting and events in
// accounting.ts.
import type { BatchFn } from '@cache/batch'
import type { EvictionReason } from '@cache/core'
import { startInterval, stopInterval } from '@cache/internal'

import { Tally } from './accounting.js'
import { BatchLoaders } from './batchLoaders.js'
import { cacheInfoOf, type CacheInfo } from './cacheInfo.js'
import type { Config } from './config.js'
import { Entry, viewOf, type CacheEntry } from './entry.js'
import { hitClockOf } from './clock.js'
import { ttlError } from './errors.js'
import { refreshAtOf } from './eagerRefresh.js'
import { expiresAtOf } from './expiry.js'
import { FailSafe } from './failSafe.js'
import type { Flight, Loader } from './flight.js'
import { L2Tier } from './l2Tier.js'
import { LoadPipeline } from './loadPipeline.js'
import { MissPath } from './missPath.js'
import { register, unregister, type Registrable } from './registry.js'
import { Removals } from './removals.js'
import { estimateStoreBytes, snapshotOf, type CacheStats } from './stats.js'
import { createStore, type Store } from './store.js'
import { TagIndex } from './tagIndex.js'
import type { TagSource } from './tags.js'

const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined)

/** One cache's state and every operation on it. Internal: never exported from the package. */
export class CacheEngine<K = unknown> implements Registrable {
  readonly config: Config
  /** The exact clock: the `now` option, or `Date.now()`. */
  readonly now: () => number
  /** The clock `hit` reads: coarse (see clock.ts) for the default clock, else `now`. */
  readonly hitNow: () => number
  readonly store: Store<K>
  /** The loads in flight by key: a load stores its result only while it is still its key's. */
  readonly flights: Map<K, Flight> = new Map<K, Flight>()
  /** Every counter and event. */
  readonly tally: Tally<K>
  /** Counts, reports and disposes of the entries that leave the store. */
  readonly removals: Removals<K>
  /** The second tier, when `l2` is given. */
  readonly l2: L2Tier<K> | undefined = undefined
  /** Fail-safe and soft timeouts, when `failSafe` is given. */
  readonly failSafe: FailSafe<K> | undefined = undefined
  /** Runs loads: attempts, timeouts, retries, keeping the result, settling the waiters. */
  readonly pipeline: LoadPipeline<K>
  /** What a call does after a failed hit. */
  readonly missPath: MissPath<K>
  /** Whether any stored entry may expire: if not, `size` needs no scan. */
  #mayExpire = false
  #lastExpirationCheck: number | null = null
  #timer: unknown = undefined
  /** Made on the first batched call. */
  #batchLoaders: BatchLoaders<K, unknown> | undefined = undefined
  readonly #registration: WeakRef<Registrable>
  /** tag → keys, made on the first tagged entry or invalidation (tagIndex.ts). */
  #tags: TagIndex<K> | undefined = undefined

  constructor(config: Config) {
    this.config = config
    this.now = config.now
    this.hitNow = hitClockOf(config.now, config.ttlResolution)
    this.tally = new Tally<K>(config.onError, config.onEvent, config.name)
    this.store = createStore<K>(config.maxSize, config.policy, this.#onRemove)
    this.removals = new Removals(this)
    if (config.autoRemoveMs !== undefined) this.#timer = autoRemove(this, config.autoRemoveMs)
    if (config.l2 !== undefined) this.l2 = new L2Tier(config.l2, this)
    if (config.failSafe !== undefined) this.failSafe = new FailSafe(this, config.failSafe)
    this.pipeline = new LoadPipeline(this)
    this.missPath = new MissPath(this)
    this.#registration = register(this)
  }

  // --- the hit path ----------------------------------------------------------------------------

  /**
   * The fresh entry for `key`, counting a hit; `undefined` otherwise (nothing counted). Fresh by
   * the hit clock: up to `ttlResolution` ms late with the default clock, exact with `now`. An
   * entry past its `refreshAt` (its expiry, or its eager refresh point) goes to the miss path,
   * which serves it and starts the refresh: one stored time compared, with the option or not.
   */
  hit(key: K): Entry | undefined {
    const entry = this.store.get(key)
    if (entry === undefined || (entry.refreshAt !== Infinity && this.hitNow() >= entry.refreshAt)) {
      return undefined
    }
    this.tally.hit(key)
    return entry
  }

  /**
   * Joins the load in flight for `key` (counting a shared hit), unless there is none or it is a
   * background refresh; `undefined` then (nothing counted).
   */
  join(key: K, signal: AbortSignal | undefined): Promise<unknown> | undefined {
    const flight = this.flights.get(key)
    if (flight === undefined || flight.background) return undefined
    this.tally.sharedHit(key)
    return flight.join(signal)
  }

  /** Everything after a failed `hit`: see {@link MissPath.miss}. */
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
    return this.missPath.miss(key, loader, signal, ttl, tags, eagerRefresh, failSafe, timeouts)
  }

  /** A sync function's miss: see {@link MissPath.missSync}. */
  missSync(key: K, call: () => unknown, tags?: TagSource): unknown {
    return this.missPath.missSync(key, call, tags)
  }

  /** A call that bypasses the cache (`enabled: false`): counted as a miss and a load. */
  missUncached(key: K): void {
    this.tally.uncached(key)
  }

  /** The per-key loader for `batchLoader` (one Batcher per batch function). */
  batchLoaderOf(batchLoader: BatchFn<K, unknown>): Loader<K> {
    return (this.#batchLoaders ??= new BatchLoaders(this.config.batch)).loaderOf(batchLoader)
  }

  // --- entries ---------------------------------------------------------------------------------

  /** The fresh entries held (expired ones are not counted, even before they are removed). */
  get size(): number {
    if (!this.#mayExpire) return this.store.size
    const now = this.now()
    let size = 0
    for (const [, entry] of this.store.entries()) if (now < entry.expiresAt) size++
    return size
  }

  /** `AsyncCache#set`: stores `value`, fresh from now (until an async expiration resolves). */
  set(key: K, value: unknown, ttl: number | undefined, tags?: readonly string[]): void {
    const error = ttl === undefined ? undefined : ttlError(ttl)
    if (error !== undefined) throw error
    const fetchedAt = this.now()
    const at = expiresAtOf(this.config, value, fetchedAt, ttl)
    // An async expiration is not known yet: fresh until it is.
    const expiresAt = typeof at === 'number' ? at : Infinity
    this.flights.delete(key)
    const entry = this.put(key, value, false, fetchedAt, expiresAt, undefined, tags, undefined, 0)
    if (entry.l2Key !== undefined) {
      void this.l2!.writes.write(entry.l2Key, value, false, fetchedAt, expiresAt, true, tags)
    }
    if (typeof at !== 'number') {
      at.then(
        (resolved) => {
          if (this.store.peek(key) !== entry) return
          this.#mayExpire = true
          entry.expiresAt = resolved
          entry.refreshAt = refreshAtOf(fetchedAt, resolved, this.config.eagerRefresh)
          entry.staleUntil = this.#staleUntil(resolved)
          entry.keepUntil = this.#keepUntil(resolved, entry.staleUntil)
          if (entry.l2Key !== undefined) {
            void this.l2!.writes.write(entry.l2Key, value, false, fetchedAt, resolved, false, tags)
          }
        },
        (error: unknown) => {
          if (this.store.peek(key) === entry) this.store.delete(key)
          this.tally.report(error, { operation: 'expiry', key })
        },
      )
    }
  }

  /** Whether a fresh entry exists for `key`. Counts nothing. */
  has(key: K): boolean {
    const entry = this.store.peek(key)
    return entry !== undefined && (entry.expiresAt === Infinity || this.now() < entry.expiresAt)
  }

  /** The entry for `key` as `peek()` shows it: fresh, or stale but still servable. */
  peek<V>(key: K): CacheEntry<V> | undefined {
    const entry = this.store.peek(key)
    if (entry === undefined) return undefined
    const now = this.now()
    return now < entry.staleUntil || now < entry.expiresAt ? viewOf<V>(entry, now) : undefined
  }

  /** Removes `key`'s entry and forgets its load in flight; `true` if a live entry was removed. */
  delete(key: K): boolean {
    this.flights.delete(key)
    this.l2?.writes.delete(key)
    const entry = this.store.peek(key)
    if (entry === undefined) return false
    if (entry.keepUntil !== Infinity && this.now() >= entry.keepUntil) {
      this.removals.expire(key)
      return false
    }
    return this.store.delete(key)
  }

  /** Removes every entry, forgets loads in flight, resets the statistics; clears L2 too. */
  clear(): void {
    this.l2?.writes.clear()
    this.#clearLocal()
  }

  #clearLocal(): void {
    this.#tags?.clear()
    this.flights.clear()
    this.tally.reset()
    this.#lastExpirationCheck = null
    this.#mayExpire = false
    this.store.clear()
  }

  /**
   * Messages from the other instances may have been missed (the store's subscription was lost
   * and is back): from now on no L1 entry is served as fresh, nor stale under
   * `staleWhileRevalidate` (a missed delete would be served), so each key is read again from L2
   * or loaded; loads in flight are forgotten. With fail-safe the values stay at hand for a load
   * that fails, for `maxStale` from now at most (after a restart that lost Redis's data they are
   * the only copies left); without it they are dropped.
   */
  expireLocal(): void {
    this.flights.clear()
    const failSafe = this.failSafe
    if (failSafe === undefined) {
      this.store.clear()
      return
    }
    const now = this.now()
    const keepUntil = failSafe.keepUntil(now, now)
    const errors: K[] = []
    for (const [key, entry] of this.store.entries()) {
      if (entry.isError) {
        errors.push(key)
        continue
      }
      if (entry.expiresAt > now) entry.expiresAt = now
      if (entry.refreshAt > now) entry.refreshAt = now
      if (entry.staleUntil > now) entry.staleUntil = now
      if (entry.keepUntil > keepUntil) entry.keepUntil = keepUntil
    }
    // A kept error is no fail-safe value: it goes, as an expired one would.
    for (const key of errors) this.store.delete(key)
    this.#mayExpire = true
  }

  /** Removes every expired entry now; returns how many. */
  removeExpired(): number {
    const now = this.now()
    this.#lastExpirationCheck = now
    if (!this.#mayExpire) return 0
    const expired: K[] = []
    for (const [key, entry] of this.store.entries()) {
      if (now >= entry.keepUntil) expired.push(key)
    }
    for (const key of expired) this.removals.expire(key)
    return expired.length
  }

  /**
   * Stores a result in L1 (as the copy of L2's `l2Key`, when given). `eagerRefresh`: the
   * fraction of its life after which a hit refreshes it (a call's own, or the option; 0: never).
   * `loadMs`: how long before `fetchedAt` its load started (see {@link Entry.loadMs}).
   */
  put(
    key: K,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    l2Key: string | undefined,
    tags?: readonly string[],
    eagerRefresh: number | undefined = this.config.eagerRefresh,
    loadMs = -1,
  ): Entry {
    const resources = isError ? undefined : this.removals.resourcesOf(key, value)
    const staleUntil = isError ? expiresAt : this.#staleUntil(expiresAt)
    const entry = new Entry(value, isError, fetchedAt, expiresAt, staleUntil, resources)
    entry.loadMs = loadMs
    if (!isError) entry.keepUntil = this.#keepUntil(expiresAt, staleUntil)
    if (eagerRefresh !== undefined && !isError) {
      entry.refreshAt = refreshAtOf(fetchedAt, expiresAt, eagerRefresh)
    }
    if (expiresAt !== Infinity) this.#mayExpire = true
    if (this.l2 !== undefined) this.l2.index(key, entry, l2Key)
    this.store.set(key, entry)
    // Indexed once stored (a store that kept nothing, or evicted it at once, indexes nothing).
    if (tags !== undefined && tags.length > 0 && this.store.peek(key) === entry) {
      entry.tags = tags
      ;(this.#tags ??= new TagIndex<K>()).add(key, tags)
    }
    return entry
  }

  // --- tags ------------------------------------------------------------------------------------

  /**
   * Removes every L1 entry carrying one of `tags` (already checked) and keeps the loads in
   * flight from storing a result tagged with them; `remote`: another instance invalidated them
   * (through the store's bus). Returns how many entries were removed.
   */
  invalidateTagsHere(tags: readonly string[], remote: boolean): number {
    const index = (this.#tags ??= new TagIndex<K>())
    const keys = index.invalidate(tags, this.flights.values())
    for (const key of keys) this.removals.removeForTags(key)
    this.tally.tagsInvalidated(tags, keys.length, remote)
    return keys.length
  }

  /**
   * `AsyncCache#invalidateTags`: removes the tagged entries here at once, then records the
   * invalidation in L2, which tells the other instances. Resolves to the number removed here,
   * once L2 has it (at once without `l2`); an L2 failure goes to `onError`, never to the caller.
   */
  invalidateTags(tags: readonly string[]): Promise<number> {
    const removed = this.invalidateTagsHere(tags, false)
    if (this.l2 === undefined) return Promise.resolve(removed)
    return this.l2.writes.invalidateTags(tags).then(() => removed)
  }

  /**
   * Whether a result tagged `tags`, loaded by `flight`, may still be kept: not when one of its
   * tags was invalidated while it loaded (its value is as of before the invalidation).
   */
  keepsTagged(flight: Flight | undefined, tags: readonly string[]): boolean {
    return this.#tags === undefined || !this.#tags.droppedDuring(flight, tags)
  }

  /** How many tag invalidations this cache has seen (see {@link TagIndex.epoch}). */
  get tagEpoch(): number {
    return this.#tags?.epoch ?? 0
  }

  /**
   * Tags the entry a sync function's miss just stored under `key`, if it still holds `value`
   * (a cached sync function's tags are known once it has returned).
   */
  tagStored(key: K, value: unknown, tags: readonly string[]): void {
    const entry = this.store.peek(key)
    if (entry === undefined || entry.isError || entry.value !== value || entry.tags !== undefined) {
      return
    }
    entry.tags = tags
    ;(this.#tags ??= new TagIndex<K>()).add(key, tags)
  }

  #staleUntil(expiresAt: number): number {
    const staleMs = this.config.staleMs
    if (staleMs === 0) return expiresAt
    return staleMs === Infinity ? Infinity : expiresAt + staleMs
  }

  /** Until when a value is kept: past `staleUntil` only with fail-safe. */
  #keepUntil(expiresAt: number, staleUntil: number): number {
    return this.failSafe === undefined ? staleUntil : this.failSafe.keepUntil(expiresAt, staleUntil)
  }

  /** Every entry leaving the store comes through here, exactly once. */
  readonly #onRemove = (key: K, entry: Entry, reason: EvictionReason): void => {
    if (entry.l2Key !== undefined && reason !== 'set') this.l2!.unindex(key, entry.l2Key)
    if (entry.tags !== undefined) this.#tags!.remove(key, entry.tags)
    this.removals.removed(key, entry, reason)
  }

  // --- reporting and lifetime ------------------------------------------------------------------

  /** A snapshot of the statistics (scans the entries: not for a hot path). */
  stats(): CacheStats {
    return snapshotOf(this.tally.counters, {
      size: this.size,
      maxSize: this.config.maxSize,
      ttl: this.config.ttl,
      bytes: estimateStoreBytes(this.store),
      lastExpirationCheck: this.#lastExpirationCheck,
    })
  }

  /** The configuration, as `info()` reports it. */
  info(): CacheInfo {
    return cacheInfoOf(this.config)
  }

  /** Resolves once every disposal started so far has settled. */
  whenDisposed(): Promise<void> {
    return this.removals.whenDisposed()
  }

  /** Resolves once everything sent to L2 so far has settled; at once without `l2`. */
  whenL2Settled(): Promise<void> {
    return this.l2 === undefined ? RESOLVED_UNDEFINED : this.l2.writes.settled()
  }

  /** Stops the timer, leaves the registry and L2's invalidations, clears L1. */
  destroy(): Promise<void> {
    if (this.#timer !== undefined) stopInterval(this.#timer)
    this.#timer = undefined
    unregister(this.#registration)
    this.l2?.unsubscribe()
    this.#clearLocal()
    return this.whenDisposed()
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
