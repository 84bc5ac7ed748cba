// On a Redis Cluster, each master has its own circuit breaker and its own health: a dead master
// makes its own slots' calls skipped (those keys go through the loader, and fail-safe) until the
// cluster has moved them to its replica, while the other masters' calls go on. Its outage is
// reported once when it begins and once when it ends, with the node's address, not per call.
import { CircuitBreaker } from './breaker.js'
import type { RedisClusterLike } from './clusterRouter.js'
import type { NodeGuard, Reporter } from './connection.js'
import { RedisStoreError } from './errors.js'
import type { StoreConfig } from './options.js'
import { TierHealth, type TierStateEvent } from './tierHealth.js'

/** The guards of a store's nodes, made on first use. */
export class NodeGuards {
  readonly #config: StoreConfig
  readonly #report: Reporter
  readonly #onStateChange: ((event: TierStateEvent) => void) | undefined
  readonly #guards = new Map<string, NodeGuard>()

  /**
   * @param config - the store's options (breaker, prefix, reports);
   * @param onStateChange - where each node's state changes go (besides `log`);
   * @param report - where a lost node connection's error goes (once per outage).
   */
  constructor(
    config: StoreConfig,
    onStateChange: ((event: TierStateEvent) => void) | undefined,
    report: Reporter,
  ) {
    this.#config = config
    this.#onStateChange = onStateChange
    this.#report = report
  }

  /** The guard of `node` (`host:port`). */
  readonly guardOf = (node: string): NodeGuard => {
    let guard = this.#guards.get(node)
    if (guard === undefined) {
      guard = {
        breaker: new CircuitBreaker(this.#config.breaker),
        health: new TierHealth({
          prefix: this.#config.prefix,
          node,
          onStateChange: this.#onStateChange,
          log: this.#config.log,
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
      this.#guards.get(node)?.health.clear('command')
    })
    // The cluster client's own errors (a failed rediscovery, say): to onError, never printed.
    cluster.on('error', (error: unknown) => {
      this.#report(error)
    })
  }

  /** No more reports (the store is closed). */
  close(): void {
    for (const { health } of this.#guards.values()) health.close()
  }
}

/** `host:port` of node-redis's node info (`{ host, port }`). */
function addressOf(info: unknown): string | undefined {
  if (typeof info !== 'object' || info === null) return undefined
  const { host, port } = info as { host?: unknown; port?: unknown }
  return typeof host === 'string' && typeof port === 'number' ? `${host}:${port}` : undefined
}
