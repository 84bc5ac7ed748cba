// Everything a cache sends to its second tier, in the background: the values it keeps (the load
// pipeline's keep step, and set()), deletes and clears, which also tell the other instances.
// Each value carries how old it is (when its load started), so that the store can drop it if a
// newer value or a newer delete got there first. Failures go to `onError` through the link;
// `settled()` waits for what was sent so far.
import { l2KeyOf, type L2Lease, type L2Link, type L2Write } from './l2.js'

/** The writes of one cache to its second tier. */
export class L2Writes<K> {
  readonly #link: L2Link
  readonly #now: () => number
  /** How long values are kept past their freshness for fail-safe (`failSafe.maxStale`), or 0. */
  readonly #staleMs: number

  constructor(link: L2Link, now: () => number, staleMs = 0) {
    this.#link = link
    this.#now = now
    this.#staleMs = staleMs
  }

  /**
   * Writes an entry to L2 for as long as it lives in L1 (nothing once it has expired); `true`
   * once stored. `notify`: tell the other instances to drop their copies (a `set()`).
   * `tags`: the tags it carries. `startedAt`: when the load that produced it started (a `set()`:
   * now).
   */
  write(
    l2Key: string,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    notify: boolean,
    tags?: readonly string[],
    startedAt: number = this.#now(),
  ): Promise<boolean> {
    const write = this.#writeOf(l2Key, value, isError, fetchedAt, expiresAt, startedAt, tags)
    if (write === undefined) return Promise.resolve(false)
    return this.#link.write(write, notify)
  }

  /**
   * Writes the value a load produced while holding the key's distributed lock, and releases
   * the lock (in one step when the store can); a value already expired only releases it.
   */
  commit(
    lease: L2Lease,
    l2Key: string,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    startedAt: number,
    tags?: readonly string[],
  ): Promise<boolean> {
    const write = this.#writeOf(l2Key, value, isError, fetchedAt, expiresAt, startedAt, tags)
    if (write === undefined) return this.#link.release(lease, false).then(() => false)
    return this.#link.commit(lease, write)
  }

  /** Deletes `key`'s L2 copy and tells the other instances. */
  delete(key: K): void {
    void this.#link.delete(l2KeyOf(key))
  }

  /** Clears the store and tells the other instances. */
  clear(): void {
    void this.#link.clear()
  }

  /**
   * Records in L2 that `tags` are invalidated as of now, which tells the other instances;
   * resolves `true` once done, `false` on a failure (reported). See {@link L2Link.invalidateTags}.
   */
  invalidateTags(tags: readonly string[]): Promise<boolean> {
    return this.#link.invalidateTags(tags)
  }

  /** Resolves once every write, delete and clear sent so far has settled. */
  settled(): Promise<void> {
    return this.#link.settled()
  }

  /** The write of an entry, living as long as its L1 copy; `undefined` once it has expired. */
  #writeOf(
    key: string,
    value: unknown,
    isError: boolean,
    fetchedAt: number,
    expiresAt: number,
    startedAt: number,
    tags: readonly string[] | undefined,
  ): L2Write | undefined {
    const now = this.#now()
    const ttlMs = expiresAt === Infinity ? Infinity : expiresAt - now
    if (!(ttlMs > 0)) return undefined
    const ageMs = Math.max(0, now - startedAt)
    // A kept error is never served stale; a value that never expires needs no stale window.
    const staleMs = this.#staleMs === 0 || isError || ttlMs === Infinity ? 0 : this.#staleMs
    if (staleMs === 0) {
      return tags === undefined
        ? { key, value, isError, fetchedAt, ttlMs, ageMs }
        : { key, value, isError, fetchedAt, ttlMs, ageMs, tags }
    }
    return tags === undefined
      ? { key, value, isError, fetchedAt, ttlMs, ageMs, staleMs }
      : { key, value, isError, fetchedAt, ttlMs, ageMs, staleMs, tags }
  }
}
