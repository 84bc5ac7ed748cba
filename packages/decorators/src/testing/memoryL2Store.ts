// An in-memory second tier: a MemoryL2Server stands for the shared server (as one Redis), and
// each memoryL2Store() on it for one process's connection to it. Values live until their expiry
// on the server's clock, writes are ordered by when their load started (an older one never
// overwrites a newer value, delete or clear), invalidations reach the other stores on the
// server, locks have a lease and are released by token, and the server can be disconnected to
// simulate an outage. It passes `testL2Store`, so tests that use it exercise the same contract
// as a real store.
import { CacheConfigError } from '@cache/core'

import {
  tellInvalidated,
  tellMissed,
  type L2DeleteOptions,
  type L2LockOptions,
  type L2LockResult,
  type L2Record,
  type L2Store,
  type L2Subscriber,
  type L2Write,
} from '../l2.js'
import type { L2Health } from '../l2Health.js'

/** A replay's age (`options.ageMs` when above 0), as told to the other stores; else none. */
function ageOf(options: L2DeleteOptions | undefined): number | undefined {
  const ageMs = options?.ageMs
  return ageMs !== undefined && ageMs > 0 ? ageMs : undefined
}

/** A value as a {@link MemoryL2Server} holds it. */
export interface MemoryL2Entry {
  /** The value, or a kept error when `isError`. Kept as given: not copied, not serialized. */
  readonly value: unknown
  /** Whether `value` is a kept error. */
  readonly isError: boolean
  /** When the value was loaded, per the writing cache's clock (ms). */
  readonly fetchedAt: number
  /** When it stops being fresh, on the server's clock (ms; `Infinity`: never). */
  readonly expiresAt: number
  /** How long past `expiresAt` it is kept, stale, for fail-safe (ms; absent: not at all). */
  readonly staleMs?: number
  /** The moment the value is as of (when its load started), on the server's clock. */
  readonly version: number
  /** The tags it carries (absent: none). */
  readonly tags?: readonly string[]
}

/** What a delete leaves: writes as of an earlier moment are dropped while it lives. */
export interface MemoryL2Tombstone {
  /** When the key was deleted, on the server's clock. */
  readonly version: number
  /** When the server forgets it. */
  readonly expiresAt: number
}

/** A held lock. */
export interface MemoryL2Lock {
  /** What only its holder knows: a release with another token does nothing. */
  readonly token: number
  /** When the lease ends, on the server's clock: the lock is free from then on. */
  readonly expiresAt: number
}

/** Options of {@link MemoryL2Server}. */
export interface MemoryL2ServerOptions {
  /**
   * The server's clock, in ms: expiry and lock leases follow it, so a test can move time with
   * fake timers (the default reads `Date.now()` at each call) or a clock of its own.
   * @default () => Date.now()
   */
  readonly now?: () => number
  /**
   * How long the server remembers a delete or a clear, in ms: a write as of a moment older
   * than that (its load started longer ago) is dropped, since it can no longer be ordered.
   * @default 60_000
   */
  readonly tombstoneMs?: number
}

/** Options of {@link memoryL2Store}. */
export interface MemoryL2StoreOptions {
  /**
   * The server the store connects to; stores on one server share their values, locks and
   * invalidations, as processes on one Redis.
   * @default a new server of its own
   */
  readonly server?: MemoryL2Server
  /**
   * Distributed single flight (`lock()`); `false` leaves `lock` out, so every instance that
   * misses loads for itself.
   * @default true
   */
  readonly locks?: boolean
  /**
   * How long `lock()` waits for another holder before it gives up (`skipped`), in ms. Waiting
   * uses `setTimeout`, so fake timers control it.
   * @default 5_000
   */
  readonly lockWaitMs?: number
  /**
   * How long a lock lives when its holder never releases it, in ms, on the server's clock,
   * unless `lock()` asks for a lease of its own (`leaseMs`, the load's bound).
   * @default 10_000
   */
  readonly lockLeaseMs?: number
}

