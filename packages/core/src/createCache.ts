import { CacheConfigError } from './errors.js'
import { FIFOCache, type FIFOCacheOptions } from './fifoCache.js'
import { LFUCache, type LFUCacheOptions } from './lfuCache.js'
import { LRUCache, type LRUCacheOptions } from './lruCache.js'
import { S3FIFOCache, type S3FIFOCacheOptions } from './s3fifoCache.js'
import { SieveCache, type SieveCacheOptions } from './sieveCache.js'
import { TinyLFUCache, type TinyLFUCacheOptions } from './tinyLfuCache.js'
import type { EvictionCache, PolicyName } from './types.js'
import { readOptions } from './validate.js'

/** Every policy name, in the order the docs list them. */
export const POLICIES: readonly PolicyName[] = ['lru', 'lfu', 'fifo', 'sieve', 's3fifo', 'tinylfu']

/** Options of {@link createCache}: a policy name and that policy's options. */
export type CreateCacheOptions<K, V> =
  | ({ policy?: 'lru' } & LRUCacheOptions<K, V>)
  | ({ policy: 'lfu' } & LFUCacheOptions<K, V>)
  | ({ policy: 'fifo' } & FIFOCacheOptions<K, V>)
  | ({ policy: 'sieve' } & SieveCacheOptions<K, V>)
  | ({ policy: 's3fifo' } & S3FIFOCacheOptions<K, V>)
  | ({ policy: 'tinylfu' } & TinyLFUCacheOptions<K, V>)

/**
 * Creates a cache of the named policy (`'lru'` when none is named). Each policy's class can also
 * be constructed directly.
 *
 * @example
 * ```ts
 * const cache = createCache<string, User>({ policy: 'tinylfu', maxSize: 10_000, ttl: 60_000 })
 * cache.set('42', user)
 * ```
 * @throws {CacheConfigError} for an unknown policy or invalid options.
 */
export function createCache<K, V>(
  options: { policy?: 'lru' } & LRUCacheOptions<K, V>,
): LRUCache<K, V>
export function createCache<K, V>(
  options: { policy: 'lfu' } & LFUCacheOptions<K, V>,
): LFUCache<K, V>
export function createCache<K, V>(
  options: { policy: 'fifo' } & FIFOCacheOptions<K, V>,
): FIFOCache<K, V>
export function createCache<K, V>(
  options: { policy: 'sieve' } & SieveCacheOptions<K, V>,
): SieveCache<K, V>
export function createCache<K, V>(
  options: { policy: 's3fifo' } & S3FIFOCacheOptions<K, V>,
): S3FIFOCache<K, V>
export function createCache<K, V>(
  options: { policy: 'tinylfu' } & TinyLFUCacheOptions<K, V>,
): TinyLFUCache<K, V>
export function createCache<K, V>(options: CreateCacheOptions<K, V>): EvictionCache<K, V>
export function createCache<K, V>(options: CreateCacheOptions<K, V>): EvictionCache<K, V> {
  const read = readOptions(options, ['policy'], 'an object with a `policy` and a `maxSize`')
  const policy: unknown = read.policy ?? 'lru'
  switch (policy) {
    case 'lru':
      return new LRUCache(options)
    case 'lfu':
      return new LFUCache(options)
    case 'fifo':
      return new FIFOCache(options)
    case 'sieve':
      return new SieveCache(options)
    case 's3fifo':
      return new S3FIFOCache(options)
    case 'tinylfu':
      return new TinyLFUCache(options)
    default:
      throw new CacheConfigError(
        'policy',
        `one of ${POLICIES.map((p) => `'${p}'`).join(', ')}`,
        policy,
      )
  }
}
