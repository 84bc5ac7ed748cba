// Checks every option of AsyncCache once, when a cache is created, and turns them into the
// `Config` the cache reads. Options that belong to a lower package are checked by that package's
// own validator (@cache/batch's checkBatcherOptions), with errors naming the option as written.
import { checkBatcherOptions } from '@cache/batch'
import { POLICIES, type PolicyName } from '@cache/core'
import {
  compileExpiry,
  compilePointer,
  parseDuration,
  type DataPointer,
  type ExpiryResolver,
  type ExpirySpec,
} from '@cache/expiry'
import { isArray } from '@cache/internal'

import { DEFAULT_TTL_RESOLUTION, systemNow } from './clock.js'
import type { Config, RetryConfig } from './config.js'
import { configError, configErrorFrom } from './errors.js'
import { logError, type CacheEventListener, type ErrorHandler } from './events.js'
import { checkEagerRefresh } from './eagerRefresh.js'
import { checkL2 } from './l2.js'
import { checkFailSafe, checkTimeouts } from './resilienceOptions.js'
import { DEFAULT_REPLAY_LIMIT } from './replayQueue.js'
import type { AsyncCacheOptions, BatchOptions, Disposer } from './options.js'

const MAX_SIZE = 2 ** 30
const DEFAULT_MAX_SIZE = 1000
const DEFAULT_NEGATIVE_EXPIRATION = 10
const MAX_REPLAY_LIMIT = 1_000_000

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
  'timeouts',
  'failSafe',
  'staleWhileRevalidate',
  'eagerRefresh',
  'dispose',
  'onError',
  'onEvent',
  'autoRemoveExpired',
  'batch',
  'now',
  'ttlResolution',
  'name',
  'l2',
  'l2ReplayLimit',
]

/** Whether `value` is a function declared `async` (or bound from one). */
export function isAsyncFunction(value: unknown): boolean {
  if (typeof value !== 'function') return false
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
    ?.constructor?.name
  return name === 'AsyncFunction' || name === 'AsyncGeneratorFunction'
}

/**
 * The `known` options of `options`, each read once (what is checked is what is used); throws a
 * `CacheConfigError` for any name in `options` that is not in `known`, or, with the error as
 * `cause`, when reading throws (a getter, a revoked Proxy).
 */
export function readOptions(options: object, known: readonly string[]): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {}
  let names: string[]
  try {
    names = Object.keys(options)
    for (const name of known) snapshot[name] = (options as Record<string, unknown>)[name]
  } catch (error) {
    throw configError('options', 'an object whose options can be read', options, error)
  }
  for (const name of names) {
    if (!known.includes(name)) {
      const close = known.find((k) => k.toLowerCase() === name.toLowerCase())
      throw configError(
        name,
        close === undefined
          ? `one of the known options (${known.join(', ')})`
          : `spelled \`${close}\``,
        describeUnknown(options, name),
      )
    }
  }
  return snapshot
}

