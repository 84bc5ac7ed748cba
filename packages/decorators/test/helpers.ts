// Small tools the tests share: promises settled by hand, and flushing promise jobs.

/** A promise with its resolve and reject exposed. */
export interface Deferred<T> {
  promise: Promise<T>
  resolve: (value: T) => void
  reject: (error: unknown) => void
}

/** A promise to settle by hand. */
export function deferred<T = unknown>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/** Lets every queued promise job (and the jobs they queue) run. */
export async function flush(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve()
}

/** What a promise settled with, without throwing: `{ value }` or `{ error }`. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ value: T; error?: undefined } | { value?: undefined; error: unknown }> {
  try {
    return { value: await promise }
  } catch (error) {
    return { error }
  }
}

/** A disposable resource that records how it was closed. */
export class Resource {
  closed = 0
  constructor(readonly name: string) {}
  close(): void {
    this.closed++
  }
}
