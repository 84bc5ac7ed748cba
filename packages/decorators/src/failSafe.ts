// Fail-safe and the soft timeout: which loads may answer with a stale value, and giving it. An
// entry is kept past its expiry until `keepUntil` (`expiresAt + maxStale`); a load of its key
// made by a fail-safe caller carries a StaleAnswer with that entry. When the load fails (after
// its retries; a hard timeout is a failure), the stale value is served instead of the error and
// is fresh again for `throttle`, so a failing source is called at most once per throttle per key
// and instance. When no L1 entry is at hand (a cold instance), L2's stale copy serves: the one the
// read-or-lock before the load handed over (`onStale` of the L2 contract), else one read after
// the failure (a store that hands none). A load slower than `timeouts.soft` gives its fail-safe
// callers the stale value at hand (L1's, or L2's so handed) and goes on in the background,
// keeping its value in both tiers when it comes (loadPipeline.ts).
//
// Decisions (see the README): the error of a load served stale is never kept by `negativeCache`
// (it would hide the stale value); the throttled value is L1's alone (L2 keeps its logical
// expiry, so other instances try the source themselves); a background refresh
// (`staleWhileRevalidate`) that fails throttles too; an error kept in L2 by another instance
// (`negativeCache`) found while a stale value is at hand is a failed load (l2Tier.ts): the stale
// value is served and throttled, and the error is not copied into L1 over it.
import { startTimer } from '@cache/internal'

import type { CacheEngine } from './engine.js'
import type { Entry } from './entry.js'
import { configError } from './errors.js'
import type { FailSafeConfig } from './config.js'
import type { Flight } from './flight.js'
import type { L2Record } from './l2.js'
import { StaleAnswer } from './staleAnswer.js'

/** What fail-safe uses of its engine. */
export type FailSafeHost<K> = Pick<
  CacheEngine<K>,
  'config' | 'now' | 'store' | 'flights' | 'tally' | 'l2' | 'put' | 'keepsTagged'
>

