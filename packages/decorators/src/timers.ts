// Runtime-neutral timers: globals are looked up at each call (so fake timers installed later
// are seen), and `unref` is called where the runtime has it.

interface Runtime {
  setTimeout: (fn: () => void, ms?: number) => unknown
  clearTimeout: (handle: unknown) => void
  setInterval: (fn: () => void, ms?: number) => unknown
  clearInterval: (handle: unknown) => void
}

const runtime = globalThis as unknown as Runtime

function unref(handle: unknown): void {
  if (typeof handle === 'object' && handle !== null) {
    const timer = handle as { unref?: () => unknown }
    if (typeof timer.unref === 'function') timer.unref()
  }
}

/**
 * Starts a one-shot timer. Pass `keepAlive: false` only for timers nobody waits on; a timer
 * that settles a pending caller (a timeout, a retry's backoff) must keep the process alive, or
 * a script awaiting it would exit with its promise pending.
 */
export function startTimer(fn: () => void, ms: number, keepAlive: boolean): unknown {
  const handle = runtime.setTimeout(fn, ms)
  if (!keepAlive) unref(handle)
  return handle
}

/** Stops a timer from {@link startTimer}. */
export function stopTimer(handle: unknown): void {
  runtime.clearTimeout(handle)
}

/** Starts a repeating timer that never keeps the process alive. */
export function startInterval(fn: () => void, ms: number): unknown {
  const handle = runtime.setInterval(fn, ms)
  unref(handle)
  return handle
}

/** Stops a timer from {@link startInterval}. */
export function stopInterval(handle: unknown): void {
  runtime.clearInterval(handle)
}

/** The default clock: `Date.now()`, looked up at each call so that fake timers apply. */
export function systemNow(): number {
  return Date.now()
}
