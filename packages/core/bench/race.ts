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
 * round, so that a burst of load from another process spoils a round of every contender alike.
 * Each contender's figure is its total time over every round divided by its calls, GC pauses
 * included: what a service pays, not its best round (the median round drops the rounds where a
 * major GC lands, and flatters whoever allocates most).
 */
export async function race(
  title: string,
  opsPerCall: number,
  contenders: Contender[],
  quiet = false,
): Promise<Map<string, number>> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5)
  const totals = new Map<string, { ms: number; calls: number }>(
    contenders.map((c) => [c.name, { ms: 0, calls: 0 }]),
  )
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
      const total = totals.get(task.name)!
      total.ms += result.totalTime
      total.calls += result.totalTime / result.period
    }
  }
  const opsPerSecond = new Map<string, number>()
  for (const [name, { ms, calls }] of totals)
    opsPerSecond.set(name, (opsPerCall * calls * 1000) / ms)
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
