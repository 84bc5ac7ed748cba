// The part of a node-redis client the store uses, and the clients it creates from a URL.
import { createClient } from 'redis'

/**
 * What the store needs of a Redis client: a node-redis (`redis` 5+) client satisfies it. Keys
 * and channels are sent through `sendCommand`, so a client-level `keyPrefix` is not applied:
 * use the store's `prefix`.
 */
export interface RedisClientLike {
  /** Connected and ready for commands. */
  readonly isReady: boolean
  /** Connected or connecting (not closed). */
  readonly isOpen: boolean
  /** Connects; resolves once ready. */
  connect(): Promise<unknown>
  /** Closes once pending commands have replied. */
  close(): Promise<void>
  /** Closes now, failing pending commands. */
  destroy(): void
  /** A new client with the same options (for the subscriber connection). */
  duplicate(): RedisClientLike
  /** Sends one command. */
  sendCommand(args: readonly string[]): Promise<unknown>
  /** Listens on a pub/sub channel (the client is then a subscriber). */
  subscribe(channel: string, listener: (message: string, channel: string) => unknown): Promise<void>
  /** Stops listening on a channel. */
  unsubscribe(channel: string): Promise<void>
  /** Client events: `'error'`, `'ready'`, `'end'`, … */
  on(event: string, listener: (...args: unknown[]) => void): unknown
  /** Removes a listener added with `on`. */
  off(event: string, listener: (...args: unknown[]) => void): unknown
}

/** What closing a client takes (a single-server client, or a cluster client). */
export type ClientLifecycle = Pick<RedisClientLike, 'isReady' | 'isOpen' | 'close' | 'destroy'>

/**
 * Reconnects after 50, 100, 200, … ms, at most 1 s apart (plus up to 50 ms of jitter), forever:
 * the store's circuit breaker, not the client, decides when calls are skipped.
 */
function reconnectDelay(retries: number): number {
  return Math.min(50 * 2 ** retries, 1_000) + Math.floor(Math.random() * 50)
}

/**
 * A client for `url`, set up for a cache: commands fail at once while disconnected (no offline
 * queue, so nothing stale is written after a reconnect), and it reconnects forever.
 *
 * Without node-redis's own per-command timeout (`commandOptions.timeout`, 5 s by default in
 * the pinned node-redis 6): it costs an `AbortSignal.timeout` and a listener per command, several times
 * the CPU of the command itself (bench/commandTimeout.ts), and the store already bounds every call
 * with `timeoutMs`. `0` turns it off (node-redis sets a timer only for a truthy value); the
 * subscriber connection, a `duplicate()`, inherits it.
 */
export function clientFor(url: string, connectTimeoutMs: number): RedisClientLike {
  return createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: 0 },
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: reconnectDelay },
  })
}

/**
 * Closes `client`: once its pending commands have replied when it is ready, else (or when that
 * fails) at once. Does nothing when it is closed already.
 */
export async function closeClient(client: ClientLifecycle): Promise<void> {
  if (!client.isOpen) return
  if (client.isReady) {
    try {
      await client.close()
      return
    } catch {
      // fall through to destroy
    }
  }
  client.destroy()
}
