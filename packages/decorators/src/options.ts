// The options of AsyncCache, checked once when a cache is created and turned into the `Config`
// the hot paths read.
import { POLICIES, type PolicyName } from '@cache/core'
import { compileExpiry, parseDuration, type ExpiryResolver, type ExpirySpec } from '@cache/expiry'

import { configError } from './errors.js'
import { logError, type CacheEventListener, type ErrorHandler } from './events.js'
import { checkL2, type L2Store } from './l2.js'
import { systemNow } from './clock.js'

/** Retrying a failed load: exponential backoff between attempts; only the last error surfaces. */
export interface RetryOptions {
  /** How many times to retry after the first attempt fails (so `count + 1` attempts at most). */
  readonly count: number
  /**
   * The wait before the first retry, in ms; it doubles before each further one.
   * @default 100
   */
  readonly backoffMs?: number
  /**
   * The longest wait between two attempts, in ms.
   * @default 30_000
   */
  readonly maxBackoffMs?: number
  /**
   * How much of each wait is random, from 0 (none) to 1 ("full jitter": anywhere from 0 to the
   * wait), so that many clients failing together do not retry in lockstep.
   * @default 0
   */
  readonly jitter?: number
  /**
   * Whether an error is worth another attempt; `attempt` is the attempt that failed (1-based).
   * @default () => true
   */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean
}

/** How `get(key, { batchLoader })` and `getMany()` group misses (see `@cache/batch`). */
export interface BatchOptions {
  /**
   * How long a batch collects misses, in ms. `0` collects those of the same tick.
   * @default 0
   */
  readonly windowMs?: number
  /**
   * The most keys in one batch call.
   * @default 100
   */
  readonly maxBatchSize?: number
  /**
   * The most batch calls in flight at once.
   * @default Infinity
   */
  readonly concurrency?: number
  /**
   * Fails a batch call that has not settled within this many ms.
   * @default undefined
   */
  readonly timeoutMs?: number
}

/** Disposes of one resource when its entry leaves the cache; may return a promise. */
export type Disposer<V> = (resource: V, key: unknown) => void | PromiseLike<void>

/**
 * What to dispose of when an entry leaves the cache (evicted, expired, invalidated, replaced,
 * cleared):
 * - `true`: the value, through `Symbol.asyncDispose`, `Symbol.dispose` or `close()`;
 * - a list of data pointers into the value (`'$.clients.db'`), each disposed of likewise; a
 *   pointer ending in `':ignore_missing'` may find nothing;
 * - a function, called with the value.
 */
export type DisposeOption<V> = boolean | readonly string[] | Disposer<V>

