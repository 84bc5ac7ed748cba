// Runtime-neutral scheduling: "after the promise jobs of this tick" (DataLoader's dispatch point),
// and microtasks, with no `node:` import and `process` reached only through globalThis.

interface Runtime {
  process?: { nextTick?: (fn: () => void) => void }
  setImmediate?: (fn: () => void) => unknown
  queueMicrotask?: (fn: () => void) => void
  setTimeout: (fn: () => void, ms?: number) => unknown
}

const runtime = globalThis as unknown as Runtime
let resolved: Promise<void> | undefined

/**
 * Runs `fn` once the promise jobs queued in this tick (and those they queue) have run, so loads
 * made in `.then` callbacks of the same tick still join the batch. Node (and Bun, Deno with
 * `process`): a resolved promise's job that queues `process.nextTick`, as DataLoader does.
 * Elsewhere: `setImmediate`, else `setTimeout(fn, 0)`; both run after all microtasks.
 */
export function afterPromiseJobs(fn: () => void): void {
  const process = runtime.process
  if (typeof process?.nextTick === 'function') {
    resolved ??= Promise.resolve()
    // The `.then` places us behind the promise jobs already queued; nextTick then runs once the
    // microtask queue is empty, so jobs queued by those jobs are also ahead of us.
    void resolved.then(() => {
      process.nextTick!(fn)
    })
  } else if (typeof runtime.setImmediate === 'function') {
    runtime.setImmediate(fn)
  } else {
    runtime.setTimeout(fn, 0)
  }
}

/** Runs `fn` in a microtask: soon, but never inside the caller's own stack. */
export function microtask(fn: () => void): void {
  if (typeof runtime.queueMicrotask === 'function') runtime.queueMicrotask(fn)
  else void Promise.resolve().then(fn)
}
