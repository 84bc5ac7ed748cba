// AsyncCache's `warmup()`: loading many keys ahead of use through the cache's own `get()`, a few
// at a time, collecting failures instead of stopping at the first.
import { configError } from './errors.js'
import type { Loader } from './flight.js'

/** Options of `warmup()`. */
export interface WarmupOptions {
  /**
   * The most loads running at once.
   * @default 8
   */
  readonly concurrency?: number
}

/** What `warmup()` did: the keys it loaded (or found cached) and those whose loader failed. */
export interface WarmupResult<K> {
  /** The keys now cached (loaded, or found already cached), in the order they finished. */
  readonly loaded: K[]
  /** The keys whose loader failed, with what it threw. */
  readonly failed: { readonly key: K; readonly error: unknown }[]
}

/** What a warmup needs of a cache: its read-through `get()`. */
interface Gettable<K, V> {
  get(key: K, loader: Loader<K, V>): Promise<V>
}

/**
 * Runs `warmup()` for `cache`: each pair's `get(key, loader)`, at most `concurrency` at once.
 *
 * @throws {CacheConfigError} (as a rejection) for an invalid `concurrency`.
 */
export async function runWarmup<K, V>(
  cache: Gettable<K, V>,
  loaders: Iterable<readonly [K, Loader<K, V>]> | Readonly<Record<K & string, Loader<K, V>>>,
  options: WarmupOptions | undefined,
): Promise<WarmupResult<K>> {
  const concurrency = options?.concurrency ?? 8
  if (
    concurrency !== Infinity &&
    (typeof concurrency !== 'number' || !Number.isSafeInteger(concurrency) || concurrency < 1)
  ) {
    throw configError('concurrency', 'a positive integer or Infinity', concurrency)
  }
  const pairs: (readonly [K, Loader<K, V>])[] =
    Symbol.iterator in loaders
      ? [...loaders]
      : (Object.entries(loaders) as unknown as [K, Loader<K, V>][])
  const loaded: K[] = []
  const failed: { key: K; error: unknown }[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < pairs.length) {
      const [key, loader] = pairs[next++]!
      try {
        await cache.get(key, loader)
        loaded.push(key)
      } catch (error) {
        failed.push({ key, error })
      }
    }
  }
  const workers: Promise<void>[] = []
  for (let i = 0; i < Math.min(concurrency, pairs.length); i++) workers.push(worker())
  await Promise.all(workers)
  return { loaded, failed }
}
