// Redis's clock, as seen from this process: the offset between `Date.now()` and the server's
// TIME, learnt from the replies that carry TIME (every batch of reads, every lock call). Writes
// and locks carry deadlines on the server's clock, and writes and deletes bounds on the moment
// they were sent, so that a command that reaches the server late (after a pause) is judged by
// when it was sent, not by when it ran.
//
// A TIME reply taken between sending at `s` and receiving at `r` (local ms) says the offset is
// between `time - r` and `time - s`. The clock keeps the tightest bounds of the last WINDOW
// samples: the lower one for deadlines (a command never acts after its caller stopped waiting
// for it), the upper one for the moment a write or delete is as of (scripts.ts takes the
// earlier of it and the server's own TIME, so two commands sent one after the other by two
// instances are ordered as they were sent, whatever the error of each instance's estimate).

/** Samples kept: a slow reply (a paused server) only loosens the bounds until it leaves. */
const WINDOW = 16

/** The server's clock, estimated from TIME replies. */
export class ServerClock {
  readonly #lower = new Float64Array(WINDOW)
  readonly #upper = new Float64Array(WINDOW)
  #samples = 0
  #lowerOffset = 0
  #upperOffset = 0
  #roundTripMs = 1

  /** Whether a TIME reply has been seen yet. */
  get known(): boolean {
    return this.#samples > 0
  }

  /** A recent round trip to the server, in ms (smoothed; 1 until measured). */
  get roundTripMs(): number {
    return this.#roundTripMs
  }

  /**
   * The server's time at the earliest, in ms, when the local clock says `at` (now by default;
   * the local clock until a reply was seen).
   */
  now(at: number = Date.now()): number {
    return at + this.#lowerOffset
  }

  /** The server's time at the latest, in ms, when the local clock says `at` (now by default). */
  latest(at: number = Date.now()): number {
    return at + this.#upperOffset
  }

  /**
   * Learns from a reply: `serverNow` (ms, from TIME) came back in a command sent at `sentAt`
   * and received at `receivedAt` (local ms).
   */
  sample(sentAt: number, receivedAt: number, serverNow: number): void {
    const at = this.#samples % WINDOW
    this.#lower[at] = serverNow - receivedAt
    // TIME counts whole ms (floored), so the server's time was up to 1 ms past it.
    this.#upper[at] = serverNow + 1 - sentAt
    this.#samples++
    const count = this.#samples < WINDOW ? this.#samples : WINDOW
    let lower = -Infinity
    let upper = Infinity
    for (let i = 0; i < count; i++) {
      if (this.#lower[i]! > lower) lower = this.#lower[i]!
      if (this.#upper[i]! < upper) upper = this.#upper[i]!
    }
    this.#lowerOffset = lower
    // Bounds that cross (the clocks drifted, or the server's was set): trust the newest.
    this.#upperOffset = upper >= lower ? upper : this.#upper[at]
    if (upper < lower) this.#lowerOffset = Math.min(lower, this.#lower[at])
    const roundTrip = Math.max(0, receivedAt - sentAt)
    this.#roundTripMs += (roundTrip - this.#roundTripMs) / 8
  }
}
