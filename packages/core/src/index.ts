export { POLICIES, createCache, type CreateCacheOptions } from './createCache.js'
export {
  CacheConfigError,
  CacheError,
  CacheTtlError,
  CacheWeightError,
  type CacheErrorCode,
} from './errors.js'
export { FIFOCache, type FIFOCacheOptions } from './fifoCache.js'
export { LFUCache, type LFUCacheOptions } from './lfuCache.js'
export { LRUCache, type LRUCacheOptions } from './lruCache.js'
export { S3FIFOCache, type S3FIFOCacheOptions } from './s3fifoCache.js'
export { SieveCache, type SieveCacheOptions } from './sieveCache.js'
export {
  SIMULATION_POLICIES,
  isOfflinePolicy,
  simulate,
  type OfflinePolicy,
  type OfflinePolicyName,
  type SimulateOptions,
  type SimulationPolicyName,
  type SimulationResult,
} from './simulate.js'
export { TinyLFUCache, type TinyLFUCacheOptions } from './tinyLfuCache.js'
export type {
  CacheOptions,
  EvictionCache,
  EvictionCallback,
  EvictionReason,
  PolicyName,
  SetOptions,
} from './types.js'
export {
  createRandom,
  loopTrace,
  scanMixTrace,
  uniformTrace,
  zipfTrace,
  type ScanMixTraceOptions,
  type TraceOptions,
  type ZipfTraceOptions,
} from './workloads.js'
