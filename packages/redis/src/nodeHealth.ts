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
  /**
   * The slot ranges each node served as master when the topology was last looked at (see
   * {@link #lookAtTopology}), by address, for the nodes with a guard: once a node serves none,
   * the masters serving these now are where its slots went.
   */
  readonly #served = new Map<string, SlotRanges>()

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

  /** The guard of `node` (`host:port`), which serves `slot` (-1: unknown). */
  readonly guardOf = (node: string, slot = -1): NodeGuard => {
    let guard = this.#guards.get(node)
    if (guard === undefined) {
      // What it serves, per the topology last read (`slot` alone if that does not list it yet).
      const ranges = rangesOf(this.#cluster?.slots ?? []).get(node)
      this.#served.set(node, ranges ?? (slot >= 0 ? [slot, slot] : []))
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
      const wasDown = down.delete(node)
      // First whether it is still a master: one that came back as a replica after its slots
      // moved is retired (its closing line names its heir), not reported available.
      this.#lookAtTopology()
      const guard = this.#guards.get(node)
      if (guard === undefined) return
      guard.breaker.success()
      guard.health.clear('breaker')
      if (!wasDown) {
        guard.health.clear('command')
        return
      }
      // Back after a loss, and a master per the topology the client read last, which may
      // predate a failover: a master that failed over comes back as a replica, sometimes before
      // the client has read the topology that names its heir. Its outage then ends when it does
      // (the next node event retires it, naming the heir: calls to its slots, let through
      // again, are answered MOVED, which makes the client read the topology), not as available.
      void this.#isReplica(node).then((replica) => {
        if (!replica) guard.health.clear('command')
      })
    })
    // The client connects to a new master (a replica that took a dead master's slots over:
    // its 'node-ready', above) and drops the connection of a node that is no longer one, once
    // it has read the new topology: then the nodes that are no longer masters are forgotten. A
    // node's connection lost is a moment to look too: the topology read last says what the node
    // served before it went (a resharding since its guard was made included).
    cluster.on('node-disconnect', this.#lookAtTopology)
    cluster.on('node-error', this.#lookAtTopology)
    // The cluster client's own errors (a failed rediscovery, say): to onError, never printed.
    cluster.on('error', (error: unknown) => {
      this.#report(error)
    })
  }

  /** Nodes with a lost connection, reported once (until `'node-ready'`). */
  readonly #down = new Set<string>()

  /**
   * Per the topology the client last read: remembers the slot ranges of each guarded node that
   * serves some as master, and forgets the nodes that serve none (looked up by address in every
   * slot, not in one slot remembered: a resharding moves ranges between masters). One whose
   * outage was reported gets one closing report naming the master that serves its former slots
   * now (the one serving most of them, if a resharding spread them). A node some of whose
   * former slots are served by no master yet (a failover under way) is kept until they are.
   * One pass over the 16,384 slots, on node events only.
   */
  readonly #lookAtTopology = (): void => {
    const cluster = this.#cluster
    if (cluster === undefined || !cluster.isOpen || this.#guards.size === 0) return
    const slots = cluster.slots
    const byNode = rangesOf(slots)
    // Between reading the topology and filling it in there is no master: nothing to judge by.
    if (byNode.size === 0) return
    for (const [node, guard] of this.#guards) {
      const ranges = byNode.get(node)
      if (ranges !== undefined) {
        this.#served.set(node, ranges)
        continue
      }
      const movedTo = heirOf(this.#served.get(node) ?? [], slots)
      if (movedTo === undefined) continue
      this.#guards.delete(node)
      this.#served.delete(node)
      this.#down.delete(node)
      guard.health.retire(movedTo)
      if (this.#config.sharedLog) sharedConsole(`${this.#clusterId} ${node}`).leave(this.#store)
    }
  }

  /** Whether `node` says it is a replica (`ROLE`); `false` when it cannot be asked. */
  async #isReplica(node: string): Promise<boolean> {
    const cluster = this.#cluster
    const known = cluster?.masters.find((master) => master.address === node)
    if (cluster === undefined || known === undefined) return false
    try {
      const role = await (await cluster.nodeClient(known)).sendCommand(['ROLE'])
      return Array.isArray(role) && role[0] === 'slave'
    } catch {
      return false
    }
  }

  /** No more reports (the store is closed). */
  close(): void {
    for (const [node, { health }] of this.#guards) {
      health.close()
      if (this.#config.sharedLog) sharedConsole(`${this.#clusterId} ${node}`).leave(this.#store)
    }
  }
}

/** Slot ranges as `[from, to, from, to, …]`, both ends included, in slot order. */
type SlotRanges = readonly number[]

/** The slot ranges each master serves in `slots` (the topology), by address. */
export function rangesOf(slots: RedisClusterLike['slots']): Map<string, SlotRanges> {
  const byNode = new Map<string, number[]>()
  let from = 0
  let current: string | undefined
  for (let slot = 0; slot <= slots.length; slot++) {
    const node = slot < slots.length ? slots[slot]?.master.address : undefined
    if (node === current) continue
    if (current !== undefined) {
      const ranges = byNode.get(current)
      if (ranges === undefined) byNode.set(current, [from, slot - 1])
      else ranges.push(from, slot - 1)
    }
    current = node
    from = slot
  }
  return byNode
}

/**
 * The master serving most of `ranges` in `slots` (the first of them in slot order on a tie);
 * `undefined` when one of those slots is served by no master (a failover under way) or there
 * are none (a node whose slots were never known).
 */
export function heirOf(ranges: SlotRanges, slots: RedisClusterLike['slots']): string | undefined {
  const counts = new Map<string, number>()
  // Counted by runs of slots with one master (a range moves whole, mostly).
  let run: string | undefined
  let length = 0
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    for (let slot = ranges[i]!; slot <= ranges[i + 1]!; slot++) {
      const node = slots[slot]?.master.address
      if (node === undefined) return undefined
      if (node === run) {
        length++
        continue
      }
      if (run !== undefined) counts.set(run, (counts.get(run) ?? 0) + length)
      run = node
      length = 1
    }
  }
  if (run !== undefined) counts.set(run, (counts.get(run) ?? 0) + length)
  let heir: string | undefined
  let most = 0
  for (const [node, count] of counts) {
    if (count > most) {
      heir = node
      most = count
    }
  }
  return heir
}

/** `host:port` of node-redis's node info (`{ host, port }`). */
function addressOf(info: unknown): string | undefined {
  if (typeof info !== 'object' || info === null) return undefined
  const { host, port } = info as { host?: unknown; port?: unknown }
  return typeof host === 'string' && typeof port === 'number' ? `${host}:${port}` : undefined
}