/** No stale value at hand (`undefined` may be a cached value). */
export const NO_STALE: unique symbol = Symbol('no stale value')

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
      answer = flight.answer = new StaleAnswer(stale, this.#engine.now())
    } else if (answer.entry === undefined) answer.entry = stale
    if (stale !== undefined && this.#softMs !== undefined && !flight.background) {
      this.#armSoft(flight, answer, key, this.#softMs)
    }
  }

  /**
   * L2's copy of `key` kept stale, handed by the read (or read-or-lock) that precedes
   * `flight`'s load: the stale value at hand when L1 has none. Arms the soft timeout, counted
   * from the load's start (the caller has waited the read already). A kept error is no stale
   * value (never served as one).
   */
  fromL2(flight: Flight, key: K, record: L2Record): void {
    const answer = flight.answer
    if (answer === undefined || answer.done || answer.l2 !== undefined || record.isError) return
    const now = this.#engine.now()
    answer.takeL2(record, now)
    const softMs = this.#softMs
    if (softMs === undefined || flight.background || answer.entry !== undefined) return
    const left = answer.startedAt + softMs - now
    this.#armSoft(flight, answer, key, left > 0 ? left : 0, softMs)
  }

  /**
   * The stale value `flight`'s fail-safe callers may have now: its L1 entry while it is still
   * `key`'s and within its keep window, else L2's copy while it lives and the load is still
   * `key`'s (a delete, clear or tag invalidation since forgets it); {@link NO_STALE} if none.
   */
  staleOf(flight: Flight, key: K): unknown {
    const answer = flight.answer
    if (answer === undefined) return NO_STALE
    const engine = this.#engine
    const now = engine.now()
    const entry = answer.entry
    if (entry !== undefined && engine.store.peek(key) === entry && now < entry.keepUntil) {
      return entry.value
    }
    // An L1 entry gone by eviction leaves L2's copy; a delete or clear also forgot the flight.
    const record = answer.l2
    if (record === undefined || now >= answer.l2Until || engine.flights.get(key) !== flight) {
      return NO_STALE
    }
    const tags = record.tags
    if (tags !== undefined && tags.length > 0 && !engine.keepsTagged(flight, tags)) return NO_STALE
    return record.value
  }

  /**
   * After `flight`'s load failed for good: serves its fail-safe callers a stale value, from L1
   * or else L2, fresh again for `throttle`. Resolves whether it did (if not, the error stands).
   */
  async recover(flight: Flight, key: K, error: unknown): Promise<boolean> {
    if (this.recoverAtHand(flight, key, error)) return true
    const answer = flight.answer!
    const engine = this.#engine
    const l2 = engine.l2
    // Nothing handed by the read before the load (a store without `onStale`): read it now,
    // unless a stale value was at hand (it is gone: callers had it, or it was deleted).
    if (l2 === undefined || flight.l2Key === undefined || answer.early || answer.l2 !== undefined) {
      return false
    }
    const record = await l2.readStale(flight.l2Key)
    // Forgotten meanwhile (a delete, a clear, a newer value): the stale copy is not wanted.
    if (record === undefined || record.isError || engine.flights.get(key) !== flight) return false
    this.#keepL2Copy(flight, key, record, engine.now() + record.ttlMs + (record.staleMs ?? 0))
    engine.tally.failSafe(key, error)
    answer.resolve(record.value)
    return true
  }

  /**
   * Serves `flight`'s fail-safe callers the stale value at hand (L1's entry, or L2's copy the
   * read before the load handed over), fresh again for `throttle`, instead of `error`: a failed
   * load, or an error another instance kept in L2. Whether it did.
   */
  recoverAtHand(flight: Flight, key: K, error: unknown): boolean {
    const answer = flight.answer!
    const engine = this.#engine
    const entry = answer.entry
    if (entry !== undefined && this.#throttle(key, entry)) {
      engine.tally.failSafe(key, error)
      answer.resolve(entry.value)
      return true
    }
    const record = answer.l2
    if (record === undefined || this.staleOf(flight, key) === NO_STALE) return false
    this.#keepL2Copy(flight, key, record, answer.l2Until)
    engine.tally.failSafe(key, error)
    answer.resolve(record.value)
    return true
  }

  /** Keeps L2's stale copy in L1, fresh for `throttle`, kept until the L2 copy ends (`until`). */
  #keepL2Copy(flight: Flight, key: K, record: L2Record, until: number): void {
    const engine = this.#engine
    const expiresAt = engine.now() + this.#config.throttleMs
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
    kept.keepUntil = until > expiresAt ? until : expiresAt
    kept.refreshAt = expiresAt
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

  /**
   * Gives `answer`'s callers the stale value if the load is still running after `ms`
   * (`softMs`: the bound, for the event, when `ms` is what is left of it).
   */
  #armSoft(flight: Flight, answer: StaleAnswer, key: K, ms: number, softMs = ms): void {
    if (answer.timer !== undefined || answer.settled) return
    // The bound has passed already (the stale copy came late): its callers get it now.
    if (ms <= 0) {
      this.#soft(flight, answer, key, softMs)
      return
    }
    answer.timer = startTimer(
      () => {
        answer.timer = undefined
        this.#soft(flight, answer, key, softMs)
      },
      ms,
      { keepAlive: false },
    )
  }

  /** The soft bound has passed: `answer`'s callers get the stale value at hand, if any. */
  #soft(flight: Flight, answer: StaleAnswer, key: K, softMs: number): void {
    if (answer.settled || flight.settled) return
    const value = this.staleOf(flight, key)
    if (value === NO_STALE) return
    this.softAnswered(flight, key, softMs)
    answer.answerEarly(value)
  }

  /** A soft bound gave callers of `flight` the stale value: the load goes on as the cache's. */
  softAnswered(flight: Flight, key: K, softMs: number): void {
    // From now on the load is the cache's, not its callers': none may abort it.
    flight.pinned = true
    flight.answer!.early = true
    this.#engine.tally.softTimeout(key, softMs)
  }
}
