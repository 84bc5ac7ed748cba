// A store on a Redis Cluster: each command goes to the master of its hash slot through
// node-redis's cluster client (which follows MOVED and ASK redirects and rediscovers the
// cluster after a failover), and each node has its own clock and its own readiness, so that a
// dead master costs its own slots only.
import { createCluster } from 'redis'

import { clearedKey } from './keys.js'
import type { CommandSender, MasterGroup, Router } from './router.js'
import { Script } from './scripts.js'
import { ServerClock } from './serverClock.js'
import { SLOTS, slotOf, slotOfTag, slotTag } from './slots.js'

/** A node of the cluster, as node-redis describes it. */
export interface ClusterNodeLike {
  /** `host:port`. */
  readonly address: string
  /** Its connection, once made. */
  readonly client?: { readonly isReady: boolean } | undefined
}

/**
 * What the store needs of a Redis Cluster client: a node-redis (`redis` 5+) `createCluster()`
 * client satisfies it.
 */
export interface RedisClusterLike {
  /** Connected to the cluster and ready for commands. */
  readonly isReady: boolean
  /** Connected or connecting (not closed). */
  readonly isOpen: boolean
  /** Discovers the cluster and connects; resolves once ready. */
  connect(): Promise<unknown>
  /** Closes once pending commands have replied. */
  close(): Promise<void>
  /** Closes now, failing pending commands. */
  destroy(): void
  /** A new cluster client with the same options (for the subscriber connections). */
  duplicate(): RedisClusterLike
  /** Sends one command to the master of `firstKey`'s slot. */
  sendCommand(
    firstKey: string | undefined,
    isReadonly: boolean | undefined,
    args: string[],
  ): Promise<unknown>
  /** Listens on a sharded channel (SSUBSCRIBE, on the master of the channel's slot). */
  sSubscribe(
    channel: string,
    listener: (message: string, channel: string) => unknown,
  ): Promise<void>
  /** Stops listening on a sharded channel. */
  sUnsubscribe(channel: string): Promise<void>
  /** The 16,384 slots and their masters, as last discovered. */
  readonly slots: readonly { readonly master: ClusterNodeLike }[]
  /** The masters, as last discovered. */
  readonly masters: readonly ClusterNodeLike[]
  /** The connection of one node (SCAN is per node). */
  nodeClient(node: ClusterNodeLike): Promise<{ sendCommand(args: string[]): Promise<unknown> }>
  /** Cluster events: `'error'`, `'node-error'`, `'node-ready'`, … */
  on(event: string, listener: (...args: unknown[]) => void): unknown
  /** Removes a listener added with `on`. */
  off(event: string, listener: (...args: unknown[]) => void): unknown
}

/** Options of a cluster the store creates: where to discover it. */
export interface ClusterOptions {
  /** Some of its nodes (any will do; the others are discovered): `[{ url: 'redis://host:port' }]`. */
  readonly rootNodes: readonly { readonly url: string }[]
}

/** Whether `value` looks like a node-redis cluster client rather than a single-server one. */
export function isClusterClient(value: unknown): value is RedisClusterLike {
  if (typeof value !== 'object' || value === null) return false
  try {
    const v = value as Record<string, unknown>
    return (
      typeof v.sSubscribe === 'function' && typeof v.nodeClient === 'function' && 'masters' in v
    )
  } catch {
    return false
  }
}

/**
 * Reconnects a node after 50, 100, 200, … ms, at most 1 s apart, forever (the store's breakers
 * decide when calls are skipped), as `clientFor` does.
 */
function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** retries, 1_000) + Math.floor(Math.random() * 50)
}

/**
 * A cluster client for `options`, set up as `clientFor` sets up a single-server one (no offline
 * queue, no per-command timeout: the store bounds its calls), rediscovering the cluster 1 s after
 * a node's connection is lost rather than node-redis's 5 s, so that a failover is followed
 * quickly.
 */
export function clusterFor(options: ClusterOptions, connectTimeoutMs: number): RedisClusterLike {
  return createCluster({
    rootNodes: options.rootNodes.map(({ url }) => ({ url })),
    commandOptions: { timeout: 0 },
    defaults: {
      disableOfflineQueue: true,
      socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: reconnectDelay },
    },
    topologyRefreshOnReconnectionAttemptStrategy: 1_000,
  })
}

/**
 * Redis's TIME on one slot's master: a keyless TIME goes to any node, and each node has its own
 * clock. KEYS: a key of the slot (unused, it routes the call).
 */
const TIME_ON_SLOT: Script = new Script(`return redis.call('TIME')`)

/** The router of a store on a cluster. */
export class ClusterRouter implements Router {
  readonly cluster = true
  readonly #client: RedisClusterLike
  readonly #prefix: string
  /** Each slot's sender, made on first use. */
  readonly #senders: (CommandSender | undefined)[] = new Array<CommandSender | undefined>(SLOTS)
  /** Each slot's clear marker key, made on first use. */
  readonly #clearedKeys: (string | undefined)[] = new Array<string | undefined>(SLOTS)
  /** Each node's clock, by address. */
  readonly #clocks = new Map<string, ServerClock>()

  constructor(client: RedisClusterLike, prefix: string) {
    this.#client = client
    this.#prefix = prefix
  }

  slotOf(key: string): number {
    return slotOfTag(key)
  }

  slotOfKey(redisKey: string): number {
    return slotOf(redisKey)
  }

  clearedKey(slot: number): string {
    // Made once per slot: every write and commit names its slot's marker.
    return (this.#clearedKeys[slot] ??= clearedKey(this.#prefix, slot))
  }

  nodeOf(slot: number): string {
    return this.#client.slots[slot]?.master.address ?? ''
  }

  ready(slot: number): boolean {
    if (!this.#client.isReady) return false
    // A node not connected yet is connected by the call; one whose connection is lost is not
    // waited for (its slots go through the loader until it, or its replica, is back).
    const client = this.#client.slots[slot]?.master.client
    return client === undefined || client.isReady
  }

  sender(slot: number): CommandSender {
    let sender = this.#senders[slot]
    if (sender === undefined) {
      const route = `{${slotTag(slot)}}`
      const cluster = this.#client
      const time = ['EVALSHA', TIME_ON_SLOT.sha, '1', route]
      const send = (args: readonly string[]): Promise<unknown> =>
        cluster.sendCommand(route, false, args as string[])
      const direct: CommandSender = { sendCommand: send }
      sender = {
        sendCommand: (args) =>
          args.length === 1 && args[0] === 'TIME'
            ? TIME_ON_SLOT.send(direct, [...time])
            : send(args),
      }
      this.#senders[slot] = sender
    }
    return sender
  }

  clockOf(slot: number): ServerClock {
    const node = this.nodeOf(slot)
    let clock = this.#clocks.get(node)
    if (clock === undefined) this.#clocks.set(node, (clock = new ServerClock()))
    return clock
  }

  publish(channel: string, message: string): Promise<unknown> {
    return this.#client.sendCommand(channel, false, ['SPUBLISH', channel, message])
  }

  async masters(): Promise<MasterGroup[]> {
    const cluster = this.#client
    const slots = new Map<ClusterNodeLike, number[]>()
    cluster.slots.forEach(({ master }, slot) => {
      const list = slots.get(master)
      if (list === undefined) slots.set(master, [slot])
      else list.push(slot)
    })
    return Promise.all(
      [...slots].map(async ([master, owned]) => ({
        node: master.address,
        client: await cluster.nodeClient(master),
        slots: owned,
      })),
    )
  }
}
