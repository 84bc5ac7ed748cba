// The latest "filled" notices the bus received, in a ring of fixed size: a lock call marks the
// ring when it is sent, and only if its reply says another instance holds the key does it look
// for a notice on that key since the mark. So a lock call that does not wait (nearly all of
// them) makes no watch at all, and a notice that arrives just before the reply is not lost.
// Costs: a mark is a read of one number; a notice, two array writes; a look, a scan of the
// notices since the mark (none, usually).

/** The last `size` notices, each with its key; `T` is what a notice says. */
export class RecentFills<T> {
  readonly #keys: (string | undefined)[]
  readonly #outcomes: (T | undefined)[]
  readonly #size: number
  /** Notices received so far. */
  #count = 0

  /** @param size - how many notices are remembered. */
  constructor(size: number) {
    this.#size = size
    this.#keys = new Array<string | undefined>(size).fill(undefined)
    this.#outcomes = new Array<T | undefined>(size).fill(undefined)
  }

  /** How many notices have been received: a mark for {@link since}. */
  get mark(): number {
    return this.#count
  }

  /** Remembers a notice on `key` (forgetting the oldest). */
  add(key: string, outcome: T): void {
    const at = this.#count % this.#size
    this.#keys[at] = key
    this.#outcomes[at] = outcome
    this.#count++
  }

  /**
   * The latest notice on `key` received after `mark`, or `undefined` (none, or no longer
   * remembered: more than `size` came since).
   */
  since(key: string, mark: number): T | undefined {
    const from = Math.max(mark, this.#count - this.#size)
    for (let n = this.#count - 1; n >= from; n--) {
      const at = n % this.#size
      if (this.#keys[at] === key) return this.#outcomes[at]
    }
    return undefined
  }
}
