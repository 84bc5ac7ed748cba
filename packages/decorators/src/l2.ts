// The second tier (L2): the storage-agnostic interface a shared store such as @cache/redis
// implements, how cache keys become L2 keys, and the link that calls a store for a cache without
// ever letting its failures reach a caller. Nothing here knows Redis, or needs Node.
import { stableHash } from '@cache/keys'

import { configError } from './errors.js'
import type { ErrorHandler } from './events.js'
import { InFlight } from './inFlight.js'
import type { L2Health } from './l2Health.js'
import { ReplayQueue, TAG, type ReplayHooks, type ReplayOp } from './replayQueue.js'

/** One value as an {@link L2Store} returns it. */
export interface L2Record {
  /** The value, or what a load threw when `isError` (kept by `negativeCache`). */
  readonly value: unknown
  /** Whether `value` is a kept error, to be rethrown. */
  readonly isError: boolean
  /** When the value was loaded, per the writing cache's clock (ms). */
  readonly fetchedAt: number
  /**
   * How long the L2 copy is still fresh, in ms, as of the moment the read settles (`Infinity`:
   * it never expires). The cache keeps its L1 copy fresh no longer than this. Zero or less only
   * for a copy kept stale for fail-safe (`staleMs`), which a read returns until `ttlMs +
   * staleMs` reaches 0; the cache serves such a copy only when a load of the key fails.
   */
  readonly ttlMs: number
  /**
   * How long past its freshness the copy was written to be kept, stale, for fail-safe (the
   * write's `staleMs`); absent or 0: none, and a copy is never returned once `ttlMs` is 0.
   */
  readonly staleMs?: number
  /**
   * The tags the value carries, as written (absent: none). The store has already compared them
   * with the tags' invalidation times: a record it returns is valid.
   */
  readonly tags?: readonly string[]
}

/** One value for {@link L2Store.set}. */
export interface L2Write {
  /** The L2 key: 32 lowercase hex digits (see {@link l2KeyOf}). */
  readonly key: string
  /** The value, or what a load threw when `isError`. */
  readonly value: unknown
  /** Whether `value` is a kept error (`negativeCache`). */
  readonly isError: boolean
  /** When the value was loaded, per the cache's clock (ms). */
  readonly fetchedAt: number
  /**
   * How long the L2 copy lives from now, in ms (`Infinity`: no expiry). The L1 copy expires
   * at the same moment or before, never after.
   */
  readonly ttlMs: number
  /**
   * How long ago, in ms, the load that produced `value` started reading its source (0, or
   * absent: now, as for a `set()`). The value is as of that moment, and the store orders it
   * by it: see the ordering rule of {@link L2Store}.
   */
  readonly ageMs?: number
  /**
   * Fail-safe (`failSafe.maxStale`): how long past `ttlMs` the store keeps the copy, stale,
   * in ms. Its freshness stays `ttlMs` (reads count `ttlMs` down past 0); it lives, and is
   * returned by `get()` with its `staleMs`, for `ttlMs + staleMs`. `lock()` treats a stale
   * copy as absent (the lock is taken to load a fresh one), and hands it to `onStale`
   * ({@link L2LockOptions.onStale}). Absent or 0: none.
   */
  readonly staleMs?: number
  /**
   * The tags the value carries (absent: none): non-empty strings, at most 64, each at most 256
   * characters (the cache checks them). A store keeps them with the value and returns them in
   * its {@link L2Record}; see {@link L2Store.invalidateTags}.
   */
  readonly tags?: readonly string[]
}

/** Options of {@link L2Store.delete} and {@link L2Store.clear}. */
export interface L2DeleteOptions {
  /**
   * How long ago, in ms, the delete or clear was made (0, or absent: now). A cache sends it when
   * it replays, once the store is reachable again, what it could not send during an outage:
   * the operation is as of that moment, so a value written after it (by any instance) survives
   * it, and writes as of before it are dropped, as for a delete made on time.
   */
  readonly ageMs?: number
}