/** Options of `new AsyncCache()`; every one is checked when the cache is created. */
export interface AsyncCacheOptions<K = unknown, V = unknown> {
  /**
   * The most entries kept: a non-negative integer up to 2^30, or `null` for no limit. `0` keeps
   * nothing: every call goes through to the loader.
   * @default 1000
   */
  readonly maxSize?: number | null
  /**
   * The eviction policy (`@cache/core`): `'lru'`, `'lfu'`, `'fifo'`, `'sieve'`, `'s3fifo'` or
   * `'tinylfu'`.
   * @default 'lru'
   */
  readonly policy?: PolicyName
  /**
   * How long an entry stays fresh, in ms (`Infinity`: forever). Give `ttl` or `expiration`, not
   * both.
   * @default Infinity
   */
  readonly ttl?: number
  /**
   * When an entry expires, in any form of `@cache/expiry`: seconds (`30`), a duration
   * (`'10 minutes'`, `'PT1H'`), a date or time of day, a data pointer into the value
   * (`'$.token.expiresAt'`) or a function of the cached item. Checked when the cache is created.
   * @default undefined (never expires)
   */
  readonly expiration?: ExpirySpec<V>
  /**
   * Keep failed loads too: the error is rethrown to callers until it expires, without calling
   * the loader. Aborted loads are never kept.
   * @default false
   */
  readonly negativeCache?: boolean
  /**
   * When a kept error expires, in any form of `@cache/expiry`.
   * @default 10 (seconds)
   */
  readonly negativeExpiration?: ExpirySpec
  /**
   * Retries of a failed load: a count, or {@link RetryOptions}.
   * @default 0
   */
  readonly retry?: number | RetryOptions
  /**
   * Fails an attempt with `CacheTimeoutError` (and aborts the loader's `signal`) when it has not
   * settled within this many ms.
   * @default undefined (waits forever)
   */
  readonly timeoutMs?: number
  /**
   * Serve an expired value while one background load refreshes it: `true` for as long as it
   * takes, or a number of ms past expiry after which the value is no longer served.
   * @default false
   */
  readonly staleWhileRevalidate?: boolean | number
  /**
   * Close what values hold when their entries leave the cache; see {@link DisposeOption}.
   * @default false
   */
  readonly dispose?: DisposeOption<V>
  /**
   * Receives errors no caller can receive (a failing `dispose`, a throwing listener).
   * @default logs with console.error
   */
  readonly onError?: ErrorHandler
  /**
   * Receives every {@link CacheEvent}: export counters to Prometheus or OpenTelemetry without
   * polling. Same as calling `cache.on(listener)`.
   * @default undefined
   */
  readonly onEvent?: CacheEventListener<K>
  /**
   * Removes expired entries (disposing of their resources) every so often: a number of ms, or a
   * duration such as `'12h'`. The timer never keeps a process alive.
   * @default false
   */
  readonly autoRemoveExpired?: number | string | false
  /**
   * How misses are grouped into batch calls; see {@link BatchOptions}.
   * @default {}
   */
  readonly batch?: BatchOptions
  /**
   * The clock, in ms. Inject one in tests (or use fake timers).
   * @default () => Date.now()
   */
  readonly now?: () => number
  /**
   * A name for `info()`, events and messages.
   * @default ''
   */
  readonly name?: string
  /**
   * A shared second tier behind this in-process cache, such as `redisStore()` of
   * `@cache/redis`. Reads go L1, then L2 (a hit fills L1), then the loader, which writes both;
   * `delete`, `set` and `clear` reach the other instances through the store. L2 failures are
   * reported to `onError` and never reach a caller. Needs `maxSize` above 0 (or `null`).
   * @default undefined (in-process only)
   */
  readonly l2?: L2Store
}

/** A `dispose` data pointer, parsed. */
export interface Pointer {
  readonly source: string
  readonly path: readonly string[]
  readonly ignoreMissing: boolean
}

/** Retry options with every default filled in. */
export interface RetryConfig {
  readonly count: number
  readonly backoffMs: number
  readonly maxBackoffMs: number
  readonly jitter: number
  readonly shouldRetry: ((error: unknown, attempt: number) => boolean) | undefined
}

/** Options as the cache reads them: checked, defaulted, compiled. */
export interface Config {
  readonly name: string
  readonly maxSize: number | null
  readonly policy: PolicyName
  /** The plain default TTL in ms when given as `ttl` (or a plain duration), else `null`. */
  readonly ttl: number | null
  /** `undefined`: values never expire, so the hit path never reads the clock. */
  readonly expiry: ExpiryResolver | undefined
  readonly expiration: unknown
  readonly negativeCache: boolean
  readonly negativeExpiry: ExpiryResolver
  readonly negativeExpiration: unknown
  readonly retry: RetryConfig
  readonly timeoutMs: number | undefined
  /** How long past expiry a value is still served: 0 (off) … Infinity. */
  readonly staleMs: number
  readonly dispose: boolean
  readonly disposePointers: readonly Pointer[] | undefined
  readonly disposer: Disposer<unknown> | undefined
  readonly disposeOption: unknown
  readonly onError: ErrorHandler
  readonly onEvent: CacheEventListener | undefined
  readonly autoRemoveMs: number | undefined
  readonly batch: BatchOptions
  readonly now: () => number
  readonly l2: L2Store | undefined
}

