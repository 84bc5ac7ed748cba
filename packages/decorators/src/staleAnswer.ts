// What the fail-safe callers of one load wait on: the load's value, or else a stale value, given
// when the load fails (fail-safe) or takes longer than `timeouts.soft`. Callers that refuse stale
// values (`{ failSafe: false }`) wait on the load's own promise instead (flight.ts). The stale
// value at hand is an expired L1 entry, or L2's copy kept stale, handed by the read (or
// read-or-lock) that preceded the load (l2Tier.ts).
import { stopTimer } from '@cache/internal'

import type { Entry } from './entry.js'
import type { L2Record } from './l2.js'

function noop(): void {
  // A background load's answer may have nobody waiting on it.
}

/** A promise with its settle functions. */
interface Outcome {
  readonly promise: Promise<unknown>
  resolve(value: unknown): void
  reject(error: unknown): void
}

function outcome(): Outcome {
  let resolve!: (value: unknown) => void
  let reject!: (error: unknown) => void
  const promise = new Promise((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(noop)
  return { promise, resolve, reject }
}

/** The answer of one load for its fail-safe callers. */
export class StaleAnswer {
  /**
   * What callers bounded by the cache's `timeouts.soft` wait on: settled early with the stale
   * value at that bound, else with the load's outcome.
   */
  readonly promise: Promise<unknown>
  readonly #promise: Outcome
  /** What callers with their own bounds wait on: the load's outcome only (made when asked). */
  #outcome: Outcome | undefined = undefined
  /** The load's outcome, once known: `[true, value]` or `[false, error]`. */
  #final: readonly [boolean, unknown] | undefined = undefined
  /** The stale L1 entry at hand, if any. */
  entry: Entry | undefined
  /** L2's copy kept stale, handed by the read that preceded the load (when L1 had none). */
  l2: L2Record | undefined = undefined
  /** Until when (the cache's clock) the L2 copy lives, stale. */
  l2Until: number = -Infinity
  /** When the load started (the cache's clock): the cache's soft bound counts from then. */
  readonly startedAt: number
  /** The `timeouts.soft` timer, while armed. */
  timer: unknown = undefined
  /** {@link promise} is settled, with a stale value (soft timeout) or the load's outcome. */
  settled = false
  /** A soft bound gave callers the stale value: the load goes on in the background. */
  early = false
  /** Told when L2's stale copy arrives (callers whose own soft bound passed before it). */
  #watchers: (() => void)[] | undefined = undefined

  constructor(entry: Entry | undefined, startedAt: number) {
    this.entry = entry
    this.startedAt = startedAt
    this.#promise = outcome()
    this.promise = this.#promise.promise
  }

  /** The load's outcome for a caller with its own bounds (never settled early). */
  get outcome(): Promise<unknown> {
    let settled = this.#outcome
    if (settled === undefined) {
      settled = this.#outcome = outcome()
      const final = this.#final
      if (final !== undefined) {
        if (final[0]) settled.resolve(final[1])
        else settled.reject(final[1])
      }
    }
    return settled.promise
  }

  /**
   * Whether the load's callers were answered with a value (the load's, or a stale one after it
   * failed), rather than with its error.
   */
  get answered(): boolean {
    return this.#final?.[0] === true
  }

  /** Whether the load's outcome is known (a value, a stale value served, or the error). */
  get done(): boolean {
    return this.#final !== undefined
  }

  /** Settles {@link promise} with a stale value before the load does (a soft timeout). */
  answerEarly(value: unknown): void {
    if (this.settled) return
    this.early = true
    this.#disarm()
    this.#promise.resolve(value)
  }

  /** Settles with `value` (the load's, or a stale one); later calls do nothing. */
  resolve(value: unknown): void {
    if (this.#final !== undefined) return
    this.#final = [true, value]
    this.#disarm()
    this.#promise.resolve(value)
    this.#outcome?.resolve(value)
  }

  /** Settles with the load's error (no stale value to give); later calls do nothing. */
  reject(error: unknown): void {
    if (this.#final !== undefined) return
    this.#final = [false, error]
    this.#disarm()
    this.#promise.reject(error)
    this.#outcome?.reject(error)
  }

  /** Keeps L2's stale copy, read at `now`, and tells the callers waiting for one. */
  takeL2(record: L2Record, now: number): void {
    this.l2 = record
    this.l2Until = now + record.ttlMs + (record.staleMs ?? 0)
    const watchers = this.#watchers
    if (watchers === undefined) return
    this.#watchers = undefined
    for (const watcher of watchers) watcher()
  }

  /** Calls `watcher` when L2's stale copy arrives; returns what stops it. */
  watch(watcher: () => void): () => void {
    const watchers = (this.#watchers ??= [])
    watchers.push(watcher)
    return () => {
      const at = watchers.indexOf(watcher)
      if (at !== -1) watchers.splice(at, 1)
    }
  }

  #disarm(): void {
    this.settled = true
    if (this.timer !== undefined) stopTimer(this.timer)
    this.timer = undefined
  }
}
