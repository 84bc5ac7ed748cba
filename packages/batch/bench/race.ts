// One contender on one scenario, in a process of its own (started by bench/index.ts with
// --expose-gc): prints one JSON line with loads per second (wall time, GC included) and heap
// bytes allocated per load.
import { getHeapSpaceStatistics } from 'node:v8'

import DataLoader from 'dataloader'

import { Batcher } from '../src/index.js'

/** What bench/index.ts asks for. */
export interface RaceArgs {
  library: 'dataloader' | '@cache/batch'
  /** Distinct keys among the loads of a tick; equal to `loads` for all-distinct keys. */
  distinct: number
  loads: number
  /** `undefined` keeps the library's default (DataLoader: Infinity, Batcher: 100). */
  maxBatchSize: number | undefined
  /** Ticks (rounds) timed together in one sample. */
  ticks: number
  /** Samples taken; the median one is reported. */
  samples: number
  /** Keys `'user:' + n` instead of the numbers `n`. */
  strings?: boolean | undefined
}

/** What a race prints. */
export interface RaceResult {
  /** Loads over the wall time of the median sample's ticks, GC and all. */
  loadsPerSecond: number
  /**
   * The same on the process's CPU time (its GC threads included): the total of the sample's
   * ticks, not a median round, so collections count; on a shared machine, a process that
   * waits for a core stalls this clock instead of inflating the sample.
   */
  cpuLoadsPerSecond: number
  bytesPerLoad: number
}

type Key = number | string

interface Loader {
  load(key: Key): Promise<Key>
}

const gc = (globalThis as { gc?: () => void }).gc

const identity = (keys: readonly Key[]): Promise<Key[]> => Promise.resolve(keys as Key[])

function contender(args: RaceArgs): () => Loader {
  const { maxBatchSize } = args
  if (args.library === 'dataloader') {
    const options = maxBatchSize === undefined ? { cache: false } : { cache: false, maxBatchSize }
    return () => new DataLoader<Key, Key>(identity, options)
  }
  return () => new Batcher<Key, Key>(identity, { windowMs: 0, maxBatchSize })
}

/** One round: every load in one tick, then await them all. */
async function round(loader: Loader, keys: readonly Key[]): Promise<void> {
  const loads = new Array<Promise<Key>>(keys.length)
  for (let i = 0; i < keys.length; i++) loads[i] = loader.load(keys[i]!)
  await Promise.all(loads)
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

// Where objects go: the young generation, or the old one directly for allocation sites that V8
// has learned to pretenure. (Code space is left out: it grows with compilation, not loads.)
const objectSpaces = new Set([
  'new_space',
  'old_space',
  'new_large_object_space',
  'large_object_space',
])

function heapBytes(): number {
  let bytes = 0
  for (const space of getHeapSpaceStatistics()) {
    if (objectSpaces.has(space.space_name)) bytes += space.space_used_size
  }
  return bytes
}

/**
 * Heap bytes a round allocates per load: the median of a few rounds, each started right after a
 * full GC and small enough (2,000 loads) to fit the young generation, so that no scavenge hides
 * part of it; a scavenge (or a compilation) would show as an outlier, which the median drops.
 */
async function roundBytes(make: () => Loader, keys: readonly Key[]): Promise<number> {
  if (gc === undefined) return NaN
  const samples: number[] = []
  for (let i = 0; i < 9; i++) {
    const loader = make()
    gc()
    const before = heapBytes()
    await round(loader, keys)
    samples.push((heapBytes() - before) / keys.length)
  }
  return median(samples)
}

// The harness's own share (the array of loads, Promise.all's bookkeeping), measured with a
// loader that hands out one shared, settled promise and so allocates nothing itself.
const settled = Promise.resolve(0)
const harness = (): Loader => ({ load: () => settled })

/** Measures one contender on one scenario. */
export async function race(args: RaceArgs): Promise<RaceResult> {
  const make = contender(args)
  // The same keys, made once, for both contenders.
  const keys = Array.from({ length: args.loads }, (_, i): Key => {
    const n = i % args.distinct
    return args.strings === true ? `user:${n}` : n
  })
  for (let i = 0; i < 2 * args.ticks; i++) await round(make(), keys)
  // Each sample is the wall time of many ticks in a row, a fresh loader each (as DataLoader
  // advises per request), so it holds the GC work those ticks cause, as a service pays it: the
  // median of single rounds would drop exactly the rounds where a collection runs.
  const samples: number[] = []
  const cpuSamples: number[] = []
  for (let s = 0; s < args.samples; s++) {
    const start = performance.now()
    const cpuStart = process.cpuUsage()
    for (let i = 0; i < args.ticks; i++) await round(make(), keys)
    samples.push(performance.now() - start)
    const cpu = process.cpuUsage(cpuStart)
    cpuSamples.push((cpu.user + cpu.system) / 1000)
  }
  const small = keys.slice(0, 2000)
  const bytesPerLoad = (await roundBytes(make, small)) - (await roundBytes(harness, small))
  const loads = args.ticks * args.loads
  return {
    loadsPerSecond: loads / (median(samples) / 1000),
    cpuLoadsPerSecond: loads / (median(cpuSamples) / 1000),
    bytesPerLoad,
  }
}

const input = process.argv[2]
if (input !== undefined) {
  const result = await race(JSON.parse(input) as RaceArgs)
  console.log(JSON.stringify(result))
}
