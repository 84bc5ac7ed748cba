// What the fail-safe callers of one load wait on: the load's value, or else a stale value, given
// when the load fails (fail-safe) or takes longer than `timeouts.soft`. Callers that refuse stale
// values (`{ failSafe: false }`) wait on the load's own promise instead (flight.ts).
import { stopTimer } from '@cache/internal'

import type { Entry } from './entry.js'

function noop(): void {
  // A background load's answer may have nobody waiting on it.
}

/** The answer of one load for its fail-safe callers. */
export class StaleAnswer {
  readonly promise: Promise<unknown>
  #resolve!: (value: unknown) => void
  #reject!: (error: unknown) => void
  /** The stale L1 entry at hand, if any (without one, L2 is asked when the load fails). */
  entry: Entry | undefined
  /** The `timeouts.soft` timer, while armed. */
  timer: unknown = undefined
  /** Settled already, with a stale value (soft timeout) or the load's outcome. */
  settled = false
  /** A soft timeout gave the callers the stale value: the load goes on in the background. */
  early = false

  constructor(entry: Entry | undefined) {
    this.entry = entry
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    this.promise.catch(noop)
  }

  /** Settles with `value` (the load's, or a stale one); later calls do nothing. */
  resolve(value: unknown): void {
    if (this.settled) return
    this.#disarm()
    this.#resolve(value)
  }

  /** Settles with the load's error (no stale value to give); later calls do nothing. */
  reject(error: unknown): void {
    if (this.settled) return
    this.#disarm()
    // A loader may reject with any value; callers get it as given.
    this.#reject(error)
  }

  #disarm(): void {
    this.settled = true
    if (this.timer !== undefined) stopTimer(this.timer)
    this.timer = undefined
  }
}