/**
 * What every call of a {@link MemoryL2Store} rejects with while its server is disconnected
 * (see {@link MemoryL2Server.disconnect}).
 */
export class L2UnreachableError extends Error {
  override readonly name = 'L2UnreachableError' as const
  /** Stable code to match on. */
  readonly code = 'ERR_L2_UNREACHABLE' as const

  /** Says the server is disconnected, and how to end it. */
  constructor() {
    super('The memory L2 server is disconnected (server.disconnect()); server.reconnect() ends it')
  }
}

/**
 * The shared state of in-memory stores: values with their expiry, locks, and the stores
 * connected to it. Look at `values` and `locks` in tests; move time with its `now` clock.
 *
 * @example
 * ```ts
 * const server = new MemoryL2Server()
 * const a = new AsyncCache({ l2: memoryL2Store({ server }) })
 * const b = new AsyncCache({ l2: memoryL2Store({ server }) }) // another "process"
 * ```
 */
export class MemoryL2Server {
  /** The server's clock (ms). */
  readonly now: () => number
  /** How long deletes and clears are remembered, in ms. */
  readonly tombstoneMs: number
  readonly #values = new Map<string, MemoryL2Entry>()
  readonly #tombstones = new Map<string, MemoryL2Tombstone>()
  /** When each tag was last invalidated, on the server's clock (kept, as Redis keeps them). */
  readonly #tagTimes = new Map<string, number>()
  /** When the server was last cleared (-Infinity: never). */
  #clearedAt = -Infinity
  readonly #locks = new Map<string, MemoryL2Lock>()
  /** The wake-up calls of the `lock()`s waiting on each key. */
  readonly #waiters = new Map<string, Set<() => void>>()
  readonly #stores = new Set<MemoryL2Store>()
  #reachable = true
  #nextToken = 1

  /** @throws {CacheConfigError} when `now` is not a function. */
  constructor(options: MemoryL2ServerOptions = {}) {
    const now = options.now ?? (() => Date.now())
    if (typeof now !== 'function') {
      throw new CacheConfigError('now', 'a function returning the time in ms', now)
    }
    this.now = now
    this.tombstoneMs = checkMs('tombstoneMs', options.tombstoneMs, 60_000)
  }

  /** The stored values by L2 key (expired ones go when next read). */
  get values(): ReadonlyMap<string, MemoryL2Entry> {
    return this.#values
  }

  /** The live tombstones by L2 key: the keys deleted in the last `tombstoneMs`. */
  get tombstones(): ReadonlyMap<string, MemoryL2Tombstone> {
    const now = this.now()
    for (const [key, tombstone] of this.#tombstones) {
      if (tombstone.expiresAt <= now) this.#tombstones.delete(key)
    }
    return this.#tombstones
  }

  /** When each tag was last invalidated, on the server's clock. */
  get tagTimes(): ReadonlyMap<string, number> {
    return this.#tagTimes
  }

  /** The held locks by L2 key (a lock whose lease ended goes when next taken). */
  get locks(): ReadonlyMap<string, MemoryL2Lock> {
    return this.#locks
  }

  /** Whether the stores can reach the server; see {@link disconnect}. */
  get reachable(): boolean {
    return this.#reachable
  }

  /** Simulates an outage: every call of the server's stores rejects with L2UnreachableError. */
  disconnect(): void {
    this.#reachable = false
  }

