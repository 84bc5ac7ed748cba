// What a cache reports as it works: events for listeners, errors for `onError`.
import { errorLine, errorOrigin } from '@cache/internal'

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
  /** `invalidateTags()` (here, or on another instance) named one of its tags. */
  | 'tag'

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
  | {
      /** Fail-safe: the load failed with `error`; its callers got the stale value instead. */
      readonly type: 'failSafe'
      readonly key: K
      readonly error: unknown
    }
  | {
      /** The load outlasted `timeouts.soft` (`timeoutMs`); its callers got the stale value. */
      readonly type: 'softTimeout'
      readonly key: K
      readonly timeoutMs: number
    }
  | {
      /** A load that outlasted `timeouts.soft` produced its value (kept in L1 and L2). */
      readonly type: 'backgroundLoad'
      readonly key: K
      readonly durationMs: number
    }
  | {
      /** A load that outlasted `timeouts.soft` failed (also reported to `onError`). */
      readonly type: 'backgroundLoadError'
      readonly key: K
      readonly error: unknown
      readonly durationMs: number
    }
  | {
      readonly type: 'invalidateTags'
      /** The tags invalidated. */
      readonly tags: readonly string[]
      /** How many L1 entries it removed here. */
      readonly removed: number
      /** `false`: `invalidateTags()` was called here; `true`: another instance's, received. */
      readonly remote: boolean
    }
  | {
      readonly type: 'eagerRefresh'
      readonly key: K
      /**
       * `'started'`: a hit past the entry's `eagerRefresh` point started a background refresh;
       * `'busy'`: another instance holds the key's lock and is refreshing it, so this one does
       * not load (its value reaches here through L2); `'failed'`: the refresh failed, the entry
       * is kept (`error`).
       */
      readonly outcome: 'started' | 'busy' | 'failed'
      /** What the refresh threw, for `'failed'`. */
      readonly error?: unknown
    }
  | {
      /**
       * A delete or clear `l2` could not take was queued (`'queued'`), reached it once it was
       * back (`'replayed'`), or the full queue became one clear (`'collapsed'`).
       */
      readonly type: 'l2Replay'
      /** No cache key: the operation is on L2 keys (`l2Key`). */
      readonly key: undefined
      readonly outcome: 'queued' | 'replayed' | 'collapsed'
      /** `'delete'`, `'clear'` or `'tag'` (an `invalidateTags`; `'collapsed'`: `'clear'`). */
      readonly operation: string
      /** The L2 key deleted; `undefined` for a clear or a tag. */
      readonly l2Key: string | undefined
      /** The tag invalidated, for `'tag'` only. */
      readonly tag?: string
      /** How long ago the operation was made, in ms (0 when queued). */
      readonly ageMs: number
    }

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
   * (`staleWhileRevalidate`, `eagerRefresh`) failed, or a load that outlasted `timeouts.soft`;
   * `'autoRemoveExpired'`: the periodic removal failed; `'l2'`: the second tier (`l2`) failed or
   * was unreachable (the call was served without it); `'tags'`: a `tags` function threw or
   * answered no tag list (the value was served, not kept).
   */
  readonly operation:
    'dispose' | 'event' | 'expiry' | 'refresh' | 'autoRemoveExpired' | 'l2' | 'tags'
  /** The key concerned, when there is one. */
  readonly key?: unknown
}

/** Receives errors that have no caller to go to. It must not throw. */
export type ErrorHandler = (error: unknown, context: ErrorContext) => void

/** How long the default `onError` stays quiet after printing an error of one kind, in ms. */
export const ERROR_LOG_WINDOW_MS = 60_000

/** Per operation: when its last line was printed, and the errors not printed since. */
const printed = new Map<ErrorContext['operation'], { at: number; quiet: number }>()

/**
 * The default `onError`. It never throws (a throw here could crash a process from a timer) and
 * never prints per call:
 * - `'l2'` errors are not printed: a second tier fails once per call while it is down, so they
 *   are only counted (`stats().l2Errors`), and the store reports its outages itself
 *   (`@cache/redis` prints one line when Redis goes down and one when it is back).
 * - Other errors (a throwing listener or `dispose`, a failed background refresh) print one line
 *   (message, causes and where it was thrown, no stack) per operation kind per minute, across
 *   all caches of the process; the next line says how many were not printed meanwhile.
 *
 * Pass your own `onError` to receive every error, with its stack.
 */
export function logError(error: unknown, context: ErrorContext): void {
  const operation = context.operation
  if (operation === 'l2') return
  const now = Date.now()
  const last = printed.get(operation)
  if (last !== undefined && now - last.at < ERROR_LOG_WINDOW_MS) {
    last.quiet++
    return
  }
  const quiet = last?.quiet ?? 0
  printed.set(operation, { at: now, quiet: 0 })
  const origin = errorOrigin(error)
  const more =
    quiet === 0
      ? ''
      : ` (${quiet} more ${operation} error${quiet === 1 ? '' : 's'} since the last line, not printed)`
  console.error(
    `[@cache/decorators] ${operation} failed: ${errorLine(error)}${origin === undefined ? '' : ` (${origin})`}${more}; pass onError to handle each error`,
  )
}

/** Forgets what {@link logError} printed (tests). */
export function resetErrorLog(): void {
  printed.clear()
}
