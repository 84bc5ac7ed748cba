// Redis's clock, as seen from this process: the offset between `Date.now()` and the server's
// TIME, learnt from the replies that carry TIME (every batch of reads, every lock call). Writes
// and locks carry deadlines and versions on the server's clock, so that a command that reaches
// the server late (after a pause) is judged by when it was sent, not by when it ran.
//
// A TIME reply taken between sending at `s` and receiving at `r` (local ms) says the offset is
// between `time - r` and `time - s`. The clock keeps the lower bound (`time - r`), the tightest
// of the last WINDOW samples: a deadline computed with it is never later than the true one, so a
// command never acts after its caller stopped waiting for it.

/** Samples kept: a slow reply (a paused server) only loosens the bound until it leaves. */
const WINDOW = 16

/** The server's clock, estimated from TIME replies. */
export class ServerClock {
  readonly #lower = new Float64Array(WINDOW)
  #samples = 0
  #offset = 0
  #roundTripMs = 1

  /** Whether a TIME reply has been seen yet. */
  get known(): boolean {
    return this.#samples > 0
  }

  /** A recent round trip to the server, in ms (smoothed; 1 until measured). */
  get roundTripMs(): number {
    return this.#roundTripMs
  }

  /** The server's time now, in ms (the local clock until a reply has been seen). */
  now(): number {
    return Date.now() + this.#offset
  }

  /**
   * Learns from a reply: `serverNow` (ms, from TIME) came back in a command sent at `sentAt`
   * and received at `receivedAt` (local ms).
   */
  sample(sentAt: number, receivedAt: number, serverNow: number): void {
    this.#lower[this.#samples % WINDOW] = serverNow - receivedAt
    this.#samples++
    const count = this.#samples < WINDOW ? this.#samples : WINDOW
    let offset = -Infinity
    for (let i = 0; i < count; i++) if (this.#lower[i]! > offset) offset = this.#lower[i]!
    this.#offset = offset
    const roundTrip = Math.max(0, receivedAt - sentAt)
    this.#roundTripMs += (roundTrip - this.#roundTripMs) / 8
  }
}
