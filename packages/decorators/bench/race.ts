// Runs contenders on one workload in this process with tinybench and returns ops/s by name; each
// contender's loop is compiled separately (new Function) so no call site is shared between them.
import { Bench } from 'tinybench'

/** One contender: a name, whether it is ours, and one run of `opsPerRun` operations. */
export interface Contender {
  name: string
  ours: boolean
  run: () => unknown
  /**
   * Set up before each of the contender's timed phases and undone after (a process-wide switch,
   * such as a diagnostics channel subscriber, that must not slow the other contenders).
   */
  around?: { before: () => void; after: () => void }
}

/** Compiles `body` into a fresh function of `fn` and `data`, sync or async. */
export function compile(
  body: string,
  fn: unknown,
  data: Record<string, unknown>,
  async: boolean,
): () => unknown {
  const names = Object.keys(data)
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function(
    'fn',
    ...names,
    `return ${async ? 'async ' : ''}function run() {\n${body}\n}`,
  ) as (...args: unknown[]) => () => unknown
  return make(fn, ...names.map((n) => data[n]))
}

/**
 * Races the contenders; returns ops/s by name. The machine is shared, so each contender is timed
 * in several rounds (in a rotating order, so that no contender always runs first or last), and
 * its figure is its mean over every round: the operations of all its runs over their total time,
 * GC and interference included, which is what a service pays (a best round would hide both).
 */
export async function race(
  opsPerRun: number,
  contenders: Contender[],
): Promise<Map<string, number>> {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 16)
  const runs = new Map<string, number>()
  const time = new Map<string, number>()
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({
      time: Number(process.env.BENCH_TIME ?? 100),
      warmup: true,
      warmupTime: 100,
    })
    const shift = round % contenders.length
    for (const c of [...contenders.slice(shift), ...contenders.slice(0, shift)]) {
      const around = c.around
      bench.add(
        c.name,
        c.run,
        around === undefined ? {} : { beforeAll: around.before, afterAll: around.after },
      )
    }
    await bench.run()
    for (const task of bench.tasks) {
      const result = task.result
      if (!('period' in result)) throw new Error(`${task.name} failed: ${result.state}`)
      // period is totalTime / runs (ms): the runs are recovered to weigh each round by its length.
      runs.set(task.name, (runs.get(task.name) ?? 0) + result.totalTime / result.period)
      time.set(task.name, (time.get(task.name) ?? 0) + result.totalTime)
    }
  }
  const ops = new Map<string, number>()
  for (const [name, n] of runs) ops.set(name, (opsPerRun * n * 1000) / time.get(name)!)
  return ops
}

/** Prints a markdown table: ops/s, and each of ours against each peer (above 1: ours is faster). */
export function report(title: string, contenders: Contender[], ops: Map<string, number>): void {
  const peers = contenders.filter((c) => !c.ours)
  console.log(`\n### ${title}\n`)
  console.log(`| contender | ops/s | ${peers.map((p) => `vs ${p.name}`).join(' | ')} |`)
  console.log(`| --- | ---: | ${peers.map(() => '---:').join(' | ')} |`)
  for (const c of contenders) {
    const mine = ops.get(c.name)!
    const ratios = c.ours
      ? peers.map((p) => `${(mine / ops.get(p.name)!).toFixed(2)}x`)
      : peers.map(() => '')
    console.log(`| ${c.name} | ${format(mine)} | ${ratios.join(' | ')} |`)
  }
}

function format(ops: number): string {
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)} M`
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(1)} k`
  return ops.toFixed(1)
}
