// The command connection: every call bounded by `timeoutMs` and counted by the circuit breaker,
// skipped while the client is not connected or the circuit is open, and a lost connection
// reported once per outage rather than once per reconnection attempt. Both feed the store's
// TierHealth, which says when Redis is unavailable and back.
import type { CircuitBreaker } from './breaker.js'
import type { RedisClientLike } from './client.js'
import { messageOf, RedisStoreError } from './errors.js'
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
  client: RedisClientLike,
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

/** The client the store sends commands on, behind a breaker and a timeout. */
export class Connection {
  readonly client: RedisClientLike
  readonly #breaker: CircuitBreaker
  readonly #timeoutMs: number
  readonly #health: TierHealth

  /**
   * @param client - the command client; @param breaker - counts failures;
   * @param timeoutMs - the bound on each call; @param health - told of each skipped, failed and
   * successful call, and of the breaker opening.
   */
  constructor(
    client: RedisClientLike,
    breaker: CircuitBreaker,
    timeoutMs: number,
    health: TierHealth = silentHealth(),
  ) {
    this.client = client
    this.#breaker = breaker
    this.#timeoutMs = timeoutMs
    this.#health = health
  }

  /**
   * Runs `command` unless the client is not connected or the circuit is open (`skipped`); a
   * failure or a timeout counts against the breaker.
   */
  async call<T>(
    what: string,
    command: (client: RedisClientLike) => Promise<T>,
    key?: string,
  ): Promise<Outcome<T>> {
    const client = this.client
    if (!client.isReady) {
      this.#health.notSent(kindOfCall(what))
      return unavailable(`${what}: not connected to Redis`, key)
    }
    if (!this.#breaker.allow()) {
      this.#health.notSent(kindOfCall(what))
      return unavailable(`${what}: skipped while the circuit breaker is open`, key)
    }
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      const value = await Promise.race([
        command(client),
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
      this.#breaker.success()
      this.#health.succeeded()
      return { ok: true, value }
    } catch (cause) {
      const opened = this.#breaker.failure()
      const error =
        cause instanceof RedisStoreError
          ? cause
          : new RedisStoreError('ERR_REDIS_UNAVAILABLE', `${what} failed: ${messageOf(cause)}`, {
              ...(key === undefined ? {} : { key }),
              cause,
            })
      // The breaker opening is the tier going down (a hung or failing server: calls time out).
      if (opened) this.#health.raise('breaker', error)
      this.#health.failed(kindOfCall(what))
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
