// The checks of Batcher's options, exported so that layers which take these options from their
// own users (the caches of @cache/decorators) call them instead of repeating them.
import { BatchError, describeValue } from './batchError.js'
import type { BatcherOptions } from './batcher.js'

function isSignal(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const signal = value as Partial<AbortSignal>
  return typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function'
}

function isCount(value: unknown): boolean {
  return value === Infinity || (Number.isSafeInteger(value) && (value as number) > 0)
}

/** The `ERR_BATCH_CONFIG` error for option `name`: its contract and the value received. */
export function configError(name: string, contract: string, value: unknown): BatchError {
  return new BatchError(
    'ERR_BATCH_CONFIG',
    `\`${name}\` must be ${contract}, got: ${describeValue(value)}`,
    value,
  )
}

/**
 * Checks the options of `new Batcher(batchFn, options)` as its constructor does, without making
 * a batcher: for a layer above that takes these options from its users and wants to reject bad
 * ones when it is configured, with the Batcher's own rules and messages.
 *
 * @throws {@link BatchError} `ERR_BATCH_CONFIG` naming the first invalid option and its value.
 * @example
 * ```ts
 * checkBatcherOptions({ windowMs: 10, maxBatchSize: 50 }) // fine
 * checkBatcherOptions({ maxBatchSize: 0 }) // BatchError: `maxBatchSize` must be a positive integer or Infinity, got: 0
 * ```
 */
export function checkBatcherOptions(options: BatcherOptions<never>): void {
  const { windowMs = 0, maxBatchSize = 100, keyFn, concurrency = Infinity } = options
  const { signal, timeoutMs, cache = false } = options
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
  if (signal !== undefined && !isSignal(signal)) {
    throw configError('signal', 'an AbortSignal', signal)
  }
  if (typeof cache !== 'boolean') throw configError('cache', 'a boolean', cache)
}