/** Options of {@link L2Store.lock}. */
export interface L2LockOptions {
  /**
   * How long the lock may be held, in ms: the bound of the load it protects (its timeout,
   * retries included). A lock whose holder has gone is free after this. Absent: the store's
   * own default lease.
   */
  readonly leaseMs?: number
  /**
   * An eager refresh of the copy loaded at this moment (its `fetchedAt`): the store takes the
   * lock only when it holds no value loaded after that moment and no other instance holds the
   * lock, and never waits. It answers `loaded` with a newer value (another instance refreshed
   * the key already), `busy` when the lock is held (another instance is refreshing it: its value
   * reaches this one through L2), else `acquired` (or `skipped`). A store that ignores it gives
   * back the same copy, and the cache then refreshes nothing until the copy expires.
   */
  readonly refreshOf?: number
  /**
   * Fail-safe: receives the key's copy kept stale (past its freshness and within its
   * `staleMs`: a record with a `ttlMs` of 0 or less, or too close to 0 for the store to serve it
   * as `loaded`, and its `staleMs`) when the read that decides the lock finds one, from that same
   * read: no second one. Called at most once per `lock()` call, before it settles and before it
   * waits for another holder, whatever the lock's outcome (`acquired`, or a wait that ends
   * `loaded` or `skipped`); never for a fresh copy (that is `loaded`), a copy written without
   * `staleMs`, or one carrying an invalidated tag (as `get()`). A cache passes it only for a load
   * with fail-safe callers: a stale value at hand lets a soft timeout answer them while the load
   * (here, or another instance's behind its lock) goes on, and a failed load answer them without
   * a second read. A store that never calls it still conforms: the cache then reads the stale
   * copy with `get()` after a failed load, and has none for a soft timeout.
   */
  readonly onStale?: (record: L2Record) => void
}

/** What {@link L2Store.lock} found. */
export type L2LockResult =
  | {
      /** This caller holds the key's lock: it loads, writes the value, then releases. */
      readonly status: 'acquired'
      /**
       * Releases the lock and wakes the instances waiting on it. `written`: the value is in L2
       * now (they read it); `false`: it is not (the load failed, or could not be stored), so they
       * stop waiting and load for themselves.
       */
      release(written: boolean): Promise<void>
      /**
       * Stores `write` (the locked key's loaded value, under the ordering rule of
       * {@link L2Store}) and releases the lock, in one step: the waiting instances read it.
       * Optional: without it the cache calls `set()`, then `release()`. Rejects as `set()`
       * does; the lock is released (or left to its lease) either way.
       */
      commit?(write: L2Write): Promise<void>
    }
  | {
      /** Another instance loaded the value while this caller waited. */
      readonly status: 'loaded'
      readonly record: L2Record
    }
  | {
      /** No lock (the store is unavailable, or waiting timed out): load without one. */
      readonly status: 'skipped'
    }
  | {
      /**
       * Only for a `refreshOf` call: another instance holds the key's lock (it is refreshing
       * the key), so this one does not load.
       */
      readonly status: 'busy'
    }

/** A lock {@link L2Store.lock} acquired. */
export type L2Lease = Extract<L2LockResult, { status: 'acquired' }>

/** What a cache asks of its store when it subscribes. */
export interface L2Subscriber {
  /**
   * Another instance deleted these L2 keys, or wrote new values for them; `null`: it cleared
   * everything, or messages may have been missed (a lost connection). Drops the L1 copies.
   *
   * `ageMs`: the invalidation was made that long before it was sent (a delete or a clear held
   * back by an outage and replayed after it, sent with `L2DeleteOptions.ageMs`). L1 copies this
   * instance loaded itself with a load that started after that moment are newer than the
   * invalidation and stay; copies read from L2, and older loads, go. A store passes it only for
   * a replay; without it, every copy of the keys goes.
   */
  invalidate(keys: readonly string[] | null, ageMs?: number): void
  /**
   * Messages may have been missed: the store's subscription was lost and is back (or has just
   * begun). L1 copies are no longer served as fresh (each key is read again from L2 or loaded)
   * but are kept, with fail-safe, for a load that fails: after a restart that lost the store's
   * data they are the only copies left. Optional for a subscriber (a cache always has it); a
   * store calls it when present, else `invalidate(null)`.
   */
  missed?(): void
  /**
   * Another instance invalidated these tags: drops the L1 entries carrying any of them, and
   * keeps the loads in flight from storing a value tagged with one. Optional for a subscriber
   * (a cache always has it); a store calls it when present.
   */
  invalidateTags?(tags: readonly string[]): void
  /** An error the store met with no caller to give it to; goes to the cache's `onError`. */
  error(error: unknown): void
}