  /**
   * Ends an outage. Every subscriber of the server's stores is told that invalidations may have
   * been missed (`missed()`, or `invalidate(null)` from a subscriber without it), since those
   * sent meanwhile were lost, as a Redis store does when its subscription comes back.
   */
  reconnect(): void {
    if (this.#reachable) return
    this.#reachable = true
    for (const store of this.#stores) store.deliverMissed()
  }

  /**
   * The live record for `key`, or `undefined`. An expired value is removed (a value kept stale
   * for fail-safe is live until `ttlMs + staleMs` reaches 0, with a `ttlMs` of 0 or less); so
   * is a value carrying a tag invalidated at or after its version, which leaves a tombstone as
   * of that invalidation (a write whose load started before it stays dropped).
   */
  read(key: string): L2Record | undefined {
    const entry = this.#values.get(key)
    if (entry === undefined) return undefined
    const now = this.now()
    const ttlMs = entry.expiresAt - now
    const staleMs = entry.staleMs ?? 0
    if (!(ttlMs + staleMs > 0)) {
      this.#values.delete(key)
      return undefined
    }
    const { value, isError, fetchedAt } = entry
    const record: L2Record =
      staleMs === 0
        ? { value, isError, fetchedAt, ttlMs }
        : { value, isError, fetchedAt, ttlMs, staleMs }
    const tags = entry.tags
    if (tags === undefined) return record
    const invalidatedAt = this.#invalidatedAt(tags)
    // Same-ms counts as before: a clock of whole ms cannot tell, and serving it could be wrong.
    if (invalidatedAt >= entry.version) {
      this.#values.delete(key)
      this.#tombstones.set(key, { version: invalidatedAt, expiresAt: now + this.tombstoneMs })
      return undefined
    }
    return { ...record, tags }
  }

  /** Records that `tags` are invalidated now: values tagged with one, as of now or before, are invalid. */
  invalidateTags(tags: readonly string[]): void {
    const now = this.now()
    for (const tag of tags) {
      if (!((this.#tagTimes.get(tag) ?? -Infinity) >= now)) this.#tagTimes.set(tag, now)
    }
  }

  /** The latest invalidation time of `tags` (-Infinity: never invalidated). */
  #invalidatedAt(tags: readonly string[]): number {
    let latest = -Infinity
    for (const tag of tags) {
      const at = this.#tagTimes.get(tag)
      if (at !== undefined && at > latest) latest = at
    }
    return latest
  }

  /**
   * Stores one write, expiring `ttlMs` from now on the server's clock, unless newer data is
   * there: a value as of a later moment, a later delete or clear, or a write older than the
   * tombstones' lifetime. Returns whether it was stored.
   */
  write(write: L2Write): boolean {
    const { key, value, isError, fetchedAt, ttlMs } = write
    const now = this.now()
    const version = now - (write.ageMs ?? 0)
    const staleMs = write.staleMs ?? 0
    if (!(ttlMs > 0) || !this.#isNewest(key, version, now)) return false
    this.#tombstones.delete(key)
    const expiresAt = now + ttlMs
    const tags = write.tags === undefined || write.tags.length === 0 ? undefined : [...write.tags]
    const entry: MemoryL2Entry =
      staleMs > 0
        ? { value, isError, fetchedAt, expiresAt, staleMs, version }
        : { value, isError, fetchedAt, expiresAt, version }
    this.#values.set(key, tags === undefined ? entry : { ...entry, tags })
    return true
  }

  /**
   * Removes `key`'s value as of `ageMs` ago (a value written after that moment stays), leaving
   * a tombstone at that moment that drops older writes (a newer tombstone stays as it is).
   */
  remove(key: string, ageMs = 0): void {
    const now = this.now()
    const version = now - ageMs
    const current = this.#values.get(key)
    if (current !== undefined && current.version <= version) this.#values.delete(key)
    const tombstone = this.#tombstones.get(key)
    if (tombstone === undefined || tombstone.expiresAt <= now || tombstone.version < version) {
      this.#tombstones.set(key, { version, expiresAt: now + this.tombstoneMs })
    }
  }

  /**
   * Removes every value as of `ageMs` ago (values written after that moment stay); writes as
   * of an earlier moment are dropped. A later clear's moment stays.
   */
  removeAll(ageMs = 0): void {
    const at = this.now() - ageMs
    for (const [key, entry] of this.#values) if (entry.version <= at) this.#values.delete(key)
    for (const [key, tombstone] of this.#tombstones) {
      if (tombstone.version <= at) this.#tombstones.delete(key)
    }
    if (at > this.#clearedAt) this.#clearedAt = at
  }

  /** Whether a write as of `version` is newer than everything the server knows of `key`. */
  #isNewest(key: string, version: number, now: number): boolean {
    if (version < now - this.tombstoneMs || version < this.#clearedAt) return false
    const tombstone = this.#tombstones.get(key)
    if (tombstone !== undefined && tombstone.expiresAt > now && version < tombstone.version) {
      return false
    }
    const current = this.#values.get(key)
    // A value kept stale (fail-safe) is still there: an older write must not replace it.
    return (
      current === undefined ||
      current.expiresAt + (current.staleMs ?? 0) <= now ||
      current.version <= version
    )
  }

  /**
   * Tells every store but `from` that `keys` changed (`null`: everything), `ageMs` ago when
   * given (a delete or clear replayed after an outage).
   */
  broadcast(from: MemoryL2Store | undefined, keys: readonly string[] | null, ageMs?: number): void {
    for (const store of this.#stores) if (store !== from) store.deliver(keys, ageMs)
  }

  /** Tells every store but `from` that `tags` were invalidated. */
  broadcastTags(from: MemoryL2Store, tags: readonly string[]): void {
    for (const store of this.#stores) if (store !== from) store.deliverTags(tags)
  }

  /**
   * Takes `key`'s lock for `leaseMs`, or waits up to `waitMs` (per `setTimeout`) for its holder:
   * a value that is there (or arrives) comes back as `loaded`, a freed lock is taken, and a wait
   * that runs out is `skipped`. A copy kept stale for fail-safe goes to `onStale` (once, from the
   * first read, before any wait).
   */
  async lock(
    key: string,
    waitMs: number,
    leaseMs: number,
    onStale?: (record: L2Record) => void,
  ): Promise<L2LockResult> {
    const deadline = this.now() + waitMs
    for (let round = 0; ; round++) {
      const record = this.read(key)
      // A stale copy (fail-safe) is absent to a lock: the holder loads a fresh one.
      if (record !== undefined && record.ttlMs > 0) return { status: 'loaded', record }
      if (record !== undefined && round === 0) onStale?.(record)
      const held = this.#locks.get(key)
      const now = this.now()
      if (held === undefined || held.expiresAt <= now) return this.#acquire(key, now, leaseMs)
      const remaining = deadline - now
      if (remaining <= 0) return { status: 'skipped' }
      // Wake up when the holder releases, or when its lease ends if that comes first.
      const leaseLeft = held.expiresAt - now
      const forLease = leaseLeft < remaining
      const woken = await this.#wait(key, forLease ? leaseLeft : remaining)
      if (!woken && !forLease) return { status: 'skipped' }
    }
  }

  /**
   * The lock of an eager refresh of the copy loaded at `refreshOf`: a newer value is `loaded`, a
   * held lock `busy` (never waited for), else the lock is taken for `leaseMs`.
   */
  refreshLock(key: string, refreshOf: number, leaseMs: number): L2LockResult {
    const record = this.read(key)
    // A stale copy (fail-safe) is absent here too: the lock is taken to refresh it.
    if (record !== undefined && record.ttlMs > 0 && record.fetchedAt > refreshOf) {
      return { status: 'loaded', record }
    }
    const held = this.#locks.get(key)
    const now = this.now()
    if (held !== undefined && held.expiresAt > now) return { status: 'busy' }
    return this.#acquire(key, now, leaseMs)
  }

  /** Takes `key`'s lock until `now + leaseMs`. */
  #acquire(key: string, now: number, leaseMs: number): L2LockResult {
    const token = this.#nextToken++
    this.#locks.set(key, { token, expiresAt: now + leaseMs })
    return {
      status: 'acquired',
      release: () => {
        this.#release(key, token)
        return Promise.resolve()
      },
      commit: (write) => {
        this.write(write)
        this.#release(key, token)
        return Promise.resolve()
      },
    }
  }

  /** Attaches a store: it receives the others' invalidations. */
  attach(store: MemoryL2Store): void {
    this.#stores.add(store)
  }

  /** Detaches a store. */
  detach(store: MemoryL2Store): void {
    this.#stores.delete(store)
  }

  /** Frees `key`'s lock if `token` still holds it, and wakes its waiters either way. */
  #release(key: string, token: number): void {
    if (this.#locks.get(key)?.token === token) this.#locks.delete(key)
    const waiters = this.#waiters.get(key)
    if (waiters === undefined) return
    this.#waiters.delete(key)
    for (const wake of waiters) wake()
  }

  /** Resolves `true` when `key`'s lock is released, `false` after `ms`. */
  #wait(key: string, ms: number): Promise<boolean> {
    let waiters = this.#waiters.get(key)
    if (waiters === undefined) this.#waiters.set(key, (waiters = new Set()))
    const set = waiters
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer)
        resolve(true)
      }
      const timer = setTimeout(() => {
        set.delete(wake)
        if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key)
        resolve(false)
      }, ms)
      set.add(wake)
    })
  }
}

function checkMs(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new CacheConfigError(option, 'a number of milliseconds >= 0', value)
  }
  return value
}

/**
 * One process's store on a {@link MemoryL2Server}: an `L2Store` for `AsyncCache`'s `l2`
 * option that needs no server process. Use {@link memoryL2Store} to create one.
 */
export class MemoryL2Store implements L2Store {
  /** The server this store is connected to. */
  readonly server: MemoryL2Server
  /** Distributed single flight; absent when created with `locks: false`. */
  readonly lock?: (key: string, options?: L2LockOptions) => Promise<L2LockResult>
  readonly #subscribers = new Set<L2Subscriber>()

