// The per-key loaders behind `get(key, { batchLoader })` and `getMany()`: each batch function
// gets one Batcher, made on first use and kept while the function lives, so that the misses of
// one batch window become one call of it.
import { Batcher, type BatchFn } from '@cache/batch'

import { configError } from './errors.js'
import type { Loader } from './flight.js'
import type { BatchOptions } from './options.js'

/** One cache's batchers, by batch function (held weakly). */
export class BatchLoaders<K, V> {
  readonly #options: BatchOptions
  readonly #loaders = new WeakMap<BatchFn<K, V>, Loader<K, V>>()

  constructor(options: BatchOptions) {
    this.#options = options
  }

  /**
   * The loader that loads one key through `batchLoader`'s batcher.
   *
   * @throws {CacheConfigError} when `batchLoader` is not a function.
   */
  loaderOf(batchLoader: BatchFn<K, V>): Loader<K, V> {
    if (typeof batchLoader !== 'function') {
      throw configError('batchLoader', 'a function of (keys, context)', batchLoader)
    }
    let loader = this.#loaders.get(batchLoader)
    if (loader === undefined) {
      const batcher = new Batcher<K, V>(batchLoader, this.#options)
      loader = (context) => batcher.load(context.key)
      this.#loaders.set(batchLoader, loader)
    }
    return loader
  }
}
