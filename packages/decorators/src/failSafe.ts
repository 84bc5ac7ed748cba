// Fail-safe and the soft timeout: which loads may answer with a stale value, and giving it. An
// entry is kept past its expiry until `keepUntil` (`expiresAt + maxStale`); a load of its key
// made by a fail-safe caller carries a StaleAnswer with that entry. When the load fails (after
// its retries; a hard timeout is a failure), the stale value is served instead of the error and
// is fresh again for `throttle`, so a failing source is called at most once per throttle per key
// and instance; when no L1 entry is at hand, L2's stale copy is read (a cold instance). A load
// slower than `timeouts.soft` gives its fail-safe callers the stale value at once and goes on in
// the background, keeping its value in both tiers when it comes (loadPipeline.ts).
//
// Decisions (see the README): the error of a load served stale is never kept by `negativeCache`
// (it would hide the stale value); the throttled value is L1's alone (L2 keeps its logical
// expiry, so other instances try the source themselves); a background refresh
// (`staleWhileRevalidate`) that fails throttles too.
import { startTimer } from '@cache/internal'

import type { CacheEngine } from './engine.js'
import type { Entry } from './entry.js'
import { configError } from './errors.js'
import type { FailSafeConfig } from './config.js'
import type { Flight } from './flight.js'
import { StaleAnswer } from './staleAnswer.js'

/** What fail-safe uses of its engine. */
export type FailSafeHost<K> = Pick<
  CacheEngine<K>,
  'config' | 'now' | 'store' | 'flights' | 'tally' | 'l2' | 'put'
>

/** The fail-safe of one cache (made only with the `failSafe` option). */
export class FailSafe<K> {
  readonly #engine: FailSafeHost<K>
  readonly #config: FailSafeConfig
  readonly #softMs: number | undefined

  constructor(engine: FailSafeHost<K>, config: FailSafeConfig) {
    this.#engine = engine
    this.#config = config
    this.#softMs = engine.config.softTimeoutMs
  }

  /** Until when an entry expiring at `expiresAt` is kept, stale, for fail-safe. */
  keepUntil(expiresAt: number, staleUntil: number): number {
    const kept = expiresAt + this.#config.maxStaleMs
    return kept > staleUntil ? kept : staleUntil
  }

  /**
   * Whether a call takes stale values: its own `failSafe` option, else the cache's `enabled`.
   *
   * @throws {CacheConfigError} for a per-call value that is not a boolean.
   */
  lenient(perCall: boolean | undefined): boolean {
    if (perCall === undefined) return this.#config.enabled
    if (typeof perCall !== 'boolean') throw configError('failSafe', 'a boolean', perCall)
    return perCall
  }

  /**
   * Makes `flight` answer its fail-safe callers with `stale` (an expired L1 entry within its
   * keep window) if it fails or, for callers, outlasts `timeouts.soft`. Without `stale`, only
   * a cache with L2 gets an answer (L2's stale copy is read on failure).
   */
  attach(flight: Flight, key: K, stale: Entry | undefined): void {
    let answer = flight.answer
    if (answer === undefined) {
      if (stale === undefined && this.#engine.l2 === undefined) return
      answer = flight.answer = new StaleAnswer(stale)
    } else if (answer.entry === undefined) answer.entry = stale
    if (stale !== undefined && this.#softMs !== undefined && !flight.background) {
      this.#armSoft(flight, answer, key, this.#softMs)
    }
  }

  /**
   * After `flight`'s load failed for good: serves its fail-safe callers a stale value, from L1
   * or else L2, fresh again for `throttle`. Resolves whether it did (if not, the error stands).
   */
  async recover(flight: Flight, key: K, error: unknown): Promise<boolean> {
    const answer = flight.answer!
    const engine = this.#engine
    const entry = answer.entry
    if (entry !== undefined && this.#throttle(key, entry)) {
      engine.tally.failSafe(key, error)
      answer.resolve(entry.value)
      return true
    }
    const l2 = engine.l2
    if (l2 === undefined || flight.l2Key === undefined || answer.early) return false
    const record = await l2.readStale(flight.l2Key)
    // Forgotten meanwhile (a delete, a clear, a newer value): the stale copy is not wanted.
    if (record === undefined || record.isError || engine.flights.get(key) !== flight) return false
    const now = engine.now()
    const expiresAt = now + this.#config.throttleMs
    const tags = record.tags !== undefined && record.tags.length > 0 ? record.tags : undefined
    // Indexed by its tags, so that an invalidateTags() here or from another instance drops it.
    const kept = engine.put(
      key,
      record.value,
      false,
      record.fetchedAt,
      expiresAt,
      flight.l2Key,
      tags,
    )
    const l2Ends = now + record.ttlMs + (record.staleMs ?? 0)
    kept.keepUntil = l2Ends > expiresAt ? l2Ends : expiresAt
    kept.refreshAt = expiresAt
    engine.tally.failSafe(key, error)
    answer.resolve(record.value)
    return true
  }

  /**
   * A cached sync function's failed call: the stale value kept for `key` (fresh again for
   * `throttle`), or `undefined` when there is none.
   */
  recoverSync(key: K, error: unknown): Entry | undefined {
    if (!this.#config.enabled) return undefined
    const entry = this.#engine.store.peek(key)
    if (entry === undefined || entry.isError || !this.#throttle(key, entry)) return undefined
    this.#engine.tally.failSafe(key, error)
    return entry
  }

  /** Whether `entry` is still `key`'s and within its keep window; if so, fresh for `throttle`. */
  #throttle(key: K, entry: Entry): boolean {
    const engine = this.#engine
    const now = engine.now()
    if (engine.store.peek(key) !== entry || now >= entry.keepUntil) return false
    // Fresh again: another load of the key served it and throttled it already.
    if (now < entry.expiresAt) return true
    const expiresAt = now + this.#config.throttleMs
    entry.expiresAt = expiresAt
    if (entry.staleUntil < expiresAt) entry.staleUntil = expiresAt
    if (entry.keepUntil < expiresAt) entry.keepUntil = expiresAt
    // No eager refresh while throttled: the failing source is not called before `throttle`.
    entry.refreshAt = expiresAt
    return true
  }

  /** Gives `answer`'s callers the stale value if the load is still running after `ms`. */
  #armSoft(flight: Flight, answer: StaleAnswer, key: K, ms: number): void {
    if (answer.timer !== undefined || answer.settled) return
    answer.timer = startTimer(
      () => {
        answer.timer = undefined
        const entry = answer.entry
        const engine = this.#engine
        if (answer.settled || flight.settled || entry === undefined) return
        if (engine.store.peek(key) !== entry || engine.now() >= entry.keepUntil) return
        // From now on the load is the cache's, not its callers': none may abort it.
        flight.pinned = true
        answer.early = true
        engine.tally.softTimeout(key, ms)
        answer.resolve(entry.value)
      },
      ms,
      { keepAlive: false },
    )
  }
}
