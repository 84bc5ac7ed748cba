import { startTimer, stopTimer } from '@cache/internal'
import { stableHash } from '@cache/keys'

import { abortReasonOf } from './abortError.js'
import { BatchError, describeValue } from './batchError.js'
import { afterPromiseJobs, microtask } from './schedule.js'
import { type BatcherOptions, configError, readBatcherOptions } from './options.js'
import { SlotIndex } from './slotIndex.js'

/**
 * What a batch function may give back for `keys`, plain or in a promise:
 * - an array with one entry per key, in key order;
 * - a `Map` from key to value (looked up by the key, then by its `keyFn` identity);
 * - a plain object whose property names are `String(keyFn(key))` (for the default `keyFn`:
 *   `String(key)` for primitives, `stableHash(key)` for objects).
 *
 * An `Error` in place of a value fails only that key's load.
 */
export type BatchResult<K, V> =
  readonly (V | Error)[] | ReadonlyMap<K, V | Error> | { readonly [property: string]: V | Error }

/** What a batch function receives besides the keys. */
export interface BatchContext {
  /**
   * Aborted when the batcher's `signal` aborts or the batch exceeds `timeoutMs`; pass it on to
   * `fetch` or your database client. Never aborts when neither option is set.
   */
  readonly signal: AbortSignal
}

/**
 * Loads many keys at once. Receives each distinct key of a batch once, in the order they were
 * first asked for, and returns (or promises) a {@link BatchResult}.
 */
export type BatchFn<K, V> = (
  keys: K[],
  context: BatchContext,
) => PromiseLike<BatchResult<K, V>> | BatchResult<K, V>

/** The most slots a batch's arrays are allocated with up front (see Batch). */
const MAX_PRESIZE = 4096

const READY = 1 // closed, waiting for a concurrency slot
const RUNNING = 2 // batch function called, not settled
const DONE = 3 // every load settled

/**
 * One window: the batches it was split into, in order. Every batch but the last holds exactly
 * `maxBatchSize` slots, so the window's slot `w` is slot `w % maxBatchSize` of batch
 * `w / maxBatchSize`: a duplicate is found across the window's batches without a window-wide
 * array (two pushes per load that measured a quarter of a load's cost).
 */
class Window<K> {
  readonly batches: Batch<K>[] = []
  /** Each batch's identities (its `ids`, else its `keys`), for the index to compare with. */
  readonly chunks: (readonly unknown[])[] = []
  /** Slots taken, over all its batches. */
  size = 0
  /** The batch collecting loads, if any. */
  current: Batch<K> | undefined = undefined
}

/**
 * One batch: parallel arrays indexed by slot, so a load costs array stores, not objects. Values
 * are `unknown` in here so that `Batcher<K, V>` stays covariant in `V` (a `Batcher<K, User>` is
 * a `Batcher<K, unknown>`); `load()` casts at the boundary.
 *
 * The arrays are allocated with as many slots as the batcher's previous batch had (up to
 * MAX_PRESIZE), and filled by index: growing the arrays push by push, copying each one at
 * every growth, cost about as much per load as the lookup that dedupes it. `keys` is cut to `size`
 * when the batch closes. They are per batch, not per window: arrays of a whole window, grown to
 * 10k loads and more, measured twice the GC time; a small batch's die young.
 */
class Batch<K> {
  readonly window: Window<K>
  /** Its place among its window's batches. */
  readonly index: number
  readonly keys: K[]
  /**
   * The batch's own promise: fulfilled with its {@link Outcome}, or rejected when the whole
   * batch fails. Each slot's promise is `promise.then(settleNext)`: see {@link settleNext}.
   */
  readonly promise: Promise<Outcome>
  resolve!: (outcome: Outcome) => void
  reject!: (reason: unknown) => void
  /** Each slot's promise, handed to the loads of a duplicate key. */
  readonly promises: Promise<unknown>[]
  /** Slots taken. */
  size = 0
  /**
   * Each slot's identity, once one differs from its key (`keyFn`, object keys); until then
   * `undefined`, the keys being their own identities, which saves a store per load.
   */
  ids: unknown[] | undefined = undefined
  state: number = READY
  /** The timeout timer while RUNNING. */
  timer: unknown = undefined
  controller: AbortController | undefined = undefined