/**
 * Tells `subscriber` that another instance changed `keys` (`null`: everything), `ageMs` ago when
 * given (a replay after an outage); see {@link L2Subscriber.invalidate}. What a store calls for
 * each invalidation it receives: without an age, the call carries none.
 */
export function tellInvalidated(
  subscriber: L2Subscriber,
  keys: readonly string[] | null,
  ageMs?: number,
): void {
  if (ageMs === undefined) subscriber.invalidate(keys)
  else subscriber.invalidate(keys, ageMs)
}

/**
 * Tells `subscriber` that messages may have been missed: its `missed()`, or `invalidate(null)`
 * from a subscriber without it. What a store calls when its subscription comes back.
 */
export function tellMissed(subscriber: L2Subscriber): void {
  if (subscriber.missed !== undefined) subscriber.missed()
  else subscriber.invalidate(null)
}

/**
 * A shared second tier behind a cache's in-process L1, such as `redisStore()` of `@cache/redis`.
 * Keys are 32 lowercase hex digits (stable hashes, see {@link l2KeyOf}); the store adds its own
 * namespace. One store serves one cache: `clear()` clears the whole store.
 *
 * Every method must settle, and should settle promptly (bound your network calls). A method
 * that throws or rejects is reported to the cache's `onError` and treated as a miss or a no-op:
 * callers never see it.
 *
 * **Ordering: an older write never overwrites newer data.** A write is as of the moment its
 * load started (`now - ageMs`); a delete and a clear are as of the moment they were made
 * (`now - ageMs` too: a cache replays the deletes and clears an outage held back with their
 * age). A store keeps the newest: it drops a write as of a moment before the value it already
 * holds for the key, before the key's last delete (a delete leaves a short-lived tombstone), or
 * before the last clear, and a write as of a moment older than it remembers deletes for (its
 * tombstones' lifetime). Likewise a delete or clear removes only values as of its moment or
 * before (a value written after it stays), and never moves a newer tombstone or clear back. Dropped writes resolve: they lost to newer data, they did not fail.
 * A store that talks over a network also gives every write and lock a deadline (the moment
 * its caller stops waiting for it): a command that reaches the server after that does
 * nothing, so a write reported as failed cannot land later. Expiry is absolute: a value
 * lives until the moment fixed when it was written, however late the command arrives.
 *
 * **Fail-safe: logical and physical expiry.** A write with `staleMs` (a cache with `failSafe`)
 * stays fresh for `ttlMs` and is kept, stale, for `staleMs` more: `get()` returns it until then
 * with a `ttlMs` of 0 or less and its `staleMs`, `lock()` treats it as absent (and hands it to
 * the call's `onStale`, from the same read), and the ordering rule holds for it as for a fresh
 * value (an older write never replaces it; a delete
 * or clear removes it). A store that ignores `staleMs` still works: fail-safe then has only
 * the L1 copies to fall back on.
 *
 * **Tags are invalidation moments.** {@link invalidateTags} records, for each tag, the moment
 * it is called (as a delete is: on the store's clock). A value is as of when its load started
 * (its version, as above); a value carrying a tag invalidated at that moment or later is
 * invalid (the same millisecond counts as later: a clock of whole ms cannot order them):
 * `get()` answers `undefined` for it and `lock()` treats it as absent, however long ago or
 * however late (a write whose load started before the invalidation) it was written. So
 * invalidating a tag costs the store one write per tag, never a scan; and an instance that
 * reads only L2 (a fresh one, or one that missed the message) never gets an invalidated value.
 */
