// The arguments WRITE and COMMIT take for one entry (scripts.ts): its text, its age and time to
// live, the latest moment on Redis's clock it can be sent at, and its deadline, fixed here, when
// the write is sent. A command that runs later (a paused server) is judged by these, not by when
// it runs.
import type { L2Write } from '@cache/decorators'

import type { Serializer } from './codec.js'
import { kindOf, MAX_PX } from './record.js'
import type { ServerClock } from './serverClock.js'

/** What the arguments of a write depend on besides the write itself. */
export interface WriteContext {
  readonly serializer: Serializer
  readonly clock: ServerClock
  /** The bound on the call (its deadline is this far ahead). */
  readonly timeoutMs: number
  /** How long deletes are remembered: older writes are dropped. */
  readonly tombstoneMs: number
}

/**
 * WRITE's arguments for `write`: the kind letter, the time to live ('' for none), the latest the
 * server's clock can say now, the value's age (since its load started), the load time, the
 * text (`payload`, from `payloadOf`), the deadline, the tombstones' lifetime, the time kept
 * stale for fail-safe ('' for none; `MAX_PX` for ever, about 4,000 years). The script fixes
 * the version and the expiry from these (scripts.ts). `sentAt`: when the write was sent, on the
 * local clock (it may be stamped later, once the clock has learnt Redis's offset). `clock`: the
 * clock of the node the write goes to (on a cluster, each node has its own).
 */
export function writeArgs(
  write: L2Write,
  payload: string,
  context: WriteContext,
  sentAt: number = Date.now(),
  clock: ServerClock = context.clock,
): string[] {
  const ttlMs = write.ttlMs
  // Rounded up: the L2 copy may outlive the L1 one by under a millisecond, never the reverse.
  const ttl = ttlMs === Infinity || ttlMs > MAX_PX ? '' : String(Math.ceil(ttlMs))
  return [
    kindOf(write),
    ttl,
    String(Math.ceil(clock.latest(sentAt))),
    String(Math.max(0, Math.floor(write.ageMs ?? 0))),
    String(write.fetchedAt),
    payload,
    String(Math.floor(clock.now(sentAt) + context.timeoutMs)),
    String(context.tombstoneMs),
    staleArg(write.staleMs, ttl),
  ]
}

/** The stale time of a write, for fail-safe: '' for none, or with no expiry to be stale after. */
function staleArg(staleMs: number | undefined, ttl: string): string {
  if (staleMs === undefined || !(staleMs > 0) || ttl === '') return ''
  return staleMs > MAX_PX ? String(MAX_PX) : String(Math.ceil(staleMs))
}
