// Runs contenders on one workload in this process with tinybench and prints ops/s and, for each
// of ours, its ratio to every peer (above 1 = ours is faster).
import { Bench } from 'tinybench'

/** One contender: a name, whether it is ours, and one call that performs `opsPerCall` operations. */
export interface Contender {
  name: string
  ours: boolean
  run: () => void
}

function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/**
 * Races the contenders and prints a table; returns ops/s by name. The race runs in rounds
 * (BENCH_ROUNDS, default 5) of BENCH_TIME ms per contender (default 100), the order rotating each
 * round, and each contender's figure is its median round: a burst of load from another process
 * then spoils one round of every contender alike instead of the whole run of one of them.
 */
export async function race(
  title: string,
  opsPerCall: number,
  contenders: Contender[],
  quiet = false,
): Promise<Map<string, number>> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
  const periods = new Map<string, number[]>(contenders.map((c) => [c.name, []]))
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      time: Number(process.env.BENCH_TIME ?? 100),
      warmup: true,
      warmupTime: round === 0 ? 150 : 20,
      // CPU time of this process rather than wall time: on a shared machine another process
      // taking the core stalls this clock instead of inflating the measurement.
      now: cpuMilliseconds,
    })
    for (let i = 0; i < contenders.length; i++) {
      const c = contenders[(i + round) % contenders.length]!
      bench.add(c.name, c.run)
    }
    await bench.run()
    for (const task of bench.tasks) {
      const result = task.result
      if (!('period' in result)) throw new Error(`${task.name} failed: ${result.state}`)
      periods.get(task.name)!.push(result.period)
    }
  }
  const opsPerSecond = new Map<string, number>()
  for (const [name, samples] of periods) {
    samples.sort((a, b) => a - b)
    opsPerSecond.set(name, (opsPerCall * 1000) / samples[samples.length >> 1]!)
  }
  if (quiet) return opsPerSecond
  const peers = contenders.filter((c) => !c.ours)
  console.log(`\n## ${title}`)
  console.log(`| contender | Mops/s | ${peers.map((p) => `vs ${p.name}`).join(' | ')} |`)
  console.log(`| --- | ---: | ${peers.map(() => '---:').join(' | ')} |`)
  for (const c of contenders) {
    const mine = opsPerSecond.get(c.name)!
    const ratios = c.ours
      ? peers.map((p) => `${(mine / opsPerSecond.get(p.name)!).toFixed(2)}x`)
      : peers.map(() => '')
    console.log(`| ${c.name} | ${(mine / 1e6).toFixed(2)} | ${ratios.join(' | ')} |`)
  }
  return opsPerSecond
}
