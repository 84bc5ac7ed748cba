// Counters every cache keeps (an increment each, nothing more), the `stats()` snapshot built from
// them, and the memory estimate it reports.
import type { Store } from './store.js'

/** The live counters of one cache: one plain object, so each update is a field increment. */
export interface Counters {
  hits: number
  misses: number
  dedupHits: number
  staleHits: number
  loads: number
  loadErrors: number
  retries: number
  timeouts: number
  failSafeActivations: number
  softTimeouts: number
  backgroundLoads: number
  backgroundLoadErrors: number
  evictions: number
  expirations: number
  l2Hits: number
  l2Misses: number
  l2Errors: number
  tagInvalidations: number
  tagInvalidationsReceived: number
  eagerRefreshes: number
  eagerRefreshErrors: number
  l2ReplayQueued: number
  l2Replayed: number
  l2ReplayCollapsed: number
  loadTimeCount: number
  loadTimeTotal: number
  loadTimeMin: number
  loadTimeMax: number
}

/** Fresh counters, all zero. */
export function newCounters(): Counters {
  return {
    hits: 0,
    misses: 0,
    dedupHits: 0,
    staleHits: 0,
    loads: 0,
    loadErrors: 0,
    retries: 0,
    timeouts: 0,
    failSafeActivations: 0,
    softTimeouts: 0,
    backgroundLoads: 0,
    backgroundLoadErrors: 0,
    evictions: 0,
    expirations: 0,
    l2Hits: 0,
    l2Misses: 0,
    l2Errors: 0,
    tagInvalidations: 0,
    tagInvalidationsReceived: 0,
    eagerRefreshes: 0,
    eagerRefreshErrors: 0,
    l2ReplayQueued: 0,
    l2Replayed: 0,
    l2ReplayCollapsed: 0,
    loadTimeCount: 0,
    loadTimeTotal: 0,
    loadTimeMin: Infinity,
    loadTimeMax: 0,
  }
}

/**
 * Zeroes `counters` in place. A cache's parts share its one counters object, so `clear()` must
 * reset that object rather than swap in a new one.
 */
export function resetCounters(counters: Counters): void {
  Object.assign(counters, newCounters())
}

/** How long loads took, in ms, from the first attempt to the result (backoff included). */
export interface LoadTimeStats {
  /** The shortest settled load; 0 before any. */
  readonly min: number
  /** The longest settled load. */
  readonly max: number
  /** The mean over settled loads; 0 before any. */
  readonly avg: number
  /** The sum over settled loads. */
  readonly total: number
}

