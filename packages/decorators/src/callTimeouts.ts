// Per-call `timeouts` of `get()` and `getMany()`: checked per call as the cache option is at
// creation, and what they bound. The call that starts a load runs it under its own `hard` (each
// attempt's bound, and the L2 lock's lease); a call that joins a load in flight is bounded by
// its own `soft` and `hard` alone: at its soft bound it takes the stale value at hand, at its
// hard bound the stale value or CacheTimeoutError, and either way it only stops waiting: the
// shared load is never aborted by it, and goes on for the others (and lands in both tiers).
import { startTimer, stopTimer } from '@cache/internal'

import type { CacheEngine } from './engine.js'
import { CacheTimeoutError } from './errors.js'
import type { FailSafeConfig } from './config.js'
import { NO_STALE } from './failSafe.js'
import type { Flight } from './flight.js'
import { checkTimeouts } from './resilienceOptions.js'

/** A call's own bounds, in ms (at least one is set). */
export interface CallTimeouts {
  readonly softMs: number | undefined
  readonly hardMs: number | undefined
}

/**
 * A call's `timeouts`: `undefined` when not given (or empty). Durations in ms or as text;
 * `soft` only on a cache with `failSafe`.
 *
 * @throws {CacheConfigError} naming `timeouts`, `timeouts.soft` or `timeouts.hard` and the value.
 */
export function checkCallTimeouts(
  value: unknown,
  failSafe: FailSafeConfig | undefined,
): CallTimeouts | undefined {
  if (value === undefined) return undefined
  // The cache option's checks and messages; with no `timeoutMs` beside it, `hard` stands alone.
  const { hardMs, softMs } = checkTimeouts(value, undefined, failSafe)
  return hardMs === undefined && softMs === undefined ? undefined : { softMs, hardMs }
}

/** What a bounded wait uses of its engine. */
export type BoundedWaitHost<K> = Pick<CacheEngine<K>, 'failSafe' | 'tally'>

/**
 * A caller's wait on `flight` under its own bounds (`hardMs` only for a call that joined the
 * load: the starting call's bound is the load's). `lenient`: it takes stale values. `signal`: it
 * may give up (as `Flight.join`).
 */
export function waitBounded<K>(
  host: BoundedWaitHost<K>,
  flight: Flight,
  key: K,
  lenient: boolean,
  softMs: number | undefined,
  hardMs: number | undefined,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  // A signal's reason may be any value; callers get it as given, as fetch() does.
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  if (signal?.aborted === true) return Promise.reject(signal.reason)
  const answer = lenient ? flight.answer : undefined
  const failSafe = host.failSafe
  // Its own soft bound, not the cache's: the outcome, never the promise settled early.
  const base = answer === undefined ? flight.promise : answer.outcome
  flight.enter(signal)
  return new Promise((resolve, reject) => {
    let done = false
    let softTimer: unknown = undefined
    let hardTimer: unknown = undefined
    let unwatch: (() => void) | undefined
    const finish = (): boolean => {
      if (done) return false
      done = true
      if (softTimer !== undefined) stopTimer(softTimer)
      if (hardTimer !== undefined) stopTimer(hardTimer)
      unwatch?.()
      signal?.removeEventListener('abort', onAbort)
      return true
    }
    const onAbort = (): void => {
      if (!finish()) return
      reject(signal!.reason as Error)
      flight.leave(signal!.reason)
    }
    /** Settles with the stale value at hand, if there is one; whether it did. */
    const takeStale = (): boolean => {
      if (failSafe === undefined || flight.settled) return false
      const value = failSafe.staleOf(flight, key)
      if (value === NO_STALE || !finish()) return false
      resolve(value)
      return true
    }
    const onSoft = (): void => {
      if (done) return
      if (takeStale()) {
        failSafe!.softAnswered(flight, key, softMs!)
        flight.stepOut(signal)
      }
    }
    base.then(
      (value) => {
        if (finish()) resolve(value)
      },
      (error: unknown) => {
        // A loader may reject with any value; callers get it as given.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        if (finish()) reject(error)
      },
    )
    signal?.addEventListener('abort', onAbort, { once: true })
    if (softMs !== undefined && answer !== undefined) {
      softTimer = startTimer(
        () => {
          softTimer = undefined
          onSoft()
          // No stale value yet: L2's copy may still come (the read before the load).
          if (!done && answer.l2 === undefined) unwatch = answer.watch(onSoft)
        },
        softMs,
        { keepAlive: false },
      )
    }
    if (hardMs !== undefined) {
      hardTimer = startTimer(
        () => {
          hardTimer = undefined
          if (done) return
          const error = new CacheTimeoutError(key, hardMs, 'per-call timeouts.hard')
          if (answer !== undefined && takeStale()) {
            host.tally.failSafe(key, error)
          } else {
            finish()
            reject(error)
          }
          // This caller stops waiting; the load goes on for the others.
          flight.stepOut(signal)
        },
        hardMs,
        { keepAlive: true },
      )
    }
  })
}
