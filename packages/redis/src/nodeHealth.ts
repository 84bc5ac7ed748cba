// On a Redis Cluster, each master has its own circuit breaker and its own health: a dead master
// makes its own slots' calls skipped (those keys go through the loader, and fail-safe) until the
// cluster has moved them to its replica, while the other masters' calls go on. Its outage is
// reported once when it begins and once when it ends, with the node's address, not per call:
// it ends when the node is connected again, or when the topology shows it is no longer a master
// (its replica took its slots over; it came back as a replica, to which no call goes, or not at
// all), and then the store forgets it.
import { CircuitBreaker } from './breaker.js'
import type { RedisClusterLike } from './clusterRouter.js'
import type { NodeGuard, Reporter } from './connection.js'
import { RedisStoreError } from './errors.js'
import type { StoreConfig } from './options.js'
import { sharedConsole } from './sharedConsole.js'
import { TierHealth, type TierStateEvent } from './tierHealth.js'

/** The guards of a store's nodes, made on first use. */
export class NodeGuards {
  readonly #config: StoreConfig
  readonly #report: Reporter
  readonly #onStateChange: ((event: TierStateEvent) => void) | undefined
  readonly #guards = new Map<string, NodeGuard>()
  /** The store, as the shared console lines know it. */
  readonly #store: object
  /** What names the cluster for the shared console lines (its first root node). */
  readonly #clusterId: string
  /** The cluster client watched, once `watch` is called. */
  #cluster: RedisClusterLike | undefined
  /** A slot each node served when its guard was made, by address: where its slots went. */
  readonly #slots = new Map<string, number>()

  /**
   * @param config - the store's options (breaker, prefix, reports);
   * @param onStateChange - where each node's state changes go (besides `log`);
   * @param report - where a lost node connection's error goes (once per outage);
   * @param store - the store: with the default `log`, the stores of this process on one node
   * share their lines, as on one server.
   */
  constructor(
    config: StoreConfig,
    onStateChange: ((event: TierStateEvent) => void) | undefined,
    report: Reporter,
    store: object,
  ) {
    this.#config = config
    this.#onStateChange = onStateChange
    this.#report = report
    this.#store = store
    this.#clusterId = config.cluster?.rootNodes[0]?.url ?? 'cluster'
  }

  /** The guard of `node` (`host:port`), which serves `slot` (-1: unknown, looked up). */
  readonly guardOf = (node: string, slot = -1): NodeGuard => {
    let guard = this.#guards.get(node)
    if (guard === undefined) {
      this.#slots.set(node, slot >= 0 ? slot : this.#slotOf(node))
      const onStateChange = this.#onStateChange
      const shared = this.#config.sharedLog
        ? sharedConsole(`${this.#clusterId} ${node}`)
        : undefined
      const store = this.#store
      guard = {
        breaker: new CircuitBreaker(this.#config.breaker),
        health: new TierHealth({
          prefix: this.#config.prefix,
          node,
          onStateChange:
            shared === undefined
              ? onStateChange
              : (event) => {
                  shared.report(store, event)
                  onStateChange?.(event)
                },
          log: shared === undefined ? this.#config.log : undefined,
        }),
      }
      this.#guards.set(node, guard)
    }
    return guard
  }

  /** Every node's guard so far, by address. */
  get nodes(): ReadonlyMap<string, NodeGuard> {
    return this.#guards
  }

  /**
   * Follows the cluster client's node connections: one lost makes that node unavailable
   * (reported once), its `'ready'` makes it available again.
   */
  watch(cluster: RedisClusterLike): void {
    this.#cluster = cluster
    const down = this.#down
    cluster.on('node-error', (error: unknown, info: unknown) => {
      const node = addressOf(info)
      if (node === undefined || down.has(node)) return
      down.add(node)
      const lost = new RedisStoreError(
        'ERR_REDIS_UNAVAILABLE',
        `Lost the connection to Redis Cluster node ${node}`,
        { cause: error },
      )
      this.guardOf(node).health.raise('command', lost)
      this.#report(lost)
    })
    cluster.on('node-ready', (info: unknown) => {
      const node = addressOf(info)
      if (node === undefined) return
      down.delete(node)
      const guard = this.#guards.get(node)
      if (guard === undefined) return
      // Connected again (as a master, or as a replica once its slots have moved: then no call
      // goes to it any more, and nothing else would say it is back).
      guard.breaker.success()
      guard.health.clear('breaker')
      guard.health.clear('command')
    })
    // The client connects to a new master (a replica that took a dead master's slots over)
    // and drops the connection of a node that is no longer one, once it has read the new
    // topology: then the nodes that are no longer masters are forgotten.
    cluster.on('node-ready', this.#forgetFormerMasters)
    cluster.on('node-disconnect', this.#forgetFormerMasters)
    // The cluster client's own errors (a failed rediscovery, say): to onError, never printed.
    cluster.on('error', (error: unknown) => {
      this.#report(error)
    })
  }

  /** Nodes with a lost connection, reported once (until `'node-ready'`). */
  readonly #down = new Set<string>()

  /**
   * Forgets the nodes that no longer serve a slot as masters, per the topology the client last
   * read: one whose outage was reported gets one closing report naming the master that serves
   * its slots now. A node whose slots are served by no other master yet (a failover under way)
   * is kept until they are.
   */
  readonly #forgetFormerMasters = (): void => {
    const cluster = this.#cluster
    if (cluster === undefined || !cluster.isOpen || this.#guards.size === 0) return
    const masters = cluster.masters
    // Between reading the topology and filling it in there is no master: nothing to judge by.
    if (masters.length === 0) return
    for (const [node, guard] of this.#guards) {
      if (masters.some((master) => master.address === node)) continue
      const movedTo = cluster.slots[this.#slots.get(node) ?? -1]?.master.address
      if (movedTo === undefined || movedTo === node) continue
      this.#guards.delete(node)
      this.#slots.delete(node)
      this.#down.delete(node)
      guard.health.retire(movedTo)
      if (this.#config.sharedLog) sharedConsole(`${this.#clusterId} ${node}`).leave(this.#store)
    }
  }

  /** A slot `node` serves as master per the topology last read, or -1. */
  #slotOf(node: string): number {
    const slots = this.#cluster?.slots ?? []
    for (let slot = 0; slot < slots.length; slot++) {
      if (slots[slot]?.master.address === node) return slot
    }
    return -1
  }

  /** No more reports (the store is closed). */
  close(): void {
    for (const [node, { health }] of this.#guards) {
      health.close()
      if (this.#config.sharedLog) sharedConsole(`${this.#clusterId} ${node}`).leave(this.#store)
    }
  }
}

/** `host:port` of node-redis's node info (`{ host, port }`). */
function addressOf(info: unknown): string | undefined {
  if (typeof info !== 'object' || info === null) return undefined
  const { host, port } = info as { host?: unknown; port?: unknown }
  return typeof host === 'string' && typeof port === 'number' ? `${host}:${port}` : undefined
}
