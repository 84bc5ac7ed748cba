// One contender on one scenario, in a process of its own (started by bench/index.ts with
// --expose-gc): prints one JSON line with the loads, the wall and CPU time they took in total
// (GC included), and heap bytes allocated per load.
import { getHeapSpaceStatistics } from 'node:v8'

import DataLoader from 'dataloader'

import { Batcher } from '../src/index.js'

import { tickPlan } from './ticks.js'

/** What bench/index.ts asks for. */
export interface RaceArgs {
  library: 'dataloader' | '@cache/batch'
  /** Mean loads per tick; a tick's size varies around it (see ticks.ts). */
  loads: number
  /** How many times each key of a tick is loaded in it (1: all distinct). */
  repeats: number
  /** `undefined` keeps the library's default (DataLoader: Infinity, Batcher: 100). */
  maxBatchSize: number | undefined
  /** Ticks run before timing, for the JIT and the heap to settle. */
  warmup: number
  /** Ticks timed, all of them, in a row. */
  ticks: number
  /** Picks the sequence of tick sizes and key sets: the same seed gives both contenders the same. */
  seed: number
  /** Keys `'user:' + n` instead of the numbers `n`. */
  strings?: boolean | undefined
}

/** What a race prints. */
export interface RaceResult {
  /** Loads made in the timed ticks. */
  loads: number
  /** Wall time of the timed ticks, in ms: every one of them, GC and all. */
  wallMs: number
  /**
   * The process's CPU time over the same ticks, in ms (its GC threads included): on a shared
   * machine, a process that waits for a core stalls this clock instead of inflating it.
   */
  cpuMs: number
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

/**
 * One tick: `size` loads in one tick, of the keys `pool[from]` to `pool[from + distinct - 1]`
 * in turn, then await them all.
 */
async function round(
  loader: Loader,
  pool: readonly Key[],
  from: number,
  distinct: number,
  size: number,
): Promise<void> {
  const loads = new Array<Promise<Key>>(size)
  for (let i = 0; i < size; i++) loads[i] = loader.load(pool[from + (i % distinct)]!)
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
async function roundBytes(make: () => Loader, pool: readonly Key[], size: number): Promise<number> {
  if (gc === undefined) return NaN
  const samples: number[] = []
  for (let i = 0; i < 9; i++) {
    const loader = make()
    gc()
    const before = heapBytes()
    await round(loader, pool, 0, size, size)
    samples.push((heapBytes() - before) / size)
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
  const plan = tickPlan(args.seed, args.warmup + args.ticks, args.loads, args.repeats)
  // The same keys, made once, for both contenders: ticks take runs of them at varying offsets.
  const pool = Array.from({ length: plan.poolSize }, (_, n): Key =>
    args.strings === true ? `user:${n}` : n,
  )
  const { sizes, offsets, distincts } = plan
  for (let t = 0; t < args.warmup; t++) {
    await round(make(), pool, offsets[t]!, distincts[t]!, sizes[t]!)
  }
  // Every timed tick counts, a fresh loader each (as DataLoader advises per request): the total
  // holds all the GC work those ticks cause, as a service pays it, where a median of rounds or
  // of samples would drop the ones in which a collection ran.
  let loads = 0
  const start = performance.now()
  const cpuStart = process.cpuUsage()
  for (let t = args.warmup; t < args.warmup + args.ticks; t++) {
    await round(make(), pool, offsets[t]!, distincts[t]!, sizes[t]!)
    loads += sizes[t]!
  }
  const wallMs = performance.now() - start
  const cpu = process.cpuUsage(cpuStart)
  const bytesPerLoad =
    (await roundBytes(make, pool, 2000)) - (await roundBytes(harness, pool, 2000))
  return { loads, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, bytesPerLoad }
}

const input = process.argv[2]
if (input !== undefined) {
  const result = await race(JSON.parse(input) as RaceArgs)
  console.log(JSON.stringify(result))
}
