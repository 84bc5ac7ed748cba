// The options of AsyncCache's per-call methods, `get()`, `getMany()` and `set()`: public types
// only, apart from the class so that its file holds its behaviour.
import type { BatchFn } from '@cache/batch'

import type { TimeoutsOptions } from './options.js'

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
  /**
   * Fail-safe for this call: `false`, this caller gets the load's error rather than a stale
   * value (and waits for the load past `timeouts.soft`); `true`, it gets a stale value even
   * when the cache's `failSafe.enabled` is `false`. Only on a cache created with `failSafe`.
   * @default the cache's `failSafe.enabled`
   */
  readonly failSafe?: boolean
  /**
   * This call's own bounds, instead of the cache's `timeouts` (checked as that option is; the
   * call rejects with `CacheConfigError` for a bad one). A call that starts the load runs it
   * under its `hard` (each attempt's bound, as `timeoutMs`; its `CacheTimeoutError` names
   * `per-call timeouts.hard`) and takes the stale value at hand after its `soft`. A call that
   * joins a load in flight only bounds its own wait: at its `soft` it takes the stale value at
   * hand, at its `hard` the stale value (fail-safe) or `CacheTimeoutError`; the shared load is
   * not aborted and goes on for the other callers. `soft` needs a cache with `failSafe`.
   * @default the cache's `timeouts`
   */
  readonly timeouts?: TimeoutsOptions
  /**
   * The tags of the entry this call loads (a value, or an error kept by `negativeCache`):
   * `invalidateTags()` of any of them removes it, here and on every instance sharing the `l2`.
   * Used when this call starts the load (a call that joins a load in flight adds none). At
   * most 64 non-empty strings of at most 256 characters.
   */
  readonly tags?: readonly string[]
  /**
   * The `eagerRefresh` of the entry this call loads (or refreshes), instead of the cache's:
   * a fraction between 0 and 1, or `false` for none. A call served from the cache leaves its
   * entry's refresh point as it is.
   */
  readonly eagerRefresh?: number | false
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
  /**
   * The entry's tags: `invalidateTags()` of any of them removes it, here and on every instance
   * sharing the `l2`. At most 64 non-empty strings of at most 256 characters.
   */
  readonly tags?: readonly string[]
}
