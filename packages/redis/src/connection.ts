// The command connection: every call bounded by `timeoutMs` and counted by the circuit breaker,
// skipped while the client is not connected or the circuit is open, and a lost connection
// reported once per outage rather than once per reconnection attempt.
import type { CircuitBreaker } from './breaker.js'
import type { RedisClientLike } from './client.js'
import { messageOf, RedisStoreError } from './errors.js'

/** Where a store sends errors that no caller receives. */
export type Reporter = (error: unknown) => void

/** How a guarded call went: its value, or why there is none (`skipped`: not even sent). */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: RedisStoreError; readonly skipped: boolean }

/** A client's `'error'` events, reported once until it is `'ready'` again. */
export function watchConnection(client: RedisClientLike, what: string, report: Reporter): void {
  let down = false
  client.on('error', (error: unknown) => {
    if (down) return
    down = true
    report(
      new RedisStoreError('ERR_REDIS_UNAVAILABLE', `Lost the ${what} connection to Redis`, {
        cause: error,
      }),
    )
  })
  client.on('ready', () => {
    down = false
  })
}

/** The client the store sends commands on, behind a breaker and a timeout. */
export class Connection {
  readonly client: RedisClientLike
  readonly #breaker: CircuitBreaker
  readonly #timeoutMs: number

  /**
   * @param client - the command client; @param breaker - counts failures;
   * @param timeoutMs - the bound on each call.
   */
  constructor(client: RedisClientLike, breaker: CircuitBreaker, timeoutMs: number) {
    this.client = client
    this.#breaker = breaker
    this.#timeoutMs = timeoutMs
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
    if (!client.isReady) return unavailable(`${what}: not connected to Redis`, key)
    if (!this.#breaker.allow()) {
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
      return { ok: true, value }
    } catch (cause) {
      this.#breaker.failure()
      const error =
        cause instanceof RedisStoreError
          ? cause
          : new RedisStoreError('ERR_REDIS_UNAVAILABLE', `${what} failed: ${messageOf(cause)}`, {
              ...(key === undefined ? {} : { key }),
              cause,
            })
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