export interface L2Store {
  /** The records for `keys`, in order; `undefined` for a miss. */
  get(keys: readonly string[]): Promise<readonly (L2Record | undefined)[]>
  /**
   * Stores `writes`, each for its `ttlMs`. `notify`: also tell the other instances to drop their
   * copies (an explicit `set()`); `false` for a loaded value that fills a miss.
   */
  set(writes: readonly L2Write[], notify: boolean): Promise<void>
  /**
   * Deletes `keys` (each value as of the delete's moment or before: see the ordering rule) and
   * tells the other instances to drop their copies. `options.ageMs`: the delete was made that
   * long ago (a replay after an outage).
   */
  delete(keys: readonly string[], options?: L2DeleteOptions): Promise<void>
  /**
   * Deletes every key of this store (and only those; values as of the clear's moment or
   * before), and tells the other instances. `options.ageMs`: as for {@link delete}.
   */
  clear(options?: L2DeleteOptions): Promise<void>
  /**
   * Starts delivering invalidations from other instances to `subscriber`; returns the function
   * that stops it. Without it, other instances' changes reach this L1 only when entries expire.
   */
  subscribe?(subscriber: L2Subscriber): () => void
  /**
   * Distributed single flight: takes `key`'s lock, or waits for the instance holding it to load
   * the value. Without it, every instance that misses loads for itself.
   */
  lock?(key: string, options?: L2LockOptions): Promise<L2LockResult>
  /**
   * Records that every value carrying one of `tags` and as of a moment before now is invalid
   * (see the tags rule above), and tells the other instances' subscribers
   * (`invalidateTags(tags)`; not this instance's own). Without it, `invalidateTags()` of a
   * cache reaches its own L1 only, and reports an error to `onError`.
   */
  invalidateTags?(tags: readonly string[]): Promise<void>
  /**
   * Whether the store can use its server now (per server, for a cluster), read when telemetry
   * collects (`cache.l2.available`); optional. Must be cheap and must not throw.
   */
  readonly health?: L2Health
}

/** Whether `record` is still alive, fresh or kept stale for fail-safe (`ttlMs + staleMs` > 0). */
function alive(record: L2Record): boolean {
  return record.ttlMs + (record.staleMs ?? 0) > 0
}

const HASH = /^[0-9a-f]{32}$/

/**
 * The L2 key of a cache key: the `stableHash` of the one-element list `[key]`, or `key` itself
 * when it already is a stable hash (32 lowercase hex digits). For `cached()`'s default keys this
 * is the stable hash of the call's argument list: a lone primitive argument, its own key in
 * memory, is hashed here, since L2 keys must be strings that mean the same in every process.
 */
export function l2KeyOf(key: unknown): string {
  return typeof key === 'string' && key.length === 32 && HASH.test(key) ? key : stableHash([key])
}

const REQUIRED = ['get', 'set', 'delete', 'clear'] as const
const OPTIONAL = ['subscribe', 'lock', 'invalidateTags'] as const

/**
 * Checks the `l2` option: an object with the {@link L2Store} methods.
 *
 * @throws {CacheConfigError} naming `l2` and the value.
 */
export function checkL2(value: unknown): L2Store | undefined {
  if (value === undefined) return undefined
  const expected = 'an L2 store with get, set, delete and clear methods (such as redisStore())'
  if (typeof value !== 'object' || value === null) throw configError('l2', expected, value)
  const store = value as Record<string, unknown>
  const read = (name: string): unknown => {
    try {
      return store[name]
    } catch (error) {
      // A revoked Proxy or a throwing getter: the typed error, with what was thrown as cause.
      throw configError('l2', expected, value, error)
    }
  }
  for (const name of REQUIRED) {
    if (typeof read(name) !== 'function') throw configError('l2', expected, value)
  }
  for (const name of OPTIONAL) {
    const method = read(name)
    if (method !== undefined && typeof method !== 'function') {
      throw configError(`l2.${name}`, 'a function, or left out', method)
    }
  }
  return value as L2Store
}

