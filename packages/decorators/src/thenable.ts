// Telling a promise (of any implementation) from a value, wherever a user's function may return
// either: a loader, a function cached as sync, a disposer.

/** Whether `value` is a thenable: an object or function with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}
