// The one interface every eviction policy implements, and the options they share.

/** Why an entry left the cache, as passed to `onEvict`. */
export type EvictionReason =
  /** The policy chose it to make room. */
  | 'evict'
  /** Its time to live ran out. */
  | 'expire'
  /** `delete(key)` removed it. */
  | 'delete'
  /** `set(key, value)` replaced its value with a different one. */
  | 'set'
  /** `clear()` removed it. */
  | 'clear'

/** The name of an eviction policy, as given to {@link createCache}. */
export type PolicyName = 'lru' | 'lfu' | 'fifo' | 'sieve' | 's3fifo' | 'tinylfu'

/** Called after an entry has left the cache; the cache is consistent when it runs. */
export type EvictionCallback<K, V> = (key: K, value: V, reason: EvictionReason) => void

/** Options every policy accepts. */
export interface CacheOptions<K, V> {
  /** The most entries the cache holds: a positive integer. */
  maxSize: number
  /**
   * Default time to live of an entry in milliseconds (a positive number, or `Infinity`).
   * @default Infinity
   */
  ttl?: number
  /**
   * The most total weight the cache holds; entries are evicted until a new one fits.
   * @default Infinity
   */
  maxWeight?: number
  /**
   * The weight of an entry: a positive finite number. Used only with `maxWeight`.
   * @default () => 1
   */
  weigh?: (value: V, key: K) => number
  /** Called after an entry leaves the cache, with the reason. Errors it throws are rethrown after the operation completes. */
  onEvict?: EvictionCallback<K, V>
  /**
   * The clock, in milliseconds since the epoch. Inject one in tests instead of sleeping.
   * @default Date.now
   */
  now?: () => number
}

/** Options of one `set()` call. */
export interface SetOptions {
  /** This entry's time to live in milliseconds, overriding the cache's `ttl`. */
  ttl?: number
  /** The absolute time (per the cache's clock) at which this entry expires; overrides `ttl`. */
  expiresAt?: number
  /** This entry's weight, overriding `weigh`. */
  weight?: number
}

/**
 * What every `@cache/core` policy offers. Lookups by `get` count as an access for the policy;
 * `peek` and `has` do not.
 */
export interface EvictionCache<K, V> extends Iterable<[K, V]> {
  /** The policy's name. */
  readonly policy: PolicyName
  /** How many entries are stored, expired ones not yet removed included. */
  readonly size: number
  /** The most entries the cache holds. */
  readonly maxSize: number
  /** The total weight of the stored entries (their count when no weights are used). */
  readonly weight: number
  /** The most total weight, `Infinity` when unbounded. */
  readonly maxWeight: number
  /** The value for `key`, or `undefined` on a miss or an expired entry; records an access. */
  get(key: K): V | undefined
  /** The value for `key` without recording an access. */
  peek(key: K): V | undefined
  /** Whether a live entry exists for `key`, without recording an access. */
  has(key: K): boolean
  /** Stores `value` under `key`, evicting entries as the policy decides. */
  set(key: K, value: V, options?: SetOptions): this
  /** Removes `key`; `true` if a live entry was removed. */
  delete(key: K): boolean
  /** Removes every entry (each is passed to `onEvict` with reason `'clear'`). */
  clear(): void
  /** Removes every expired entry now; returns how many. */
  purgeExpired(): number
  /** The time at which `key`'s entry expires: `Infinity` for never, `undefined` when absent. */
  expiresAt(key: K): number | undefined
  /** Live keys in the policy's order (see each class). */
  keys(): IterableIterator<K>
  /** Live values in the same order as `keys()`. */
  values(): IterableIterator<V>
  /** Live `[key, value]` pairs in the same order as `keys()`. */
  entries(): IterableIterator<[K, V]>
}
