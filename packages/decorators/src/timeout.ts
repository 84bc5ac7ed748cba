// One attempt of a load, under its hard bound (`timeoutMs`, `timeouts.hard`, or the starting
// call's own `timeouts.hard`): the loader gets a fresh context (its own signal), and an attempt
// that has not settled in time fails with CacheTimeoutError and has its signal aborted.
import { startTimer, stopTimer } from '@cache/internal'

import type { Tally } from './accounting.js'
import { CacheTimeoutError } from './errors.js'
import { Attempt, type Flight, type Loader } from './flight.js'
import { isThenable } from './thenable.js'

/**
 * Attempt number `n` of `flight`'s load: the loader's result (or `first`, a first attempt's
 * result obtained already), failing with `CacheTimeoutError` after the flight's `timeoutMs` when
 * it is a promise. A sync result is returned as it is.
 */
export function attempt<K>(
  flight: Flight,
  key: K,
  loader: Loader<K>,
  n: number,
  first: PromiseLike<unknown> | undefined,
  tally: Pick<Tally<K>, 'timedOut'>,
): unknown {
  const context = new Attempt<K>(key, n)
  flight.attempt = context
  const result = first ?? loader(context)
  const timeoutMs = flight.timeoutMs
  if (timeoutMs === undefined || !isThenable(result)) return result
  return new Promise((resolve, reject) => {
    const timer = startTimer(
      () => {
        tally.timedOut()
        const error = new CacheTimeoutError(key, timeoutMs, flight.timeoutOption)
        context.abort(error)
        reject(error)
      },
      timeoutMs,
      { keepAlive: true },
    )
    result.then(
      (value) => {
        stopTimer(timer)
        resolve(value)
      },
      (error: unknown) => {
        stopTimer(timer)
        // A loader may reject with any value; callers get it as given.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(error)
      },
    )
  })
}
