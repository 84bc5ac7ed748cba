// Distributed single flight: the first instance to miss a key takes its lock (SET NX PX with a
// random token) and loads; the others wait for its "filled" notice (or poll, with backoff, in
// case a notice is lost) and read the value, or load for themselves after `waitMs`.
import { randomUUID } from 'node:crypto'

import type { L2LockResult, L2Record } from '@cache/decorators'

import type { Bus } from './bus.js'
import type { Connection, Reporter } from './connection.js'
import { lockKey, valueKey } from './keys.js'
import { timeOf } from './record.js'
import { READ_OR_LOCK, RELEASE } from './scripts.js'

/** Options of distributed single flight (`singleFlight` of `redisStore()`). */
export interface SingleFlightOptions {
  /**
   * How long a lock lives, in ms: an instance that dies while loading holds the key no longer.
   * @default 10_000
   */
  readonly lockTtlMs?: number
  /**
   * How long an instance waits for another's load before loading for itself, in ms.
   * @default 5_000
   */
  readonly waitMs?: number
  /**
   * The first wait between two checks of the value while waiting, in ms; it doubles up to
   * `maxPollMs`. The "filled" notice usually ends the wait sooner.
   * @default 25
   */
  readonly pollMs?: number
  /**
   * The longest wait between two checks, in ms.
   * @default 500
   */
  readonly maxPollMs?: number
}

/**
 * Reads an entry from a reply, given Redis's clock then; `undefined` when absent, expired or
 * unreadable (reported).
 */
export type RecordReader = (
  data: unknown,
  redisNow: number,
  elapsedMs: number,
  key: string,
) => L2Record | undefined

const SKIPPED: L2LockResult = { status: 'skipped' }

/** One store's locks. */
export class SingleFlight {
  readonly #connection: Connection
  readonly #bus: Bus
  readonly #prefix: string
  readonly #read: RecordReader
  readonly #report: Reporter
  readonly #lockTtlMs: string
  readonly #waitMs: number
  readonly #pollMs: number
  readonly #maxPollMs: number

  /** Wires the locks to the store's connection, bus, keys and decoder. */
  constructor(
    connection: Connection,
    bus: Bus,
    prefix: string,
    read: RecordReader,
    report: Reporter,
    options: Required<SingleFlightOptions>,
  ) {
    this.#connection = connection
    this.#bus = bus
    this.#prefix = prefix
    this.#read = read
    this.#report = report
    this.#lockTtlMs = String(options.lockTtlMs)
    this.#waitMs = options.waitMs
    this.#pollMs = options.pollMs
    this.#maxPollMs = options.maxPollMs
  }

  /** Takes `key`'s lock, or waits for the value another instance is loading. */
  async lock(key: string): Promise<L2LockResult> {
    const token = randomUUID()
    const keys = [valueKey(this.#prefix, key), lockKey(this.#prefix, key)]
    const deadline = Date.now() + this.#waitMs
    let pollMs = this.#pollMs
    for (;;) {
      const sent = Date.now()
      const outcome = await this.#connection.call(
        'Taking a lock',
        (client) => READ_OR_LOCK.run(client, keys, [token, this.#lockTtlMs]),
        key,
      )
      if (!outcome.ok) {
        if (!outcome.skipped) this.#report(outcome.error)
        return SKIPPED
      }
      const reply = outcome.value
      if (Array.isArray(reply)) {
        let redisNow: number
        try {
          redisNow = timeOf(reply[1])
        } catch (error) {
          this.#report(error)
          return SKIPPED
        }
        const record = this.#read(reply[0], redisNow, Date.now() - sent, key)
        return record === undefined ? SKIPPED : { status: 'loaded', record }
      }
      const code = Number(reply)
      if (code === 1) {
        return { status: 'acquired', release: (written) => this.#release(key, token, written) }
      }
      if (code !== 0) return SKIPPED
      const remaining = deadline - Date.now()
      if (remaining <= 0) return SKIPPED
      const fill = await this.#bus.waitForFill(key, Math.min(pollMs, remaining))
      if (fill === 'abandoned') return SKIPPED
      pollMs = Math.min(pollMs * 2, this.#maxPollMs)
    }
  }

  /** Releases the lock if `token` still holds it, and wakes the waiters either way. */
  async #release(key: string, token: string, written: boolean): Promise<void> {
    const outcome = await this.#connection.call(
      'Releasing a lock',
      (client) =>
        RELEASE.run(
          client,
          [lockKey(this.#prefix, key)],
          [token, this.#bus.channel, this.#bus.filled(key, written)],
        ),
      key,
    )
    // Skipped (Redis unreachable): the lock expires by itself, the waiters stop at `waitMs`.
    if (!outcome.ok && !outcome.skipped) throw outcome.error
  }
}
