// Distributed single flight: the first instance to miss a key takes its lock (in the same call
// that reads the value: one round trip) and loads; the others wait for its "filled" notice (or
// poll, with backoff, in case a notice is lost) and read the value, or load for themselves after
// `waitMs`. A lock has a lease (the load's own bound, plus one call to write the value), is
// released by token, and is released together with the write of the value (COMMIT).
import { randomUUID } from 'node:crypto'

import type { L2Lease, L2LockOptions, L2LockResult, L2Record, L2Write } from '@cache/decorators'

import type { Bus } from './bus.js'
import type { Connection, Reporter } from './connection.js'
import { messageOf, RedisStoreError } from './errors.js'
import { clearedKey, lockKey, valueKey } from './keys.js'
import { COMMIT, READ_OR_LOCK, RELEASE } from './scripts.js'
import { writeArgs, type WriteContext } from './writeArgs.js'

/** Options of distributed single flight (`singleFlight` of `redisStore()`). */
export interface SingleFlightOptions {
  /**
   * How long a lock lives when the cache does not bound its loads, in ms: an instance that dies
   * while loading holds the key no longer. A cache with a load `timeout` asks for a lease of
   * that bound instead (retries included).
   * @default 10_000
   */
  readonly lockTtlMs?: number
  /**
   * How long an instance waits for another's load before loading for itself, in ms (never
   * longer than the holder's lease: a lock whose holder has gone is taken over when it ends).
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

/** What the locks share with their store. */
export interface SingleFlightContext extends WriteContext {
  readonly connection: Connection
  readonly bus: Bus
  readonly prefix: string
  readonly read: RecordReader
  readonly report: Reporter
}

const SKIPPED: L2LockResult = { status: 'skipped' }

/**
 * The least time to live a value must have left to be served rather than reloaded, in ms: at
 * least this, and four round trips (a copy that would expire on its way to L1 is worth nothing,
 * and counting it as absent makes one instance reload it while the others wait).
 */
const MIN_TTL_MS = 10
const MAX_MIN_TTL_MS = 1_000

/** One store's locks. */
export class SingleFlight {
  readonly #context: SingleFlightContext
  readonly #lockTtlMs: number
  readonly #waitMs: number
  readonly #pollMs: number
  readonly #maxPollMs: number

  /** Wires the locks to the store's connection, bus, keys, clock and codec. */
  constructor(context: SingleFlightContext, options: Required<SingleFlightOptions>) {
    this.#context = context
    this.#lockTtlMs = options.lockTtlMs
    this.#waitMs = options.waitMs
    this.#pollMs = options.pollMs
    this.#maxPollMs = options.maxPollMs
  }

