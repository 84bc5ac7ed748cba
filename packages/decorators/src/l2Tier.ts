// A cache's side of its second tier (`l2`): loads that look in L2 before running the loader
// (holding the key's distributed lock when the store has one), L2 values kept in L1, and other
// instances' invalidations applied to L1; what goes the other way is in l2Write.ts. AsyncCache creates one
// only when `l2` is given, so a cache without a second tier carries none of this.
import type { CacheEngine } from './engine.js'
import type { Entry } from './entry.js'
import type { Flight, Loader } from './flight.js'
import {
  L2Link,
  l2KeyOf,
  type L2LockOptions,
  type L2Record,
  type L2Store,
  type L2Subscriber,
} from './l2.js'
import { L2Writes } from './l2Write.js'
import { loadBoundMs } from './retry.js'

/** What {@link L2Tier} uses of its engine (its pipeline only once a load runs). */
export type L2TierHost<K> = Pick<
  CacheEngine<K>,
  | 'config'
  | 'store'
  | 'flights'
  | 'tally'
  | 'put'
  | 'pipeline'
  | 'invalidateTagsHere'
  | 'keepsTagged'
  | 'tagEpoch'
  | 'failSafe'
  | 'expireLocal'
>

/** The second tier of one cache. */
export class L2Tier<K> {
  readonly #host: L2TierHost<K>
  readonly #now: () => number
  readonly #link: L2Link
  /** The lease a load asks for when it takes a key's lock: the load's own bound. */
  readonly #lockOptions: L2LockOptions
  /** L2 key → the key of the L1 entry holding it, to apply other instances' invalidations. */
  readonly #index = new Map<string, K>()
  /**
   * L2 key → the load started for it last, so that an invalidation finds its load in flight
   * without a scan of every flight. An entry may outlive its flight (it is checked against
   * `flights` on use) and is swept once there are many more than flights (see {@link #track}).
   */
  readonly #flying = new Map<string, Flight>()
  /** What the store calls; the store holds it weakly, the tier (so the cache) strongly. */
  readonly #subscriber: L2Subscriber = {
    invalidate: (keys, ageMs) => {
      this.#invalidated(keys, ageMs)
    },
    invalidateTags: (tags) => {
      try {
        this.#host.invalidateTagsHere(tags, true)
      } catch (error) {
        this.#host.tally.report(error, { operation: 'l2' })
      }
    },
    missed: () => {
      try {
        this.#host.expireLocal()
        // What a store says when its connection comes back: replay what the outage held.
        this.#link.replayNow()
      } catch (error) {
        this.#host.tally.report(error, { operation: 'l2' })
      }
    },
    error: (error) => {
      this.#host.tally.report(error, { operation: 'l2' })
    },
  }

  /** Everything this cache sends to L2: writes, deletes, clears. */
  readonly writes: L2Writes<K>

  constructor(store: L2Store, host: L2TierHost<K>) {
    this.#host = host
    this.#now = host.config.now
    this.#link = new L2Link(store, host.tally.report, {
      limit: host.config.l2ReplayLimit,
      now: this.#now,
      hooks: host.tally,
    })
    const leaseMs = loadBoundMs(host.config.retry, host.config.timeoutMs)
    this.#lockOptions = leaseMs === undefined ? {} : { leaseMs }
    this.#link.subscribe(new WeakRef(this.#subscriber))
    this.writes = new L2Writes(this.#link, this.#now, host.config.failSafe?.maxStaleMs ?? 0)
  }

  /** `l2Key`'s copy, fresh or kept stale for fail-safe (failSafe.ts), or `undefined`. */
  readStale(l2Key: string): Promise<L2Record | undefined> {
    return this.#link.readStale(l2Key)
  }

  /** Marks `entry`, about to be stored under `key`, as the L1 copy of `l2Key` (or `key`'s). */
  index(key: K, entry: Entry, l2Key: string | undefined): void {
    entry.l2Key = l2Key ?? l2KeyOf(key)
    this.#index.set(entry.l2Key, key)
  }

  /** `key`'s entry, the L1 copy of `l2Key`, left L1 (other than by being replaced). */
  unindex(key: K, l2Key: string): void {
    if (this.#index.get(l2Key) === key) this.#index.delete(l2Key)
  }

  /**
   * Starts a load through the second tier: its value in L2; else, holding the key's distributed
   * lock (when the store has one), the loader, whose value goes to L1 and L2; or the value
   * another instance loaded while this one waited on the lock. With a lock, the read and the
   * lock are one call (one round trip before the loader).
   */
  load(flight: Flight, key: K, loader: Loader<K>, ttl: number | undefined): void {
    // Hashed before the load starts, so that a key that cannot be hashed throws to the caller.
    const l2Key = (flight.l2Key = l2KeyOf(key))
    this.#track(l2Key, flight)
    void this.#load(flight, l2Key, key, loader, ttl)
  }

  async #load(
    flight: Flight,
    l2Key: string,
    key: K,
    loader: Loader<K>,
    ttl: number | undefined,
  ): Promise<void> {
    const link = this.#link
    const tally = this.#host.tally
    let record: L2Record | undefined
    const refreshOf = flight.refreshOf
    // Fail-safe callers wait on this load: L2's stale copy, if the read finds one, is at hand.
    const onStale = flight.answer === undefined ? undefined : this.#staleTaker(flight, key)
    if (link.store.lock === undefined) {
      // An eager refresh reloads what L2 holds (the same copy): without locks it just loads.
      if (refreshOf === undefined) record = await link.read(l2Key, onStale)
      if (flight.abandoned) return
    } else {
      const lockOptions = this.#lockOptionsOf(flight)
      const options =
        refreshOf !== undefined
          ? { ...lockOptions, refreshOf }
          : onStale !== undefined
            ? { ...lockOptions, onStale }
            : lockOptions
      const lock = await link.lock(l2Key, options)
      if (lock.status === 'acquired') flight.lease = lock
      else if (lock.status === 'loaded' && lock.record.ttlMs > 0) record = lock.record
      else if (lock.status === 'busy' && !flight.joined) {
        // Another instance is refreshing the key: its value comes through L2, not from here.
        this.#refreshedElsewhere(flight, key)
        return
      }
      // Every waiter may have given up while we waited on the lock.
      if (flight.abandoned) {
        this.#releaseIfHeld(flight)
        return
      }
    }
    if (record !== undefined) {
      tally.l2Read(true)
      this.#settle(flight, key, record)
      return
    }
    tally.l2Read(false)
    tally.loadStarted()
    try {
      await this.#host.pipeline.run(flight, key, loader, ttl, undefined)
    } finally {
      // Not handed to a write (the load failed, was abandoned or was not kept): release it.
      this.#releaseIfHeld(flight)
    }
  }

  /** What hands L2's stale copy of `key` to `flight`'s fail-safe callers (failSafe.ts). */
  #staleTaker(flight: Flight, key: K): (record: L2Record) => void {
    return (record) => {
      this.#host.failSafe?.fromL2(flight, key, record)
    }
  }

  /** The lock options of `flight`'s load: the cache's, or a lease of the call's own bound. */
  #lockOptionsOf(flight: Flight): L2LockOptions {
    const timeoutMs = flight.timeoutMs
    if (timeoutMs === this.#host.config.timeoutMs) return this.#lockOptions
    const leaseMs = loadBoundMs(this.#host.config.retry, timeoutMs)
    return leaseMs === undefined ? {} : { leaseMs }
  }

  /** Ends an eager refresh that another instance is doing: nothing loaded, the entry kept. */
  #refreshedElsewhere(flight: Flight, key: K): void {
    this.#forget(flight, key)
    this.#host.tally.eagerRefreshBusy(key)
    flight.resolve(undefined)
  }

  /** Releases the lock `flight` still holds, telling the waiters nothing was written. */
  #releaseIfHeld(flight: Flight): void {
    const lease = flight.lease
    if (lease === undefined) return
    flight.lease = undefined
    void this.#link.release(lease, false)
  }

  /** `get(key)` without a loader, on an L1 miss: the L2 value, kept in L1, or `undefined`. */
  async peek(key: K): Promise<unknown> {
    const host = this.#host
    const l2Key = l2KeyOf(key)
    const epoch = host.tagEpoch
    const record = await this.#link.read(l2Key)
    if (record === undefined) {
      host.tally.l2Read(false)
      return undefined
    }
    host.tally.l2Read(true)
    const current = host.store.peek(key)
    // A tagged value read before a tag invalidation that came meanwhile is served, not kept.
    const stale = record.tags !== undefined && host.tagEpoch !== epoch
    if (
      !stale &&
      !host.flights.has(key) &&
      (current === undefined || this.#now() >= current.expiresAt)
    ) {
      this.#fill(key, l2Key, record)
    }
    if (record.isError) throw record.value
    return record.value
  }

  /**
   * Sends the cache's calls to its store through `wrap(store)` until the returned function is
   * called (telemetry: src/otel/l2Telemetry.ts); the subscription stays the store's own.
   */
  intercept(wrap: (store: L2Store) => L2Store): () => void {
    const link = this.#link
    const store = link.store
    link.store = wrap(store)
    return () => {
      link.store = store
    }
  }

  /** Stops applying other instances' invalidations (the cache is being destroyed). */
  unsubscribe(): void {
    this.#link.unsubscribe()
  }

  /** Settles a load with a value found in L2, keeping it in L1 unless the load was forgotten. */
  #settle(flight: Flight, key: K, record: L2Record): void {
    if (
      record.isError &&
      flight.answer !== undefined &&
      this.#host.failSafe?.recoverAtHand(flight, key, record.value) === true
    ) {
      // Another instance's load failed and kept its error (`negativeCache`): a failed load, to
      // fail-safe callers with a stale value at hand. They have it (throttled in L1); L1 does
      // not take the error over it, and callers that refuse stale values get the error.
      this.#forget(flight, key)
      flight.reject(record.value)
      return
    }
    // A background refresh keeps serving its stale value rather than a kept error.
    const keep =
      !(record.isError && flight.background) &&
      (record.tags === undefined || this.#host.keepsTagged(flight, record.tags))
    const flights = this.#host.flights
    if (flights.get(key) === flight) {
      flights.delete(key)
      if (keep) this.#fill(key, flight.l2Key!, record, flight.eagerRefresh)
    }
    flight.settled = true
    if (record.isError) flight.reject(record.value)
    else flight.resolve(record.value)
  }

  /** Settles `flight` without keeping anything, and forgets it if it is still `key`'s. */
  #forget(flight: Flight, key: K): void {
    const flights = this.#host.flights
    if (flights.get(key) === flight) flights.delete(key)
    flight.settled = true
  }

  /** Keeps an L2 record in L1, expiring when the L2 copy does (never later). */
  #fill(key: K, l2Key: string, record: L2Record, eagerRefresh?: number): void {
    const expiresAt = record.ttlMs === Infinity ? Infinity : this.#now() + record.ttlMs
    const tags = record.tags !== undefined && record.tags.length > 0 ? record.tags : undefined
    const { value, isError, fetchedAt } = record
    this.#host.put(key, value, isError, fetchedAt, expiresAt, l2Key, tags, eagerRefresh)
  }

  /**
   * Remembers `flight` as the load of `l2Key`. Entries of flights that have ended are swept
   * when the map holds twice as many entries as there are flights, plus 64: a sweep costs one
   * step per entry, and at least as many loads as it leaves entries come before the next, so a
   * load pays O(1) for it.
   */
  #track(l2Key: string, flight: Flight): void {
    const flying = this.#flying
    const flights = this.#host.flights
    if (flying.size >= 2 * flights.size + 64) {
      for (const [key, tracked] of flying) {
        if (flights.get(tracked.key as K) !== tracked) flying.delete(key)
      }
    }
    flying.set(l2Key, flight)
  }

  /**
   * Another instance changed these L2 keys (`null`: everything): drop the L1 copies, but those
   * loaded here by a load that started after the change when it was made `ageMs` ago (a replay
   * after an outage; see {@link L2Subscriber.invalidate}). The moment is taken on arrival, so it
   * is later than the real one by the message's way here: a copy loaded in between goes too.
   */
  #invalidated(keys: readonly string[] | null, ageMs: number | undefined): void {
    const { flights, store } = this.#host
    // Copies whose loads started after this moment (this instance's clock) are newer.
    const since =
      ageMs !== undefined && ageMs > 0 && ageMs < Infinity ? this.#now() - ageMs : Infinity
    try {
      if (keys === null) {
        flights.clear()
        if (since === Infinity) store.clear()
        else this.#dropOlder(since)
        // Also what a store without `missed` says when its connection comes back: replay what
        // the outage held.
        this.#link.replayNow()
        return
      }
      const index = this.#index
      const flying = this.#flying
      for (const l2Key of keys) {
        const flight = flying.get(l2Key)
        if (flight !== undefined) {
          flying.delete(l2Key)
          if (flights.get(flight.key as K) === flight) flights.delete(flight.key as K)
        }
        if (!index.has(l2Key)) continue
        const key = index.get(l2Key) as K
        flights.delete(key)
        const entry = store.peek(key)
        if (entry === undefined || !loadedSince(entry, since)) store.delete(key)
      }
    } catch (error) {
      this.#host.tally.report(error, { operation: 'l2' })
    }
  }

  /** Drops every L1 entry but those loaded here by a load that started after `since`. */
  #dropOlder(since: number): void {
    const store = this.#host.store
    const older: K[] = []
    for (const [key, entry] of store.entries()) if (!loadedSince(entry, since)) older.push(key)
    for (const key of older) store.delete(key)
  }
}

/**
 * Whether `entry` was loaded here by a load that started after `since` (in the same ms is not
 * after: that load may have read the source before the change).
 */
function loadedSince(entry: Entry, since: number): boolean {
  return entry.loadMs >= 0 && entry.fetchedAt - entry.loadMs > since
}
