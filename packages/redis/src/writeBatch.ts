// The writes of `set()` (values loaded without a lock, and explicit sets) gathered per turn, as
// the commits of locked loads are (singleFlight.ts): the `set()` calls of one turn go as one
// WRITE script call, with one PUBLISH (in the script) telling the other instances of every key
// the explicit ones wrote. Each `set()` gets the call's outcome.
import type { Bus } from './bus.js'
import type { RedisClientLike } from './client.js'
import type { Connection, Outcome } from './connection.js'
import { clearedKey } from './keys.js'
import { WRITE } from './scripts.js'
import { TurnBatch } from './turnBatch.js'
import { pushCallArgs, pushEntryArgs, type EntryArgs, type WriteContext } from './writeArgs.js'

/** One entry to write: its Redis key and its arguments. */
export interface EntryWrite {
  readonly redisKey: string
  readonly entry: EntryArgs
}

/** The part of one `set()` call in a batch. */
interface PendingSet {
  readonly entries: readonly EntryWrite[]
  /** The L2 keys to tell the other instances about (an explicit `set()`), or `undefined`. */
  readonly notify: readonly string[] | undefined
  /** Redis keys whose value could not be encoded: removed, so no older value outlives it. */
  readonly unlink: readonly string[]
  readonly settle: (outcome: Outcome<unknown>) => void
}

/** What a batch of writes needs from its store. */
export interface WriteBatchContext extends WriteContext {
  readonly connection: Connection
  readonly bus: Bus
  readonly prefix: string
  /** Learns Redis's clock first, if no reply has taught it yet (writes are stamped with it). */
  readonly knowClock: (client: RedisClientLike) => Promise<void>
}

/** The `set()` writes of one store, one script call per turn. */
export class WriteBatch {
  readonly #context: WriteBatchContext
  readonly #sets: TurnBatch<PendingSet>

  constructor(context: WriteBatchContext, maxBatchSize: number) {
    this.#context = context
    this.#sets = new TurnBatch((pending) => this.#send(pending), maxBatchSize)
  }

  /**
   * Writes `entries` (and removes `unlink`), telling the other instances of `notify` (`undefined`:
   * nobody), in the write call of this turn; resolves with the call's outcome (never rejects).
   */
  add(
    entries: readonly EntryWrite[],
    notify: readonly string[] | undefined,
    unlink: readonly string[],
  ): Promise<Outcome<unknown>> {
    return new Promise((settle) => {
      this.#sets.add({ entries, notify, unlink, settle })
    })
  }

  /** One WRITE call (and an UNLINK, for values that could not be encoded) for a turn's sets. */
  #send(pending: readonly PendingSet[]): Promise<unknown> {
    const context = this.#context
    const { connection, bus, prefix } = context
    const keys: string[] = [clearedKey(prefix)]
    const notify: string[] = []
    const unlink: string[] = []
    for (const set of pending) {
      for (const { redisKey } of set.entries) keys.push(redisKey)
      if (set.notify !== undefined) for (const key of set.notify) notify.push(key)
      for (const key of set.unlink) unlink.push(key)
    }
    const call = connection.call('Writing', async (client) => {
      // The call's moment, taken before the clock is learnt (a TIME first, if no reply has
      // taught it yet), so that its deadline is no later than when this call gives up.
      const sentAt = Date.now()
      await context.knowClock(client)
      const command = ['EVALSHA', WRITE.sha, String(keys.length), ...keys]
      pushCallArgs(command, context, sentAt)
      command.push(bus.channel, notify.length > 0 ? bus.invalidation(notify) : '')
      for (const set of pending) {
        for (const { entry } of set.entries) pushEntryArgs(command, entry, sentAt)
      }
      if (unlink.length === 0) return WRITE.send(client, command)
      // Removed before the script's notice goes out: nobody reads the old value after it.
      return Promise.all([client.sendCommand(['UNLINK', ...unlink]), WRITE.send(client, command)])
    })
    void call.then((outcome) => {
      for (const { settle } of pending) settle(outcome)
    })
    return call
  }
}