  /** Use {@link memoryL2Store}. */
  constructor(options: MemoryL2StoreOptions = {}) {
    if (typeof options !== 'object' || (options as unknown) === null) {
      throw new CacheConfigError('options', 'an object of memoryL2Store options', options)
    }
    const server = options.server ?? new MemoryL2Server()
    if (!(server instanceof MemoryL2Server)) {
      throw new CacheConfigError('server', 'a MemoryL2Server', server)
    }
    const waitMs = checkMs('lockWaitMs', options.lockWaitMs, 5_000)
    const leaseMs = checkMs('lockLeaseMs', options.lockLeaseMs, 10_000)
    if (options.locks !== undefined && typeof options.locks !== 'boolean') {
      throw new CacheConfigError('locks', 'a boolean', options.locks)
    }
    this.server = server
    server.attach(this)
    if (options.locks !== false) {
      this.lock = async (key, lockOptions) => {
        await this.#reach()
        const lease = lockOptions?.leaseMs ?? leaseMs
        const refreshOf = lockOptions?.refreshOf
        const result =
          refreshOf === undefined
            ? await server.lock(key, waitMs, lease, lockOptions?.onStale)
            : server.refreshLock(key, refreshOf, lease)
        if (result.status !== 'acquired') return result
        return {
          status: 'acquired',
          // A release that cannot reach the server leaves the lock to its lease.
          release: async (written) => {
            await this.#reach()
            await result.release(written)
          },
          commit: async (write) => {
            await this.#reach()
            await result.commit!(write)
          },
        }
      }
    }
  }

