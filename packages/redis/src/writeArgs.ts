// The arguments WRITE and COMMIT take (scripts.ts). Per call, once: the latest moment on Redis's
// clock the call can be sent at, its deadline and the tombstones' lifetime. Per entry: its head
// (kind letter, time to live, stale time), its age and its tail (load time and text), fixed when
// the write is made and shifted to the call's moment when the call is sent (a turn later at
// most): the age grows and the time to live shrinks by the time in between, so the version and
// the expiry the script fixes are the ones of the moment the write was made. A command that runs
// later (a paused server) is judged by these, not by when it runs.
import type { L2Write } from '@cache/decorators'

import type { Serializer } from './codec.js'
import { kindOf, MAX_PX } from './record.js'
import type { ServerClock } from './serverClock.js'

/** What the arguments of a write depend on besides the write itself. */
export interface WriteContext {
  readonly serializer: Serializer
  /** The bound on the call (its deadline is this far ahead). */
  readonly timeoutMs: number
  /** How long deletes are remembered: older writes are dropped. */
  readonly tombstoneMs: number
}

/** One entry's arguments, as of the moment the write was made (`madeAt`). */
export interface EntryArgs {
  /** The kind letter (record.ts). */
  readonly kind: string
  /** The time to live in ms, rounded up; -1 for none. */
  readonly ttlMs: number
  /** `+<ms>`: kept stale that long past its expiry for fail-safe; '' for not at all. */
  readonly stale: string
  /** How long ago its load started, in whole ms. */
  readonly ageMs: number
  /** `<fetchedAt>|<text>`: the end of the entry as stored. */
  readonly tail: string
  /** When the write was made, on the local clock. */
  readonly madeAt: number
}

/**
 * The arguments of `write`, whose text is `payload` (from `payloadOf`), made at `madeAt` (now by
 * default).
 */
export function entryArgs(write: L2Write, payload: string, madeAt: number = Date.now()): EntryArgs {
  const ttlMs = write.ttlMs
  // Rounded up: the L2 copy may outlive the L1 one by under a millisecond, never the reverse.
  const ttl = ttlMs === Infinity || ttlMs > MAX_PX ? -1 : Math.ceil(ttlMs)
  return {
    kind: kindOf(write),
    ttlMs: ttl,
    stale: staleOf(write.staleMs, ttl),
    ageMs: Math.max(0, Math.floor(write.ageMs ?? 0)),
    tail: `${write.fetchedAt}|${payload}`,
    madeAt,
  }
}

/** Appends `entry`'s head, age and tail to `command`, as of the call's moment `sentAt`. */
export function pushEntryArgs(command: string[], entry: EntryArgs, sentAt: number): void {
  const since = sentAt > entry.madeAt ? sentAt - entry.madeAt : 0
  const ttlMs = entry.ttlMs
  const head =
    ttlMs < 0 ? entry.kind : entry.kind + String(ttlMs > since ? ttlMs - since : 0) + entry.stale
  command.push(head, String(entry.ageMs + since), entry.tail)
}

/**
 * Appends the arguments every entry of a call shares: the latest the server's clock can say at
 * `sentAt` (the call's moment, on the local clock), the call's deadline, and the tombstones'
 * lifetime. The script fixes each version and expiry from these (scripts.ts). `clock`: the clock
 * of the node the call goes to (on a cluster, each node has its own).
 */
export function pushCallArgs(
  command: string[],
  context: WriteContext,
  sentAt: number,
  clock: ServerClock,
): void {
  command.push(
    String(Math.ceil(clock.latest(sentAt))),
    String(Math.floor(clock.now(sentAt) + context.timeoutMs)),
    String(context.tombstoneMs),
  )
}

/** The stale part of a head, for fail-safe: '' for none, or with no expiry to be stale after. */
function staleOf(staleMs: number | undefined, ttl: number): string {
  if (staleMs === undefined || !(staleMs > 0) || ttl < 0) return ''
  return staleMs > MAX_PX ? `+${MAX_PX}` : `+${Math.ceil(staleMs)}`
}
