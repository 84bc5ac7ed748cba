// The options of redisStore(), checked once when the store is created.
import { CacheConfigError } from '@cache/decorators'

import type { BreakerOptions } from './breaker.js'
import type { RedisClientLike } from './client.js'
import type { ClusterOptions, RedisClusterLike } from './clusterRouter.js'
import { jsonSerializer, type Serializer } from './codec.js'
import type { SingleFlightOptions } from './singleFlight.js'
import type { TierStateEvent } from './tierHealth.js'

/** Options of `redisStore()`: where Redis is, the namespace, and how to behave when it is not. */
export interface RedisStoreOptions {
  /**
   * A `redis[s]://` URL: the store creates its two connections (commands, pub/sub), set up to
   * fail fast while disconnected and to reconnect forever, and closes them in `close()`. Give
   * `url`, `cluster` or `client`.
   */
  readonly url?: string
  /**
   * A Redis Cluster (or Valkey in cluster mode) to create a client for: some of its nodes, the
   * others are discovered. Each key's commands go to its hash slot's master; the store closes the
   * client in `close()`. See the README's "Redis Cluster".
   * @example { rootNodes: [{ url: 'redis://10.0.0.1:6379' }, { url: 'redis://10.0.0.2:6379' }] }
   */
  readonly cluster?: ClusterOptions
  /**
   * A node-redis client instead of `url` (connected or not; the store connects it if needed).
   * The store duplicates it for pub/sub and leaves it open in `close()`. Create it with
   * `disableOfflineQueue: true` so that commands fail fast, rather than queue, while Redis is
   * down; and without `keyPrefix` (use `prefix`). A cluster client (`createCluster()`) puts the
   * store on that cluster (its `defaults` set up the same way).
   */
  readonly client?: RedisClientLike | RedisClusterLike
  /**
   * This cache's namespace: its keys are `<prefix>{<32 hex digits>}` and its channel
   * `<prefix>invalidate`. `clear()` removes exactly these keys. End it with a separator. No `{`
   * or `}`: the braces after it are each key's Redis Cluster hash tag.
   * @example 'users:'
   */
  readonly prefix: string
  /**
   * How values become text and back.
   * @default jsonSerializer (round-trips Date, Map, Set, BigInt, undefined, Buffer, typed arrays, errors)
   */
  readonly serializer?: Serializer
  /**
   * The bound on each Redis call, in ms: a call that takes longer counts as a failure, and the
   * cache goes on without Redis.
   * @default 500
   */
  readonly timeoutMs?: number
  /**
   * The bound on opening a connection (`url` only), in ms.
   * @default 2_000
   */
  readonly connectTimeoutMs?: number
  /**
   * When to stop calling a failing Redis for a while; see `BreakerOptions`.
   * @default { failureThreshold: 3, cooldownMs: 500, maxCooldownMs: 10_000 }
   */
  readonly breaker?: BreakerOptions
  /**
   * Distributed single flight: concurrent misses of one key on several instances run the
   * loader once. `false` turns it off (each instance loads for itself); an object tunes it.
   * @default true
   */
  readonly singleFlight?: boolean | SingleFlightOptions
  /**
   * The most keys read in one call (reads of the same tick are batched).
   * @default 100
   */
  readonly maxBatchSize?: number
  /**
   * How long a delete or a clear is remembered, in ms: a write whose load started before a
   * delete of its key (or a clear) is dropped, so that a slow load or a command delayed by a
   * paused server cannot bring deleted data back. Each delete leaves a small key (a
   * tombstone) for this long; a write whose load started longer ago than this is dropped too,
   * since it can no longer be ordered (it stays in the writer's L1). Set it above your
   * slowest load.
   * @default 60_000
   */
  readonly tombstoneMs?: number
  /**
   * Receives each error no caller gets (a lost connection, a failed read, unreadable data), one
   * call per error: during an outage, one per failed call. Nothing is printed for them: the
   * outage itself is reported once, see `log` and `onStateChange`.
   * @default the `onError` of the caches using the store (whose default prints none of these: they
   * are counted in `stats().l2Errors`); dropped when no cache uses the store
   */
  readonly onError?: (error: unknown) => void
  /**
   * Receives each change of Redis's availability: `'unavailable'` (a connection lost, or the
   * circuit breaker opened by failing or hung calls) with its `cause`, then `'available'` (the
   * connections ready again and a call succeeded) with how long it was down and the calls
   * skipped or failed meanwhile. Rate-limited as `log` is: the same reports, as data.
   * @default undefined
   */
  readonly onStateChange?: (event: TierStateEvent) => void
  /**
   * Where the outage reports go as text, one line each: `true` for `console.warn`, a function
   * for your logger, `false` for nowhere. One line when Redis becomes unavailable, one when it
   * is back; outages that begin within 10 s of the last report are summed up in one line when
   * that window ends (the window doubles while Redis keeps flapping, up to 5 min), so a flapping
   * server prints at most one `'unavailable'` line (and its `'available'` line) per 10 s, and
   * fewer as it goes on. With `true`, the stores of one process on one server (one `url`, or
   * one `client`) share their lines: one when the first finds Redis unavailable, one when the
   * last has it back, with the calls skipped by them all.
   * @default true
   * @example (line) => logger.warn(line)
   */
  readonly log?: boolean | ((line: string) => void)
}

