// Deterministic synthetic traces (seeded), for tests, benchmarks and the playground. Every option
// is read once and checked before any work: a bad one is a CacheConfigError, never a hang.
import { CacheConfigError } from './errors.js'
import { readOptions } from './validate.js'

/** The longest trace a generator makes (it is an `Int32Array`: 4 bytes per access). */
export const MAX_TRACE_LENGTH: number = 2 ** 28

/** The most distinct keys a trace draws from (keys are int32; Zipf keeps 8 bytes per key). */
export const MAX_TRACE_KEYS: number = 2 ** 28

/** A seeded pseudo-random generator returning floats in [0, 1) (mulberry32). */
export function createRandom(seed: number): () => number {
  if (typeof seed !== 'number' || !Number.isInteger(seed))
    throw new CacheConfigError('seed', 'an integer', seed)
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
  const { length, keys, seed, skew } = checkTrace(options, ['skew'])
  checkSkew(skew)
  return zipf(length, keys, skew, seed)
}

function checkSkew(skew: unknown): asserts skew is number {
  if (typeof skew !== 'number' || !(skew >= 0) || skew === Infinity) {
    throw new CacheConfigError('skew', 'a non-negative finite number', skew)
  }
}

function zipf(length: number, keys: number, skew: number, seed: number): Int32Array {
  const cumulative = allocate(Float64Array, keys, 'keys')
  let total = 0
  for (let i = 0; i < keys; i++) {
    total += 1 / (i + 1) ** skew
    cumulative[i] = total
  }
  const random = createRandom(seed)
  const trace = allocate(Int32Array, length, 'length')
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
  const { length, keys, seed } = checkTrace(options, [])
  const random = createRandom(seed)
  const trace = allocate(Int32Array, length, 'length')
  for (let n = 0; n < length; n++) trace[n] = Math.floor(random() * keys)
  return trace
}

/** Keys 0, 1, … `keys - 1`, over and over: the loop that defeats LRU and FIFO when larger than the cache. */
export function loopTrace(options: TraceOptions): Int32Array {
  const { length, keys } = checkTrace(options, [])
  const trace = allocate(Int32Array, length, 'length')
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
  const read = checkTrace(options, ['hotKeys', 'skew', 'scanEvery', 'scanLength'])
  const { length, keys, seed } = read
  const hotKeys = read.hotKeys ?? Math.ceil(keys / 10)
  if (typeof hotKeys !== 'number' || !Number.isInteger(hotKeys) || hotKeys < 1 || hotKeys >= keys) {
    throw new CacheConfigError('hotKeys', `an integer from 1 to ${keys - 1}`, hotKeys)
  }
  const skew = read.skew ?? 0.9
  checkSkew(skew)
  const scanEvery = read.scanEvery ?? 10 * hotKeys
  if (!isPositiveInteger(scanEvery)) {
    throw new CacheConfigError('scanEvery', 'a positive integer', scanEvery)
  }
  const scanLength = read.scanLength ?? keys - hotKeys
  if (!isPositiveInteger(scanLength)) {
    throw new CacheConfigError('scanLength', 'a positive integer', scanLength)
  }
  const hot = zipf(length, hotKeys, skew, seed)
  const trace = allocate(Int32Array, length, 'length')
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

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1
}

/** The shared options and the named ones, each read once; the shared ones checked. */
function checkTrace<
  T extends TraceOptions,
  N extends Exclude<keyof T, keyof TraceOptions> & string,
>(options: T, names: readonly N[]): Pick<T, N> & { length: number; keys: number; seed: number } {
  const read = readOptions(
    options,
    ['length', 'keys', 'seed', ...names] as (keyof T & string)[],
    'an object with a `length` and `keys`',
  ) as Pick<T, N> & { length: unknown; keys: unknown; seed: unknown }
  const { length, keys, seed = 1 } = read
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
    throw new CacheConfigError('length', 'a non-negative integer', length)
  }
  if (length > MAX_TRACE_LENGTH) {
    throw new CacheConfigError('length', `a non-negative integer up to ${MAX_TRACE_LENGTH}`, length)
  }
  if (typeof keys !== 'number' || !Number.isInteger(keys) || keys < 1) {
    throw new CacheConfigError('keys', 'a positive integer', keys)
  }
  if (keys > MAX_TRACE_KEYS) {
    throw new CacheConfigError('keys', `a positive integer up to ${MAX_TRACE_KEYS}`, keys)
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new CacheConfigError('seed', 'an integer', seed)
  }
  return { ...read, length, keys, seed }
}

// An allocation the engine refuses (not enough memory) is the option's fault, not a RangeError.
function allocate<A>(Array: new (length: number) => A, length: number, option: string): A {
  try {
    return new Array(length)
  } catch (error) {
    throw new CacheConfigError(option, 'a size that fits in memory', length, { cause: error })
  }
}
