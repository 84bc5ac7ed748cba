// The command connection: every call bounded by `timeoutMs` and counted by the circuit breaker,
// skipped while the client is not connected or the circuit is open, and a lost connection
// reported once per outage rather than once per reconnection attempt. Both feed the store's
// TierHealth, which says when Redis is unavailable and back.
import type { CircuitBreaker } from './breaker.js'
import type { ClientLifecycle, RedisClientLike } from './client.js'
import { messageOf, RedisStoreError } from './errors.js'
import type { CommandSender, Router } from './router.js'
import { TierHealth, type CallKind } from './tierHealth.js'

/** Where a store sends errors that no caller receives. */
export type Reporter = (error: unknown) => void

/** How a guarded call went: its value, or why there is none (`skipped`: not even sent). */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: RedisStoreError; readonly skipped: boolean }

/** A tracker that reports nowhere, for a connection built without one. */
function silentHealth(): TierHealth {
  return new TierHealth({ prefix: '', onStateChange: undefined, log: undefined })
}

/**
 * A client's `'error'` events, reported once until it is `'ready'` again, and the connection's
 * state given to `health` (which prints one line per outage for all connections together).
 */
export function watchConnection(
  client: Pick<RedisClientLike, 'on'>,
  what: 'command' | 'subscriber',
  report: Reporter,
  health: TierHealth = silentHealth(),
): void {
  let down = false
  client.on('error', (error: unknown) => {
    if (down) return
    down = true
    const lost = new RedisStoreError(
      'ERR_REDIS_UNAVAILABLE',
      `Lost the ${what} connection to Redis`,
      {
        cause: error,
      },
    )
    health.raise(what, lost)
    report(lost)
  })
  client.on('ready', () => {
    down = false
    health.clear(what)
  })
}

/**
 * The kind of a call, from the verb that names it in messages ('Reading', 'Writing', 'Deleting',
 * 'Clearing'; anything else is single flight's lock calls). Only read on a skipped or failed call.
 */
export function kindOfCall(what: string): CallKind {
  if (what.startsWith('Read')) return 'read'
  if (what.startsWith('Writ')) return 'write'
  if (what.startsWith('Delet') || what.startsWith('Clear')) return 'delete'
  return 'lock'
}

/** A node's breaker and health: on a cluster, one node failing opens its own breaker only. */
export interface NodeGuard {
  readonly breaker: CircuitBreaker
  readonly health: TierHealth
}

/**
 * The client the store sends commands on, behind a breaker and a timeout: one of each on a
 * single server; on a cluster, one per node (`guardOf`), so that a dead master's calls are
 * skipped while the other masters' go on.
 */
export class Connection {
  readonly client: ClientLifecycle
  readonly #guard: NodeGuard
  readonly #timeoutMs: number
  readonly #router: Router | undefined
  readonly #guardOf: ((node: string) => NodeGuard) | undefined
  readonly #guards = new Map<string, NodeGuard>()

  /**
   * @param client - the command client (a cluster client on a cluster);
   * @param breaker - counts failures; @param timeoutMs - the bound on each call;
   * @param health - told of each skipped, failed and successful call, and of the breaker
   * opening; @param router - where each call goes (absent: everything to `client`, which is
   * then a single-server client); @param guardOf - makes a node's breaker and health (on a
   * cluster: each node has its own).
   */
  constructor(
    client: ClientLifecycle,
    breaker: CircuitBreaker,
    timeoutMs: number,
    health: TierHealth = silentHealth(),
    router?: Router,
    guardOf?: (node: string) => NodeGuard,
  ) {
    this.client = client
    this.#guard = { breaker, health }
    this.#timeoutMs = timeoutMs
    this.#router = router
    this.#guardOf = guardOf
  }

  /** The guards of the nodes seen so far (on a cluster), by address. */
  get nodes(): ReadonlyMap<string, NodeGuard> {
    return this.#guards
  }

  /** The breaker and health of the node serving `slot`. */
  #guardFor(slot: number): NodeGuard {
    const guardOf = this.#guardOf
    if (guardOf === undefined) return this.#guard
    const node = this.#router!.nodeOf(slot)
    let guard = this.#guards.get(node)
    if (guard === undefined) this.#guards.set(node, (guard = guardOf(node)))
    return guard
  }

  /**
   * Runs `command` unless the client (on a cluster: the node serving `slot`) is not connected
   * or the circuit is open (`skipped`); a failure or a timeout counts against the breaker.
   */
  async call<T>(
    what: string,
    command: (client: CommandSender) => Promise<T>,
    key?: string,
    slot = 0,
  ): Promise<Outcome<T>> {
    const router = this.#router
    const { breaker, health } = this.#guardFor(slot)
    if (router === undefined ? !this.client.isReady : !router.ready(slot)) {
      health.notSent(kindOfCall(what))
      return unavailable(`${what}: not connected to Redis`, key)
    }
    if (!breaker.allow()) {
      health.notSent(kindOfCall(what))
      return unavailable(`${what}: skipped while the circuit breaker is open`, key)
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      const value = await Promise.race([
        command(router === undefined ? (this.client as RedisClientLike) : router.sender(slot)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            reject(
              new RedisStoreError(
                'ERR_REDIS_TIMEOUT',
                `${what} did not settle within ${this.#timeoutMs} ms (timeoutMs)`,
                key === undefined ? {} : { key },
              ),
            )
          }, this.#timeoutMs)
        }),
      ])
      breaker.success()
      health.succeeded()
      return { ok: true, value }
    } catch (cause) {
      const opened = breaker.failure()
      const error =
        cause instanceof RedisStoreError
          ? cause
          : new RedisStoreError('ERR_REDIS_UNAVAILABLE', `${what} failed: ${messageOf(cause)}`, {
              ...(key === undefined ? {} : { key }),
              cause,
            })
      // The breaker opening is the tier going down (a hung or failing server: calls time out).
      if (opened) health.raise('breaker', error)
      health.failed(kindOfCall(what))
      return { ok: false, error, skipped: false }
    } finally {
      clearTimeout(timer)
    }
  }
}

function unavailable(message: string, key: string | undefined): Outcome<never> {
  const error = new RedisStoreError(
    'ERR_REDIS_UNAVAILABLE',
    message,
    key === undefined ? {} : { key },
  )
  return { ok: false, error, skipped: true }
}