/** A snapshot of a cache's statistics; `clear()` resets them. */
export interface CacheStats {
  /**
   * Calls served without starting a load: fresh hits, stale hits (`staleWhileRevalidate`) and
   * calls that joined a load already in flight (`dedupHits`).
   */
  readonly hits: number
  /** Calls that found nothing usable (each started a load, when a loader was given). */
  readonly misses: number
  /** `hits / (hits + misses)`, 0 before any call. */
  readonly hitRatio: number
  /** Hits that joined a load in flight: N concurrent callers of one cold key are 1 miss and N-1 of these. */
  readonly dedupHits: number
  /** Hits served an expired value under `staleWhileRevalidate`. */
  readonly staleHits: number
  /** Fresh entries (expired ones are not counted, even before they are removed). */
  readonly size: number
  /** The capacity, `null` when unbounded. */
  readonly maxSize: number | null
  /** Entries the policy evicted to make room. */
  readonly evictions: number
  /** Entries removed because they had expired. */
  readonly expirations: number
  /** Loads started. */
  readonly loads: number
  /** Loads that failed after their last attempt. */
  readonly loadErrors: number
  /** Retry attempts made. */
  readonly retries: number
  /** Attempts that timed out (`timeoutMs`, `timeouts.hard`). */
  readonly timeouts: number
  /**
   * Failed loads whose fail-safe callers got a stale value instead of the error (`failSafe`);
   * each made the value fresh again for `throttle`.
   */
  readonly failSafeActivations: number
  /** Loads that outlasted `timeouts.soft`: their callers got the stale value meanwhile. */
  readonly softTimeouts: number
  /** Of those, the loads that then produced their value (kept in L1 and L2). */
  readonly backgroundLoads: number
  /** Of those, the loads that then failed. */
  readonly backgroundLoadErrors: number
  /** L1 misses the second tier (`l2`) served, from a read or from another instance's load. */
  readonly l2Hits: number
  /** L1 misses the second tier could not serve (absent, or unreachable): the loader ran. */
  readonly l2Misses: number
  /**
   * Errors of the second tier reported to `onError` (operation `'l2'`): failed or skipped reads,
   * writes, deletes and locks, lost connections, unreadable data. The default `onError` prints
   * none of them, so this is where an unreachable L2 shows (with the store's own reports).
   */
  readonly l2Errors: number
  /** `invalidateTags()` calls made on this cache (each sent to L2, when there is one). */
  readonly tagInvalidations: number
  /** Tag invalidations of other instances received through the store (`l2`). */
  readonly tagInvalidationsReceived: number
  /**
   * Background refreshes started by a hit past its entry's `eagerRefresh` point (each a load,
   * unless another instance had refreshed the key in L2 already, or was doing it).
   */
  readonly eagerRefreshes: number
  /** Eager refreshes that failed: the entry was kept, and served until its expiry. */
  readonly eagerRefreshErrors: number
  /**
   * Deletes and clears `l2` could not take (unreachable), queued to be sent once it is back
   * (`l2ReplayLimit`); a newer one for the same key replaces the queued one.
   */
  readonly l2ReplayQueued: number
  /** Queued deletes and clears that reached `l2` once it was back. */
  readonly l2Replayed: number
  /** Times the queue was full and became one clear of the store. */
  readonly l2ReplayCollapsed: number
  /** Load durations in ms. */
  readonly loadTime: LoadTimeStats
  /** The default time to live in ms, when it is a plain duration; `null` otherwise. */
  readonly ttl: number | null
  /** Estimated memory held by the entries (keys and values), in bytes. */
  readonly bytes: number
  /** `bytes` for people: `'1.2 MB'`. */
  readonly pretty: string
  /** When expired entries were last swept (`removeExpired()`), per the cache's clock; `null` if never. */
  readonly lastExpirationCheck: number | null
}

/** What a `stats()` snapshot reports beyond the counters. */
export interface StatsState {
  readonly size: number
  readonly maxSize: number | null
  readonly ttl: number | null
  readonly bytes: number
  readonly lastExpirationCheck: number | null
}

/** The `stats()` snapshot of `counters` and the cache's `state`. */
export function snapshotOf(counters: Counters, state: StatsState): CacheStats {
  const c = counters
  const calls = c.hits + c.misses
  return {
    hits: c.hits,
    misses: c.misses,
    hitRatio: calls === 0 ? 0 : c.hits / calls,
    dedupHits: c.dedupHits,
    staleHits: c.staleHits,
    size: state.size,
    maxSize: state.maxSize,
    evictions: c.evictions,
    expirations: c.expirations,
    loads: c.loads,
    loadErrors: c.loadErrors,
    retries: c.retries,
    timeouts: c.timeouts,
    failSafeActivations: c.failSafeActivations,
    softTimeouts: c.softTimeouts,
    backgroundLoads: c.backgroundLoads,
    backgroundLoadErrors: c.backgroundLoadErrors,
    l2Hits: c.l2Hits,
    l2Misses: c.l2Misses,
    l2Errors: c.l2Errors,
    tagInvalidations: c.tagInvalidations,
    tagInvalidationsReceived: c.tagInvalidationsReceived,
    eagerRefreshes: c.eagerRefreshes,
    eagerRefreshErrors: c.eagerRefreshErrors,
    l2ReplayQueued: c.l2ReplayQueued,
    l2Replayed: c.l2Replayed,
    l2ReplayCollapsed: c.l2ReplayCollapsed,
    loadTime: loadTimeOf(c),
    ttl: state.ttl,
    bytes: state.bytes,
    pretty: formatBytes(state.bytes),
    lastExpirationCheck: state.lastExpirationCheck,
  }
}

