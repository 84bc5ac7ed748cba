// The wait between a failed attempt and the next: exponential backoff with optional jitter, cut
// short when every caller of the load has given up.
import type { Flight } from './flight.js'
import type { RetryConfig } from './options.js'
import { startTimer, stopTimer } from './timers.js'

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
      true,
    )
    flight.wake = () => {
      stopTimer(timer)
      flight.wake = undefined
      resolve()
    }
  })
}
