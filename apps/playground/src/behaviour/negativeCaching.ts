// Calls in a row to a failing loader: with negative caching the first failure is kept and
// rethrown without calling the loader again until it expires; without, every call retries it.
import { AsyncCache, type CacheStats } from '@cache/decorators'

import type { Sleep } from './sleep.js'

/** Options of {@link callFailingLoader}. */
export interface NegativeCachingOptions {
  /** Calls, one after the other. */
  calls: number
  /** `negativeCache` of the cache. */
  negativeCache: boolean
  /** How long a kept error stays, in seconds (`negativeExpiration`). */
  keepErrorSeconds: number
  /** How long the loader takes to fail, in ms. */
  delayMs: number
  sleep: Sleep
}

/** One call's outcome. */
export interface CallOutcome {
  /** `loader`: the loader ran and failed; `cache`: the kept error was rethrown. */
  source: 'loader' | 'cache'
  message: string
}

/** What {@link callFailingLoader} observed. */
export interface NegativeCachingResult {
  loaderCalls: number
  outcomes: CallOutcome[]
  stats: CacheStats
}

/** Calls `get` `calls` times in a row with a loader that always fails. */
export async function callFailingLoader(
  options: NegativeCachingOptions,
): Promise<NegativeCachingResult> {
  const { calls, negativeCache, keepErrorSeconds, delayMs, sleep } = options
  const cache = new AsyncCache<string, string>({
    name: negativeCache ? 'negative cache' : 'no negative cache',
    negativeCache,
    negativeExpiration: keepErrorSeconds,
  })
  let loaderCalls = 0
  const loadInventory = async (): Promise<string> => {
    const call = ++loaderCalls
    await sleep(delayMs)
    throw new Error(`inventory service answered 503 (load #${call})`)
  }
  const outcomes: CallOutcome[] = []
  for (let i = 0; i < calls; i++) {
    const before = loaderCalls
    try {
      await cache.get('sku:1234', loadInventory)
      outcomes.push({ source: 'loader', message: 'unexpected success' })
    } catch (error) {
      outcomes.push({
        source: loaderCalls > before ? 'loader' : 'cache',
        message: error instanceof Error ? error.message : String(error),
      })
    }
  }
  const stats = cache.stats()
  await cache.destroy()
  return { loaderCalls, outcomes, stats }
}