/** The options with every default filled in. */
export interface StoreConfig {
  readonly url: string | undefined
  readonly cluster: ClusterOptions | undefined
  readonly client: RedisClientLike | RedisClusterLike | undefined
  readonly prefix: string
  readonly serializer: Serializer
  readonly timeoutMs: number
  readonly connectTimeoutMs: number
  readonly breaker: Required<BreakerOptions>
  readonly singleFlight: Required<SingleFlightOptions> | undefined
  readonly maxBatchSize: number
  readonly tombstoneMs: number
  readonly onError: ((error: unknown) => void) | undefined
  readonly onStateChange: ((event: TierStateEvent) => void) | undefined
  /** Where report lines go; `undefined`: nowhere. */
  readonly log: ((line: string) => void) | undefined
  /** `log` is the default: the console lines are shared by the stores on one server. */
  readonly sharedLog: boolean
}

/** Every option `redisStore()` takes (any other name is refused). */
export const OPTION_NAMES: readonly string[] = [
  'url',
  'cluster',
  'client',
  'prefix',
  'serializer',
  'timeoutMs',
  'connectTimeoutMs',
  'breaker',
  'singleFlight',
  'maxBatchSize',
  'tombstoneMs',
  'onError',
  'onStateChange',
  'log',
]

/** The default `log`: one `console.warn` line. */
function warn(line: string): void {
  console.warn(line)
}

/** The longest delay `setTimeout` takes; a longer one fires at once, with a warning. */
const MAX_TIMER_MS = 2 ** 31 - 1

function positive(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value > 0) || !(value <= MAX_TIMER_MS)) {
    throw new CacheConfigError(
      option,
      `a positive finite number of milliseconds up to ${MAX_TIMER_MS}`,
      value,
    )
  }
  return value
}

function integer(option: string, value: unknown, fallback: number, max = Infinity): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new CacheConfigError(
      option,
      max === Infinity ? 'a positive integer' : `a positive integer up to ${max}`,
      value,
    )
  }
  return value
}

/**
 * `value` as an options object whose names are all `known`, read once into a plain record (a
 * getter is never read twice; one that throws, or a revoked Proxy, is a CacheConfigError with the
 * error as `cause`); `option` is its name, '' at the top.
 */
function object(option: string, value: unknown, known: readonly string[]): Record<string, unknown> {
  const name = option || 'options'
  if (typeof value !== 'object' || value === null) {
    throw new CacheConfigError(name, 'an object of options', value)
  }
  const record: Record<string, unknown> = {}
  let unknownName: string | undefined
  let unknownValue: unknown
  try {
    for (const key of Object.keys(value)) {
      const read = (value as Record<string, unknown>)[key]
      if (!known.includes(key)) {
        // Not assigned to `record`: an own `__proto__` key would set its prototype.
        unknownName = key
        unknownValue = read
        break
      }
      record[key] = read
    }
  } catch (error) {
    throw new CacheConfigError(name, 'an object of options that can be read', value, {
      cause: error,
    })
  }
  if (unknownName !== undefined) {
    throw new CacheConfigError(
      option === '' ? unknownName : `${option}.${unknownName}`,
      `one of the known options (${known.join(', ')})`,
      unknownValue,
    )
  }
  return record
}

/** Whether `value` is an object with these methods; `false` when reading them throws. */
function hasMethods(value: unknown, methods: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false
  try {
    return methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function')
  } catch {
    return false
  }
}

/**
 * Throws unless `url` is what the client can connect to: `redis://` or `rediss://`, a host, a
 * port from 1 to 65535 if any, and no path but a database number (`/0`).
 */
function checkUrl(url: unknown): void {
  const expected =
    'a redis:// or rediss:// URL with a host, an optional port from 1 to 65535 and no path but a database number'
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
    throw new CacheConfigError('url', 'a redis:// or rediss:// URL', url)
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch (error) {
    throw new CacheConfigError('url', expected, url, { cause: error })
  }
  if (
    parsed.hostname === '' ||
    parsed.port === '0' ||
    !/^(\/\d*)?$/.test(parsed.pathname) ||
    parsed.hash !== ''
  ) {
    throw new CacheConfigError('url', expected, url)
  }
}