function describeUnknown(options: object, name: string): unknown {
  try {
    return (options as Record<string, unknown>)[name]
  } catch {
    return undefined
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
  const o = readOptions(options, known)

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

  const failSafe = checkFailSafe(o.failSafe)
  const { hardMs, softMs, hardOption } = checkTimeouts(o.timeouts, timeoutMs, failSafe)

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

  const eagerRefresh = checkEagerRefresh(o.eagerRefresh)

  const { dispose, disposePointers, disposer } = checkDispose(o.dispose)

  const onError = o.onError ?? logError
  checkFunction('onError', onError)
  checkFunction('onEvent', o.onEvent)
  const now = o.now ?? systemNow
  checkFunction('now', now)
  const ttlResolution = checkTtlResolution(o.ttlResolution, o.now !== undefined)

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

  const l2ReplayLimit = o.l2ReplayLimit ?? DEFAULT_REPLAY_LIMIT
  if (
    typeof l2ReplayLimit !== 'number' ||
    !Number.isInteger(l2ReplayLimit) ||
    l2ReplayLimit < 0 ||
    l2ReplayLimit > MAX_REPLAY_LIMIT
  ) {
    throw configError('l2ReplayLimit', `an integer from 0 to ${MAX_REPLAY_LIMIT}`, l2ReplayLimit)
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
    timeoutMs: hardMs,
    timeoutOption: hardOption,
    softTimeoutMs: softMs,
    failSafe,
    staleMs,
    eagerRefresh,
    dispose,
    disposePointers,
    disposer,
    disposeOption: o.dispose ?? false,
    onError: onError as ErrorHandler,
    onEvent: o.onEvent as CacheEventListener | undefined,
    autoRemoveMs,
    batch: checkBatch(o.batch),
    now: now as () => number,
    ttlResolution,
    l2,
    l2ReplayLimit,
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
  const duration =
    (typeof spec === 'number' && spec <= 1e8) ||
    (typeof spec === 'string' && !spec.trim().startsWith('$.'))
  if (!duration) return null
  try {
    return parseDuration(spec)
  } catch {
    // A spec compileExpiry accepted in another form (-Infinity: always expired): no plain ttl.
    return null
  }
}

/** The longest delay a timer takes (a longer one runs at once, with a warning). */
const MAX_TIMER_MS = 2_147_483_647

/** `ttlResolution`: ms a timer can wait (0 included); only 0 (or nothing) with `now`. */
function checkTtlResolution(value: unknown, injectedNow: boolean): number {
  if (value === undefined) return injectedNow ? 0 : DEFAULT_TTL_RESOLUTION
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMER_MS)) {
    throw configError('ttlResolution', `a number of milliseconds from 0 to ${MAX_TIMER_MS}`, value)
  }
  if (injectedNow && value !== 0) {
    throw configError(
      'ttlResolution',
      '0 or left out with `now` (an injected clock is read at every hit)',
      value,
    )
  }
  return value
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
  const r = readOptions(retry, ['count', 'backoffMs', 'maxBackoffMs', 'jitter', 'shouldRetry'])
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

const BATCH_OPTION_NAMES = ['windowMs', 'maxBatchSize', 'concurrency', 'timeoutMs'] as const

/** The `batch` option: the names this cache takes, each value checked by `@cache/batch` itself. */
function checkBatch(batch: unknown): BatchOptions {
  if (batch === undefined) return {}
  if (typeof batch !== 'object' || batch === null) {
    throw configError('batch', 'an object of batch options', batch)
  }
  const b = readOptions(batch, BATCH_OPTION_NAMES)
  // One option at a time, so that an error names the option that was wrong.
  for (const name of BATCH_OPTION_NAMES) {
    const value = b[name]
    if (value === undefined) continue
    try {
      checkBatcherOptions({ [name]: value })
    } catch (error) {
      throw configErrorFrom(`batch.${name}`, name, value, error)
    }
  }
  return b
}

/** What a `dispose` pointer must look like, in the words of the message users have seen. */
const EXPECTED_DISPOSE_POINTER = "a data pointer '$.key[.key…][:ignore_missing]' with no empty key"

/**
 * A `dispose` target, compiled by `@cache/expiry`'s `compilePointer`: the grammar expiration
 * pointers use too (`$`, `$.a.b`, `$.a[0]`, `$.a.*`, `:ignore_missing`; own properties only).
 */
function disposePointer(source: unknown, option: string): DataPointer {
  if (typeof source !== 'string') {
    throw configError(option, "a data pointer such as '$.clients.db'", source)
  }
  try {
    return compilePointer(source)
  } catch {
    throw configError(option, EXPECTED_DISPOSE_POINTER, source)
  }
}

function checkDispose(option: unknown): {
  dispose: boolean
  disposePointers: readonly DataPointer[] | undefined
  disposer: Disposer<unknown> | undefined
} {
  if (option === undefined || option === false) {
    return { dispose: false, disposePointers: undefined, disposer: undefined }
  }
  if (option === true) return { dispose: true, disposePointers: undefined, disposer: undefined }
  if (typeof option === 'function') {
    return { dispose: true, disposePointers: undefined, disposer: option as Disposer<unknown> }
  }
  // '*' as the whole option: every own enumerable value of the value, as aquiche's "*".
  if (option === '*') {
    return { dispose: true, disposePointers: [compilePointer('$.*')], disposer: undefined }
  }
  if (isArray(option)) {
    const pointers = option.map((source, i) => disposePointer(source, `dispose[${String(i)}]`))
    return { dispose: true, disposePointers: pointers, disposer: undefined }
  }
  throw configError(
    'dispose',
    "a boolean, '*', a list of data pointers or a function of the value",
    option,
  )
}
