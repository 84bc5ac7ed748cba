// One load in flight for a key: the promise its callers share, who waits on it, and the signal
// its loader gets. Each waiter may give up on its own; the load is aborted only when all have.
import type { TimeoutOption } from './errors.js'
import type { L2Lease } from './l2.js'
import type { StaleAnswer } from './staleAnswer.js'
import type { TagSource } from './tags.js'

/** What a loader receives. */
export interface LoadContext<K = unknown> {
  /** The key being loaded. */
  readonly key: K
  /**
   * Aborted when every caller waiting on this load has given up (their own `signal`s), or when
   * the attempt exceeds `timeoutMs`. Pass it on to `fetch` or your database client.
   */
  readonly signal: AbortSignal
  /** The attempt number: 1, then 2 for the first retry, … */
  readonly attempt: number
}

/** Loads the value for a key on a miss: a value, or a promise of one. */
export type Loader<K = unknown, V = unknown> = (context: LoadContext<K>) => V | PromiseLike<V>

/**
 * One attempt's context. The `AbortController` is created only when the loader reads `signal`,
 * so loaders that ignore it cost nothing for it.
 */
export class Attempt<K> implements LoadContext<K> {
  #controller: AbortController | undefined = undefined
  #aborted = false
  #reason: unknown = undefined

  constructor(
    readonly key: K,
    readonly attempt: number,
  ) {}

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.#aborted) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  /** Aborts this attempt's signal (now, or when it is first read). */
  abort(reason: unknown): void {
    if (this.#aborted) return
    this.#aborted = true
    this.#reason = reason
    this.#controller?.abort(reason)
  }
}

function noop(): void {
  // A flight's rejection is delivered to its waiters; nobody else needs to see it.
}

/** A load shared by every caller of one key until it settles. */
export class Flight {
  readonly promise: Promise<unknown>
  #resolve!: (value: unknown) => void
  #reject!: (error: unknown) => void
  /** What fail-safe callers wait on (a stale value on failure or soft timeout); see failSafe.ts. */
  answer: StaleAnswer | undefined = undefined
  /** Waiters that may still give up (they came with a signal). */
  #leavable = 0
  /** A waiter without a signal joined, or the load runs in the background: it is never aborted. */
  pinned: boolean
  /** Every waiter gave up: the result is not stored, retries stop. */
  abandoned = false
  settled = false
  /** The attempt running now, to abort when the flight is abandoned. */
  attempt: Attempt<unknown> | undefined = undefined
  /** Wakes a retry's backoff early when the flight is abandoned. */
  wake: (() => void) | undefined = undefined
  /** A background refresh (`staleWhileRevalidate`): started without a caller. */
  readonly background: boolean
  /** Whether any caller joined (a background refresh may be joined once its value is too old). */
  joined = false
  /** The key in the second tier, when the cache has one (`l2`). */
  l2Key: string | undefined = undefined
  /** Where the loaded result's tags come from (tags.ts); `undefined`: none. */
  tags: TagSource | undefined = undefined
  /** The write of the loaded value to the second tier: resolves `true` once stored. */
  l2Write: Promise<boolean> | undefined = undefined
  /**
   * The key's distributed lock while this load holds it: handed to the L2 write of the value
   * (which releases it), else released when the load ends.
   */
  lease: L2Lease | undefined = undefined
  /**
   * An eager refresh: the load time of the copy it refreshes (the second tier loads only when
   * it holds nothing newer, and no other instance is refreshing the key).
   */
  refreshOf: number | undefined = undefined
  /** A call's own `eagerRefresh` for the entry this load keeps (0: none); else the option's. */
  eagerRefresh: number | undefined = undefined
  /**
   * Each attempt's hard bound, in ms: the starting call's own `timeouts.hard`, else the cache's
   * (`timeoutMs`, `timeouts.hard`); `undefined`: none. Its lock's lease follows it.
   */
  timeoutMs: number | undefined = undefined
  /** The option {@link timeoutMs} came from, for CacheTimeoutError's message. */
  timeoutOption: TimeoutOption = 'timeoutMs'
  readonly #onAbandon: (flight: Flight, reason: unknown) => void

  constructor(
    readonly key: unknown,
    background: boolean,
    onAbandon: (flight: Flight, reason: unknown) => void,
  ) {
    this.background = background
    this.pinned = background
    this.#onAbandon = onAbandon
    this.promise = new Promise((resolve, reject) => {
      this.#resolve = resolve
      this.#reject = reject
    })
    this.promise.catch(noop)
  }

  /** Settles the load with its value, for every caller. */
  resolve(value: unknown): void {
    this.#resolve(value)
    this.answer?.resolve(value)
  }

  /** Settles the load with its error (fail-safe callers already given a stale value keep it). */
  reject(error: unknown): void {
    this.#reject(error)
    this.answer?.reject(error)
  }

  /**
   * A caller's promise of the result; it rejects on its own when `signal` aborts. `lenient`: the
   * caller takes a stale value ({@link answer}) when there is one to wait on.
   */
  join(signal: AbortSignal | undefined, lenient = true): Promise<unknown> {
    this.joined = true
    const answer = lenient ? this.answer : undefined
    const promise = answer === undefined ? this.promise : answer.promise
    if (signal === undefined) {
      this.pinned = true
      return promise
    }
    // A signal's reason may be any value; callers get it as given, as fetch() does.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (signal.aborted) return Promise.reject(signal.reason)
    this.#leavable++
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        reject(signal.reason as Error)
        this.leave(signal.reason)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort)
          resolve(value)
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort)
          // A loader may reject with any value; callers get it as given.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(error)
        },
      )
    })
  }

  /**
   * A waiter joins (see {@link join}): one that may give up (it has a `signal`) is counted;
   * one that may not pins the load.
   */
  enter(signal: AbortSignal | undefined): void {
    this.joined = true
    if (signal === undefined) this.pinned = true
    else this.#leavable++
  }

  /**
   * A waiter entered with `signal` stopped waiting at a bound of its own (per-call `timeouts`):
   * no longer counted, and the load is not aborted for it, even when no waiter is left.
   */
  stepOut(signal: AbortSignal | undefined): void {
    if (signal !== undefined) this.#leavable--
  }

  /** A waiter entered with a signal gave up: the load is aborted when no waiter is left. */
  leave(reason: unknown): void {
    this.#leavable--
    if (this.#leavable > 0 || this.pinned || this.settled || this.abandoned) return
    this.abandoned = true
    this.attempt?.abort(reason)
    this.wake?.()
    this.#onAbandon(this, reason)
  }
}
