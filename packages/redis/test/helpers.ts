// Small tools the Redis tests share: a private server per test file, bounded waiting, and a
// plain client to look at the server.
import { createClient, type RedisClientType } from 'redis'
import { afterAll, beforeAll } from 'vitest'

import { startRedisServer, type RedisServer } from './redisServer.js'

/** A plain node-redis client, to check what the store wrote. */
export type RawClient = RedisClientType

/** A connected plain client for `url`. */
export async function rawClient(url: string): Promise<RawClient> {
  const client = createClient({ url, socket: { reconnectStrategy: 50 } })
  client.on('error', () => {
    // Expected while a test stops the server.
  })
  await client.connect()
  return client
}

/** Waits until `check()` is true, polling every 10 ms; throws after `ms`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  ms = 3_000,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(10)
  }
  throw new Error(`${what} did not hold within ${ms} ms`)
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** A promise with its resolve exposed. */
export function gate<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

/** What a promise settled with, without throwing. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise }
  } catch (error) {
    return { ok: false, error }
  }
}

/** What {@link usePrivateServer} provides once the file's `beforeAll` has run. */
export interface PrivateServer {
  server: RedisServer
  raw: RawClient
  /** Stores to close after the file's tests. */
  stores: { close(): Promise<void> }[]
}

/**
 * Starts a private redis-server and a raw client before this file's tests and, after them,
 * closes the stores pushed to `stores`, the client and the server.
 */
export function usePrivateServer(): PrivateServer {
  const env = { stores: [] } as unknown as PrivateServer
  beforeAll(async () => {
    env.server = await startRedisServer()
    env.raw = await rawClient(env.server.url)
  })
  afterAll(async () => {
    await Promise.allSettled(env.stores.map((store) => store.close()))
    env.raw.destroy()
    await env.server.stop()
  })
  return env
}