/** Records one settled load's duration. */
export function recordLoadTime(counters: Counters, ms: number): void {
  counters.loadTimeCount++
  counters.loadTimeTotal += ms
  if (ms < counters.loadTimeMin) counters.loadTimeMin = ms
  if (ms > counters.loadTimeMax) counters.loadTimeMax = ms
}

/** The load-time part of a snapshot. */
function loadTimeOf(counters: Counters): LoadTimeStats {
  const n = counters.loadTimeCount
  return {
    min: n === 0 ? 0 : counters.loadTimeMin,
    max: counters.loadTimeMax,
    avg: n === 0 ? 0 : counters.loadTimeTotal / n,
    total: counters.loadTimeTotal,
  }
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB']

/**
 * Bytes as text with SI units (powers of 1000): `0 B`, `512 B`, `1.5 kB`, `1.2 MB`.
 *
 * @example
 * ```ts
 * formatBytes(1_234_567) // '1.2 MB'
 * ```
 */
export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  if (unit === 0) return `${Math.round(value)} B`
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]!}`
}

// Rough V8 sizes, in bytes. The estimate is for trends and alerts, not accounting.
const POINTER = 8
const HEADER = 16
const NUMBER = 8
const MAX_NODES = 10_000

/**
 * An estimate of the memory `value` holds, shared parts counted once (V8-like sizes: 8-byte
 * slots, 16-byte object headers, 2 bytes a character). Stops counting after 10,000 objects.
 */
export function estimateBytes(value: unknown, seen: Set<object> = new Set()): number {
  switch (typeof value) {
    case 'number':
      return NUMBER
    case 'boolean':
    case 'undefined':
      return 0
    case 'string':
      return HEADER + 2 * value.length
    case 'bigint':
      return HEADER + 8 * Math.ceil(value.toString(16).length / 16)
    case 'symbol':
      return HEADER
    case 'function':
      if (seen.has(value)) return 0
      seen.add(value)
      return 64
    case 'object':
      break
  }
  if (value === null || seen.has(value) || seen.size > MAX_NODES) return 0
  seen.add(value)
  if (ArrayBuffer.isView(value)) return 64 + value.byteLength
  if (value instanceof ArrayBuffer) return 32 + value.byteLength
  if (value instanceof Date) return 24
  let bytes = HEADER
  if (Array.isArray(value)) {
    bytes += POINTER * value.length
    for (const item of value as unknown[]) bytes += estimateBytes(item, seen)
    return bytes
  }
  if (value instanceof Map) {
    for (const [k, v] of value as Map<unknown, unknown>) {
      bytes += 3 * POINTER + estimateBytes(k, seen) + estimateBytes(v, seen)
    }
    return bytes
  }
  if (value instanceof Set) {
    for (const item of value as Set<unknown>) bytes += 2 * POINTER + estimateBytes(item, seen)
    return bytes
  }
  for (const key of Object.keys(value)) {
    bytes += POINTER + estimateBytes((value as Record<string, unknown>)[key], seen)
  }
  return bytes
}

const ENTRY_OVERHEAD = 96 // bytes: the entry object, its store slot and map entry
const SAMPLE = 1000

/**
 * An estimate of the memory a store's entries hold (keys and values, plus a fixed overhead for
 * each entry), extrapolated from the first 1000 of them so that `stats()` stays cheap.
 */
export function estimateStoreBytes<K>(store: Store<K>): number {
  const size = store.size
  if (size === 0) return 0
  const seen = new Set<object>()
  let sampled = 0
  let bytes = 0
  for (const [key, entry] of store.entries()) {
    bytes += ENTRY_OVERHEAD + estimateBytes(key, seen) + estimateBytes(entry.value, seen)
    if (++sampled === SAMPLE) break
  }
  return Math.round((bytes * size) / sampled)
}
