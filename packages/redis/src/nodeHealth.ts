// On a Redis Cluster, each master has its own circuit breaker and its own health: a dead master
// makes its own slots' calls skipped (those keys go through the loader, and fail-safe) until the
// cluster has moved them to its replica, while the other masters' calls go on. Its outage is
// reported once when it begins and once when it ends, with the node's address, not per call.
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

  /** The guard of `node` (`host:port`). */
  readonly guardOf = (node: string): NodeGuard => {
    let guard = this.#guards.get(node)
    if (guard === undefined) {
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
    const down = new Set<string>()
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
    // The cluster client's own errors (a failed rediscovery, say): to onError, never printed.
    cluster.on('error', (error: unknown) => {
      this.#report(error)
    })
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