  /** `unavailable` while the server is disconnected (telemetry's `cache.l2.available`). */
  get health(): L2Health {
    return { state: this.server.reachable ? 'available' : 'unavailable' }
  }

  /** The records for `keys`, in order; `undefined` for a miss. */
  async get(keys: readonly string[]): Promise<(L2Record | undefined)[]> {
    await this.#reach()
    return keys.map((key) => this.server.read(key))
  }

  /** Stores `writes`; with `notify`, tells the other stores on the server. */
  async set(writes: readonly L2Write[], notify: boolean): Promise<void> {
    await this.#reach()
    for (const write of writes) this.server.write(write)
    if (notify) {
      this.server.broadcast(
        this,
        writes.map((write) => write.key),
      )
    }
  }

  /** Deletes `keys` (as of `options.ageMs` ago) and tells the other stores on the server. */
  async delete(keys: readonly string[], options?: L2DeleteOptions): Promise<void> {
    await this.#reach()
    for (const key of keys) this.server.remove(key, options?.ageMs)
    this.server.broadcast(this, keys, ageOf(options))
  }

  /** Deletes every value on the server (as of `options.ageMs` ago) and tells the other stores. */
  async clear(options?: L2DeleteOptions): Promise<void> {
    await this.#reach()
    this.server.removeAll(options?.ageMs)
    this.server.broadcast(this, null, ageOf(options))
  }

