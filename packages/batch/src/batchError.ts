/**
 * What went wrong, as a stable string to match on:
 * - `'ERR_BATCH_FN'`: the batch function misbehaved (threw, rejected, returned something that is
 *   not an array, `Map` or plain object, returned the wrong number of values, or left a key out
 *   of a `Map` or object);
 * - `'ERR_BATCH_TIMEOUT'`: the batch function did not settle within `timeoutMs`;
 * - `'ERR_BATCH_CONFIG'`: an option given to `new Batcher()` is invalid.
 */
export type BatchErrorCode = 'ERR_BATCH_FN' | 'ERR_BATCH_TIMEOUT' | 'ERR_BATCH_CONFIG'

/**
 * The error `@cache/batch` gives for a misbehaving batch function, a timeout or a bad option.
 * `code` says which; `value` holds the offending value (what the batch function returned or
 * threw, or the option's value); `cause` holds the original error when one was wrapped.
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

/** Renders a value for an error message: strings quoted, objects by their tag, all short. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)
  if (typeof value === 'bigint') return `${String(value)}n`
  if (typeof value === 'function')
    return `function ${value.name === '' ? '(anonymous)' : value.name}`
  if (typeof value === 'symbol' || typeof value !== 'object' || value === null) return String(value)
  if (value instanceof Error) return `${value.name}: ${value.message}`
  if (Array.isArray(value)) return `an array of length ${value.length}`
  const tag = Object.prototype.toString.call(value).slice(8, -1)
  if (tag !== 'Object') return `a ${tag}`
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object'
}