  /** Reads `key`, or takes its lock, or waits for the value another instance is loading. */
  async lock(key: string, options?: L2LockOptions): Promise<L2LockResult> {
    const { connection, bus, clock, timeoutMs } = this.#context
    const token = randomUUID()
    const keys = [valueKey(this.#context.prefix, key), lockKey(this.#context.prefix, key)]
    const leaseMs = String(Math.ceil((options?.leaseMs ?? this.#lockTtlMs) + timeoutMs))
    const giveUpAt = Date.now() + this.#waitMs
    let pollMs = this.#pollMs
    for (;;) {
      const sent = Date.now()
      const minTtl = Math.min(MAX_MIN_TTL_MS, Math.max(MIN_TTL_MS, 4 * clock.roundTripMs))
      const args = [token, leaseMs, String(Math.floor(clock.now() + timeoutMs)), String(minTtl)]
      const outcome = await connection.call(
        'Taking a lock',
        (client) => READ_OR_LOCK.run(client, keys, args),
        key,
      )
      if (!outcome.ok) {
        if (!outcome.skipped) {
          this.#context.report(outcome.error)
          // It may still have run in time and taken the lock: free it, so nobody waits on it.
          if (outcome.error.code === 'ERR_REDIS_TIMEOUT') this.#forget(key, token)
        }
        return SKIPPED
      }
      const received = Date.now()
      const reply = outcome.value
      let head: unknown
      let redisNow: number
      try {
        if (!Array.isArray(reply) || reply.length < 2)
          throw new TypeError('not a reply of READ_OR_LOCK')
        head = reply[0]
        redisNow = Number(reply[1])
        if (!Number.isFinite(redisNow)) throw new TypeError(`not a time: ${String(reply[1])}`)
      } catch (cause) {
        this.#context.report(
          new RedisStoreError(
            'ERR_REDIS_DECODE',
            `Unexpected reply to a lock: ${messageOf(cause)}`,
            {
              key,
              cause,
            },
          ),
        )
        return SKIPPED
      }
      clock.sample(sent, received, redisNow)
      if (typeof head !== 'number') {
        const record = this.#context.read(head, redisNow, received - sent, key)
        return record === undefined ? SKIPPED : { status: 'loaded', record }
      }
      if (head === 1) return this.#acquired(key, token)
      if (head !== 0) return SKIPPED // arrived after its deadline: it took nothing
      const remaining = giveUpAt - received
      if (remaining <= 0) return SKIPPED
      // Wait for the holder's notice; no longer than its lease, after which the lock is free.
      const leaseLeft = Number(reply[2])
      let wait = Math.min(pollMs, remaining)
      if (leaseLeft >= 0 && leaseLeft + 1 < wait) wait = leaseLeft + 1
      // Abandoned (the holder wrote nothing): try again at once; one waiter takes the lock.
      if ((await bus.waitForFill(key, wait)) !== 'abandoned') {
        pollMs = Math.min(pollMs * 2, this.#maxPollMs)
      }
    }
  }

  /** The lease of a taken lock: released alone, or with the write of the loaded value. */
  #acquired(key: string, token: string): L2Lease {
    return {
      status: 'acquired',
      release: (written) => this.#release(key, token, written),
      commit: (write) => this.#commit(key, token, write),
    }
  }

  /** Releases the lock if `token` still holds it, and wakes the waiters if there are some. */
  async #release(key: string, token: string, written: boolean): Promise<void> {
    const { connection, bus, prefix } = this.#context
    const outcome = await connection.call(
      'Releasing a lock',
      (client) =>
        RELEASE.run(client, [lockKey(prefix, key)], [token, bus.channel, bus.filled(key, written)]),
      key,
    )
    // Skipped (Redis unreachable): the lock expires by itself, the waiters stop at its lease.
    if (!outcome.ok && !outcome.skipped) throw outcome.error
  }

  /**
   * Writes the loaded value under the ordering rule and releases the lock, in one call. A value
   * the serializer refuses is not written; the lock is released and the error thrown.
   */
  async #commit(key: string, token: string, write: L2Write): Promise<void> {
    const { connection, bus, prefix } = this.#context
    let args: string[]
    try {
      args = writeArgs(write, this.#context)
    } catch (cause) {
      await this.#release(key, token, false)
      throw new RedisStoreError(
        'ERR_REDIS_ENCODE',
        `The value for key ${write.key} cannot be stored in Redis (it is kept in L1 only): ${messageOf(cause)}`,
        { key: write.key, cause },
      )
    }
    const keys = [valueKey(prefix, key), clearedKey(prefix), lockKey(prefix, key)]
    const outcome = await connection.call(
      'Writing',
      (client) =>
        COMMIT.run(client, keys, [
          token,
          bus.channel,
          bus.filled(key, true),
          bus.filled(key, false),
          ...args,
        ]),
      key,
    )
    if (!outcome.ok && !outcome.skipped) throw outcome.error
  }

  /** Frees a lock this instance may hold without knowing it (its lock call timed out). */
  #forget(key: string, token: string): void {
    const { connection, bus, prefix } = this.#context
    void connection.call('Releasing a lock', (client) =>
      RELEASE.run(client, [lockKey(prefix, key)], [token, bus.channel, bus.filled(key, false)]),
    )
  }
}
