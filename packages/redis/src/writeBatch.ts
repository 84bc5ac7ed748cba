// The writes of `set()` (values loaded without a lock, and explicit sets) gathered per turn, as
// the commits of locked loads are (singleFlight.ts): the `set()` calls of one turn go as one
// WRITE script call, with one PUBLISH (in the script) telling the other instances of every key
// the explicit ones wrote. On a cluster, one WRITE call per hash slot, in parallel, and the
// message published by the client on the sharded channel once they are done (a script may only
// publish to its own slot). Each `set()` gets the outcome of the calls its keys went in.
import type { Bus } from './bus.js'
import { publishOn, type Connection, type Outcome } from './connection.js'
import type { CommandSender, Router } from './router.js'
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

/** One slot's part of a batch: its entries and the keys it removes. */
interface SlotWrites {
  readonly entries: EntryWrite[]
  readonly unlink: string[]
}

/** What a batch of writes needs from its store. */
export interface WriteBatchContext extends WriteContext {
  readonly connection: Connection
  readonly router: Router
  readonly bus: Bus
  readonly prefix: string
  /**
   * Learns the clock of `slot`'s node first, if no reply has taught it yet (writes are stamped
   * with it).
   */
  readonly knowClock: (client: CommandSender, slot: number) => Promise<void>
}

/** The `set()` writes of one store, one script call per turn (per slot on a cluster). */
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

  /** A turn's sets: one WRITE call (and an UNLINK, for values that could not be encoded). */
  #send(pending: readonly PendingSet[]): Promise<unknown> {
    const { bus, router } = this.#context
    const notify: string[] = []
    for (const set of pending) {
      if (set.notify !== undefined) for (const key of set.notify) notify.push(key)
    }
    const message = notify.length > 0 ? bus.invalidation(notify) : ''
    if (!router.cluster) {
      const entries: EntryWrite[] = []
      const unlink: string[] = []
      for (const set of pending) {
        for (const entry of set.entries) entries.push(entry)
        for (const key of set.unlink) unlink.push(key)
      }
      const call = this.#sendSlot(0, { entries, unlink }, bus.channel, message)
      void call.then((outcome) => {
        for (const { settle } of pending) settle(outcome)
      })
      return call
    }
    return this.#sendCluster(pending, message)
  }

  /**
   * On a cluster: one WRITE call per slot, in parallel, then the message on the sharded channel.
   * Each set gets the first failure among its slots' calls (and the message's, if it tells), or
   * success.
   */
  async #sendCluster(pending: readonly PendingSet[], message: string): Promise<void> {
    const { connection, bus, router } = this.#context
    const slots = new Map<number, SlotWrites>()
    const slotsOfSet: number[][] = []
    for (const set of pending) {
      const own: number[] = []
      const groupOf = (redisKey: string): SlotWrites => {
        const slot = router.slotOfKey(redisKey)
        let group = slots.get(slot)
        if (group === undefined) {
          group = { entries: [], unlink: [] }
          slots.set(slot, group)
        }
        if (!own.includes(slot)) own.push(slot)
        return group
      }
      for (const entry of set.entries) groupOf(entry.redisKey).entries.push(entry)
      for (const key of set.unlink) groupOf(key).unlink.push(key)
      slotsOfSet.push(own)
    }
    const outcomes = new Map<number, Outcome<unknown>>()
    await Promise.all(
      [...slots].map(async ([slot, group]) => {
        outcomes.set(slot, await this.#sendSlot(slot, group, '', ''))
      }),
    )
    let told: Outcome<unknown> | undefined
    if (message !== '') {
      told = await publishOn(connection, router, 'Writing', bus.channel, message)
    }
    pending.forEach((set, i) => {
      let outcome: Outcome<unknown> | undefined
      for (const slot of slotsOfSet[i]!) {
        const own = outcomes.get(slot)!
        if (!own.ok) {
          outcome = own
          break
        }
        outcome ??= own
      }
      if (set.notify !== undefined && told !== undefined && (outcome?.ok ?? true)) outcome = told
      set.settle(outcome ?? { ok: true, value: undefined })
    })
  }

  /** One slot's WRITE call (and UNLINK); `channel` and `message` '' for none. */
  #sendSlot(
    slot: number,
    { entries, unlink }: SlotWrites,
    channel: string,
    message: string,
  ): Promise<Outcome<unknown>> {
    const context = this.#context
    const { connection, router } = context
    const keys: string[] = [router.clearedKey(slot)]
    for (const { redisKey } of entries) keys.push(redisKey)
    const clock = router.clockOf(slot)
    return connection.call(
      'Writing',
      async (client) => {
        // The call's moment, taken before the clock is learnt (a TIME first, if no reply has
        // taught it yet), so that its deadline is no later than when this call gives up.
        const sentAt = Date.now()
        await context.knowClock(client, slot)
        const command = ['EVALSHA', WRITE.sha, String(keys.length), ...keys]
        pushCallArgs(command, context, sentAt, clock)
        command.push(channel, message)
        for (const { entry } of entries) pushEntryArgs(command, entry, sentAt)
        if (unlink.length === 0) return WRITE.send(client, command)
        // Removed before the script's notice goes out: nobody reads the old value after it.
        return Promise.all([client.sendCommand(['UNLINK', ...unlink]), WRITE.send(client, command)])
      },
      undefined,
      slot,
    )
  }
}
