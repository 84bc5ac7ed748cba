// Everything a cache sends to its second tier, in the background: the values it keeps (the load
// pipeline's keep step, and set()), deletes and clears, which also tell the other instances.
// Failures go to `onError` through the link; `settled()` waits for what was sent so far.
import { l2KeyOf, type L2Link } from './l2.js'

/** The writes of one cache to its second tier. */
export class L2Writes<K> {
  readonly #link: L2Link
  readonly #now: () => number

  constructor(link: L2Link, now: () => number) {
    this.#link = link
    this.#now = now
  }

  /**
   * Writes an entry to L2 for as long as it lives in L1 (nothing once it has expired); `true`
   * once stored. `notify`: tell the other instances to drop their copies (a `set()`).
   */
  write(
    l2Key: string,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    notify: boolean,
  ): Promise<boolean> {
    const ttlMs = expiresAt === Infinity ? Infinity : expiresAt - this.#now()
    if (!(ttlMs > 0)) return Promise.resolve(false)
    return this.#link.write({ key: l2Key, value, isError, fetchedAt, ttlMs }, notify)
  }

  /** Deletes `key`'s L2 copy and tells the other instances. */
  delete(key: K): void {
    void this.#link.delete(l2KeyOf(key))
  }

  /** Clears the store and tells the other instances. */
  clear(): void {
    void this.#link.clear()
  }

  /** Resolves once every write, delete and clear sent so far has settled. */
  settled(): Promise<void> {
    return this.#link.settled()
  }
}
