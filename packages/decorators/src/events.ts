// What a cache reports as it works: events for listeners, errors for `onError`.

/** Why an entry left the cache. */
export type RemovalReason =
  /** The eviction policy chose it to make room. */
  | 'evict'
  /** It had expired (found on access, by `removeExpired()` or by `autoRemoveExpired`). */
  | 'expire'
  /** `delete(key)` or `invalidate(...args)` removed it. */
  | 'delete'
  /** A newer value for the same key replaced it. */
  | 'replace'
  /** `clear()` (or `clearAll()`) removed it. */
  | 'clear'

/**
 * Something that happened in a cache, as given to `onEvent` and `cache.on()` listeners. Events
 * are created only while someone listens, so a cache nobody watches pays nothing for them.
 */
export type CacheEvent<K = unknown> =
  | {
      readonly type: 'hit'
      readonly key: K
      /**
       * `'fresh'`: a fresh entry; `'stale'`: an expired entry served under
       * `staleWhileRevalidate`; `'shared'`: joined a load already in flight.
       */
      readonly kind: 'fresh' | 'stale' | 'shared'
    }
  | { readonly type: 'miss'; readonly key: K }
  | {
      readonly type: 'load'
      readonly key: K
      /** From the first attempt's start to the value, backoff included (ms). */
      readonly durationMs: number
      /** Attempts made, 1 when the first succeeded. */
      readonly attempts: number
    }
  | {
      readonly type: 'loadError'
      readonly key: K
      readonly error: unknown
      readonly durationMs: number
      readonly attempts: number
    }
  | {
      readonly type: 'retry'
      readonly key: K
      /** The attempt about to be made (2 for the first retry). */
      readonly attempt: number
      /** The backoff before it, in ms. */
      readonly delayMs: number
      /** What the previous attempt threw. */
      readonly error: unknown
    }
  | { readonly type: 'remove'; readonly key: K; readonly reason: RemovalReason }

/** Receives {@link CacheEvent}s. Errors it throws go to `onError`, never to the caller. */
export type CacheEventListener<K = unknown> = (event: CacheEvent<K>) => void

/**
 * How a cache's parts emit events: they build an event only while `listening()`, so that a cache
 * nobody watches allocates none. Internal; the cache's own hot paths test its listener list
 * directly.
 */
export interface EventSink<K> {
  /** Whether anyone listens right now. */
  listening(): boolean
  /** Calls every listener with `event`; what they throw goes to `onError`. */
  emit(event: CacheEvent<K>): void
}

/** Where an error reported to `onError` came from. */
export interface ErrorContext {
  /**
   * `'dispose'`: disposing of a value's resources; `'event'`: an event listener threw;
   * `'expiry'`: an async expiration of a `set()` value failed; `'refresh'`: a background refresh
   * (`staleWhileRevalidate`) failed; `'autoRemoveExpired'`: the periodic removal failed;
   * `'l2'`: the second tier (`l2`) failed or was unreachable (the call was served without it).
   */
  readonly operation: 'dispose' | 'event' | 'expiry' | 'refresh' | 'autoRemoveExpired' | 'l2'
  /** The key concerned, when there is one. */
  readonly key?: unknown
}

/** Receives errors that have no caller to go to. It must not throw. */
export type ErrorHandler = (error: unknown, context: ErrorContext) => void

/** The default `onError`: log, never throw (a throw here could crash a process from a timer). */
export function logError(error: unknown, context: ErrorContext): void {
  console.error(`[@cache/decorators] ${context.operation} failed:`, error)
}