  /**
   * Records that `tags` are invalidated as of now on the server (values tagged with one and as
   * of before are no longer served), and tells the other stores on the server.
   */
  async invalidateTags(tags: readonly string[]): Promise<void> {
    await this.#reach()
    this.server.invalidateTags(tags)
    this.server.broadcastTags(this, tags)
  }

  /** Delivers the other stores' invalidations to `subscriber` until the returned call. */
  subscribe(subscriber: L2Subscriber): () => void {
    this.#subscribers.add(subscriber)
    return () => {
      this.#subscribers.delete(subscriber)
    }
  }

  /** Disconnects this store from its server: it receives no more invalidations. */
  close(): Promise<void> {
    this.server.detach(this)
    this.#subscribers.clear()
    return Promise.resolve()
  }

  /** An invalidation from another store on the server (called by the server). */
  deliver(keys: readonly string[] | null, ageMs?: number): void {
    this.#tellAll((subscriber) => {
      tellInvalidated(subscriber, keys, ageMs)
    })
  }

  /** Invalidations may have been missed: the outage ended (called by the server). */
  deliverMissed(): void {
    this.#tellAll(tellMissed)
  }

  /** Calls `tell` for each subscriber; what one throws goes to that subscriber's `error`. */
  #tellAll(tell: (subscriber: L2Subscriber) => void): void {
    for (const subscriber of this.#subscribers) {
      try {
        tell(subscriber)
      } catch (error) {
        subscriber.error(error)
      }
    }
  }

  /** A tag invalidation from another store on the server (called by the server). */
  deliverTags(tags: readonly string[]): void {
    for (const subscriber of this.#subscribers) {
      try {
        subscriber.invalidateTags?.(tags)
      } catch (error) {
        subscriber.error(error)
      }
    }
  }

  /** Settles after a microtask, as a call over a network would; rejects while disconnected. */
  async #reach(): Promise<void> {
    await Promise.resolve()
    if (!this.server.reachable) throw new L2UnreachableError()
  }
}

/**
 * An in-memory `L2Store` for tests and single-process use: values expire on the server's clock,
 * invalidations reach the other stores on the same {@link MemoryL2Server}, locks have a lease
 * and are released by token. It passes `testL2Store`.
 *
 * @throws {CacheConfigError} naming the first invalid option and its value.
 * @example
 * ```ts
 * import { AsyncCache } from '@cache/decorators'
 * import { MemoryL2Server, memoryL2Store } from '@cache/decorators/testing'
 *
 * const server = new MemoryL2Server()
 * const a = new AsyncCache({ l2: memoryL2Store({ server }) })
 * const b = new AsyncCache({ l2: memoryL2Store({ server }) })
 * await a.get('k', () => 'v')
 * await a.whenL2Settled()
 * await b.get('k') // 'v', from the shared tier
 * ```
 */
export function memoryL2Store(options: MemoryL2StoreOptions = {}): MemoryL2Store {
  return new MemoryL2Store(options)
}
