// The second tier of the `l2` hook's unit tests: memoryL2Store (of the testing entry, which
// passes the L2 conformance suite) with what the tests assert on: the calls each store received,
// a failure to inject, and a lock wait that a test may shorten. One `FakeServer` shared by
// several stores stands for one Redis shared by several processes. The Redis store is tested
// against a real server in @cache/redis.
import type {
  L2LockOptions,
  L2LockResult,
  L2Record,
  L2Store,
  L2Subscriber,
  L2Write,
} from '../src/index.js'
import { MemoryL2Server, memoryL2Store, type MemoryL2Store } from '../src/testing/index.js'

/** The shared state: values with their expiry, held locks, the stores on it. */
export class FakeServer extends MemoryL2Server {
  constructor(now: () => number = () => Date.now()) {
    super({ now })
  }
}

/** Calls made to a {@link FakeL2}, for assertions. */
export interface FakeCalls {
  get: string[][]
  set: { writes: L2Write[]; notify: boolean }[]
  delete: string[][]
  clear: number
  lock: string[]
  /** The options of each `lock()` call (the lease the load asked for). */
  lockOptions: (L2LockOptions | undefined)[]
  release: boolean[]
}

/** One instance's store on a {@link FakeServer}. */
export class FakeL2 implements L2Store {
  readonly server: FakeServer
  readonly calls: FakeCalls = {
    get: [],
    set: [],
    delete: [],
    clear: 0,
    lock: [],
    lockOptions: [],
    release: [],
  }
  readonly subscribers: Set<L2Subscriber> = new Set()
  /** Set to make every call reject with it. */
  failWith: Error | undefined = undefined
  lock?: (key: string, options?: L2LockOptions) => Promise<L2LockResult>
  #waitMs = 1_000
  #store: MemoryL2Store

  constructor(server: FakeServer, options: { lock?: boolean } = {}) {
    this.server = server
    this.#store = this.#connect()
    if (options.lock !== false) this.lock = (key, lockOptions) => this.#lock(key, lockOptions)
  }

  /** How long `lock()` waits for another holder before giving up, in ms. */
  get waitMs(): number {
    return this.#waitMs
  }

  set waitMs(ms: number) {
    this.#waitMs = ms
    void this.#store.close()
    this.#store = this.#connect()
  }

  async get(keys: readonly string[]): Promise<(L2Record | undefined)[]> {
    this.calls.get.push([...keys])
    await this.#fault()
    return this.#store.get(keys)
  }

  async set(writes: readonly L2Write[], notify: boolean): Promise<void> {
    this.calls.set.push({ writes: [...writes], notify })
    await this.#fault()
    return this.#store.set(writes, notify)
  }

  async delete(keys: readonly string[]): Promise<void> {
    this.calls.delete.push([...keys])
    await this.#fault()
    return this.#store.delete(keys)
  }

  async clear(): Promise<void> {
    this.calls.clear++
    await this.#fault()
    return this.#store.clear()
  }

  subscribe(subscriber: L2Subscriber): () => void {
    this.subscribers.add(subscriber)
    return () => this.subscribers.delete(subscriber)
  }

  /** A memory store on the server with the current lock wait, delivering to `subscribers`. */
  #connect(): MemoryL2Store {
    const store = memoryL2Store({ server: this.server, lockWaitMs: this.#waitMs })
    store.subscribe({
      invalidate: (keys) => {
        for (const subscriber of this.subscribers) subscriber.invalidate(keys)
      },
      error: (error) => {
        for (const subscriber of this.subscribers) subscriber.error(error)
      },
    })
    return store
  }

  /**
   * The memory store's lock, recorded; its result has no `commit`, so the cache writes with
   * `set()` (recorded too) and then releases.
   */
  async #lock(key: string, options: L2LockOptions | undefined): Promise<L2LockResult> {
    this.calls.lock.push(key)
    this.calls.lockOptions.push(options)
    await this.#fault()
    const result = await this.#store.lock!(key, options)
    if (result.status !== 'acquired') return result
    return {
      status: 'acquired',
      release: (written) => {
        this.calls.release.push(written)
        return result.release(written)
      },
    }
  }

  async #fault(): Promise<void> {
    if (this.failWith === undefined) return
    await Promise.resolve()
    throw this.failWith
  }
}
