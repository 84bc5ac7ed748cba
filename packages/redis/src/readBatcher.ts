// Auto-batching of reads: the keys asked for in one tick go to Redis together, in calls of at
// most `maxBatchSize` keys, instead of one command each.

interface Pending<R> {
  readonly key: string
  readonly resolve: (record: R | undefined) => void
}

/** Collects `load(key)` calls until the microtask queue runs, then reads them in batches. */
export class ReadBatcher<R> {
  readonly #read: (keys: string[]) => Promise<readonly (R | undefined)[]>
  readonly #maxBatchSize: number
  #queue: Pending<R>[] = []
  #scheduled = false

  /**
   * @param read - reads keys in order; must not reject (a failure reads as misses).
   * @param maxBatchSize - the most keys in one call.
   */
  constructor(read: (keys: string[]) => Promise<readonly (R | undefined)[]>, maxBatchSize: number) {
    this.#read = read
    this.#maxBatchSize = maxBatchSize
  }

  /** The record for `key`, read with the other keys asked for in the same tick. */
  load(key: string): Promise<R | undefined> {
    return new Promise((resolve) => {
      this.#queue.push({ key, resolve })
      if (!this.#scheduled) {
        this.#scheduled = true
        queueMicrotask(this.#flush)
      }
    })
  }

  readonly #flush = (): void => {
    this.#scheduled = false
    const queue = this.#queue
    this.#queue = []
    for (let start = 0; start < queue.length; start += this.#maxBatchSize) {
      const batch = queue.slice(start, start + this.#maxBatchSize)
      const settle = (records: readonly (R | undefined)[]): void => {
        for (let i = 0; i < batch.length; i++) batch[i]!.resolve(records[i])
      }
      // Whatever happens, every caller gets an answer: a failed read is a miss.
      this.#read(batch.map((pending) => pending.key)).then(settle, () => {
        settle([])
      })
    }
  }
}