const SKIPPED: L2LockResult = { status: 'skipped' }

interface WeakSubscription {
  unsubscribe: (() => void) | undefined
}

/**
 * What the store holds: `target` weakly and nothing else of the cache (no `this`, no reporter),
 * so a cache nobody uses can be collected; its subscription then ends at the next message.
 */
function weakSubscriber(target: WeakRef<L2Subscriber>, state: WeakSubscription): L2Subscriber {
  return {
    invalidate(keys, ageMs) {
      const live = target.deref()
      if (live !== undefined) live.invalidate(keys, ageMs)
      else state.unsubscribe?.()
    },
    invalidateTags(tags) {
      const live = target.deref()
      if (live !== undefined) live.invalidateTags?.(tags)
      else state.unsubscribe?.()
    },
    missed() {
      const live = target.deref()
      if (live !== undefined) tellMissed(live)
      else state.unsubscribe?.()
    },
    error(error) {
      target.deref()?.error(error)
    },
  }
}

/** How an {@link L2Link} keeps what it could not send (see replayQueue.ts). */
export interface L2ReplayConfig {
  /** The most operations (keys) kept; 0: none (a failed delete or clear is only reported). */
  readonly limit: number
  /** The cache's clock: the moment of each operation. */
  readonly now: () => number
  readonly hooks: ReplayHooks
}

/**
 * A cache's side of its store: every call guarded (a throw or rejection is reported and becomes
 * a miss or a no-op), and writes tracked so that `settled()` can wait for them. Deletes and
 * clears that fail are queued with their moment and replayed once the store answers again.
 */
export class L2Link {
  /** The store called; telemetry (src/otel) swaps in a wrapper of it while it is on. */
  store: L2Store
  readonly #report: ErrorHandler
  /** Writes, deletes, clears and replays in flight, for {@link settled}. */
  readonly #inFlight = new InFlight()
  #unsubscribe: (() => void) | undefined = undefined
  /** What an outage held back; `undefined` with a limit of 0. */
  readonly replay: ReplayQueue | undefined
  readonly #now: () => number