/**
 * When a value fetched at `fetchedAt` expires: after a per-call `ttl` when there is one, else
 * as `expiration` says (a promise when it is async), else never.
 */
export function expiresAtOf(
  config: Config,
  value: unknown,
  fetchedAt: number,
  ttl: number | undefined,
): number | Promise<number> {
  if (ttl !== undefined) return fetchedAt + ttl
  if (config.expiry === undefined) return Infinity
  return config.expiry({ value, fetchedAt, isError: false }, fetchedAt)
}

const MAX_SIZE = 2 ** 30
const DEFAULT_MAX_SIZE = 1000
const DEFAULT_NEGATIVE_EXPIRATION = 10

/** The option names `AsyncCache` accepts. */
export const CACHE_OPTION_NAMES: readonly string[] = [
  'maxSize',
  'policy',
  'ttl',
  'expiration',
  'negativeCache',
  'negativeExpiration',
  'retry',
  'timeoutMs',
  'staleWhileRevalidate',
  'dispose',
  'onError',
  'onEvent',
  'autoRemoveExpired',
  'batch',
  'now',
  'name',
  'l2',
]

/** Whether `value` is a function declared `async` (or bound from one). */
export function isAsyncFunction(value: unknown): boolean {
  if (typeof value !== 'function') return false
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
    ?.constructor?.name
  return name === 'AsyncFunction' || name === 'AsyncGeneratorFunction'
}

/** Throws a `CacheConfigError` for any name in `options` that is not in `known`. */
function rejectUnknownOptions(options: object, known: readonly string[]): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) {
      const close = known.find((k) => k.toLowerCase() === name.toLowerCase())
      throw configError(
        name,
        close === undefined
          ? `one of the known options (${known.join(', ')})`
          : `spelled \`${close}\``,
        (options as Record<string, unknown>)[name],
      )
    }
  }
}

/**
 * Checks every option and compiles the expirations. Throws `CacheConfigError` naming the first
 * bad option and its value.
 */
