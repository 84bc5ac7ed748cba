// Races Batcher against DataLoader (cache off, same tick scheduling) on 10k loads made in one
// tick, then awaited together. Each contender runs each scenario in a fresh process, several
// times in alternation: in one shared process the JIT and the GC heap that one library leaves
// behind skew the other's figures. Prints loads/s (median round on CPU time, median of the
// repeats), the ratio to DataLoader, and heap bytes allocated per load.
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import type { RaceArgs, RaceResult } from './race.js'

const LOADS = 10_000
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300)
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5)
const raceFile = fileURLToPath(new URL('./race.ts', import.meta.url))

interface Scenario {
  name: string
  distinct: number
  maxBatchSize: number | undefined
  strings?: boolean
}

const scenarios: Scenario[] = [
  { name: '10k distinct, each at its default', distinct: LOADS, maxBatchSize: undefined },
  { name: '10k distinct, maxBatchSize 100', distinct: LOADS, maxBatchSize: 100 },
  { name: '10k distinct, maxBatchSize ∞', distinct: LOADS, maxBatchSize: Infinity },
  { name: '10k loads of 1k keys, default', distinct: 1000, maxBatchSize: undefined },
  { name: '10k loads of 1k keys, maxBatchSize ∞', distinct: 1000, maxBatchSize: Infinity },
  // String keys ('user:42') are deduped through a Map, not the integer table.
  {
    name: '10k distinct strings, maxBatchSize 100',
    distinct: LOADS,
    maxBatchSize: 100,
    strings: true,
  },
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

console.log(
  `node ${process.version}, ${LOADS} loads per tick, median of ${ROUNDS} rounds (CPU time), median of ${REPEATS} processes`,
)
console.log('| scenario | library | loads/s | vs dataloader | bytes/load |')
console.log('| --- | --- | ---: | ---: | ---: |')
for (const scenario of scenarios) {
  const results = new Map<string, RaceResult[]>(libraries.map((library) => [library, []]))
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const order = repeat % 2 === 0 ? libraries : [...libraries].reverse()
    for (const library of order) {
      results.get(library)!.push(run({ library, ...scenario, loads: LOADS, rounds: ROUNDS }))
    }
  }
  // The median process of each contender, on each figure: the best one would reward the run
  // that other processes on the machine happened to leave alone.
  const summary = (library: string): RaceResult => {
    const runs = results.get(library)!
    return {
      loadsPerSecond: median(runs.map((r) => r.loadsPerSecond)),
      bytesPerLoad: median(runs.map((r) => r.bytesPerLoad)),
    }
  }
  const base = summary('dataloader').loadsPerSecond
  for (const library of libraries) {
    const { loadsPerSecond, bytesPerLoad } = summary(library)
    const ops = Math.round(loadsPerSecond).toLocaleString('en-US')
    const ratio = (loadsPerSecond / base).toFixed(2)
    console.log(
      `| ${scenario.name} | ${library} | ${ops} | ${ratio}x | ${bytesPerLoad.toFixed(0)} |`,
    )
  }
}