  constructor(store: L2Store, report: ErrorHandler, replay?: L2ReplayConfig) {
    this.store = store
    this.#report = report
    this.#now = replay?.now ?? Date.now
    this.replay =
      replay === undefined || replay.limit === 0
        ? undefined
        : new ReplayQueue(replay.limit, replay.now, this.#resend, replay.hooks)
  }

  /**
   * Subscribes `target` (held weakly, so that the store does not keep a cache alive) to the
   * store's invalidations.
   */
  subscribe(target: WeakRef<L2Subscriber>): void {
    if (this.store.subscribe === undefined) return
    const state: WeakSubscription = { unsubscribe: undefined }
    try {
      this.#unsubscribe = state.unsubscribe = this.store.subscribe(weakSubscriber(target, state))
    } catch (error) {
      this.#report(error, { operation: 'l2' })
    }
  }

  /** Stops the invalidations, and the replay of what an outage held back (dropped). */
  unsubscribe(): void {
    this.replay?.stop()
    const unsubscribe = this.#unsubscribe
    this.#unsubscribe = undefined
    if (unsubscribe === undefined) return
    try {
      unsubscribe()
    } catch (error) {
      this.#report(error, { operation: 'l2' })
    }
  }

  /**
   * The record for `key`, or `undefined` on a miss or a failure (reported). `onStale`: receives
   * a copy kept stale for fail-safe, which is a miss here (as for {@link lock}).
   */
  async read(key: string, onStale?: (record: L2Record) => void): Promise<L2Record | undefined> {
    try {
      const records = await this.store.get([key])
      const record = records[0]
      if (record === undefined) return undefined
      if (!(record.ttlMs > 0)) {
        if (onStale !== undefined && alive(record)) {
          this.#handStale(key, record, onStale)
        }
        return undefined
      }
      // Removed by a delete or clear not replayed yet: absent, as it will be.
      return this.#masked(key, record) ? undefined : record
    } catch (error) {
      this.#report(error, { operation: 'l2', key })
      return undefined
    }
  }

  /**
   * The record for `key` even when it is past its freshness but kept stale for fail-safe (until
   * `ttlMs + staleMs` reaches 0); `undefined` on a miss, a failure (reported), or when a delete,
   * clear or tag invalidation not replayed yet covers it (fail-safe must not bring it back).
   */
  async readStale(key: string): Promise<L2Record | undefined> {
    try {
      const records = await this.store.get([key])
      const record = records[0]
      if (record === undefined || !alive(record)) return undefined
      return this.#masked(key, record) ? undefined : record
    } catch (error) {
      this.#report(error, { operation: 'l2', key })
      return undefined
    }
  }

  /**
   * Takes `key`'s lock or waits for its value; `skipped` without `lock` or on a failure. A stale
   * copy the store hands to `options.onStale` reaches it unless a delete or clear not replayed
   * yet covers it; a callback that throws is reported, never thrown to the store.
   */
  async lock(key: string, options: L2LockOptions): Promise<L2LockResult> {
    if (this.store.lock === undefined) return SKIPPED
    const onStale = options.onStale
    if (onStale !== undefined) {
      let handed = false
      options = {
        ...options,
        onStale: (record) => {
          // At most once per call, whatever the store does.
          if (handed) return
          handed = true
          this.#handStale(key, record, onStale)
        },
      }
    }
    try {
      const result = await this.store.lock(key, options)
      if (result.status === 'loaded' && this.#masked(key, result.record)) {
        return SKIPPED
      }
      return result
    } catch (error) {
      this.#report(error, { operation: 'l2', key })
      return SKIPPED
    }
  }

  /** Whether a delete, clear or tag invalidation an outage held back covers `record` of `key`. */
  #masked(key: string, record: L2Record): boolean {
    return this.replay?.masks(key, record.fetchedAt, record.tags) === true
  }

  /** Gives `onStale` a stale copy of `key`, unless an operation an outage held back covers it. */
  #handStale(key: string, record: L2Record, onStale: (record: L2Record) => void): void {
    if (this.#masked(key, record)) return
    try {
      onStale(record)
    } catch (error) {
      this.#report(error, { operation: 'l2', key })
    }
  }

  /** Releases a lock from {@link lock}; never rejects. */
  async release(result: L2Lease, written: boolean): Promise<void> {
    try {
      await result.release(written)
    } catch (error) {
      this.#report(error, { operation: 'l2' })
    }
  }

  /**
   * Writes the value of a locked key and releases the lock: in one step when the store can
   * (`commit`), else `set()` then `release()`. Resolves `true` once stored, `false` on a failure
   * (reported); the lock is released either way.
   */
  commit(lease: L2Lease, write: L2Write): Promise<boolean> {
    if (lease.commit !== undefined) {
      let sent: Promise<void>
      try {
        sent = lease.commit(write)
      } catch (error) {
        return Promise.resolve(this.#failed(error, write.key))
      }
      return this.#tracked(write.key, sent)
    }
    return this.write(write, false).then(async (written) => {
      await this.release(lease, written)
      return written
    })
  }

  /** Writes one value; resolves `true` once stored, `false` on a failure (reported). */
  write(write: L2Write, notify: boolean): Promise<boolean> {
    const written = this.#track(write.key, () => this.store.set([write], notify))
    if (this.replay === undefined || this.replay.size === 0) return written
    // The store took a write: it is back, send what the outage held back.
    return written.then((ok) => {
      if (ok) this.replayNow()
      return ok
    })
  }

  /**
   * Deletes `key` everywhere; resolves `false` on a failure (reported), and the delete is
   * queued to be replayed, as of now, once the store answers again.
   */
  delete(key: string): Promise<boolean> {
    return this.#queueOnFailure(
      'delete',
      [key],
      this.#track(key, () => this.store.delete([key])),
    )
  }

