// What the cache stores under a key: a value or a thrown error, with its times and resources.

/**
 * One stored result. A class, so every entry has one shape and the hit path's property reads
 * stay monomorphic. `promise` is the settled promise handed to async callers, made on the first
 * async hit and then reused, so an async hit allocates nothing.
 */
export class Entry {
  promise: Promise<unknown> | undefined = undefined
  /** The entry's key in the second tier, when the cache has one (`l2`). */
  l2Key: string | undefined = undefined
  /**
   * Kept in the store until this time: `staleUntil`, or later with `failSafe` (`expiresAt +
   * maxStale`), to be served if a load of its key fails.
   */
  keepUntil: number
  /** The tags it carries, once indexed (tagIndex.ts); `undefined`: none. */
  tags: readonly string[] | undefined = undefined
  /**
   * When a hit stops being served straight from the hit path: the expiry, or earlier with
   * `eagerRefresh` (a hit from then on starts a background refresh). Fixed when the entry is
   * stored, so that a hit compares one time, whatever the option.
   */
  refreshAt: number
  /**
   * How long before `fetchedAt` the load that produced the value started, in whole ms rounded
   * up (0 for a `set()`); -1 when that moment is not known here (a copy read from L2, a value
   * kept by fail-safe). An invalidation replayed after an outage (`L2Subscriber.invalidate`'s
   * `ageMs`) leaves an entry whose load started after the invalidation was made.
   */
  loadMs = -1

  constructor(
    /** The value, or what was thrown when `isError`. */
    public value: unknown,
    public readonly isError: boolean,
    /** When the value was fetched (the cache's clock, ms). */
    public readonly fetchedAt: number,
    /** Fresh until this time (`Infinity`: never expires). */
    public expiresAt: number,
    /** Servable as stale (with `staleWhileRevalidate`) until this time. */
    public staleUntil: number,
    /** What `dispose` closes when the entry leaves the cache; `undefined` when nothing. */
    public resources: readonly unknown[] | undefined,
  ) {
    this.keepUntil = staleUntil
    this.refreshAt = expiresAt
  }
}

/** A stored entry as {@link AsyncCache.peek} shows it: a value, or an error (negative cache). */
export type CacheEntry<V> = CacheEntryFields &
  (
    | {
        /** `false`: `value` is what the loader returned. */
        readonly isError: false
        /** The cached value (which may itself be `undefined` or `null`). */
        readonly value: V
      }
    | {
        /** `true`: the loader failed and `negativeCache` kept the error. */
        readonly isError: true
        /** What the loader threw; callers get it rethrown. */
        readonly error: unknown
      }
  )

/** The times every {@link CacheEntry} has. */
export interface CacheEntryFields {
  /** When the value was fetched, per the cache's clock (ms). */
  readonly fetchedAt: number
  /** When it stops being fresh (`Infinity`: never). */
  readonly expiresAt: number
  /** Whether it is past `expiresAt` but still served under `staleWhileRevalidate`. */
  readonly stale: boolean
}

function noop(): void {
  // A cached rejection waits for callers; it must not be reported as unhandled meanwhile.
}

/** The settled promise async callers get for `entry`, created once per entry. */
export function promiseOf(entry: Entry): Promise<unknown> {
  let promise = entry.promise
  if (promise === undefined) {
    if (entry.isError) {
      // The error is rethrown to callers as it was thrown; any value may be thrown.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      promise = Promise.reject(entry.value)
      promise.catch(noop)
    } else {
      promise = Promise.resolve(entry.value)
    }
    entry.promise = promise
  }
  return promise
}

/** The public view of an entry. */
export function viewOf<V>(entry: Entry, now: number): CacheEntry<V> {
  const stale = now >= entry.expiresAt
  return entry.isError
    ? {
        isError: true,
        error: entry.value,
        fetchedAt: entry.fetchedAt,
        expiresAt: entry.expiresAt,
        stale,
      }
    : {
        isError: false,
        value: entry.value as V,
        fetchedAt: entry.fetchedAt,
        expiresAt: entry.expiresAt,
        stale,
      }
}
