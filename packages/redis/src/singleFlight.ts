// Distributed single flight: the first instance to miss a key takes its lock (in the same call
// that reads the value: one round trip, one script call for all the loads of a tick) and loads;
// the others mark the lock with their names and wait for its "filled" notice, which the holder
// sends to each of them on its own channel with the value (or poll, with backoff, in case a
// notice is lost, and read the value), or load for themselves after `waitMs`. A lock has a lease (the load's own bound, plus one call to write the value), is
// released by token, and is released together with the write of the value (COMMIT).
import { randomUUID } from 'node:crypto'

import type { L2Lease, L2LockOptions, L2LockResult, L2Record, L2Write } from '@cache/decorators'

import type { Bus } from './bus.js'
import { publishOn, type Connection, type Outcome, type Reporter } from './connection.js'
import { messageOf, RedisStoreError } from './errors.js'
import { lockKey, valueKey } from './keys.js'
import { bySlot, type Router } from './router.js'
import { COMMIT, READ_OR_LOCK, RELEASE } from './scripts.js'
import { payloadOf } from './record.js'
import { refreshLock } from './refreshLock.js'
import { TurnBatch } from './turnBatch.js'
import {
  entryArgs,
  pushCallArgs,
  pushEntryArgs,
  type EntryArgs,
  type WriteContext,
} from './writeArgs.js'

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
  /** Where each key's commands go, and each node's clock. */
  readonly router: Router
  readonly bus: Bus
  readonly prefix: string
  readonly read: RecordReader
  readonly report: Reporter
  /**
   * Checks a tagged value a lock call found against its tags' invalidation times: `loaded` as
   * it is, or the answer of reading or locking the key again (`relock`) when it was invalidated.
   * Untagged values are answered without it.
   */
  readonly checkTagged?: (
    key: string,
    result: LoadedResult,
    relock: () => Promise<L2LockResult>,
  ) => Promise<L2LockResult>
}

/** A lock call's answer when it found the value. */
export type LoadedResult = Extract<L2LockResult, { status: 'loaded' }>

const SKIPPED: L2LockResult = { status: 'skipped' }

/**
 * The least time to live a value must have left to be served rather than reloaded, in ms: at
 * least this, and four round trips (a copy that would expire on its way to L1 is worth nothing,
 * and counting it as absent makes one instance reload it while the others wait).
 */
const MIN_TTL_MS = 10
const MAX_MIN_TTL_MS = 1_000

/** A key's answer to a read-or-lock call that found it held, while its lock() call waits. */
interface Attempt {
  /**
   * The value, `1` (locked for us), `[0, PTTL]` (held by another), or `-1` (arrived late); with
   * an entry kept stale for fail-safe, `[1, entry]` and `[0, PTTL, entry]`.
   */
  readonly reply: unknown
  readonly redisNow: number
  /** How long the round trip took, in ms. */
  readonly elapsedMs: number
  /** The token of the call, which holds every lock it took. */
  readonly token: string
}

/**
 * A lock() call waiting for its key's read-or-lock reply: answered at once from the reply, but
 * for a key another instance holds, which is then waited for (and read or locked again).
 */
class LockCall {
  /** While waiting on a held key: where the answers of its next read-or-lock calls go. */
  retry: ((attempt: Attempt | undefined) => void) | undefined = undefined

  constructor(
    readonly key: string,
    /** The lease it asks for, in ms. */
    readonly leaseMs: string,
    readonly resolve: (result: L2LockResult | Promise<L2LockResult>) => void,
    /** Whether a tagged value it finds is checked (`checkTagged`); not for a `relock`. */
    readonly checksTags: boolean,
    /**
     * Fail-safe: gets the stale copy the first answer that carries one has (`onStale` of the
     * lock options), then is cleared.
     */
    public onStale: ((record: L2Record) => void) | undefined,
  ) {}
}

/** A loaded value waiting for the commit call of its turn (the lock's token, the entry). */
interface PendingCommit {
  readonly key: string
  readonly token: string
  readonly entry: EntryArgs
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
}

/**
 * A taken lock: released alone, or with the write of the loaded value (a class rather than two
 * closures: one small object per lock taken).
 */
class Lease implements L2Lease {
  readonly status = 'acquired'
  readonly #flights: SingleFlight
  readonly #key: string
  readonly #token: string

