// What `info()` reports of a cache: its configuration as the user gave it, with every default
// filled in, built from the checked `Config` (which holds compiled forms the user never wrote).
import type { PolicyName } from '@cache/core'

import type { Config } from './config.js'
import type { BatchOptions } from './options.js'

/** A cache's configuration, as `info()` reports it. */
export interface CacheInfo {
  /** The `name` option (a cached function's name by default). */
  readonly name: string
  /** The capacity, `null` when unbounded. */
  readonly maxSize: number | null
  /** The eviction policy. */
  readonly policy: PolicyName
  /** The default time to live in ms when it is a plain duration, else `null`. */
  readonly ttl: number | null
  /** The `expiration` option as given. */
  readonly expiration: unknown
  /** Whether failures are kept. */
  readonly negativeCache: boolean
  /** The `negativeExpiration` option (as given, or the default `10` seconds). */
  readonly negativeExpiration: unknown
  /** Retries, with every default filled in. */
  readonly retry: {
    readonly count: number
    readonly backoffMs: number
    readonly maxBackoffMs: number
    readonly jitter: number
  }
  /** The attempt timeout in ms (`timeoutMs`, `timeouts.hard`), `null` when none. */
  readonly timeoutMs: number | null
  /** `timeouts.soft` in ms, `null` when none. */
  readonly softTimeoutMs: number | null
  /** Fail-safe, durations in ms; `null` when off. */
  readonly failSafe: {
    readonly maxStale: number
    readonly throttle: number
    readonly enabled: boolean
  } | null
  /** How long past expiry values are served, in ms: 0 (off) to `Infinity`. */
  readonly staleWhileRevalidate: number
  /** The `dispose` option as given (`'function'` for a function). */
  readonly dispose: boolean | readonly string[] | 'function'
  /** The `autoRemoveExpired` period in ms, `null` when off. */
  readonly autoRemoveExpired: number | null
  /** The `batch` options as given. */
  readonly batch: BatchOptions
  /** Whether a second tier (`l2`) is behind the cache. */
  readonly l2: boolean
  /** How late a hit may see an expiry with the default clock, in ms (`ttlResolution`). */
  readonly ttlResolution: number
}

/** The {@link CacheInfo} of a cache configured by `config`. */
export function cacheInfoOf(config: Config): CacheInfo {
  const { count, backoffMs, maxBackoffMs, jitter } = config.retry
  const dispose = config.disposeOption
  return {
    name: config.name,
    maxSize: config.maxSize,
    policy: config.policy,
    ttl: config.ttl,
    expiration: config.expiration,
    negativeCache: config.negativeCache,
    negativeExpiration: config.negativeExpiration,
    retry: { count, backoffMs, maxBackoffMs, jitter },
    timeoutMs: config.timeoutMs ?? null,
    softTimeoutMs: config.softTimeoutMs ?? null,
    failSafe:
      config.failSafe === undefined
        ? null
        : {
            maxStale: config.failSafe.maxStaleMs,
            throttle: config.failSafe.throttleMs,
            enabled: config.failSafe.enabled,
          },
    staleWhileRevalidate: config.staleMs,
    dispose:
      typeof dispose === 'function'
        ? 'function'
        : ((dispose as boolean | readonly string[] | undefined) ?? false),
    autoRemoveExpired: config.autoRemoveMs ?? null,
    batch: config.batch,
    l2: config.l2 !== undefined,
    ttlResolution: config.ttlResolution,
  }
}
