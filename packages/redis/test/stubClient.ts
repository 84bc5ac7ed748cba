// A RedisClientLike with no server behind it, for the unit tests in src/ (timeouts, the breaker,
// single flight on fake timers); the integration tests use a real redis-server instead.
import type { RedisClientLike } from '../src/client.js'

type Listener = (...args: unknown[]) => void

/** A stub client, with what a test drives it by. */
export interface StubClient extends RedisClientLike {
  isReady: boolean
  /** Every command sent, with the (fake) clock's time then. */
  readonly calls: { at: number; args: readonly string[] }[]
  /** Fires a client event (`'error'`, `'ready'`, …) at the listeners added with `on`. */
  readonly emit: (event: string, arg?: unknown) => void
  /** Delivers `message` to the listener of the subscribed channel, if any. */
  readonly publish: (message: string) => void
}

/** A ready client that answers each command with `reply(args)` (`'OK'` by default). */
export function stubClient(reply: (args: readonly string[]) => unknown = () => 'OK'): StubClient {
  const listeners = new Map<string, Listener[]>()
  let onMessage: ((message: string) => unknown) | undefined
  const client: StubClient = {
    isReady: true,
    isOpen: true,
    calls: [],
    connect: () => Promise.resolve(),
    close: () => Promise.resolve(),
    destroy: () => {},
    duplicate: () => client,
    sendCommand: (args) => {
      client.calls.push({ at: Date.now(), args })
      return Promise.resolve(reply(args))
    },
    subscribe: (channel, listener) => {
      onMessage = (message) => listener(message, channel)
      return Promise.resolve()
    },
    unsubscribe: () => Promise.resolve(),
    on: (event, listener) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener])
      return client
    },
    off: () => client,
    emit: (event, arg) => {
      for (const listener of listeners.get(event) ?? []) listener(arg)
    },
    publish: (message) => {
      onMessage?.(message)
    },
  }
  return client
}
