// A cache's counters restart at zero on clear(); an OpenTelemetry counter must never go down.

/** Turns readings of a counter that may be reset into a total that only grows. */
export class MonotonicTotal {
  #last = 0
  #total = 0

  /** The total after a reading of `value`: a value below the last one means a reset. */
  read(value: number): number {
    this.#total += value >= this.#last ? value - this.#last : value
    this.#last = value
    return this.#total
  }
}
