import { describeValue as describeAny, VALUE_STYLES } from '@cache/internal'

/**
 * What went wrong, as a stable string to match on:
 * - `'ERR_BATCH_FN'`: the batch function misbehaved (threw, rejected, returned something that is
 *   not an array, `Map` or plain object, returned the wrong number of values, or left a key out
 *   of a `Map` or object);
 * - `'ERR_BATCH_TIMEOUT'`: the batch function did not settle within `timeoutMs`;
 * - `'ERR_BATCH_CONFIG'`: an option given to `new Batcher()` is invalid;
 * - `'ERR_BATCH_KEY'`: a key or value the batcher cannot use: the default `keyFn` could not give
 *   an object key an identity (`stableHash` threw, for example on a getter that throws or a
 *   revoked Proxy), `loadMany` was given something it cannot iterate, or `prime` a value whose
 *   `then` cannot be read; the error is the `cause`.
 */
export type BatchErrorCode =
  'ERR_BATCH_FN' | 'ERR_BATCH_TIMEOUT' | 'ERR_BATCH_CONFIG' | 'ERR_BATCH_KEY'

/**
 * The error `@cache/batch` gives for a misbehaving batch function, a timeout, a bad option or a
 * key without an identity. `code` says which; `value` holds the offending value (what the batch
 * function returned or threw, the option's value, or the key); `cause` holds the original error when one was wrapped.
 *
 * @example
 * ```ts
 * try {
 *   await batcher.load(1)
 * } catch (error) {
 *   if (error instanceof BatchError && error.code === 'ERR_BATCH_FN') console.error(error.cause)
 * }
 * ```
 */
export class BatchError extends Error {
  /** What went wrong; see {@link BatchErrorCode}. */
  readonly code: BatchErrorCode
  /** The offending value: the batch function's result or thrown value, or the option's value. */
  readonly value: unknown

  /**
   * @param code - What went wrong.
   * @param message - The contract that was broken and the value received.
   * @param value - The offending value.
   * @param cause - The original error, when this one wraps it.
   */
  constructor(code: BatchErrorCode, message: string, value?: unknown, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.name = 'BatchError'
    this.code = code
    this.value = value
  }
}

/** Renders a value for an error message: strings quoted, objects by their tag, all short; never throws. */
export function describeValue(value: unknown): string {
  return describeAny(value, VALUE_STYLES.batch)
}
