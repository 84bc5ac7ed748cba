// The cache's configuration as its code reads it: every option checked, defaulted and compiled
// (by validateOptions.ts), once, when the cache is created.
import type { PolicyName } from '@cache/core'
import type { DataPointer, ExpiryResolver } from '@cache/expiry'

import type { TimeoutOption } from './errors.js'
import type { CacheEventListener, ErrorHandler } from './events.js'
import type { L2Store } from './l2.js'
import type { BatchOptions, Disposer } from './options.js'

/** Retry options with every default filled in. */
export interface RetryConfig {
  readonly count: number
  readonly backoffMs: number
  readonly maxBackoffMs: number
  readonly jitter: number
  readonly shouldRetry: ((error: unknown, attempt: number) => boolean) | undefined
}

/** `failSafe` as the cache reads it: durations in ms. */
export interface FailSafeConfig {
  readonly maxStaleMs: number
  readonly throttleMs: number
  /** Whether calls fall back on stale values unless they say otherwise. */
  readonly enabled: boolean
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
  /** The hard bound on each attempt: `timeoutMs`, or `timeouts.hard`. */
  readonly timeoutMs: number | undefined
  /** Which of the two set it, for CacheTimeoutError's message. */
  readonly timeoutOption: TimeoutOption
  /** `timeouts.soft` in ms (only with `failSafe`). */
  readonly softTimeoutMs: number | undefined
  readonly failSafe: FailSafeConfig | undefined
  /** How long past expiry a value is still served: 0 (off) … Infinity. */
  readonly staleMs: number
  /** `eagerRefresh`: the fraction of an entry's life after which a hit refreshes it; or none. */
  readonly eagerRefresh: number | undefined
  readonly dispose: boolean
  readonly disposePointers: readonly DataPointer[] | undefined
  readonly disposer: Disposer<unknown> | undefined
  readonly disposeOption: unknown
  readonly onError: ErrorHandler
  readonly onEvent: CacheEventListener | undefined
  readonly autoRemoveMs: number | undefined
  readonly batch: BatchOptions
  readonly now: () => number
  /** How late (ms) the hit path may see an expiry with the default clock; 0 with `now`. */
  readonly ttlResolution: number
  readonly l2: L2Store | undefined
  /** `l2ReplayLimit`: the most deletes and clears kept through an L2 outage (0: none). */
  readonly l2ReplayLimit: number
}
