export {
  AsyncCache,
  type BatchGetOptions,
  type CacheInfo,
  type GetOptions,
  type SetOptions,
  type WarmupOptions,
  type WarmupResult,
} from './asyncCache.js'
export {
  cached,
  methodCache,
  type AnyFunction,
  type AsyncCacheControls,
  type CacheControlsOf,
  type CachedFunction,
  type CachedInfo,
  type CachedMethodDecorator,
  type CachedMethodOptions,
  type CachedOptions,
  type MethodNames,
  type SyncCacheControls,
} from './cached.js'
export {
  DIAGNOSTICS_CHANNEL_PREFIX,
  DIAGNOSTICS_CHANNELS,
  type CacheDiagnosticsMessage,
} from './diagnostics.js'
export { awaitDisposals } from './dispose.js'
export type { CacheEntry, CacheEntryFields } from './entry.js'
export {
  CacheDisposeError,
  CacheTimeoutError,
  type DecoratorsErrorCode,
  type TimeoutOption,
} from './errors.js'
export type {
  CacheEvent,
  CacheEventListener,
  ErrorContext,
  ErrorHandler,
  RemovalReason,
} from './events.js'
export type { LoadContext, Loader } from './flight.js'
export type { KeyOptions } from './keyer.js'
export {
  l2KeyOf,
  type L2Lease,
  type L2DeleteOptions,
  type L2LockOptions,
  type L2LockResult,
  type L2Record,
  type L2Store,
  type L2Subscriber,
  type L2Write,
  tellInvalidated,
  tellMissed,
} from './l2.js'
export type { L2Health, L2NodeHealth, L2State } from './l2Health.js'
export type {
  AsyncCacheOptions,
  BatchOptions,
  DisposeOption,
  Disposer,
  DurationOption,
  FailSafeOptions,
  RetryOptions,
  TimeoutsOptions,
} from './options.js'
export { clearAll, clearAllSync } from './registry.js'
export { CacheTagError, MAX_TAG_LENGTH, MAX_TAGS } from './tags.js'
export { formatBytes, type CacheStats, type LoadTimeStats } from './stats.js'

// What a user of the bundle needs from the packages below, so that one import is enough.
export { BatchError, type BatchContext, type BatchFn, type BatchResult } from '@cache/batch'
export {
  CacheConfigError,
  CacheError,
  POLICIES,
  type EvictionReason,
  type PolicyName,
} from '@cache/core'
export {
  compileExpiry,
  ExpiryParseError,
  parseDuration,
  type CachedItem,
  type ExpiryFunction,
  type ExpirySpec,
} from '@cache/expiry'
export {
  keyOf,
  KeyError,
  keyTemplate,
  makeKey,
  SINGLE_KEY,
  stableHash,
  type CacheKey,
  type Keyed,
} from '@cache/keys'