/** Checks `cluster`: an object with a non-empty `rootNodes` list of `{ url }`. */
function checkCluster(value: unknown): ClusterOptions {
  const o = object('cluster', value, ['rootNodes'])
  const roots = o.rootNodes
  if (!Array.isArray(roots) || roots.length === 0) {
    throw new CacheConfigError(
      'cluster.rootNodes',
      "a non-empty list of nodes, such as [{ url: 'redis://10.0.0.1:6379' }]",
      roots,
    )
  }
  const rootNodes = roots.map((node: unknown, i) => {
    const { url } = object(`cluster.rootNodes[${i}]`, node, ['url'])
    try {
      checkUrl(url)
    } catch (error) {
      if (!(error instanceof CacheConfigError)) throw error
      throw new CacheConfigError(`cluster.rootNodes[${i}].url`, 'a redis:// or rediss:// URL', url)
    }
    return { url: url as string }
  })
  return { rootNodes }
}

/**
 * Checks every option and fills in the defaults.
 *
 * @throws {CacheConfigError} naming the first invalid option and its value.
 */
export function checkOptions(options: unknown): StoreConfig {
  const o = object('', options, OPTION_NAMES)
  const { url, client, cluster } = o
  const given = [url, client, cluster].filter((v) => v !== undefined).length
  if (given !== 1) {
    throw new CacheConfigError(
      given === 0 ? 'url' : url === undefined ? 'cluster' : 'url',
      'given, or `cluster`, or `client` (one of them)',
      given === 0 || url === undefined ? cluster : url,
    )
  }
  if (url !== undefined) checkUrl(url)
  const clusterOptions = cluster === undefined ? undefined : checkCluster(cluster)
  if (client !== undefined) {
    if (!hasMethods(client, ['sendCommand', 'duplicate', 'connect', 'subscribe', 'on'])) {
      throw new CacheConfigError(
        'client',
        'a node-redis client (createClient() of `redis`)',
        client,
      )
    }
  }
  const prefix = o.prefix
  if (typeof prefix !== 'string' || prefix === '') {
    throw new CacheConfigError(
      'prefix',
      "a non-empty string naming this cache's keys, such as 'users:'",
      prefix,
    )
  }
  if (/[{}]/.test(prefix)) {
    // A brace would make the prefix a Redis Cluster hash tag: every key of the cache on one node.
    throw new CacheConfigError(
      'prefix',
      "a string without '{' or '}' (the store puts each key's hash in braces, as its Redis Cluster hash tag)",
      prefix,
    )
  }
  const serializer = o.serializer ?? jsonSerializer
  if (!hasMethods(serializer, ['encode', 'decode'])) {
    throw new CacheConfigError(
      'serializer',
      'an object with encode(value) and decode(text)',
      serializer,
    )
  }
  const b =
    o.breaker === undefined
      ? {}
      : object('breaker', o.breaker, ['failureThreshold', 'cooldownMs', 'maxCooldownMs'])
  const breaker = {
    failureThreshold: integer('breaker.failureThreshold', b.failureThreshold, 3),
    cooldownMs: positive('breaker.cooldownMs', b.cooldownMs, 500),
    maxCooldownMs: positive('breaker.maxCooldownMs', b.maxCooldownMs, 10_000),
  }
  let singleFlight: Required<SingleFlightOptions> | undefined
  const sf = o.singleFlight ?? true
  if (sf !== false) {
    const f =
      sf === true ? {} : object('singleFlight', sf, ['lockTtlMs', 'waitMs', 'pollMs', 'maxPollMs'])
    singleFlight = {
      lockTtlMs: integer('singleFlight.lockTtlMs', f.lockTtlMs, 10_000, MAX_TIMER_MS),
      waitMs: positive('singleFlight.waitMs', f.waitMs, 5_000),
      pollMs: positive('singleFlight.pollMs', f.pollMs, 25),
      maxPollMs: positive('singleFlight.maxPollMs', f.maxPollMs, 500),
    }
  }
  if (o.onError !== undefined && typeof o.onError !== 'function') {
    throw new CacheConfigError('onError', 'a function', o.onError)
  }
  if (o.onStateChange !== undefined && typeof o.onStateChange !== 'function') {
    throw new CacheConfigError('onStateChange', 'a function', o.onStateChange)
  }
  const log = o.log ?? true
  if (typeof log !== 'boolean' && typeof log !== 'function') {
    throw new CacheConfigError('log', 'true, false or a function taking one line', log)
  }
  return {
    url: url as string | undefined,
    cluster: clusterOptions,
    client: client as RedisClientLike | RedisClusterLike | undefined,
    prefix,
    serializer: serializer as Serializer,
    timeoutMs: positive('timeoutMs', o.timeoutMs, 500),
    connectTimeoutMs: positive('connectTimeoutMs', o.connectTimeoutMs, 2_000),
    breaker,
    singleFlight,
    maxBatchSize: integer('maxBatchSize', o.maxBatchSize, 100),
    tombstoneMs: integer('tombstoneMs', o.tombstoneMs, 60_000, MAX_TIMER_MS),
    onError: o.onError as ((error: unknown) => void) | undefined,
    onStateChange: o.onStateChange as ((event: TierStateEvent) => void) | undefined,
    log: log === true ? warn : log === false ? undefined : (log as (line: string) => void),
    sharedLog: log === true,
  }
}
