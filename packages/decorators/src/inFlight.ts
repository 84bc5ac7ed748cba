// How many calls an L2 link has in flight, so that `settled()` can wait for all of them: a count,
// and one promise made only while someone waits. (A set of the calls' promises cost each call a
// set entry, a second promise and a callback to leave the set, all kept until it settled.)

const RESOLVED: Promise<void> = Promise.resolve()

/** A count of calls in flight, with a wait for none. */
export class InFlight {
  #count = 0
  #idle: Promise<void> | undefined = undefined
  #wake: (() => void) | undefined = undefined

  /** A call started. */
  start(): void {
    this.#count++
  }

  /** A call ended. */
  end(): void {
    if (--this.#count > 0) return
    const wake = this.#wake
    if (wake === undefined) return
    this.#idle = this.#wake = undefined
    wake()
  }

  /**
   * Resolves once no call is in flight, those started meanwhile included, and none was started
   * by what ran when the last one ended (a callback on its promise that starts another: a replay
   * after a write went through, say).
   */
  async idle(): Promise<void> {
    for (;;) {
      while (this.#count > 0) {
        this.#idle ??= new Promise((resolve) => {
          this.#wake = resolve
        })
        await this.#idle
      }
      // The callbacks of the call that ended last run after the wake-up: let them.
      await RESOLVED
      if (this.#count === 0) return
    }
  }
}
