// The documented bound on one get() in the soak, derived from the store's options: what a call
// may wait on Redis and on other instances before its loader runs, plus the loader's own time.
import type { RedisStoreOptions } from '../../src/index.js'

/** The store options the soak passes on (`url` and `prefix` are the harness's). */
export type SoakStoreOptions = Omit<RedisStoreOptions, 'url' | 'client' | 'prefix'>

/** The defaults `redisStore()` documents (README, options.ts), used when an option is not set. */
const DEFAULT_TIMEOUT_MS = 500
const DEFAULT_WAIT_MS = 5_000
const DEFAULT_LOCK_TTL_MS = 10_000

/**
 * Time for the event loop of one process running every instance and caller on a shared
 * 2-core machine: timers and replies run late by this much under the soak's load.
 */
export const SCHEDULING_SLACK_MS = 250

/** The parts of the bound, in ms, and their sum. */
export interface CallBound {
  /** One round trip that reads the value or takes the lock: `timeoutMs`. */
  readonly readOrLockMs: number
  /** Waiting on another instance's lock: `min(waitMs, lockTtlMs)`, 0 without single flight. */
  readonly waitMs: number
  /** The read that ends a wait (the holder's value): `timeoutMs`. */
  readonly readAfterWaitMs: number
  /** The loader's own time: its longest delay. */
  readonly loaderMs: number
  /** {@link SCHEDULING_SLACK_MS}. */
  readonly slackMs: number
  /** The bound: a get() that takes longer counts as over the bound; one still pending, as hung. */
  readonly totalMs: number
}

/** The bound on one get() for a store configured with `options` and a loader taking up to `loaderMs`. */
export function callBound(options: SoakStoreOptions, loaderMs: number): CallBound {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const singleFlight = options.singleFlight ?? true
  const waitMs =
    singleFlight === false
      ? 0
      : singleFlight === true
        ? Math.min(DEFAULT_WAIT_MS, DEFAULT_LOCK_TTL_MS)
        : Math.min(
            singleFlight.waitMs ?? DEFAULT_WAIT_MS,
            singleFlight.lockTtlMs ?? DEFAULT_LOCK_TTL_MS,
          )
  const readAfterWaitMs = waitMs === 0 ? 0 : timeoutMs
  return {
    readOrLockMs: timeoutMs,
    waitMs,
    readAfterWaitMs,
    loaderMs,
    slackMs: SCHEDULING_SLACK_MS,
    totalMs: timeoutMs + waitMs + readAfterWaitMs + loaderMs + SCHEDULING_SLACK_MS,
  }
}
