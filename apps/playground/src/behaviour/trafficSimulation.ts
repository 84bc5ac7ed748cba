// A cached async function under steady, skewed traffic, for watching its statistics move.
import { createRandom, type PolicyName } from '@cache/core'
import { cached, type CacheStats } from '@cache/decorators'

import type { Sleep } from './sleep.js'

/** Options of {@link createTraffic}. */
export interface TrafficOptions {
  policy: PolicyName
  maxSize: number
  /** Time to live of an entry, in ms. */
  ttlMs: number
  /** Distinct products requested. */
  products: number
  /** How long a product load takes, in ms. */
  loadMs: number
  sleep: Sleep
  /** @default 1 */
  seed?: number
}

/** A cached `fetchProduct` and a generator of skewed requests to it. */
export interface Traffic {
  /** Fires `count` requests at once, product ids drawn with Zipf-like skew; resolves when all are served. */
  burst(count: number): Promise<void>
  stats(): Promise<CacheStats>
  destroy(): Promise<void>
}

/** Creates the cached function `cached(fetchProduct, { policy, maxSize, ttl })`. */
export function createTraffic(options: TrafficOptions): Traffic {
  const { policy, maxSize, ttlMs, products, loadMs, sleep, seed = 1 } = options
  const fetchProduct = cached(
    async (id: number): Promise<{ id: number; name: string }> => {
      await sleep(loadMs)
      return { id, name: `product ${id}` }
    },
    { name: 'fetchProduct', policy, maxSize, ttl: ttlMs },
  )
  const random = createRandom(seed)
  // Cubing a uniform draw skews it toward small ids: a few hot products, a long tail.
  const pick = (): number => Math.floor(random() ** 3 * products)
  return {
    async burst(count) {
      await Promise.all(Array.from({ length: count }, () => fetchProduct(pick())))
    },
    stats: () => fetchProduct.stats(),
    destroy: () => fetchProduct.cache.destroy(),
  }
}
