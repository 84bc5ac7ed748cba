// Retries: whether a failed attempt is tried again, and the wait before it (exponential backoff
// with optional jitter, cut short when every caller of the load has given up).
import { startTimer, stopTimer } from '@cache/internal'

import type { Flight } from './flight.js'
import type { RetryConfig } from './config.js'

/** What to do after a failed attempt: go again or not, and the error that stands. */
export interface RetryOutcome {
  again: boolean
  error: unknown
}

/**
 * Whether attempt number `attempt`, which failed with `error`, is retried: while attempts remain
 * and as `retry.shouldRetry` says. A throwing `shouldRetry` ends the load with what it threw.
 */
export function retryOutcome(retry: RetryConfig, error: unknown, attempt: number): RetryOutcome {
  if (attempt > retry.count) return { again: false, error }
  if (retry.shouldRetry === undefined) return { again: true, error }
  try {
    return { again: retry.shouldRetry(error, attempt), error }
  } catch (thrown) {
    return { again: false, error: thrown }
  }
}

/**
 * The longest a load can take with `timeoutMs` per attempt and `retry`'s attempts and backoffs
 * (jitter only shortens a backoff); `undefined` when attempts have no timeout (no bound).
 */
export function loadBoundMs(retry: RetryConfig, timeoutMs: number | undefined): number | undefined {
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs)) return undefined
  let bound = timeoutMs * (retry.count + 1)
  for (let n = 1; n <= retry.count; n++) {
    bound += Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (n - 1))
  }
  return bound
}

/** The wait before retry number `attempt` (1 = after the first failure). */
export function backoffOf(retry: RetryConfig, attempt: number): number {
  const delay = Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (attempt - 1))
  return retry.jitter === 0 ? delay : delay * (1 - retry.jitter * Math.random())
}

/** Waits `ms` before `flight`'s next attempt, or until the flight is abandoned (`flight.wake`). */
export function sleep(flight: Flight, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = startTimer(
      () => {
        flight.wake = undefined
        resolve()
      },
      ms,
      { keepAlive: true },
    )
    flight.wake = () => {
      stopTimer(timer)
      flight.wake = undefined
      resolve()
    }
  })
}
