// A key read at a steady pace while its source goes down and comes back: with `failSafe` the
// cache keeps answering with the last good value (calling the source once per throttle), without
// it every read in the outage fails. Each read is classified for the outage card's timeline.
// Built to grow: another behaviour (eager refresh, say) adds its cache options to `cacheOptions`
// and, if it needs one, a kind of read to `OutageRead`.
import { AsyncCache, type AsyncCacheOptions, type CacheStats } from '@cache/decorators'

/** One read, `at` ms after the start, and what answered it. */
export interface OutageRead {
  at: number
  /**
   * `load`: the source answered; `hit`: a fresh value; `stale`: a value older than the ttl,
   * served by fail-safe (the source failed, or was not asked again within the throttle);
   * `error`: the caller got the source's error.
   */
  kind: 'load' | 'hit' | 'stale' | 'error'
  /** The value served, or the error's message. */
  text: string
}

/** Options of {@link createOutageStory}. */
export interface OutageStoryOptions {
  /** The entry's time to live, in ms. */
  ttlMs: number
  /** When the source goes down and for how long, in ms from the start. */
  downFromMs: number
  downForMs: number
  /**
   * The cache's resilience options (`failSafe`, `timeouts`, …); `{}` for none. The story adds
   * `ttl`, `now` and `name`.
   */
  cacheOptions: Omit<AsyncCacheOptions<string, string>, 'ttl' | 'now' | 'name'>
  /** A name for the cache. */
  name: string
  /** The clock (the page's real one; tests step a fake one). */
  now: () => number
}

/** A cache over a source that goes down; {@link OutageStory.read} reads its key once. */
export interface OutageStory {
  read(): Promise<OutageRead>
  readonly reads: readonly OutageRead[]
  /** Calls of the source, failed ones included. */
  readonly sourceCalls: number
  stats(): CacheStats
  destroy(): Promise<void>
}

/** Creates the cache and its source, down from `downFromMs` for `downForMs`. */
export function createOutageStory(options: OutageStoryOptions): OutageStory {
  const { ttlMs, downFromMs, downForMs, now } = options
  const start = now()
  const cache = new AsyncCache<string, string>({
    ...options.cacheOptions,
    name: options.name,
    ttl: ttlMs,
    now,
  })
  const reads: OutageRead[] = []
  let calls = 0
  let versions = 0
  const fetchPrice = (): Promise<string> => {
    calls++
    const at = now() - start
    if (at >= downFromMs && at < downFromMs + downForMs) {
      return Promise.reject(new Error(`price service down (call #${calls})`))
    }
    return Promise.resolve(`price v${++versions}`)
  }
  return {
    reads,
    get sourceCalls() {
      return calls
    },
    async read() {
      const at = now() - start
      const before = calls
      let read: OutageRead
      try {
        const value = await cache.get('price', fetchPrice)
        const fetchedAt = cache.peek('price')?.fetchedAt ?? now()
        const old = now() - fetchedAt >= ttlMs
        read = { at, kind: old ? 'stale' : calls > before ? 'load' : 'hit', text: value }
      } catch (error) {
        read = { at, kind: 'error', text: error instanceof Error ? error.message : String(error) }
      }
      reads.push(read)
      return read
    },
    stats: () => cache.stats(),
    destroy: () => cache.destroy(),
  }
}
