// Collects keys into a reused typed array and hands them on in batches, so a trace of any length
// is parsed in constant memory (an ARC line's expansion included).

/** The typed arrays traces are made of: string keys as dense ids, block numbers as doubles. */
export type KeyArray = Int32Array | Float64Array

/** The default batch length: large enough to amortise a call, small enough to stay in cache. */
export const BATCH_LENGTH = 65_536

/** Fills `buffer` key by key and calls `onBatch` with a view of it whenever it is full. */
export class KeyBatcher {
  private readonly buffer: KeyArray
  private readonly onBatch: (keys: KeyArray) => void
  private length = 0

  /**
   * @param buffer - reused for every batch; its length is the batch length.
   * @param onBatch - receives a view of `buffer`, valid only until it returns.
   */
  constructor(buffer: KeyArray, onBatch: (keys: KeyArray) => void) {
    this.buffer = buffer
    this.onBatch = onBatch
  }

  /** Appends one key, handing the batch on when it is full. */
  add(key: number): void {
    this.buffer[this.length++] = key
    if (this.length === this.buffer.length) this.flush()
  }

  /** Hands on the keys collected so far, if any. */
  flush(): void {
    if (this.length === 0) return
    const keys = this.buffer.subarray(0, this.length)
    this.length = 0
    this.onBatch(keys)
  }
}
