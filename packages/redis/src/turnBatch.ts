// The commands of many concurrent loads gathered and sent as one call, in calls of at most
// `maxBatchSize` items. While no call of the batch is in flight, the items of one tick go out
// together once its promise jobs have run (as DataLoader does): no delay for a lone load. While
// one is, the items of the whole turn of the event loop are gathered: under load, loads settle
// one by one (each loader's promise resolves in its own callback), so a batch that closed with
// the tick would hold a single item, and a script call per item costs both sides several times
// what one more item in a call does. `send` receives each call's items, so that a batch can be
// split further (per hash slot, say).

/** `setImmediate` as the module found it: a test that fakes timers must not hold batches back. */
const immediate = setImmediate
const resolved = Promise.resolve()

/** Items added in one tick (or, while a call is in flight, one turn), sent together. */
export class TurnBatch<T> {
  readonly #send: (items: T[]) => Promise<unknown>
  readonly #maxBatchSize: number
  #items: T[] = []
  #scheduled = false
  #inFlight = 0

  /**
   * @param send - sends one call's items; returns the call's promise (which must not reject),
   * with what answers the items already attached to it, so that the items' callers run after
   * the call counts as settled and a new load goes out with its tick.
   * @param maxBatchSize - the most items in one call.
   */
  constructor(send: (items: T[]) => Promise<unknown>, maxBatchSize: number) {
    this.#send = send
    this.#maxBatchSize = maxBatchSize
  }

  /** Adds `item` to the open batch. */
  add(item: T): void {
    this.#items.push(item)
    if (this.#scheduled) return
    this.#scheduled = true
    if (this.#inFlight > 0) immediate(this.#flush)
    else void resolved.then(this.#afterPromiseJobs)
  }

  readonly #afterPromiseJobs = (): void => {
    process.nextTick(this.#flush)
  }

  readonly #flush = (): void => {
    this.#scheduled = false
    const items = this.#items
    this.#items = []
    const max = this.#maxBatchSize
    for (let i = 0; i < items.length; i += max) {
      this.#inFlight++
      void this.#send(items.length <= max ? items : items.slice(i, i + max)).then(
        this.#settled,
        this.#settled,
      )
    }
  }

  readonly #settled = (): void => {
    this.#inFlight--
  }
}