export function normalizeOptions(
  options: AsyncCacheOptions<never, never> | undefined,
  known: readonly string[] = CACHE_OPTION_NAMES,
): Config {
  if (options === undefined) options = {}
  if (typeof options !== 'object' || (options as unknown) === null) {
    throw configError('options', 'an object', options)
  }
  rejectUnknownOptions(options, known)
  const o = options as Record<string, unknown>

  const maxSize = o.maxSize === undefined ? DEFAULT_MAX_SIZE : o.maxSize
  if (
    maxSize !== null &&
    (typeof maxSize !== 'number' || !Number.isInteger(maxSize) || maxSize < 0 || maxSize > MAX_SIZE)
  ) {
    throw configError('maxSize', `null or an integer from 0 to ${MAX_SIZE}`, maxSize)
  }

  const policy = o.policy ?? 'lru'
  if (!(POLICIES as readonly unknown[]).includes(policy)) {
    throw configError('policy', `one of ${POLICIES.map((p) => `'${p}'`).join(', ')}`, policy)
  }

  if (o.ttl !== undefined && o.expiration !== undefined) {
    throw configError('ttl', 'left out when `expiration` is given (give one of them)', o.ttl)
  }
  let ttl: number | null = null
  let expiry: ExpiryResolver | undefined
  if (o.ttl !== undefined) {
    if (typeof o.ttl !== 'number' || !(o.ttl > 0)) {
      throw configError('ttl', 'a positive number of milliseconds or Infinity', o.ttl)
    }
    ttl = o.ttl
    if (ttl !== Infinity) {
      const ms = ttl
      expiry = (item) => item.fetchedAt + ms
    }
  } else if (o.expiration !== undefined && o.expiration !== null && o.expiration !== false) {
    expiry = compileSpec('expiration', o.expiration)
    ttl = plainDuration(o.expiration)
  }

  const negativeCache = o.negativeCache ?? false
  if (typeof negativeCache !== 'boolean') {
    throw configError('negativeCache', 'a boolean', negativeCache)
  }
  const negativeExpiration = o.negativeExpiration ?? DEFAULT_NEGATIVE_EXPIRATION
  const negativeExpiry = compileSpec('negativeExpiration', negativeExpiration)

  const timeoutMs = o.timeoutMs
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs))
  ) {
    throw configError('timeoutMs', 'a positive finite number of milliseconds', timeoutMs)
  }

  const swr = o.staleWhileRevalidate ?? false
  let staleMs: number
  if (typeof swr === 'boolean') staleMs = swr ? Infinity : 0
  else if (typeof swr === 'number' && swr >= 0) staleMs = swr
  else {
    throw configError(
      'staleWhileRevalidate',
      'a boolean or a non-negative number of milliseconds',
      swr,
    )
  }

  const { dispose, disposePointers, disposer } = checkDispose(o.dispose)

  const onError = o.onError ?? logError
  checkFunction('onError', onError)
  checkFunction('onEvent', o.onEvent)
  const now = o.now ?? systemNow
  checkFunction('now', now)

  let autoRemoveMs: number | undefined
  const auto = o.autoRemoveExpired
  if (typeof auto === 'number') {
    if (!(auto > 0) || !Number.isFinite(auto)) {
      throw configError(
        'autoRemoveExpired',
        "a positive finite number of milliseconds, a duration such as '12h', or false",
        auto,
      )
    }
    autoRemoveMs = auto
  } else if (typeof auto === 'string') {
    let ms: number
    try {
      ms = parseDuration(auto)
    } catch (error) {
      throw configError('autoRemoveExpired', "a duration such as '12h'", auto, error)
    }
    if (!(ms > 0)) throw configError('autoRemoveExpired', 'a positive duration', auto)
    autoRemoveMs = ms
  } else if (auto !== undefined && auto !== false) {
    throw configError(
      'autoRemoveExpired',
      "a positive finite number of milliseconds, a duration such as '12h', or false",
      auto,
    )
  }

  const name = o.name ?? ''
  if (typeof name !== 'string') throw configError('name', 'a string', name)

  const l2 = checkL2(o.l2)
  if (l2 !== undefined && maxSize === 0) {
    throw configError('maxSize', 'above 0 (or null) with `l2`: the L2 needs an L1 in front', 0)
  }

  return {
    name,
    maxSize,
    policy: policy as PolicyName,
    ttl,
    expiry,
    expiration: o.ttl !== undefined ? undefined : o.expiration,
    negativeCache,
    negativeExpiry,
    negativeExpiration,
    retry: checkRetry(o.retry),
    timeoutMs,
    staleMs,
    dispose,
    disposePointers,
    disposer,
    disposeOption: o.dispose ?? false,
    onError: onError as ErrorHandler,
    onEvent: o.onEvent as CacheEventListener | undefined,
    autoRemoveMs,
    batch: checkBatch(o.batch),
    now: now as () => number,
    l2,
  }
}

function compileSpec(option: string, spec: unknown): ExpiryResolver {
  try {
    return compileExpiry(spec as ExpirySpec)
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw configError(option, `an expiration @cache/expiry accepts (${detail})`, spec, error)
  }
}

/** The duration in ms when `spec` is a plain duration (for `stats().ttl`), else `null`. */
function plainDuration(spec: unknown): number | null {
  if (typeof spec === 'number' && spec <= 1e8) return parseDuration(spec)
  if (typeof spec === 'string' && !spec.trim().startsWith('$.')) {
    try {
      return parseDuration(spec)
    } catch {
      return null
    }
  }
  return null
}

function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw configError(option, 'a function', value)
  }
}

