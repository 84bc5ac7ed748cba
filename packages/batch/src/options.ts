// Batcher's options: their declaration, and the one reader that validates them, used by the
// constructor and exported for layers that make batchers later (on first use) but must reject
// bad options when they are created.
import { BatchError, describeValue } from './batchError.js'

/** Options of {@link Batcher}; all are validated when the batcher is created. */
export interface BatcherOptions<K> {
  /**
   * How long a window collects loads, in milliseconds, from its first load; when it ends, its
   * last batch is dispatched. `0` collects the loads made in the same tick, including those made
   * by promise callbacks of that tick, and dispatches after them (like DataLoader); more uses a
   * timer (the Python `async-cache` batcher uses 5 ms).
   * @default 0
   */
  windowMs?: number | undefined
  /**
   * The most distinct keys in one batch. A full batch is closed and dispatched without waiting
   * for its window to end (with `windowMs: 0`, at the end of the tick with the others); the
   * window goes on in a new batch. A positive integer, or `Infinity`.
   * @default 100
   */
  maxBatchSize?: number | undefined
  /**
   * Maps a key to its identity: loads of the same identity in one window share one slot and one
   * promise, even when `maxBatchSize` splits the window into several batches. The default keeps
   * primitives as they are and hashes objects with `stableHash`, so `{ id: 1 }` and another
   * `{ id: 1 }` are one key. Give your own when keys mix strings and objects (an object's hash
   * is a string) or when a cheaper identity exists (`(q) => q.id`).
   * @default (key) => typeof key === 'object' && key !== null ? stableHash(key) : key
   */
  keyFn?: ((key: K) => unknown) | undefined
  /**
   * The most batches in flight at once. Batches that are ready beyond it wait, in order, for one
   * to settle. A positive integer, or `Infinity`.
   * @default Infinity
   */
  concurrency?: number | undefined
  /**
   * Aborting it rejects every load not yet settled with `signal.reason` (an `AbortError`
   * unless another reason was given), aborts the signal given to running batches, and makes the
   * batcher dispatch nothing more: later loads reject at once with the same reason.
   * @default undefined
   */
  signal?: AbortSignal | undefined
  /**
   * Rejects a batch's loads with a `BatchError` (`ERR_BATCH_TIMEOUT`) when the batch function
   * has not settled within this many milliseconds, and frees its `concurrency` slot. The batch
   * function's `context.signal` is aborted with that error. `undefined` waits forever.
   * @default undefined
   */
  timeoutMs?: number | undefined
  /**
   * Keeps each key's promise after its batch (like DataLoader's default), so a later `load` of
   * the same key is not asked again until `clear`ed. Failed loads are never kept. Off by
   * default: `@cache/decorators` holds the cache, with expiry and eviction.
   * @default false
   */
  cache?: boolean | undefined
}

/** Options as validated: read once each, defaults filled in. */
export interface BatcherConfig<K> {
  readonly windowMs: number
  readonly maxBatchSize: number
  readonly keyFn: ((key: K) => unknown) | undefined
  readonly concurrency: number
  readonly signal: AbortSignal | undefined
  readonly timeoutMs: number | undefined
  readonly cache: boolean
}

/** The error for option `name`, which must be `contract` and is `value`. */
export function configError(
  name: string,
  contract: string,
  value: unknown,
  cause?: unknown,
): BatchError {
  return new BatchError(
    'ERR_BATCH_CONFIG',
    `\`${name}\` must be ${contract}, got: ${describeValue(value)}`,
    value,
    cause,
  )
}

function isCount(value: unknown): value is number {
  return value === Infinity || (Number.isSafeInteger(value) && (value as number) > 0)
}

/** Duck-typed, so that signals of another realm or polyfill pass; its members may throw. */
function isSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false
  const signal = value as Partial<AbortSignal>
  return typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function'
}

/**
 * Reads option `name` once (`byDefault` if undefined): a getter that throws (or a revoked Proxy) is a bad option, not a
 * crash, and is never read again, so a getter cannot change a value after it was validated.
 */
function read(options: object, name: string, byDefault: unknown): unknown {
  let value: unknown
  try {
    value = (options as Record<string, unknown>)[name]
  } catch (error) {
    throw new BatchError(
      'ERR_BATCH_CONFIG',
      `\`${name}\` could not be read: ${describeValue(error)}`,
      undefined,
      error,
    )
  }
  return value === undefined ? byDefault : value
}

/**
 * Validates Batcher options and returns a snapshot of them with the defaults filled in.
 * `options` may be omitted, `undefined` or `null` (all defaults).
 *
 * @throws {@link BatchError} `ERR_BATCH_CONFIG` naming the first invalid option.
 */
export function readBatcherOptions<K>(options: unknown): BatcherConfig<K> {
  if (options === undefined || options === null) options = {}
  else if (typeof options !== 'object' && typeof options !== 'function') {
    throw configError('options', 'an object of Batcher options, or omitted', options)
  }
  const given = options as object
  // Only `undefined` takes the default, as in destructuring: `maxBatchSize: null` is a mistake.
  const windowMs = read(given, 'windowMs', 0)
  const maxBatchSize = read(given, 'maxBatchSize', 100)
  const keyFn = read(given, 'keyFn', undefined)
  const concurrency = read(given, 'concurrency', Infinity)
  const signal = read(given, 'signal', undefined)
  const timeoutMs = read(given, 'timeoutMs', undefined)
  const cache = read(given, 'cache', false)
  if (typeof windowMs !== 'number' || !Number.isFinite(windowMs) || windowMs < 0) {
    throw configError('windowMs', 'a finite number of milliseconds >= 0', windowMs)
  }
  if (!isCount(maxBatchSize)) {
    throw configError('maxBatchSize', 'a positive integer or Infinity', maxBatchSize)
  }
  if (keyFn !== undefined && typeof keyFn !== 'function') {
    throw configError('keyFn', 'a function of (key) returning its identity', keyFn)
  }
  if (!isCount(concurrency)) {
    throw configError('concurrency', 'a positive integer or Infinity', concurrency)
  }
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
  ) {
    throw configError('timeoutMs', 'a finite number of milliseconds > 0', timeoutMs)
  }
  if (signal !== undefined) {
    let valid: boolean
    try {
      valid = isSignal(signal)
    } catch (error) {
      throw configError('signal', 'an AbortSignal', signal, error)
    }
    if (!valid) throw configError('signal', 'an AbortSignal', signal)
  }
  if (typeof cache !== 'boolean') throw configError('cache', 'a boolean', cache)
  return {
    windowMs,
    maxBatchSize,
    keyFn: keyFn as ((key: K) => unknown) | undefined,
    concurrency,
    signal: signal as AbortSignal | undefined,
    timeoutMs,
    cache,
  }
}

/**
 * Validates Batcher options as `new Batcher()` would, without making a batcher: for a layer
 * that makes its batchers on first use but must reject bad options when it is set up.
 * `options` may be omitted, `undefined` or `null`.
 *
 * @throws {@link BatchError} `ERR_BATCH_CONFIG` naming the first invalid option and its value.
 *
 * @example
 * ```ts
 * checkBatcherOptions({ maxBatchSize: 0 }) // BatchError: `maxBatchSize` must be a positive integer or Infinity, got: 0
 * ```
 */
export function checkBatcherOptions(options?: unknown): void {
  readBatcherOptions(options)
}
