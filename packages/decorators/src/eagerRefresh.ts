// Eager refresh (`eagerRefresh: 0.8`): a hit after that fraction of its entry's life starts one
// background load of the key, so that a key under traffic is reloaded before it expires and its
// callers never wait. The point is fixed once per entry (`refreshAt`), so the hit path compares
// one stored time, as it compares the expiry without the option; the work of starting a refresh
// is here, on the miss path, where a hit past that point is sent.
import type { Tally } from './accounting.js'
import { configError } from './errors.js'
import type { Flight } from './flight.js'

/**
 * Checks an `eagerRefresh` option (`option` names it in the error): a fraction of an entry's
 * life strictly between 0 and 1, or `undefined`/`false` for none.
 *
 * @throws {CacheConfigError} naming the option and the value.
 */
export function checkEagerRefresh(value: unknown, option = 'eagerRefresh'): number | undefined {
  if (value === undefined || value === false) return undefined
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw configError(
      option,
      "a fraction of an entry's life between 0 and 1 (exclusive), such as 0.8, or false",
      value,
    )
  }
  return value
}

/**
 * When a hit starts refreshing an entry fetched at `fetchedAt` and fresh until `expiresAt`:
 * `fraction` of the way through its life; the expiry itself without eager refresh (`undefined`
 * or 0, a call's `eagerRefresh: false`), or for an
 * entry that never expires (or a kept error, which is never refreshed early).
 */
export function refreshAtOf(
  fetchedAt: number,
  expiresAt: number,
  fraction: number | undefined,
): number {
  if (
    fraction === undefined ||
    !(fraction > 0) ||
    expiresAt === Infinity ||
    !(expiresAt > fetchedAt)
  ) {
    return expiresAt
  }
  return fetchedAt + (expiresAt - fetchedAt) * fraction
}

/**
 * Counts and reports the failure of the eager refresh `flight` (its entry stays, served until it
 * expires); a success needs nothing more, the load kept its value.
 */
export function watchRefresh<K>(tally: Tally<K>, key: K, flight: Flight): void {
  flight.promise.then(undefined, (error: unknown) => {
    tally.eagerRefreshFailed(key, error)
  })
}
