// Waiting, injectable: the pages wait for real, the tests pass a function that does not.

/** Resolves after `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>

/** Waits for real, with `setTimeout`. */
export const realSleep: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms)
  })
