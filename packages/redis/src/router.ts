// Where each command of a store goes. On one server, everywhere: one client, one clear marker,
// one clock, one breaker, and every key in group 0. On a cluster (clusterRouter.ts), to the
// master of a hash slot: the store groups a tick's keys by slot and sends each group to its
// slot (one MGET, one READ_OR_LOCK, one COMMIT per slot, all in parallel).
import type { RedisClientLike } from './client.js'
import { clearedKey } from './keys.js'
import { ServerClock } from './serverClock.js'

/** What a command needs of a client: sending one command. */
export interface CommandSender {
  /** Sends one command (its keys all in one hash slot on a cluster). */
  sendCommand(args: readonly string[]): Promise<unknown>
}

/** One master, for the commands that go to every master (clear()'s SCAN and markers). */
export interface MasterGroup {
  /** The node's address (`host:port`); '' on one server. */
  readonly node: string
  /** A client of that node alone (SCAN walks one node's keys). */
  readonly client: CommandSender
  /** The hash slots it serves (`[0]` on one server). */
  readonly slots: readonly number[]
}

/** Routes a store's commands: one server or a cluster. */
export interface Router {
  /** Whether the store is on a Redis Cluster. */
  readonly cluster: boolean
  /** The group of an L2 key: its hash slot on a cluster, 0 on one server. */
  slotOf(key: string): number
  /** The group of a Redis key (a tag's, say): its hash slot on a cluster, 0 on one server. */
  slotOfKey(redisKey: string): number
  /** The clear marker the scripts on `slot` read and write. */
  clearedKey(slot: number): string
  /** The node serving `slot` now (its address; '' on one server). */
  nodeOf(slot: number): string
  /** Whether the node serving `slot` is connected (a call to it is skipped when not). */
  ready(slot: number): boolean
  /** The client that sends a command to `slot`'s master (keyless ones, such as TIME, too). */
  sender(slot: number): CommandSender
  /** Redis's clock as seen from the node serving `slot` (each node has its own clock). */
  clockOf(slot: number): ServerClock
  /** Publishes `message` on the store's channel (sharded on a cluster). */
  publish(channel: string, message: string): Promise<unknown>
  /** Every master and its slots. */
  masters(): Promise<MasterGroup[]>
}

/**
 * Items grouped by slot (`slotOf` each), in the order each slot first appears; one group, 0, on
 * one server; none for no items.
 */
export function bySlot<T>(
  router: Router,
  items: readonly T[],
  slotOf: (item: T) => number,
): Map<number, T[]> {
  const groups = new Map<number, T[]>()
  if (items.length === 0) return groups
  if (!router.cluster) {
    groups.set(0, items as T[])
    return groups
  }
  for (const item of items) {
    const slot = slotOf(item)
    const group = groups.get(slot)
    if (group === undefined) groups.set(slot, [item])
    else group.push(item)
  }
  return groups
}

/** The router of a store on one server: everything to `client`. */
export class SingleServerRouter implements Router {
  readonly cluster = false
  readonly #client: RedisClientLike
  readonly #cleared: string
  readonly #clock: ServerClock

  constructor(client: RedisClientLike, prefix: string, clock: ServerClock = new ServerClock()) {
    this.#client = client
    this.#cleared = clearedKey(prefix)
    this.#clock = clock
  }

  slotOf(): number {
    return 0
  }

  slotOfKey(): number {
    return 0
  }

  clearedKey(): string {
    return this.#cleared
  }

  nodeOf(): string {
    return ''
  }

  ready(): boolean {
    return this.#client.isReady
  }

  sender(): CommandSender {
    return this.#client
  }

  clockOf(): ServerClock {
    return this.#clock
  }

  publish(channel: string, message: string): Promise<unknown> {
    return this.#client.sendCommand(['PUBLISH', channel, message])
  }

  masters(): Promise<MasterGroup[]> {
    return Promise.resolve([{ node: '', client: this.#client, slots: [0] }])
  }
}
