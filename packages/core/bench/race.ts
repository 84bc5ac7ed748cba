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

/** Races the contenders and prints a table; returns ops/s by name. */
export async function race(
  title: string,
  opsPerCall: number,
  contenders: Contender[],
  quiet = false,
): Promise<Map<string, number>> {
  const bench = new Bench({
    time: Number(process.env.BENCH_TIME ?? 400),
    warmup: true,
    warmupTime: 150,
    // CPU time of this process rather than wall time: on a shared machine another process taking
    // the core stalls this clock instead of inflating the measurement.
    now: cpuMilliseconds,
  })
  for (const c of contenders) bench.add(c.name, c.run)
  await bench.run()
  const opsPerSecond = new Map<string, number>()
  for (const task of bench.tasks) {
    const result = task.result
    if (!('period' in result)) throw new Error(`${task.name} failed: ${result.state}`)
    opsPerSecond.set(task.name, (opsPerCall * 1000) / result.period)
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
