// N concurrent calls for one cold key at a slow loader: with single flight the loader runs once
// and every caller shares its result; without, every call runs it.
import { AsyncCache, type CacheStats } from '@cache/decorators'

import type { Sleep } from './sleep.js'

/** Options of {@link stampede}. */
export interface StampedeOptions {
  /** Concurrent calls. */
  calls: number
  /** How long the loader takes, in ms. */
  delayMs: number
  /**
   * `true`: a default `AsyncCache`, which shares one load per key. `false`: an `AsyncCache` with
   * `maxSize: 0`, which stores nothing and shares nothing, so every call goes to the loader.
   */
  singleFlight: boolean
  sleep: Sleep
}

/** What {@link stampede} observed. */
export interface StampedeResult {
  calls: number
  /** How many times the loader ran. */
  loaderCalls: number
  /** How many different values the callers received (1 when they all shared one load). */
  distinctValues: number
  /** From the first call to the last result, in ms. */
  elapsedMs: number
  stats: CacheStats
}

/** Fires `calls` concurrent `get`s of one key at a loader taking `delayMs`. */
export async function stampede(options: StampedeOptions): Promise<StampedeResult> {
  const { calls, delayMs, singleFlight, sleep } = options
  const cache = new AsyncCache<string, string>({
    name: singleFlight ? 'single flight' : 'no single flight',
    maxSize: singleFlight ? 100 : 0,
  })
  let loaderCalls = 0
  const loadProfile = async ({ key }: { key: string }): Promise<string> => {
    const call = ++loaderCalls
    await sleep(delayMs)
    return `${key} (load #${call})`
  }
  const start = performance.now()
  const values = await Promise.all(
    Array.from({ length: calls }, () => cache.get('user:42', loadProfile)),
  )
  const elapsedMs = performance.now() - start
  const stats = cache.stats()
  await cache.destroy()
  return { calls, loaderCalls, distinctValues: new Set(values).size, elapsedMs, stats }
}