  constructor(window: Window<K>, index: number, slots: number) {
    this.window = window
    this.index = index
    this.keys = new Array<K>(slots)
    this.promises = new Array<Promise<unknown>>(slots)
    this.promise = new Promise<Outcome>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
  }
}

/** Given to batch functions when neither `signal` nor `timeoutMs` is set; created on first use. */
let neverAborted: AbortSignal | undefined

function noop(): void {
  // nothing to do
}

/**
 * `value instanceof Error`, false where even asking throws (a Proxy whose `getPrototypeOf` trap
 * throws, a revoked one): such a value is no Error.
 */
function isError(value: unknown): value is Error {
  try {
    return value instanceof Error
  } catch {
    return false
  }
}

/** Reads `value.then`, as resolving a promise with `value` will: throws what that throws. */
function readThen(value: object): unknown {
  return (value as { then?: unknown }).then
}

/** `reason` if an Error, else an Error naming it (a string as it is) with it as `cause`. */
function toError(reason: unknown): Error {
  if (isError(reason)) return reason
  const message = typeof reason === 'string' ? reason : describeValue(reason)
  return new Error(message, { cause: reason })
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function isMapLike(value: unknown): value is ReadonlyMap<unknown, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const map = value as Partial<ReadonlyMap<unknown, unknown>>
  return typeof map.get === 'function' && typeof map.has === 'function'
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/**
 * Collects the keys that many callers `load` within a short window and asks `batchFn` for all
 * of them in one call, DataLoader-style: each distinct key once, at most `maxBatchSize` per
 * batch, at most `concurrency` batches at once. Each caller's promise settles with the value
 * for its own key; a batch function that misbehaves fails its batch with a {@link BatchError}
 * and the next batch runs as usual.
 *
 * @example
 * ```ts
 * const users = new Batcher(async (ids: number[]) => {
 *   const rows = await db.query('select * from users where id = any($1)', [ids])
 *   return new Map(rows.map((row) => [row.id, row]))
 * })
 * const [ada, alan] = await Promise.all([users.load(1), users.load(2)]) // one query
 * ```
 */
export class Batcher<K, V> {
  readonly #batchFn: BatchFn<K, V>
  readonly #windowMs: number
  readonly #maxBatchSize: number
  readonly #keyFn: ((key: K) => unknown) | undefined
  readonly #concurrency: number
  readonly #timeoutMs: number | undefined
  readonly #signal: AbortSignal | undefined
  readonly #cache: Map<unknown, Promise<unknown>> | undefined
  /** The window collecting loads, if any; its end (a tick's end, or a timer) closes it. */
  #window: Window<K> | undefined = undefined
  /** Identity → slot in #window, for duplicates to share a slot; reset when the window ends. */
  readonly #index = new SlotIndex()
  #windowTimer: unknown = undefined
  /** Slots of the last batch closed, up to MAX_PRESIZE: the next batch starts with as many. */
  #sizeHint = 0
  /** Closed batches waiting for a concurrency slot, oldest first. */
  readonly #ready: Batch<K>[] = []
  readonly #running: Set<Batch<K>> = new Set()
  #drainQueued = false
  #aborted = false
  /** Not aborted, and neither `keyFn` nor `cache`: what {@link load}'s short path needs. */
  #plain: boolean
  #abortReason: unknown = undefined

  /**
   * @param batchFn - Loads a batch of distinct keys; see {@link BatchFn}.
   * @param options - See {@link BatcherOptions}; omitted, `undefined` and `null` mean all defaults.
   * @throws {@link BatchError} `ERR_BATCH_CONFIG` when `batchFn` is not a function or an option
   * is invalid (or `options` is neither an object nor omitted).
   */
  constructor(batchFn: BatchFn<K, V>, options?: BatcherOptions<K> | null) {
    if (typeof batchFn !== 'function') {
      throw configError('batchFn', 'a function of (keys, context) returning values', batchFn)
    }
    const { windowMs, maxBatchSize, keyFn, concurrency, signal, timeoutMs, cache } =
      readBatcherOptions<K>(options)

    this.#batchFn = batchFn
    this.#windowMs = windowMs
    this.#maxBatchSize = maxBatchSize
    this.#keyFn = keyFn
    this.#concurrency = concurrency
    this.#timeoutMs = timeoutMs
    this.#cache = cache ? new Map() : undefined
    this.#plain = keyFn === undefined && !cache
    this.#signal = signal
    if (signal !== undefined) {
      // A signal-like object of another realm or a polyfill may throw here: a bad option too.
      let aborted: boolean
      try {
        aborted = signal.aborted
        if (!aborted) signal.addEventListener('abort', this.#abort, { once: true })
      } catch (error) {
        throw configError('signal', 'an AbortSignal', signal, error)
      }
      if (aborted) this.#abort()
    }
  }

  /**
   * Loads one key: joins the batch being collected (or the same key's slot in it) and settles
   * with the batch function's value for the key, or rejects with its `Error` for the key, a
   * {@link BatchError}, or the abort reason.
   *
   * @example
   * ```ts
   * const user = await users.load(42)
   * ```
   */
  load(key: K): Promise<V> {
    // The common case, a primitive key with neither `keyFn` nor `cache`, is its own identity.
    // This path is kept short so that V8 inlines `load` into the caller's loop (TurboFan
    // inlines functions of up to 460 bytes of bytecode); everything else is in #loadAny.
    if (this.#plain && (typeof key !== 'object' || key === null)) {
      const window = this.#window
      if (window === undefined) return this.#join(this.#open(), key, key, false) as Promise<V>
      const slot = this.#index.slotOf(window.chunks, this.#maxBatchSize, window.size, key)
      if (slot >= 0) return this.#promiseAt(window, slot) as Promise<V>
      return this.#join(window, key, key, false) as Promise<V>
    }
    return this.#loadAny(key) as Promise<V>
  }

  /** {@link load} when aborted, or with `keyFn`, `cache` or an object key. */
  #loadAny(key: K): Promise<unknown> {
    // signal.reason may be any value; callers get it as given, as fetch() does.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    if (this.#aborted) return Promise.reject(this.#abortReason)
    let id: unknown
    try {
      id = this.#idOf(key)
    } catch (error) {
      return Promise.reject(toError(error))
    }
    const cache = this.#cache
    if (cache !== undefined) {
      const hit = cache.get(id)
      if (hit !== undefined) return hit
    }
    let window = this.#window
    if (window === undefined) {
      window = this.#open()
    } else {
      const slot = this.#index.slotOf(window.chunks, this.#maxBatchSize, window.size, id)
      if (slot >= 0) return this.#promiseAt(window, slot)
    }
    const promise = this.#join(window, key, id, id !== key)
    if (cache !== undefined) cache.set(id, promise)
    return promise
  }

  /** The promise at window slot `slot` (see Window). */
  #promiseAt(window: Window<K>, slot: number): Promise<unknown> {
    const batches = window.batches
    const size = this.#maxBatchSize
    return batches.length === 1
      ? batches[0]!.promises[slot]!
      : batches[(slot / size) | 0]!.promises[slot % size]!
  }

  /** Gives `key`, of identity `id`, a new slot in `window`; `mapped` if `id` is not `key` itself. */
  #join(window: Window<K>, key: K, id: unknown, mapped: boolean): Promise<unknown> {
    const batch = window.current ?? this.#startBatch(window)
    const slot = batch.size
    // Reactions run in the order they were added: this one settles with the value at `slot`.
    const promise = batch.promise.then(settleNext)
    batch.keys[slot] = key
    batch.promises[slot] = promise
    batch.size = slot + 1
    window.size++
    // The index has recorded `id` at this slot already (or the window is still scanned).
    const ids = batch.ids
    if (ids !== undefined) ids.push(id)
    else if (mapped) {
      // The first identity that may differ from its key: the earlier slots' are their keys.
      const first: unknown[] = batch.keys.slice(0, slot)
      first.push(id)
      batch.ids = first
      window.chunks[batch.index] = first
    }
    if (slot + 1 >= this.#maxBatchSize) this.#closeFull(batch)
    return promise
  }

  /**
   * Loads many keys and settles each one separately: the result holds, in order, each key's
   * value or the `Error` its load rejected with. It never rejects.
   *
   * @example
   * ```ts
   * const [ada, missing] = await users.loadMany([1, 999]) // missing instanceof Error
   * ```
   */
  loadMany(keys: Iterable<K>): Promise<(V | Error)[]> {
    const loads: Promise<V | Error>[] = []
    try {
      for (const key of keys) loads.push(this.load(key).then(undefined, toError))
    } catch (error) {
      // Not iterable, or an iterator that throws: the keys given so far still load and settle.
      throw new BatchError(
        'ERR_BATCH_KEY',
        `loadMany needs an iterable of keys; iterating ${describeValue(keys)} threw ${describeValue(error)}`,
        keys,
        error,
      )
    }
    return Promise.all(loads)
  }

  /**
   * With `cache: true`, stores `value` (an `Error` to store a failure) for `key` unless the
   * key is already cached or being loaded; a no-op without the cache. Returns the batcher.
   *
   * @throws {@link BatchError} `ERR_BATCH_KEY` when the default `keyFn` cannot hash `key`, or
   * reading `value.then` throws (a revoked Proxy); what a given `keyFn` throws.
   */
  prime(key: K, value: V | Error): this {
    const cache = this.#cache
    if (cache === undefined) return this
    const id = this.#idOf(key)
    if (!cache.has(id)) {
      let promise: Promise<unknown>
      if (isError(value)) {
        promise = Promise.reject(value)
      } else {
        if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
          try {
            readThen(value) // as Promise.resolve will
          } catch (error) {
            throw new BatchError(
              'ERR_BATCH_KEY',
              `prime needs a value or an Error; reading then of ${describeValue(value)} threw ${describeValue(error)}`,
              value,
              error,
            )
          }
        }
        promise = Promise.resolve(value)
      }
      // A primed failure (or a primed promise that rejects) waits for a caller; don't report it
      // as unhandled meanwhile.
      promise.catch(noop)
      cache.set(id, promise)
    }
    return this
  }

  /**
   * With `cache: true`, forgets `key`'s value so the next `load` asks the batch function again;
   * a no-op without the cache. Loads already waiting are not affected. Returns the batcher.
   */
  clear(key: K): this {
    this.#cache?.delete(this.#idOf(key))
    return this
  }

  /** With `cache: true`, forgets every cached value; a no-op without the cache. Returns the batcher. */
  clearAll(): this {
    this.#cache?.clear()
    return this
  }

  /**
   * The identity of `key` (see {@link BatcherOptions.keyFn}). Throws what a given `keyFn`
   * throws, the caller's own error; a `BatchError` (`ERR_BATCH_KEY`) if `stableHash` fails.
   */
  #idOf(key: K): unknown {
    const keyFn = this.#keyFn
    if (keyFn !== undefined) return keyFn(key)
    if (typeof key !== 'object' || key === null) return key
    try {
      return stableHash(key)
    } catch (error) {
      throw new BatchError(
        'ERR_BATCH_KEY',
        `key ${describeValue(key)} has no identity: stableHash threw ${describeValue(error)}`,
        key,
        error,
      )
    }
  }

  /** Starts a window. */
  #open(): Window<K> {
    const window = new Window<K>()
    this.#window = window
    if (this.#windowMs === 0) afterPromiseJobs(this.#endWindow)
    // Not unref()ed, unlike the timeout timer: until it fires, no batch function runs, so
    // nothing else may keep the process alive for the callers awaiting this window.
    else this.#windowTimer = startTimer(this.#endWindow, this.#windowMs, { keepAlive: true })
    return window
  }

  /** Starts a batch in `window`. */
  #startBatch(window: Window<K>): Batch<K> {
    const batch = new Batch<K>(window, window.batches.length, this.#sizeHint)
    window.batches.push(batch)
    window.chunks.push(batch.keys)
    window.current = batch
    return batch
  }

  /** Ends the window: its last batch is dispatched with those that filled up in it. */
  readonly #endWindow = (): void => {
    this.#windowTimer = undefined
    const window = this.#window
    if (window === undefined) return // aborted meanwhile
    this.#seal(window)
    this.#drain()
  }

  /** Ends collecting into `window`, the current one: its batch still open is closed. */
  #seal(window: Window<K>): void {
    this.#window = undefined
    this.#index.reset()
    const batch = window.current
    if (batch !== undefined) this.#close(batch)
  }

  /** Stops collecting into `batch`, its window's current one, and queues it for dispatch. */
  #close(batch: Batch<K>): void {
    batch.window.current = undefined
    const size = batch.size
    if (batch.keys.length !== size) batch.keys.length = size // unused presized slots
    this.#sizeHint = size < MAX_PRESIZE ? size : MAX_PRESIZE
    this.#ready.push(batch)
  }

  #closeFull(batch: Batch<K>): void {
    this.#close(batch)
    // With windowMs 0 the window ends this tick anyway: the full batch goes out with the others
    // when it does, as in DataLoader. Dispatching it in a microtask instead would let a chain of
    // promise jobs that never yields run ahead of the window's end, holding the window's loads.
    if (this.#windowMs === 0) return
    // Dispatch soon but not inside this load() call, so the batch function never runs in the
    // middle of the caller's loop.
    if (!this.#drainQueued) {
      this.#drainQueued = true
      microtask(this.#drainQueuedBatches)
    }
  }

  readonly #drainQueuedBatches = (): void => {
    this.#drainQueued = false
    this.#drain()
  }

  #drain(): void {
    const ready = this.#ready
    while (ready.length > 0 && this.#running.size < this.#concurrency && !this.#aborted) {
      this.#dispatch(ready.shift()!)
    }
  }

  #dispatch(batch: Batch<K>): void {
    batch.state = RUNNING
    this.#running.add(batch)
    let signal = this.#signal ?? (neverAborted ??= new AbortController().signal)
    const timeoutMs = this.#timeoutMs
    if (timeoutMs !== undefined) {
      const controller = new AbortController()
      batch.controller = controller
      signal = controller.signal
      batch.timer = startTimer(
        () => {
          this.#timeout(batch, timeoutMs)
        },
        timeoutMs,
        { keepAlive: false },
      )
    }
    const batchFn = this.#batchFn
    // A copy: the batch function may sort or otherwise change `keys` in place, while results
    // given as a Map or an object are matched (and failures evicted) by the keys and identities
    // as they were asked for, and the window's later loads may still look them up.
    let result: unknown
    try {
      result = batchFn(batch.keys.slice(), { signal })
    } catch (error) {
      this.#fail(
        batch,
        fnError(`batchFn threw synchronously: ${describeValue(error)}`, error, error),
      )
      return
    }
    let thenable: boolean
    try {
      thenable = isThenable(result)
    } catch (error) {
      this.#fail(
        batch,
        fnError(`batchFn returned a value whose then could not be read`, result, error),
      )
      return
    }
    if (thenable) {
      try {
        ;(result as PromiseLike<unknown>).then(
          (value) => {
            this.#complete(batch, value)
          },
          (error: unknown) => {
            this.#fail(batch, fnError(`batchFn rejected: ${describeValue(error)}`, error, error))
          },
        )
      } catch (error) {
        this.#fail(batch, fnError(`batchFn returned a thenable whose then() threw`, result, error))
      }
    } else {
      // A plain (non-promise) result is accepted, as `await` would; it is settled in a
      // microtask so a sync batch function never re-enters the dispatch loop.
      microtask(() => {
        this.#complete(batch, result)
      })
    }
  }

  #timeout(batch: Batch<K>, timeoutMs: number): void {
    if (batch.state !== RUNNING) return
    batch.timer = undefined
    const n = batch.size
    const error = new BatchError(
      'ERR_BATCH_TIMEOUT',
      `batchFn did not settle within ${timeoutMs} ms (timeoutMs) for ${n} key${n === 1 ? '' : 's'}`,
      timeoutMs,
    )
    batch.controller?.abort(error)
    this.#fail(batch, error)
  }

  /** Marks a batch settled and frees its concurrency slot; false if it already was. */
  #finish(batch: Batch<K>): boolean {
    if (batch.state === DONE) return false
    batch.state = DONE
    if (batch.timer !== undefined) {
      stopTimer(batch.timer)
      batch.timer = undefined
    }
    this.#running.delete(batch)
    return true
  }

  #fail(batch: Batch<K>, error: unknown): void {
    if (!this.#finish(batch)) return
    this.#rejectAll(batch, error)
    this.#drain()
  }

  #rejectAll(batch: Batch<K>, error: unknown): void {
    batch.reject(error)
    if (this.#cache !== undefined) this.#evict(batch)
  }

  #complete(batch: Batch<K>, result: unknown): void {
    if (!this.#finish(batch)) return // timed out or aborted meanwhile: too late
    const n = batch.size
    let array: unknown[] | undefined
    let plain = false
    let error: BatchError | undefined
    try {
      array = Array.isArray(result) ? (result as unknown[]) : undefined
      plain =
        array === undefined &&
        typeof result === 'object' &&
        result !== null &&
        isPlainObject(result)
      if (array !== undefined) {
        if (array.length !== n) error = wrongLength(array, n)
      } else if (!plain && !isMapLike(result)) {
        error = unsupported(result)
      }
    } catch (cause) {
      // A Proxy whose traps throw, a revoked one, a getter that throws: not a result we can read.
      error = fnError(
        `batchFn returned a result that could not be read: ${describeValue(cause)}`,
        result,
        cause,
      )
    }
    if (error !== undefined) {
      this.#rejectAll(batch, error)
      this.#drain()
      return
    }
    // Each slot's promise, a reaction to the batch's, takes its value from the outcome in turn.
    batch.resolve(
      new Outcome(batch.keys, batch.ids, result, array, plain, this.#cache, batch.promises),
    )
    this.#drain()
  }

  /** Drops the batch's slots from the cache, if still theirs. */
  #evict(batch: Batch<K>): void {
    const cache = this.#cache!
    const ids: readonly unknown[] = batch.ids ?? batch.keys
    const promises = batch.promises
    for (let i = 0; i < batch.size; i++) {
      const id = ids[i]
      if (cache.get(id) === promises[i]) cache.delete(id)
    }
  }

  readonly #abort = (): void => {
    if (this.#aborted) return
    this.#aborted = true
    this.#plain = false
    const reason = abortReasonOf(this.#signal!)
    this.#abortReason = reason
    const window = this.#window
    if (window !== undefined) this.#seal(window) // its last batch joins the ready ones
    const pending: Batch<K>[] = [...this.#ready, ...this.#running]
    if (this.#windowTimer !== undefined) stopTimer(this.#windowTimer)
    this.#windowTimer = undefined
    this.#ready.length = 0
    for (const batch of pending) {
      batch.controller?.abort(reason)
      this.#finish(batch)
      this.#rejectAll(batch, reason)
    }
  }
}

/**
 * What a batch's promise is fulfilled with: the batch function's result, read slot by slot. Each
 * slot's promise is a reaction to the batch's promise, and reactions run in the order they were
 * added, one per slot: so the n-th reaction to run is slot n's, and takes the n-th value. A load
 * thus costs a promise and a reaction, not a promise, its two resolving functions and their
 * context: less than half the bytes, most of what a tick of loads leaves for the GC.
 */
class Outcome {
  /** The slot whose reaction runs next. */
  next = 0
  constructor(
    readonly keys: readonly unknown[],
    /** The slots' identities where they differ from the keys (see Batch.ids). */
    readonly ids: readonly unknown[] | undefined,
    readonly result: unknown,
    /** `result` if an array, already checked to hold one value per slot. */
    readonly array: readonly unknown[] | undefined,
    /** Whether `result` is a plain object (else, not an array, a Map). */
    readonly plain: boolean,
    /** The batcher's cache, to evict the slots that fail from. */
    readonly cache: Map<unknown, Promise<unknown>> | undefined,
    readonly promises: readonly Promise<unknown>[],
  ) {}
}

/**
 * The reaction of every slot to its batch's promise: returns the next slot's value, or throws
 * its `Error` (or an ERR_BATCH_FN error if the value cannot be read), which settles that slot's
 * promise. One function for all: no closure per load.
 */
function settleNext(outcome: Outcome): unknown {
  const i = outcome.next++
  const array = outcome.array
  let value: unknown
  try {
    if (array !== undefined) {
      value = array[i]
    } else {
      const key = outcome.keys[i]
      const id = outcome.ids === undefined ? key : outcome.ids[i]
      value = outcome.plain
        ? fromRecord(outcome.result as Record<string, unknown>, id)
        : fromMap(outcome.result as ReadonlyMap<unknown, unknown>, key, id)
    }
    if (!(value instanceof Error)) {
      // Fulfilling reads an object's `then`; read it here first, so that one that throws (a
      // revoked Proxy) fails this key with ERR_BATCH_FN rather than with its TypeError.
      if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
        readThen(value)
      }
      return value
    }
  } catch (cause) {
    value = fnError(
      `batchFn's value for the key ${describeValue(outcome.keys[i])} could not be read: ${describeValue(cause)}`,
      outcome.result,
      cause,
    )
  }
  const cache = outcome.cache
  if (cache !== undefined) {
    // A failure is not cached: the next load of the key asks again.
    const id = outcome.ids === undefined ? outcome.keys[i] : outcome.ids[i]
    if (cache.get(id) === outcome.promises[i]) cache.delete(id)
  }
  throw value
}

function fromMap(map: ReadonlyMap<unknown, unknown>, key: unknown, id: unknown): unknown {
  const value = map.get(key)
  if (value !== undefined || map.has(key)) return value
  if (id !== key && map.has(id)) return map.get(id)
  return missing('a Map', key, map)
}

function fromRecord(record: Record<string, unknown>, id: unknown): unknown {
  const property = String(id)
  return Object.hasOwn(record, property) ? record[property] : missing('an object', property, record)
}

function fnError(message: string, value: unknown, cause?: unknown): BatchError {
  return new BatchError('ERR_BATCH_FN', message, value, cause)
}

function wrongLength(result: readonly unknown[], n: number): BatchError {
  const s = n === 1 ? '' : 's'
  return fnError(
    `batchFn must return one value per key, in key order: expected ${n} value${s}, got ${result.length}`,
    result,
  )
}

function unsupported(result: unknown): BatchError {
  return fnError(
    `batchFn must return an array, a Map or a plain object of values (or a promise of one), got: ${describeValue(result)}`,
    result,
  )
}

function missing(container: string, key: unknown, result: unknown): BatchError {
  return fnError(
    `batchFn returned ${container} without the key ${describeValue(key)}: every key asked for must be present`,
    result,
  )
}
