// A key read at a steady pace from a cache with a TTL: what happens when, for a timeline.
import { AsyncCache, type CacheStats } from '@cache/decorators'

/** One thing that happened, `at` ms after the start. */
export type TimelineEvent =
  | { at: number; kind: 'hit'; version: number }
  | { at: number; kind: 'load'; version: number; expiresAt: number }
  | { at: number; kind: 'expire' }

/** Options of {@link createTtlTimeline}. */
export interface TtlTimelineOptions {
  /** The entry's time to live, in ms. */
  ttlMs: number
  /** The clock (the page's real one; tests step a fake one). */
  now: () => number
}

/** A cache whose key is read by {@link TtlTimeline.read}, recording each hit, load and expiry. */
export interface TtlTimeline {
  /** Reads the key once (a hit, or an expiry and a load). */
  read(): Promise<void>
  /** What happened so far, in order. */
  readonly events: readonly TimelineEvent[]
  stats(): CacheStats
  destroy(): Promise<void>
}

/** Creates a TTL cache holding one key, `config`, whose loads count versions. */
export function createTtlTimeline(options: TtlTimelineOptions): TtlTimeline {
  const { ttlMs, now } = options
  const start = now()
  const cache = new AsyncCache<string, number>({ name: 'ttl timeline', ttl: ttlMs, now })
  const events: TimelineEvent[] = []
  let versions = 0
  // Expiry is noticed by the read that finds the entry stale: the `remove` event says so.
  cache.on((event) => {
    if (event.type === 'remove' && event.reason === 'expire') {
      events.push({ at: now() - start, kind: 'expire' })
    }
  })
  return {
    events,
    async read() {
      const at = now() - start
      const before = versions
      const version = await cache.get('config', () => ++versions)
      if (versions > before) events.push({ at, kind: 'load', version, expiresAt: at + ttlMs })
      else events.push({ at, kind: 'hit', version })
    },
    stats: () => cache.stats(),
    destroy: () => cache.destroy(),
  }
}