  /** Clears the store; resolves `false` on a failure (reported, and queued as a delete is). */
  clear(): Promise<boolean> {
    return this.#queueOnFailure(
      'clear',
      [''],
      this.#track(undefined, () => this.store.clear()),
    )
  }

  /**
   * Sends what an outage held back now (the store seems back: its subscription came back, or a
   * call went through); the queue also retries on its own timer.
   */
  replayNow(): void {
    const replay = this.replay
    if (replay === undefined || replay.size === 0) return
    this.#inFlight.start()
    void replay.flush().then(this.#ended, this.#ended)
  }

  /** `sent`, which on a failure queues `kind` of each of `keys` (as of now) for the replay. */
  #queueOnFailure(kind: string, keys: readonly string[], sent: Promise<boolean>): Promise<boolean> {
    const replay = this.replay
    if (replay === undefined) return sent
    const at = this.#now()
    return sent.then((ok) => {
      if (ok) this.replayNow()
      else for (const key of keys) replay.add(kind, key, at)
      return ok
    })
  }

  /** Sends one queued operation as of `ageMs` ago (a replay); `false` when it fails again. */
  readonly #resend = (op: ReplayOp, ageMs: number): Promise<boolean> => {
    const options = { ageMs }
    if (op.kind === 'clear') return this.#track(undefined, () => this.store.clear(options))
    // Sent as of now: a later moment only invalidates more, never brings data back.
    if (op.kind === TAG) return this.#track(undefined, () => this.store.invalidateTags!([op.key]))
    return this.#track(op.key, () => this.store.delete([op.key], options))
  }

  /**
   * Records the invalidation of `tags` in the store, which tells the other instances; resolves
   * `true` once done, `false` on a failure or when the store cannot (both reported). One call,
   * complete in itself: a queue of operations missed during an outage can hold it and call it
   * again later (a later moment only invalidates more, never brings data back).
   */
  invalidateTags(tags: readonly string[]): Promise<boolean> {
    if (this.store.invalidateTags === undefined) {
      this.#report(
        configError(
          'l2',
          'a store with invalidateTags() for tags to reach L2 and the other instances (the tags were invalidated in this L1 only)',
          this.store,
        ),
        { operation: 'l2' },
      )
      return Promise.resolve(false)
    }
    // Failed: each tag is queued (the newest per tag) and replayed as deletes and clears are.
    return this.#queueOnFailure(
      TAG,
      tags,
      this.#track(undefined, () => this.store.invalidateTags!(tags)),
    )
  }

  /** Resolves once every write, delete and clear started so far (and since) has settled. */
  settled(): Promise<void> {
    return this.#inFlight.idle()
  }

  /** `call()`'s promise, tracked: `true` once it resolves, `false` when it fails (reported). */
  #track(key: string | undefined, call: () => Promise<unknown>): Promise<boolean> {
    let sent: Promise<unknown>
    try {
      sent = call()
    } catch (error) {
      this.#failed(error, key)
      return Promise.resolve(false)
    }
    return this.#tracked(key, sent)
  }

  /** `sent`, tracked: `true` once it resolves, `false` when it fails (reported). */
  #tracked(key: string | undefined, sent: Promise<unknown>): Promise<boolean> {
    this.#inFlight.start()
    return Promise.resolve(sent).then(this.#succeeded, (error: unknown) => {
      this.#inFlight.end()
      return this.#failed(error, key)
    })
  }

  readonly #succeeded = (): boolean => {
    this.#inFlight.end()
    return true
  }

  readonly #ended = (): void => {
    this.#inFlight.end()
  }

  #failed(error: unknown, key: string | undefined): false {
    this.#report(error, key === undefined ? { operation: 'l2' } : { operation: 'l2', key })
    return false
  }
}