function checkRetry(retry: unknown): RetryConfig {
  if (retry === undefined) {
    return { count: 0, backoffMs: 100, maxBackoffMs: 30_000, jitter: 0, shouldRetry: undefined }
  }
  if (typeof retry === 'number') retry = { count: retry }
  if (typeof retry !== 'object' || retry === null) {
    throw configError('retry', 'a number of retries or { count, backoffMs, … }', retry)
  }
  const r = retry as Record<string, unknown>
  rejectUnknownOptions(r, ['count', 'backoffMs', 'maxBackoffMs', 'jitter', 'shouldRetry'])
  const { count, backoffMs = 100, maxBackoffMs = 30_000, jitter = 0, shouldRetry } = r
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw configError('retry.count', 'a non-negative integer', count)
  }
  if (typeof backoffMs !== 'number' || !(backoffMs >= 0) || !Number.isFinite(backoffMs)) {
    throw configError('retry.backoffMs', 'a non-negative finite number of milliseconds', backoffMs)
  }
  if (typeof maxBackoffMs !== 'number' || !(maxBackoffMs >= 0)) {
    throw configError('retry.maxBackoffMs', 'a non-negative number of milliseconds', maxBackoffMs)
  }
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) {
    throw configError('retry.jitter', 'a number from 0 to 1', jitter)
  }
  checkFunction('retry.shouldRetry', shouldRetry)
  return {
    count,
    backoffMs,
    maxBackoffMs,
    jitter,
    shouldRetry: shouldRetry as RetryConfig['shouldRetry'],
  }
}

function checkBatch(batch: unknown): BatchOptions {
  if (batch === undefined) return {}
  if (typeof batch !== 'object' || batch === null) {
    throw configError('batch', 'an object of batch options', batch)
  }
  const b = batch as Record<string, unknown>
  rejectUnknownOptions(b, ['windowMs', 'maxBatchSize', 'concurrency', 'timeoutMs'])
  const { windowMs, maxBatchSize, concurrency, timeoutMs } = b
  if (
    windowMs !== undefined &&
    (typeof windowMs !== 'number' || !(windowMs >= 0) || !Number.isFinite(windowMs))
  ) {
    throw configError('batch.windowMs', 'a non-negative finite number of milliseconds', windowMs)
  }
  for (const [option, value] of [
    ['batch.maxBatchSize', maxBatchSize],
    ['batch.concurrency', concurrency],
  ] as const) {
    if (
      value !== undefined &&
      value !== Infinity &&
      (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    ) {
      throw configError(option, 'a positive integer or Infinity', value)
    }
  }
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs))
  ) {
    throw configError('batch.timeoutMs', 'a positive finite number of milliseconds', timeoutMs)
  }
  return b
}

const IGNORE_MISSING = ':ignore_missing'

function checkDispose(option: unknown): {
  dispose: boolean
  disposePointers: readonly Pointer[] | undefined
  disposer: Disposer<unknown> | undefined
} {
  if (option === undefined || option === false) {
    return { dispose: false, disposePointers: undefined, disposer: undefined }
  }
  if (option === true) return { dispose: true, disposePointers: undefined, disposer: undefined }
  if (typeof option === 'function') {
    return { dispose: true, disposePointers: undefined, disposer: option as Disposer<unknown> }
  }
  if (Array.isArray(option)) {
    const pointers = (option as unknown[]).map((source, i): Pointer => {
      if (typeof source !== 'string') {
        throw configError(`dispose[${i}]`, "a data pointer such as '$.clients.db'", source)
      }
      const ignoreMissing = source.endsWith(IGNORE_MISSING)
      const text = ignoreMissing ? source.slice(0, -IGNORE_MISSING.length) : source
      if (text === '$') return { source, path: [], ignoreMissing }
      const path = text.startsWith('$.') ? text.slice(2).split('.') : []
      if (path.length === 0 || path.some((key) => key === '')) {
        throw configError(
          `dispose[${i}]`,
          "a data pointer '$.key[.key…][:ignore_missing]' with no empty key",
          source,
        )
      }
      return { source, path, ignoreMissing }
    })
    return { dispose: true, disposePointers: pointers, disposer: undefined }
  }
  throw configError(
    'dispose',
    'a boolean, a list of data pointers or a function of the value',
    option,
  )
}
