// What a cache could not send to its second tier during an outage, to send once it is back:
// deletes and clears (and any other invalidation kind a layer adds), each with the moment it was
// made, so that the store applies it as of then (an old delete never removes newer data). The
// queue is bounded: the newest operation per key, a clear supersedes every older entry, and past
// `limit` keys everything collapses into one clear (the safe fallback: it removes at least what
// the queued operations would have, at the price of misses elsewhere).
//
// Costs: nothing until an operation fails; then one Map entry per key, and one timer (unref'ed)
// that retries every REPLAY_RETRY_MS until the queue is empty.
import { startTimer, stopTimer } from '@cache/internal'

/**
 * One queued operation. `kind` is `'delete'` (of the L2 key `key`) or `'clear'` (`key` is
 * `''`); a layer that adds a kind (tag invalidation: `'tag'`, with the tag as `key`) gives the
 * link a sender for it.
 */
export interface ReplayOp {
  readonly kind: string
  readonly key: string
  /** When the operation was made, on the cache's clock (ms). */
  readonly at: number
}

/** What the queue reports, to count and emit. */
export interface ReplayHooks {
  /** `op` was queued (its first send failed). */
  queued(op: ReplayOp): void
  /** `op` reached the store after the outage, `ageMs` after it was made. */
  replayed(op: ReplayOp, ageMs: number): void
  /** The bound was hit: `dropped` operations became one clear. */
  collapsed(dropped: number): void
}

/** Sends one operation as of `ageMs` ago; resolves `true` once the store has it. */
export type ReplaySend = (op: ReplayOp, ageMs: number) => Promise<boolean>

/** The default bound on the queued operations (keys). */
export const DEFAULT_REPLAY_LIMIT = 1000

/** How often the queue tries again while the store stays unreachable, in ms. */
export const REPLAY_RETRY_MS = 1000

const CLEAR = 'clear'
const DELETE = 'delete'
/** A tag invalidation's kind (the tag is its key). */
export const TAG = 'tag'

/** The operations one cache owes its second tier. */
export class ReplayQueue {
  /** By kind and key: one entry per key, the newest. */
  readonly #ops = new Map<string, ReplayOp>()
  readonly #limit: number
  readonly #now: () => number
  readonly #send: ReplaySend
  readonly #hooks: ReplayHooks
  #timer: unknown = undefined
  #flushing: Promise<void> | undefined = undefined

  constructor(limit: number, now: () => number, send: ReplaySend, hooks: ReplayHooks) {
    this.#limit = limit
    this.#now = now
    this.#send = send
    this.#hooks = hooks
  }

  /** How many operations wait. */
  get size(): number {
    return this.#ops.size
  }

  /** The operations waiting, oldest key first (tests, and `stats()`). */
  ops(): ReplayOp[] {
    return [...this.#ops.values()]
  }

  /** Queues `kind` of `key` made at `at` (its send failed). */
  add(kind: string, key: string, at: number): void {
    if (kind === CLEAR) {
      this.#addClear(at)
      return
    }
    const clear = this.#ops.get(idOf(CLEAR, ''))
    // A clear made since removes this key too: nothing more to send for it.
    if (clear !== undefined && clear.at >= at) return
    const id = idOf(kind, key)
    const current = this.#ops.get(id)
    if (current !== undefined && current.at >= at) return
    if (current === undefined && this.#ops.size >= this.#limit) {
      // Full: one clear as of the newest moment covers every queued operation, and this one.
      let newest = at
      for (const op of this.#ops.values()) if (op.at > newest) newest = op.at
      const dropped = this.#ops.size + 1
      this.#ops.clear()
      this.#hooks.collapsed(dropped)
      this.#put({ kind: CLEAR, key: '', at: newest })
      return
    }
    this.#put({ kind, key, at })
  }

  /**
   * Whether a value of L2 key `key` loaded at `fetchedAt` (carrying `tags`) is one a queued
   * operation removes: a read must then count it as absent until the operation has reached the
   * store.
   */
  masks(key: string, fetchedAt: number, tags?: readonly string[]): boolean {
    if (this.#ops.size === 0) return false
    const clear = this.#ops.get(idOf(CLEAR, ''))
    if (clear !== undefined && clear.at >= fetchedAt) return true
    const op = this.#ops.get(idOf(DELETE, key))
    if (op !== undefined && op.at >= fetchedAt) return true
    if (tags === undefined) return false
    for (const tag of tags) {
      const invalidation = this.#ops.get(idOf(TAG, tag))
      if (invalidation !== undefined && invalidation.at >= fetchedAt) return true
    }
    return false
  }

  /**
   * Sends every queued operation (each as of its moment); those that fail stay, for the next
   * try. One flush at a time: a call during one returns it.
   */
  flush(): Promise<void> {
    if (this.#ops.size === 0) return Promise.resolve()
    this.#flushing ??= this.#flushAll().finally(() => {
      this.#flushing = undefined
      this.#schedule()
    })
    return this.#flushing
  }

  /** Stops retrying (the cache is being destroyed); what is queued is dropped. */
  stop(): void {
    if (this.#timer !== undefined) stopTimer(this.#timer)
    this.#timer = undefined
    this.#ops.clear()
  }

  async #flushAll(): Promise<void> {
    const [first, ...rest] = this.#ops.values()
    // One call first: while the store is still down, a retry costs it one failed call, not one
    // per queued key (a circuit breaker probing a recovering server sees one).
    if (first === undefined || !(await this.#replay(first))) return
    await Promise.all(rest.map((op) => this.#replay(op)))
  }

  /** Sends `op` as of its moment; `true` once the store has it. */
  async #replay(op: ReplayOp): Promise<boolean> {
    const ageMs = Math.max(0, this.#now() - op.at)
    const sent = await this.#send(op, ageMs)
    const id = idOf(op.kind, op.key)
    // Replaced meanwhile by a newer operation (or superseded by a clear): that one stays.
    if (sent && this.#ops.get(id) === op) {
      this.#ops.delete(id)
      this.#hooks.replayed(op, ageMs)
    }
    return sent
  }

  #addClear(at: number): void {
    for (const [id, op] of this.#ops) if (op.at <= at) this.#ops.delete(id)
    this.#put({ kind: CLEAR, key: '', at })
  }

  #put(op: ReplayOp): void {
    const id = idOf(op.kind, op.key)
    this.#ops.delete(id)
    this.#ops.set(id, op)
    this.#hooks.queued(op)
    this.#schedule()
  }

  /** Tries again in REPLAY_RETRY_MS while something waits (one timer, never keeping a process up). */
  #schedule(): void {
    if (this.#timer !== undefined || this.#ops.size === 0 || this.#flushing !== undefined) return
    this.#timer = startTimer(
      () => {
        this.#timer = undefined
        void this.flush()
      },
      REPLAY_RETRY_MS,
      { keepAlive: false },
    )
  }
}

function idOf(kind: string, key: string): string {
  return `${kind}\n${key}`
}
