// Deterministic synthetic traces (seeded), for tests, benchmarks and the playground.
import { CacheConfigError } from './errors.js'

/** A seeded pseudo-random generator returning floats in [0, 1) (mulberry32). */
export function createRandom(seed: number): () => number {
  if (!Number.isInteger(seed)) throw new CacheConfigError('seed', 'an integer', seed)
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Options shared by the trace generators. */
export interface TraceOptions {
  /** How many accesses. */
  length: number
  /** How many distinct keys, numbered from 0. */
  keys: number
  /**
   * Seed of the generator: the same options always give the same trace.
   * @default 1
   */
  seed?: number
}

/** Options of {@link zipfTrace}. */
export interface ZipfTraceOptions extends TraceOptions {
  /** The Zipf exponent: key `i` (from 0) is drawn with weight `1 / (i + 1) ** skew`. */
  skew: number
}

/**
 * Keys drawn from a Zipf distribution: key 0 is the most popular.
 * @example
 * ```ts
 * const trace = zipfTrace({ length: 1_000_000, keys: 100_000, skew: 0.99 })
 * ```
 */
export function zipfTrace(options: ZipfTraceOptions): Int32Array {
  const { length, keys, skew, seed = 1 } = checkTrace(options)
  if (typeof skew !== 'number' || !(skew >= 0) || skew === Infinity) {
    throw new CacheConfigError('skew', 'a non-negative finite number', skew)
  }
  const cumulative = new Float64Array(keys)
  let total = 0
  for (let i = 0; i < keys; i++) {
    total += 1 / (i + 1) ** skew
    cumulative[i] = total
  }
  const random = createRandom(seed)
  const trace = new Int32Array(length)
  for (let n = 0; n < length; n++) {
    const target = random() * total
    let low = 0
    let high = keys - 1
    while (low < high) {
      const mid = (low + high) >>> 1
      if (cumulative[mid]! < target) low = mid + 1
      else high = mid
    }
    trace[n] = low
  }
  return trace
}

/** Keys drawn uniformly. */
export function uniformTrace(options: TraceOptions): Int32Array {
  const { length, keys, seed = 1 } = checkTrace(options)
  const random = createRandom(seed)
  const trace = new Int32Array(length)
  for (let n = 0; n < length; n++) trace[n] = Math.floor(random() * keys)
  return trace
}

/** Keys 0, 1, … `keys - 1`, over and over: the loop that defeats LRU and FIFO when larger than the cache. */
export function loopTrace(options: TraceOptions): Int32Array {
  const { length, keys } = checkTrace(options)
  const trace = new Int32Array(length)
  for (let n = 0; n < length; n++) trace[n] = n % keys
  return trace
}

/** Options of {@link scanMixTrace}. */
export interface ScanMixTraceOptions extends TraceOptions {
  /**
   * How many keys form the hot set (drawn Zipf(`skew`)); the rest are scanned.
   * @default Math.ceil(keys / 10)
   */
  hotKeys?: number
  /**
   * Zipf exponent of the hot set.
   * @default 0.9
   */
  skew?: number
  /**
   * After how many hot accesses a scan runs.
   * @default 10 * hotKeys
   */
  scanEvery?: number
  /**
   * How many consecutive cold keys one scan reads.
   * @default keys - hotKeys
   */
  scanLength?: number
}

/** A hot set read with Zipf popularity, interrupted by periodic sequential scans of cold keys. */
export function scanMixTrace(options: ScanMixTraceOptions): Int32Array {
  const { length, keys, seed = 1 } = checkTrace(options)
  const hotKeys = options.hotKeys ?? Math.ceil(keys / 10)
  if (!Number.isInteger(hotKeys) || hotKeys < 1 || hotKeys >= keys) {
    throw new CacheConfigError('hotKeys', `an integer from 1 to ${keys - 1}`, hotKeys)
  }
  const scanEvery = options.scanEvery ?? 10 * hotKeys
  const scanLength = options.scanLength ?? keys - hotKeys
  const hot = zipfTrace({ length, keys: hotKeys, skew: options.skew ?? 0.9, seed })
  const trace = new Int32Array(length)
  let n = 0
  let h = 0
  let cold = 0
  while (n < length) {
    for (let i = 0; i < scanEvery && n < length; i++) trace[n++] = hot[h++]!
    for (let i = 0; i < scanLength && n < length; i++) {
      trace[n++] = hotKeys + cold
      cold = (cold + 1) % (keys - hotKeys)
    }
  }
  return trace
}

function checkTrace<T extends TraceOptions>(options: T): T {
  const { length, keys, seed } = options
  if (!Number.isInteger(length) || length < 0) {
    throw new CacheConfigError('length', 'a non-negative integer', length)
  }
  if (!Number.isInteger(keys) || keys < 1) {
    throw new CacheConfigError('keys', 'a positive integer', keys)
  }
  if (seed !== undefined && !Number.isInteger(seed)) {
    throw new CacheConfigError('seed', 'an integer', seed)
  }
  return options
}
