// What AsyncCache shares with the parts it owns (LoadRunner, L2Tier, Removals): one object, built
// once in its constructor. Each part declares the slice of it that it uses, and never sees the
// cache itself.
import type { ErrorHandler, EventSink } from './events.js'
import type { Flight, Loader } from './flight.js'
import type { Config } from './config.js'
import type { Counters } from './stats.js'
import type { Store } from './store.js'

/** A cache's shared state (never replaced) and the callbacks into its private methods. */
export interface CacheParts<K> extends EventSink<K> {
  readonly config: Config
  readonly store: Store<K>
  /** The loads in flight by key: a load stores its result only while it is still its key's. */
  readonly flights: Map<K, Flight>
  /** Shared, so never replaced: `clear()` resets it in place. */
  readonly counters: Counters
  readonly report: ErrorHandler
  /** Stores a result in L1 (as the copy of L2's `l2Key`, when given). */
  put(
    key: K,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    l2Key: string | undefined,
  ): unknown
  /** Runs the loader for `flight` (retries, timeout) and settles it, writing the value to L2. */
  run(flight: Flight, key: K, loader: Loader<K>, ttl: number | undefined): Promise<void>
}
