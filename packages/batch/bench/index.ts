// Races Batcher against DataLoader (cache off, same tick scheduling): about 10k loads made in
// one tick, then awaited together, a fresh loader each tick. What is measured is what a service
// pays: the total time of many ticks, GC included, as loads per second of wall and of CPU time.
// - Each contender runs each scenario alone in a fresh process (in one shared process the JIT and
//   the GC heap that one library leaves behind skew the other's figures), several processes,
//   the two contenders in alternation, process k of each with the same ticks (seed k).
// - Ticks vary in size (5k to 15k loads) and in their keys (see ticks.ts): with identical ticks,
//   V8's scavenges fall into step with them and the figure depends on where in a tick they land.
// - A process times every one of its ticks in a row; a contender's figure is the total of its
//   processes (loads over time), no median and no best run, so every collection counts.
// Prints the ratio of the totals and the range of the ratios of the pairs of processes, on wall
// time and on CPU time, and heap bytes allocated per load.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import type { RaceArgs, RaceResult } from './race.js'

const LOADS = 10_000
const WARMUP = Number(process.env.BENCH_WARMUP ?? 60)
const TICKS = Number(process.env.BENCH_TICKS ?? 150)
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 8)
const ONLY = process.env.BENCH_ONLY
const raceFile = fileURLToPath(new URL('./race.ts', import.meta.url))

interface Scenario {
  name: string
  repeats: number
  maxBatchSize: number | undefined
  strings?: boolean
}

const scenarios: Scenario[] = [
  { name: '10k distinct, maxBatchSize 100', repeats: 1, maxBatchSize: 100 },
  { name: '10k distinct, maxBatchSize 1000', repeats: 1, maxBatchSize: 1000 },
  { name: '10k distinct, maxBatchSize ∞', repeats: 1, maxBatchSize: Infinity },
  // String keys ('user:42') are deduped by their own structure, not the integer table.
  { name: '10k distinct strings, maxBatchSize 100', repeats: 1, maxBatchSize: 100, strings: true },
  {
    name: '10k distinct strings, maxBatchSize 1000',
    repeats: 1,
    maxBatchSize: 1000,
    strings: true,
  },
  {
    name: '10k distinct strings, maxBatchSize ∞',
    repeats: 1,
    maxBatchSize: Infinity,
    strings: true,
  },
  // Every key loaded ten times, a tenth of the tick apart: Batcher shares them, DataLoader
  // (cache off) asks for each load.
  { name: '10k loads of 1k keys, maxBatchSize ∞', repeats: 10, maxBatchSize: Infinity },
]
const libraries = ['dataloader', '@cache/batch'] as const

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

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

/** Loads per second over all of `runs` together: their loads over their summed time. */
function total(runs: readonly RaceResult[], time: (result: RaceResult) => number): number {
  let loads = 0
  let ms = 0
  for (const r of runs) {
    loads += r.loads
    ms += time(r)
  }
  return loads / (ms / 1000)
}

/**
 * Loads/s over all the contender's processes, its ratio to DataLoader's, and the range of the
 * ratios of each process to the DataLoader process with the same ticks.
 */
function figures(
  runs: readonly RaceResult[],
  base: readonly RaceResult[],
  time: (result: RaceResult) => number,
): string {
  const speed = total(runs, time)
  const ratios = runs.map((r, i) => total([r], time) / total([base[i]!], time))
  const range = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`
  const ratio = (speed / total(base, time)).toFixed(2)
  return `${Math.round(speed).toLocaleString('en-US')} | ${ratio}x | ${range}`
}

console.log(
  `node ${process.version}, ticks of 5k-15k loads (10k on average), windowMs 0, a fresh loader per tick; total time of ${TICKS} ticks a process after ${WARMUP} untimed (GC included), ${PROCESSES} processes per library`,
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
      const args: RaceArgs = {
        library,
        repeats: scenario.repeats,
        maxBatchSize: scenario.maxBatchSize,
        strings: scenario.strings,
        loads: LOADS,
        warmup: WARMUP,
        ticks: TICKS,
        seed: repeat + 1,
      }
      results.get(library)!.push(run(args))
    }
  }
  const base = results.get('dataloader')!
  for (const library of libraries) {
    const runs = results.get(library)!
    const cells = [figures(runs, base, (r) => r.wallMs), figures(runs, base, (r) => r.cpuMs)]
    const bytes = median(runs.map((r) => r.bytesPerLoad)).toFixed(0)
    console.log(`| ${scenario.name} | ${library} | ${cells.join(' | ')} | ${bytes} |`)
  }
}
