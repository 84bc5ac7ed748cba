// The metrics read from a cache's counters, one row each: to report a new counter (fail-safe's,
// say), add a row. Counters are read when the SDK collects, so the paths that increment them
// (the hit path above all) pay nothing for telemetry.
import type { Counters } from '../stats.js'

/** One counter-backed metric: its instrument and the points it reads from the counters. */
export interface CounterMetric {
  /** The instrument's name, OpenTelemetry style (`cache.requests`). */
  readonly name: string
  readonly description: string
  /** UCUM annotation, as OpenTelemetry's conventions write counts (`{request}`). */
  readonly unit: string
  /** Each point: its attributes besides `cache.name`, and how to read its value. */
  readonly points: readonly CounterPoint[]
}

/** One attribute set of a {@link CounterMetric} and the counter value it reports. */
export interface CounterPoint {
  readonly attributes: Readonly<Record<string, string>>
  readonly read: (counters: Counters) => number
}

/**
 * `cache.result`: `hit` (a fresh entry), `stale` (served expired under `staleWhileRevalidate`),
 * `dedup` (joined a load already running) or `miss`. The counters count stale and dedup calls
 * among hits, so a fresh hit is what remains.
 */
export const COUNTER_METRICS: readonly CounterMetric[] = [
  {
    name: 'cache.requests',
    description: 'Calls to the cache, by result.',
    unit: '{request}',
    points: [
      {
        attributes: { 'cache.result': 'hit' },
        read: (c) => c.hits - c.staleHits - c.dedupHits,
      },
      { attributes: { 'cache.result': 'stale' }, read: (c) => c.staleHits },
      { attributes: { 'cache.result': 'dedup' }, read: (c) => c.dedupHits },
      { attributes: { 'cache.result': 'miss' }, read: (c) => c.misses },
    ],
  },
  {
    name: 'cache.loads',
    description: 'Loads started (loader calls, retries not counted again).',
    unit: '{load}',
    points: [{ attributes: {}, read: (c) => c.loads }],
  },
  {
    name: 'cache.load.retries',
    description: 'Retry attempts made by loads.',
    unit: '{attempt}',
    points: [{ attributes: {}, read: (c) => c.retries }],
  },
  {
    name: 'cache.load.timeouts',
    description: 'Load attempts that exceeded timeoutMs.',
    unit: '{attempt}',
    points: [{ attributes: {}, read: (c) => c.timeouts }],
  },
  {
    name: 'cache.refreshes',
    description: 'Background refreshes started by eagerRefresh, by outcome of those that failed.',
    unit: '{refresh}',
    points: [
      { attributes: { 'cache.refresh.result': 'started' }, read: (c) => c.eagerRefreshes },
      { attributes: { 'cache.refresh.result': 'error' }, read: (c) => c.eagerRefreshErrors },
    ],
  },
  {
    name: 'cache.failsafe.activations',
    description: 'Loads that failed and were answered with a stale value by failSafe.',
    unit: '{activation}',
    points: [{ attributes: {}, read: (c) => c.failSafeActivations }],
  },
  {
    name: 'cache.load.soft_timeouts',
    description: 'Loads that passed timeouts.soft: the caller got the stale value.',
    unit: '{load}',
    points: [{ attributes: {}, read: (c) => c.softTimeouts }],
  },
  {
    name: 'cache.load.background',
    description: 'Loads that finished in the background after a soft timeout, by result.',
    unit: '{load}',
    points: [
      { attributes: { 'cache.load.result': 'ok' }, read: (c) => c.backgroundLoads },
      { attributes: { 'cache.load.result': 'error' }, read: (c) => c.backgroundLoadErrors },
    ],
  },
  {
    name: 'cache.l2.requests',
    description: 'Reads of the second tier (l2) after an L1 miss, by result.',
    unit: '{request}',
    points: [
      { attributes: { 'cache.result': 'hit' }, read: (c) => c.l2Hits },
      { attributes: { 'cache.result': 'miss' }, read: (c) => c.l2Misses },
    ],
  },
  {
    name: 'cache.l2.errors',
    description: 'Calls to the second tier (l2) that failed; each was served without it.',
    unit: '{error}',
    points: [{ attributes: {}, read: (c) => c.l2Errors }],
  },
]
