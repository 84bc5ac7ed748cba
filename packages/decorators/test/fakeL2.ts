// An in-memory second tier for the unit tests of the `l2` hook: one `FakeServer` shared by
// several stores, as one Redis is shared by several processes. Invalidations reach the other
// stores' subscribers; locks are held in the server. It stands for no real server: the Redis
// store is tested against a real one in @cache/redis.
import type { L2LockResult, L2Record, L2Store, L2Subscriber, L2Write } from '../src/index.js'

interface Stored {
  value: unknown
  isError: boolean
  fetchedAt: number
  expiresAt: number
}

/** The shared state: values with their expiry, locks, and every store's subscribers. */
export class FakeServer {
  readonly values: Map<string, Stored> = new Map()
  /** Held locks, each with the wake-up calls of the instances waiting on it. */
  readonly locks: Map<string, Set<() => void>> = new Map()
  readonly stores: Set<FakeL2> = new Set()
  now: () => number

  constructor(now: () => number = Date.now) {
    this.now = now
  }

  /** A live record for `key`, or `undefined`. */
  read(key: string): L2Record | undefined {
    const stored = this.values.get(key)
    if (stored === undefined) return undefined
    const ttlMs = stored.expiresAt - this.now()
    if (ttlMs <= 0) {
      this.values.delete(key)
      return undefined
    }
    return { value: stored.value, isError: stored.isError, fetchedAt: stored.fetchedAt, ttlMs }
  }

  broadcast(from: FakeL2, keys: readonly string[] | null): void {
    for (const store of this.stores) if (store !== from) store.deliver(keys)
  }
}

/** Calls made to a {@link FakeL2}, for assertions. */
export interface FakeCalls {
  get: string[][]
  set: { writes: L2Write[]; notify: boolean }[]
  delete: string[][]
  clear: number
  lock: string[]
  release: boolean[]
}

/** One instance's store on a {@link FakeServer}. */
export class FakeL2 implements L2Store {
  readonly server: FakeServer
  readonly calls: FakeCalls = { get: [], set: [], delete: [], clear: 0, lock: [], release: [] }
  readonly subscribers: Set<L2Subscriber> = new Set()
  /** Set to make every call reject with it. */
  failWith: Error | undefined = undefined
  /** How long `lock()` waits for another holder before giving up, in ms. */
  waitMs = 1_000
  lock?: (key: string) => Promise<L2LockResult>

  constructor(server: FakeServer, options: { lock?: boolean } = {}) {
    this.server = server
    server.stores.add(this)
    if (options.lock !== false) this.lock = (key) => this.#lock(key)
  }

  async get(keys: readonly string[]): Promise<(L2Record | undefined)[]> {
    this.calls.get.push([...keys])
    await this.#fault()
    return keys.map((key) => this.server.read(key))
  }

  async set(writes: readonly L2Write[], notify: boolean): Promise<void> {
    this.calls.set.push({ writes: [...writes], notify })
    await this.#fault()
    for (const { key, value, isError, fetchedAt, ttlMs } of writes) {
      this.server.values.set(key, {
        value,
        isError,
        fetchedAt,
        expiresAt: this.server.now() + ttlMs,
      })
    }
    if (notify)
      this.server.broadcast(
        this,
        writes.map((write) => write.key),
      )
  }

  async delete(keys: readonly string[]): Promise<void> {
    this.calls.delete.push([...keys])
    await this.#fault()
    for (const key of keys) this.server.values.delete(key)
    this.server.broadcast(this, keys)
  }

  async clear(): Promise<void> {
    this.calls.clear++
    await this.#fault()
    this.server.values.clear()
    this.server.broadcast(this, null)
  }

  subscribe(subscriber: L2Subscriber): () => void {
    this.subscribers.add(subscriber)
    return () => this.subscribers.delete(subscriber)
  }

  /** An invalidation from another store. */
  deliver(keys: readonly string[] | null): void {
    for (const subscriber of this.subscribers) subscriber.invalidate(keys)
  }

  async #lock(key: string): Promise<L2LockResult> {
    this.calls.lock.push(key)
    await this.#fault()
    const server = this.server
    const deadline = server.now() + this.waitMs
    for (;;) {
      const record = server.read(key)
      if (record !== undefined) return { status: 'loaded', record }
      const waiters = server.locks.get(key)
      if (waiters === undefined) {
        server.locks.set(key, new Set())
        return {
          status: 'acquired',
          release: (written) => {
            this.calls.release.push(written)
            const woken = server.locks.get(key)
            server.locks.delete(key)
            for (const wake of woken ?? []) wake()
            return Promise.resolve()
          },
        }
      }
      const remaining = deadline - server.now()
      if (remaining <= 0) return { status: 'skipped' }
      const woken = await new Promise<boolean>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer)
          resolve(true)
        }
        const timer = setTimeout(() => {
          waiters.delete(wake)
          resolve(false)
        }, remaining)
        waiters.add(wake)
      })
      if (!woken) return { status: 'skipped' }
    }
  }

  async #fault(): Promise<void> {
    await Promise.resolve()
    if (this.failWith !== undefined) throw this.failWith
  }
}
