/**
 * The reason loads are rejected with when the batcher's signal aborts: `signal.reason` when the
 * signal has one (as `AbortController#abort()` always gives), else a new `AbortError`.
 */
export function abortReasonOf(signal: AbortSignal): unknown {
  let reason: unknown
  try {
    reason = signal.reason
  } catch {
    // A signal-like object whose `reason` getter throws: the reason is unknown, not a crash.
    reason = undefined
  }
  return reason === undefined ? createAbortError() : reason
}

/** A `DOMException` named `AbortError` where the runtime has one, else an `Error` named so. */
export function createAbortError(): Error {
  const message = 'This operation was aborted'
  if (typeof DOMException === 'function') return new DOMException(message, 'AbortError')
  const error = new Error(message)
  error.name = 'AbortError'
  return error
}