  constructor(flights: SingleFlight, key: string, token: string) {
    this.#flights = flights
    this.#key = key
    this.#token = token
  }

  release(written: boolean): Promise<void> {
    return this.#flights.release(this.#key, this.#token, written)
  }

  commit(write: L2Write): Promise<void> {
    return this.#flights.commit(this.#key, this.#token, write)
  }
}

/** One store's locks. */
export class SingleFlight {
  readonly #context: SingleFlightContext
  readonly #lockTtlMs: number
  readonly #waitMs: number
  readonly #pollMs: number
  readonly #maxPollMs: number
  /** The reads-or-locks of one turn, sent as one script call (at most `maxBatchSize` keys). */
  readonly #attempts: TurnBatch<LockCall>
  /** The commits of one turn, sent as one script call (at most `maxBatchSize` keys). */
  readonly #commits: TurnBatch<PendingCommit>
  /** Where the L2 key starts in a value's Redis key (after `<prefix>{`), for Lua (1-based, in bytes). */
  readonly #keyFrom: string
  /** The last lease asked for, and its argument (a cache asks for the same one every time). */
  #leaseAsked: number | undefined = undefined
  #leaseArg = ''

  /** Wires the locks to the store's connection, bus, keys, clock and codec. */
  constructor(
    context: SingleFlightContext,
    options: Required<SingleFlightOptions>,
    maxBatchSize: number,
  ) {
    this.#context = context
    this.#lockTtlMs = options.lockTtlMs
    this.#waitMs = options.waitMs
    this.#pollMs = options.pollMs
    this.#maxPollMs = options.maxPollMs
    // On a cluster, a turn's calls are split by hash slot: one script call per slot, in parallel.
    this.#attempts = new TurnBatch(
      (pending) => this.#perSlot(pending, this.#readOrLock),
      maxBatchSize,
    )
    this.#commits = new TurnBatch(
      (pending) => this.#perSlot(pending, this.#commitAll),
      maxBatchSize,
    )
    this.#keyFrom = String(Buffer.byteLength(context.prefix) + 2)
  }

  /** `send` for each slot's items (all of them at once on one server). */
  #perSlot<T extends { readonly key: string }>(
    items: readonly T[],
    send: (items: readonly T[], slot: number) => Promise<unknown>,
  ): Promise<unknown> {
    const router = this.#context.router
    if (!router.cluster) return send(items, 0)
    const groups = bySlot(router, items, (item) => router.slotOf(item.key))
    if (groups.size === 1) return send(items, groups.keys().next().value!)
    const calls: Promise<unknown>[] = []
    for (const [slot, group] of groups) calls.push(send(group, slot))
    return Promise.all(calls)
  }

  /** Reads `key`, or takes its lock, or waits for the value another instance is loading. */
  lock(key: string, options?: L2LockOptions): Promise<L2LockResult> {
    const leaseMs = this.#leaseOf(options?.leaseMs ?? this.#lockTtlMs)
    const refreshOf = options?.refreshOf
    if (refreshOf !== undefined) {
      // An eager refresh: never waits (refreshLock.ts).
      return refreshLock(this.#context, key, refreshOf, leaseMs, (token) =>
        this.#acquired(key, token),
      )
    }
    // No watch yet: the call's reply says whether the key is held, and the bus remembers the
    // notices that came meanwhile (#wait).
    return this.#lock(key, leaseMs, true, options?.onStale)
  }

  #lock(
    key: string,
    leaseMs: string,
    checksTags: boolean,
    onStale: ((record: L2Record) => void) | undefined,
  ): Promise<L2LockResult> {
    return new Promise((resolve) => {
      this.#attempts.add(new LockCall(key, leaseMs, resolve, checksTags, onStale))
    })
  }

  /** The lease argument of a load bounded by `loadMs`: that, plus one call to write the value. */
  #leaseOf(loadMs: number): string {
    if (loadMs !== this.#leaseAsked) {
      this.#leaseAsked = loadMs
      this.#leaseArg = String(Math.ceil(loadMs + this.#context.timeoutMs))
    }
    return this.#leaseArg
  }

  /**
   * The answer of a read-or-lock reply to a key: the lock, the value, `skipped`, or `undefined`
   * when another instance holds the key.
   */
  #resultOf(
    call: LockCall,
    reply: unknown,
    redisNow: number,
    elapsedMs: number,
    token: string,
  ): L2LockResult | Promise<L2LockResult> | undefined {
    const key = call.key
    if (reply === 1) return this.#acquired(key, token)
    if (Array.isArray(reply)) {
      // `[1, entry]` and `[0, PTTL, entry]`: the decision with a copy kept stale for fail-safe,
      // which goes to the cache before any wait (once per call).
      const locked = reply[0] === 1
      const stale: unknown = locked ? reply[1] : reply[2]
      const onStale = call.onStale
      if (stale !== undefined && onStale !== undefined) {
        call.onStale = undefined
        const record = this.#context.read(stale, redisNow, elapsedMs, key)
        if (record !== undefined) onStale(record)
      }
      return locked ? this.#acquired(key, token) : undefined
    }
    if (typeof reply === 'number') return SKIPPED // arrived after its deadline: took nothing
    const record = this.#context.read(reply, redisNow, elapsedMs, key)
    return record === undefined ? SKIPPED : this.#loaded(call, record)
  }

  /** The answer for a value found (or received from its holder), its tags checked if any. */
  #loaded(call: LockCall, record: L2Record): L2LockResult | Promise<L2LockResult> {
    const result: LoadedResult = { status: 'loaded', record }
    const check = this.#context.checkTagged
    if (record.tags === undefined || check === undefined || !call.checksTags) return result
    return check(call.key, result, () => this.#lock(call.key, call.leaseMs, false, call.onStale))
  }

  /**
   * Waits for the instance holding `call`'s key (its reply `held`, `[0, PTTL]`, to a call sent
   * at `sent`, when the bus's mark was `mark`): for its notice, no longer than its lease, and
   * reads or locks the key again, until `waitMs` is up.
   */
  async #wait(call: LockCall, held: unknown, sent: number, mark: number): Promise<void> {
    const { key } = call
    const giveUpAt = sent + this.#waitMs
    let pollMs = this.#pollMs
    let reply = held
    // Made now, with the notices that came since the call was sent: one may have arrived
    // before the reply that says the key is held.
    const watch = this.#context.bus.watchSince(key, mark)
    try {
      for (;;) {
        const remaining = giveUpAt - Date.now()
        if (remaining <= 0) {
          call.resolve(SKIPPED)
          return
        }
        // Held by another instance: wait for its notice, no longer than its lease (then it is free).
        const leaseLeft = Number((reply as unknown[])[1])
        let wait = Math.min(pollMs, remaining)
        if (leaseLeft >= 0 && leaseLeft + 1 < wait) wait = leaseLeft + 1
        const fill = await watch.wait(wait)
        if (typeof fill === 'object') {
          // The holder's notice carries its entry: no need to read it again. Its time to live is
          // counted from Redis's time then, less how long ago that can have been.
          const clock = this.#context.router.clockOf(this.#context.router.slotOf(key))
          const elapsedMs = Math.max(0, clock.latest() - fill.redisNow)
          const record = this.#context.read(fill.data, fill.redisNow, elapsedMs, key)
          if (record !== undefined) {
            call.resolve(this.#loaded(call, record))
            return
          }
        }
        // Abandoned (the holder wrote nothing): try again at once; one waiter takes the lock.
        if (fill !== 'abandoned') pollMs = Math.min(pollMs * 2, this.#maxPollMs)
        const attempt = await new Promise<Attempt | undefined>((settle) => {
          call.retry = settle
          this.#attempts.add(call)
        })
        if (attempt === undefined) {
          call.resolve(SKIPPED)
          return
        }
        const { redisNow, elapsedMs, token } = attempt
        const result = this.#resultOf(call, attempt.reply, redisNow, elapsedMs, token)
        if (result !== undefined) {
          call.resolve(result)
          return
        }
        reply = attempt.reply
      }
    } catch (error) {
      this.#context.report(error)
      call.resolve(SKIPPED)
    } finally {
      watch.close()
    }
  }

  /**
   * One script call for the keys of a turn; `undefined` for each when Redis is not reached.
   * Returns the call, its answer to each key attached (see TurnBatch).
   */
  readonly #readOrLock = (pending: readonly LockCall[], slot: number): Promise<unknown> => {
    const { connection, router, timeoutMs, prefix, bus } = this.#context
    const clock = router.clockOf(slot)
    const token = randomUUID()
    const minTtl = Math.min(MAX_MIN_TTL_MS, Math.max(MIN_TTL_MS, 4 * clock.roundTripMs))
    // EVALSHA's arguments, built once: the sha, the key count, the keys, then ARGV.
    const command = ['EVALSHA', READ_OR_LOCK.sha, String(2 * pending.length)]
    const first = pending[0]!.leaseMs
    let oneLease = true
    for (const { key, leaseMs } of pending) {
      command.push(valueKey(prefix, key), lockKey(prefix, key))
      if (leaseMs !== first) oneLease = false
    }
    // The mark of a lock held by another instance: its holder then tells this store on its own
    // channel (scripts.ts).
    command.push(token, String(Math.floor(clock.now() + timeoutMs)), String(minTtl), bus.waiterMark)
    // One lease for every key when they ask for the same one.
    if (oneLease) command.push(first)
    else for (const { leaseMs } of pending) command.push(leaseMs)
    const sent = Date.now()
    const mark = bus.mark
    // Counted as a read (it reads each key, and locks only the absent ones): what a dead node's
    // closing line says was skipped.
    const call = connection.call(
      'Reading or taking a lock',
      (client) => READ_OR_LOCK.send(client, command),
      undefined,
      slot,
    )
    void call.then((outcome) => {
      this.#answer(pending, token, sent, mark, outcome, slot)
    })
    return call
  }

  /** Gives each key of a read-or-lock call its answer. */
  #answer(
    pending: readonly LockCall[],
    token: string,
    sent: number,
    mark: number,
    outcome: Outcome<unknown>,
    slot: number,
  ): void {
    const { router, report } = this.#context
    const clock = router.clockOf(slot)
    if (!outcome.ok) {
      if (!outcome.skipped) {
        report(outcome.error)
        // It may still have run in time and taken locks: free them, so nobody waits on them.
        if (outcome.error.code === 'ERR_REDIS_TIMEOUT') this.#forget(pending, token, slot)
      }
      for (const call of pending) this.#fail(call)
      return
    }
    const count = pending.length
    const received = Date.now()
    const reply: unknown = outcome.value
    const redisNow = Array.isArray(reply) ? Number(reply[0]) : NaN
    if (!Array.isArray(reply) || reply.length !== count + 1 || !Number.isFinite(redisNow)) {
      report(
        new RedisStoreError(
          'ERR_REDIS_DECODE',
          `Unexpected reply to a lock: ${String(reply).slice(0, 80)}`,
        ),
      )
      for (const call of pending) this.#fail(call)
      return
    }
    clock.sample(sent, received, redisNow)
    const elapsedMs = received - sent
    const replies = reply as unknown[]
    for (let i = 0; i < count; i++) {
      const call = pending[i]!
      const answer = replies[i + 1]
      const retry = call.retry
      if (retry !== undefined) {
        call.retry = undefined
        retry({ reply: answer, redisNow, elapsedMs, token })
        continue
      }
      const result = this.#resultOf(call, answer, redisNow, elapsedMs, token)
      if (result !== undefined) call.resolve(result)
      else void this.#wait(call, answer, sent, mark)
    }
  }

  /** A call whose read-or-lock did not reach Redis: no lock. */
  #fail(call: LockCall): void {
    const retry = call.retry
    if (retry === undefined) {
      call.resolve(SKIPPED)
      return
    }
    call.retry = undefined
    retry(undefined)
  }

  /** The lease of a taken lock: released alone, or with the write of the loaded value. */
  #acquired(key: string, token: string): L2Lease {
    return new Lease(this, key, token)
  }

  /**
   * Releases `key`'s lock if `token` still holds it, and wakes the waiters if there are some
   * (`written`: the value is in Redis). For {@link Lease}.
   */
  async release(key: string, token: string, written: boolean): Promise<void> {
    const { connection, bus, prefix, router } = this.#context
    const message = bus.filled(key, written)
    // On a cluster the script cannot publish on the channel's slot: it says 2 when the lock had
    // waiters, and the client tells them.
    const channel = router.cluster ? '' : bus.channel
    const outcome = await connection.call(
      'Releasing a lock',
      (client) => RELEASE.run(client, [lockKey(prefix, key)], [token, channel, message]),
      key,
      router.slotOf(key),
    )
    // Skipped (Redis unreachable): the lock expires by itself, the waiters stop at its lease.
    if (!outcome.ok && !outcome.skipped) throw outcome.error
    if (outcome.ok && outcome.value === 2) this.#publish([message])
  }

  /** Publishes lock notices on the sharded channel (on a cluster); a failure is reported. */
  #publish(notices: readonly unknown[]): void {
    const { connection, bus, router, report } = this.#context
    for (const notice of notices) {
      if (typeof notice !== 'string') continue
      void publishOn(connection, router, 'Releasing a lock', bus.channel, notice).then(
        (outcome) => {
          // Unheard, the waiters poll: the value is in Redis all the same.
          if (!outcome.ok && !outcome.skipped) report(outcome.error)
        },
      )
    }
  }

  /**
   * Writes the loaded value under the ordering rule and releases `key`'s lock held by `token`,
   * in the commit call of this turn. A value the serializer refuses is not written; the lock is
   * released and the error thrown. For {@link Lease}.
   */
  commit(key: string, token: string, write: L2Write): Promise<void> {
    let entry: EntryArgs
    try {
      entry = entryArgs(write, payloadOf(write, this.#context.serializer))
    } catch (cause) {
      const error = new RedisStoreError(
        'ERR_REDIS_ENCODE',
        `The value for key ${write.key} cannot be stored in Redis (it is kept in L1 only): ${messageOf(cause)}`,
        { key: write.key, cause },
      )
      return this.release(key, token, false).then(() => {
        throw error
      })
    }
    return new Promise((resolve, reject) => {
      this.#commits.add({ key, token, entry, resolve, reject })
    })
  }

  /**
   * One COMMIT call for the values loaded in a turn; each settles with the call's outcome.
   * Returns the call, its answers attached (see TurnBatch).
   */
  readonly #commitAll = (pending: readonly PendingCommit[], slot: number): Promise<unknown> => {
    const context = this.#context
    const { connection, bus, prefix, router } = context
    const command = ['EVALSHA', COMMIT.sha, String(1 + 2 * pending.length), router.clearedKey(slot)]
    for (const { key } of pending) command.push(valueKey(prefix, key), lockKey(prefix, key))
    // On a cluster the script returns its notices, and the client publishes them.
    command.push(router.cluster ? '' : bus.channel, bus.origin, this.#keyFrom)
    const sentAt = Date.now()
    pushCallArgs(command, context, sentAt, router.clockOf(slot))
    let previous = ''
    for (const { token, entry } of pending) {
      // A token once for the keys of one lock call in a row (36 bytes less each).
      command.push(token === previous ? '' : (previous = token))
      pushEntryArgs(command, entry, sentAt)
    }
    const call = connection.call(
      'Writing',
      (client) => COMMIT.send(client, command),
      pending.length === 1 ? pending[0]!.key : undefined,
      slot,
    )
    void call.then((outcome) => {
      if (!outcome.ok && !outcome.skipped) {
        for (const { reject } of pending) reject(outcome.error)
      } else {
        for (const { resolve } of pending) resolve()
      }
      if (outcome.ok && Array.isArray(outcome.value)) this.#publish(outcome.value as unknown[])
    })
    return call
  }

  /** Frees the locks this instance may hold without knowing it (its lock call timed out). */
  #forget(pending: readonly LockCall[], token: string, slot: number): void {
    const { connection, bus, prefix, router } = this.#context
    const channel = router.cluster ? '' : bus.channel
    void connection
      .call(
        'Releasing a lock',
        (client) =>
          Promise.all(
            pending.map(({ key }) =>
              RELEASE.run(client, [lockKey(prefix, key)], [token, channel, bus.filled(key, false)]),
            ),
          ),
        undefined,
        slot,
      )
      .then((outcome) => {
        if (!outcome.ok) return
        const notices = outcome.value.map((released, i) =>
          released === 2 ? bus.filled(pending[i]!.key, false) : undefined,
        )
        this.#publish(notices)
      })
  }
}
