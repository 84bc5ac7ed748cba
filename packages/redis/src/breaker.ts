// A circuit breaker for Redis calls: after `failureThreshold` failures in a row it opens, and
// calls are skipped (served without Redis) until a cooldown has passed, or until a reply comes
// for a call that had timed out (the server answers again); then one probe goes through, which
// closes it on success or reopens it, for twice as long, on failure.

/** Options of the circuit breaker; see {@link CircuitBreaker}. */
export interface BreakerOptions {
  /**
   * Failures in a row that open the circuit.
   * @default 3
   */
  readonly failureThreshold?: number
  /**
   * How long the circuit stays open the first time, in ms; it doubles after each failed probe.
   * @default 500
   */
  readonly cooldownMs?: number
  /**
   * The longest the circuit stays open before a probe, in ms.
   * @default 10_000
   */
  readonly maxCooldownMs?: number
}

/** The breaker's state: `closed` (calls go through), `open` (skipped), `half-open` (one probe). */
export type BreakerState = 'closed' | 'open' | 'half-open'

/** Counts failures and decides whether a call may go to Redis. Time comes from `now`. */
export class CircuitBreaker {
  readonly #threshold: number
  readonly #baseCooldown: number
  readonly #maxCooldown: number
  readonly #now: () => number
  #state: BreakerState = 'closed'
  #failures = 0
  #cooldown: number
  #openUntil = 0

  /** @param options - thresholds; @param now - the clock in ms (`Date.now` by default). */
  constructor(options: BreakerOptions = {}, now: () => number = () => Date.now()) {
    this.#threshold = options.failureThreshold ?? 3
    this.#baseCooldown = options.cooldownMs ?? 500
    this.#maxCooldown = options.maxCooldownMs ?? 10_000
    this.#cooldown = this.#baseCooldown
    this.#now = now
  }

  /** The state now (an open circuit whose cooldown has passed reads `half-open`). */
  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() >= this.#openUntil) return 'half-open'
    return this.#state
  }

  /**
   * Whether a call may go through now. Once an open circuit's cooldown has passed, the first
   * caller gets `true` (the probe) and the others `false` until the probe settles.
   */
  allow(): boolean {
    if (this.#state === 'closed') return true
    if (this.#state === 'half-open') return false
    if (this.#now() < this.#openUntil) return false
    this.#state = 'half-open'
    return true
  }

  /** A call succeeded: close the circuit. */
  success(): void {
    this.#state = 'closed'
    this.#failures = 0
    this.#cooldown = this.#baseCooldown
  }

  /**
   * Redis answers again: a reply came for a call that had already timed out (a server that hung,
   * paused or stalled on a slow command), or the connection is back. An open circuit lets its
   * probe through now rather than at the end of a cooldown that may have doubled up to
   * `maxCooldownMs` meanwhile.
   */
  answered(): void {
    if (this.#state === 'open') this.#openUntil = this.#now()
  }

  /** A call failed. Returns `true` when this failure opened the circuit. */
  failure(): boolean {
    if (this.#state === 'half-open') {
      this.#cooldown = Math.min(this.#cooldown * 2, this.#maxCooldown)
      this.#open()
      return true
    }
    if (this.#state === 'open') return false
    if (++this.#failures < this.#threshold) return false
    this.#open()
    return true
  }

  #open(): void {
    this.#state = 'open'
    this.#failures = 0
    this.#openUntil = this.#now() + this.#cooldown
  }
}
