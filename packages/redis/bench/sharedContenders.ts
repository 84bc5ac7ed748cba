// The contenders of the shared-tier benchmark (bench/shared.ts): each library set up as its
// README shows for an in-process L1 in front of a Redis L2, configured alike (time to live, L1
// size, one Redis server, a key prefix of its own). Ours goes through the public API only
// (AsyncCache with `l2: redisStore(…)`), so the benchmark keeps working while the store's
// internals change.
import { AsyncCache } from '@cache/decorators'
import { redisStore } from '@cache/redis'
import { createKeyv as createRedisKeyv } from '@keyv/redis'
import { createCache as createDedupeCache } from 'async-cache-dedupe'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis'
import { createCache as createCacheManager } from 'cache-manager'
import { createKeyv as createMemoryKeyv } from 'cacheable'
import { Redis } from 'ioredis'

/** What every loader returns: a small record, as a user lookup would. */
export interface Value {
  readonly id: string
  readonly name: string
  readonly roles: readonly string[]
  readonly active: boolean
}

/** The loader of a scenario; counts its calls. */
export type Load = (key: string) => Promise<Value>

/** One cache instance of a contender: its own L1 and its own Redis connections. */
export interface Instance {
  /** Get-or-load, the way the library's README does it. */
  get(key: string): Promise<Value>
  /** Resolves once the writes this instance started have reached Redis. */
  settle(): Promise<void>
  close(): Promise<void>
}

/** Where the contenders meet: one Redis server, one time to live, one L1 size. */
export interface Setup {
  readonly host: string
  readonly port: number
  readonly ttlMs: number
  readonly l1Size: number
}

export interface Contender {
  readonly name: string
  /** Short, for its key prefixes in Redis. */
  readonly tag: string
  readonly ours: boolean
  /** Whether reads can be served in process. async-cache-dedupe on Redis has no such tier. */
  readonly hasL1: boolean
  /** The SCAN pattern of the entries an instance made with `prefix` writes (not its locks). */
  entries(prefix: string): string
  /**
   * Whether a key the entries' pattern matches holds something other than an entry, by what
   * it holds (`'tombstone'`, say): such keys are reported by kind, not counted as entries.
   */
  readonly notEntry?: (value: string) => string | undefined
  /** SCAN patterns of its other keys by kind (locks, markers), to report what is left. */
  others?(prefix: string): Readonly<Record<string, string>>
  /** A new instance, connected, whose keys in Redis start with `prefix`. */
  create(setup: Setup, prefix: string, load: Load): Promise<Instance>
}

/** An L2 key in a SCAN pattern: 32 hex digits. */
const HASH = '[0-9a-f]'.repeat(32)

const ours: Contender = {
  name: '@cache/redis (AsyncCache + redisStore)',
  tag: 'ours',
  ours: true,
  hasL1: true,
  // `<prefix>{<32 hex digits>}` (the braces are a Redis Cluster hash tag), a tombstone
  // (`t|<version>|`, a delete's) under the same name; its locks are `<prefix>lock:{<hash>}`.
  entries: (prefix) => `${prefix}{${HASH}}`,
  notEntry: (value) => (value.startsWith('t|') ? 'tombstone' : undefined),
  others: (prefix) => ({
    lock: `${prefix}lock:{${HASH}}`,
    'clear marker': `${prefix}cleared*`,
    'tag time': `${prefix}tag:*`,
  }),
  async create(setup, prefix, load) {
    const store = redisStore({
      url: `redis://${setup.host}:${setup.port}`,
      prefix,
      // Generous, as in bench/index.ts: on a loaded machine a call over the default 500 ms would
      // count as a failure and the cache would go on without Redis, which the checks then flag.
      timeoutMs: 10_000,
      // BENCH_NO_SINGLE_FLIGHT=1: each instance loads for itself, as the peers do (the cost of
      // one load per key across instances, measured).
      ...(process.env.BENCH_NO_SINGLE_FLIGHT === '1' ? { singleFlight: false } : {}),
    })
    await store.connect()
    const cache = new AsyncCache<string, Value>({
      l2: store,
      ttl: setup.ttlMs,
      maxSize: setup.l1Size,
    })
    const loader = ({ key }: { key: string }): Promise<Value> => load(key)
    return {
      get: (key) => cache.get(key, loader),
      settle: () => cache.whenL2Settled(),
      async close() {
        await cache.whenL2Settled()
        await cache.destroy()
        await store.close()
      },
    }
  },
}

const bentocache: Contender = {
  name: 'bentocache (memory + redis + bus)',
  tag: 'bento',
  ours: false,
  hasL1: true,
  // The driver drops the prefix's trailing colons and joins it to the key with one.
  entries: (prefix) => `${prefix}*`,
  async create(setup, prefix, load) {
    const connection = { host: setup.host, port: setup.port }
    const bento = new BentoCache({
      default: 'multitier',
      ttl: setup.ttlMs,
      stores: {
        multitier: bentostore()
          .useL1Layer(memoryDriver({ maxItems: setup.l1Size }))
          .useL2Layer(redisDriver({ connection, prefix }))
          .useBus(redisBusDriver({ connection })),
      },
    })
    await bento.get({ key: '-connect-' }) // an L2 read: connects now, not in the timed rounds
    return {
      get: (key) => bento.getOrSet({ key, factory: () => load(key) }),
      settle: () => Promise.resolve(),
      close: () => bento.disconnectAll(),
    }
  },
}

const cacheManager: Contender = {
  name: 'cache-manager (cacheable + @keyv/redis)',
  tag: 'cm',
  ours: false,
  hasL1: true,
  // @keyv/redis joins its namespace and the key with `::`.
  entries: (prefix) => `${prefix}::*`,
  async create(setup, prefix, load) {
    const cache = createCacheManager({
      ttl: setup.ttlMs,
      stores: [
        createMemoryKeyv({ ttl: setup.ttlMs, lruSize: setup.l1Size }),
        createRedisKeyv(`redis://${setup.host}:${setup.port}`, { namespace: prefix }),
      ],
    })
    await cache.get('-connect-') // reads Redis: connects now, not in the timed rounds
    return {
      get: (key) => cache.wrap(key, () => load(key)),
      settle: () => Promise.resolve(),
      async close() {
        await cache.disconnect()
      },
    }
  },
}

const asyncCacheDedupe: Contender = {
  name: 'async-cache-dedupe (redis storage)',
  tag: 'acd',
  ours: false,
  hasL1: false,
  // A defined function's entries are `<name>~<the argument>`.
  entries: (prefix) => `${prefix}~*`,
  async create(setup, prefix, load) {
    const client = new Redis({ host: setup.host, port: setup.port })
    await client.ping()
    const cache = createDedupeCache({
      ttl: setup.ttlMs / 1_000, // seconds
      storage: { type: 'redis', options: { client } },
    }).define(prefix, load)
    const get = cache[prefix]!
    return {
      get: (key) => get(key),
      settle: () => Promise.resolve(),
      async close() {
        await client.quit()
      },
    }
  },
}

/** Ours first, then the peers. */
export const contenders: readonly Contender[] = [ours, bentocache, cacheManager, asyncCacheDedupe]
