// Runtime-neutral timers: the globals are looked up at each call (so fake timers installed later
// are seen), and `unref` is called where the runtime has it (Node, Bun, Deno).

interface Runtime {
  setTimeout: (fn: () => void, ms?: number) => unknown
  clearTimeout: (handle: unknown) => void
  setInterval: (fn: () => void, ms?: number) => unknown
  clearInterval: (handle: unknown) => void
}

const runtime = globalThis as unknown as Runtime

/** Whether a timer keeps the process alive while it is pending. */
export interface TimerOptions {
  /**
   * `true` for a timer that settles a pending caller (a timeout, a retry's backoff, the end of a
   * batch window): the process must not exit while a caller awaits it. `false` for housekeeping
   * that nobody awaits (a watchdog over a call that has its own timer, a periodic sweep).
   */
  readonly keepAlive: boolean
}

function unref(handle: unknown): void {
  if (typeof handle === 'object' && handle !== null) {
    const timer = handle as { unref?: () => unknown }
    if (typeof timer.unref === 'function') timer.unref()
  }
}

/** Starts a one-shot timer; see {@link TimerOptions} for `keepAlive`. */
export function startTimer(fn: () => void, ms: number, options: TimerOptions): unknown {
  const handle = runtime.setTimeout(fn, ms)
  if (!options.keepAlive) unref(handle)
  return handle
}

/** Stops a timer from {@link startTimer}. */
export function stopTimer(handle: unknown): void {
  runtime.clearTimeout(handle)
}

/** Starts a repeating timer; see {@link TimerOptions} for `keepAlive`. */
export function startInterval(fn: () => void, ms: number, options: TimerOptions): unknown {
  const handle = runtime.setInterval(fn, ms)
  if (!options.keepAlive) unref(handle)
  return handle
}

/** Stops a timer from {@link startInterval}. */
export function stopInterval(handle: unknown): void {
  runtime.clearInterval(handle)
}
