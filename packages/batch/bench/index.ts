// Races Batcher against DataLoader (cache off, same tick scheduling): 10k loads made in one
// tick, then awaited together, a fresh loader each tick. What is measured is what a service
// pays: wall time over many ticks, GC included. Each contender runs each scenario alone in a
// fresh process (in one shared process the JIT and the GC heap that one library leaves behind
// skew the other's figures), several processes in alternation; a process reports the median of
// its samples, each the wall time of BENCH_TICKS ticks in a row. Prints loads/s (the median
// process), the ratio to DataLoader with its range over the pairs of processes, and heap bytes
// allocated per load.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import type { RaceArgs, RaceResult } from './race.js'

const LOADS = 10_000
const TICKS = Number(process.env.BENCH_TICKS ?? 60)
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7)
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 3)
const ONLY = process.env.BENCH_ONLY
const raceFile = fileURLToPath(new URL('./race.ts', import.meta.url))

interface Scenario {
  name: string
  distinct: number
  maxBatchSize: number | undefined
  strings?: boolean
}

const scenarios: Scenario[] = [
  { name: '10k distinct, maxBatchSize 100', distinct: LOADS, maxBatchSize: 100 },
  { name: '10k distinct, maxBatchSize 1000', distinct: LOADS, maxBatchSize: 1000 },
  { name: '10k distinct, maxBatchSize ∞', distinct: LOADS, maxBatchSize: Infinity },
  // String keys ('user:42') are deduped by their own structure, not the integer table.
  {
    name: '10k distinct strings, maxBatchSize 100',
    distinct: LOADS,
    maxBatchSize: 100,
    strings: true,
  },
  {
    name: '10k distinct strings, maxBatchSize 1000',
    distinct: LOADS,
    maxBatchSize: 1000,
    strings: true,
  },
  {
    name: '10k distinct strings, maxBatchSize ∞',
    distinct: LOADS,
    maxBatchSize: Infinity,
    strings: true,
  },
  // Every key loaded ten times, 1,000 loads apart: Batcher shares them, DataLoader (cache off)
  // asks for each load.
  { name: '10k loads of 1k keys, maxBatchSize ∞', distinct: 1000, maxBatchSize: Infinity },
]
const libraries = ['dataloader', '@cache/batch'] as const

/** The median of `values` (the upper one of an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function run(args: RaceArgs): RaceResult {
  // JSON has no Infinity: the race reads a missing maxBatchSize as the default, so pass a
  // number that no batch reaches instead.
  const json = JSON.stringify({
    ...args,
    maxBatchSize: args.maxBatchSize === Infinity ? 1e9 : args.maxBatchSize,
  })
  const out = execFileSync(process.execPath, [...process.execArgv, '--expose-gc', raceFile, json], {
    encoding: 'utf8',
  })
  return JSON.parse(out.trim().split('\n').pop()!) as RaceResult
}

/**
 * Loads/s of the median process, its ratio to DataLoader's median process, and the range of the
 * ratios of each process to the DataLoader process run next to it.
 */
function figures(
  runs: readonly RaceResult[],
  base: readonly RaceResult[],
  speed: (result: RaceResult) => number,
): string {
  const loadsPerSecond = median(runs.map(speed))
  const ratios = runs.map((r, i) => speed(r) / speed(base[i]!))
  const range = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`
  const ratio = (loadsPerSecond / median(base.map(speed))).toFixed(2)
  return `${Math.round(loadsPerSecond).toLocaleString('en-US')} | ${ratio}x | ${range}`
}

console.log(
  `node ${process.version}, ${LOADS} loads per tick, windowMs 0, a fresh loader per tick; wall time of ${TICKS} ticks (GC included), median of ${SAMPLES} samples a process, median of ${PROCESSES} processes`,
)
console.log(
  '| scenario | library | loads/s (wall) | vs dataloader | range | loads/s (CPU) | vs dataloader | range | bytes/load |',
)
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const scenario of scenarios) {
  if (ONLY !== undefined && !scenario.name.includes(ONLY)) continue
  const results = new Map<string, RaceResult[]>(libraries.map((library) => [library, []]))
  for (let repeat = 0; repeat < PROCESSES; repeat++) {
    const order = repeat % 2 === 0 ? libraries : [...libraries].reverse()
    for (const library of order) {
      const args = { library, ...scenario, loads: LOADS, ticks: TICKS, samples: SAMPLES }
      results.get(library)!.push(run(args))
    }
  }
  // The median process of each contender: the best one would reward the run that other
  // processes on the machine happened to leave alone.
  const base = results.get('dataloader')!
  for (const library of libraries) {
    const runs = results.get(library)!
    const cells = [
      figures(runs, base, (r) => r.loadsPerSecond),
      figures(runs, base, (r) => r.cpuLoadsPerSecond),
    ]
    const bytes = median(runs.map((r) => r.bytesPerLoad)).toFixed(0)
    console.log(`| ${scenario.name} | ${library} | ${cells.join(' | ')} | ${bytes} |`)
  }
}
