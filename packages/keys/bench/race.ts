// Races contenders on the same inputs in this process: many short rounds, the contenders
// alternating in rotating order, each round a fixed number of calls timed as a whole. A
// contender's figure is its mean time per call over every round, GC pauses included: what a
// service pays, not a best run. BENCH_ROUNDS (default 60), BENCH_ROUND_MS (default 8) and
// BENCH_WARMUP_MS (default 300 per contender) tune it.

/** One contender: a name and one call, given the index of the input to use. */
export interface Contender {
  readonly name: string
  readonly run: (i: number) => unknown
}

/** Mean nanoseconds per call of each contender, by name. */
export type RaceResult = Map<string, number>

let sink = 0
/** Keeps results alive so that no call is optimized away. */
function keep(value: unknown): void {
  sink += typeof value === 'string' ? value.length : 1
}

/**
 * Milliseconds of CPU time of this process (GC threads included), rather than wall time: on a
 * shared machine another process taking the core stalls this clock instead of inflating the
 * round it lands in.
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

function timeCalls(run: (i: number) => unknown, calls: number): number {
  const start = cpuMs()
  for (let i = 0; i < calls; i++) keep(run(i))
  return cpuMs() - start
}

/** Races `contenders`; returns each one's mean ns per call. */
export function race(contenders: readonly Contender[]): RaceResult {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 60)
  const roundMs = Number(process.env.BENCH_ROUND_MS ?? 8)
  // Warm up (V8 optimizes only after many calls) and size each contender's round from its last
  // warm-up batch so that it takes about `roundMs`.
  const warmupMs = Number(process.env.BENCH_WARMUP_MS ?? 300)
  const calls = contenders.map((c) => {
    let n = 64
    let spent = 0
    for (;;) {
      const ms = timeCalls(c.run, n)
      spent += ms
      if (spent >= warmupMs && ms >= roundMs / 4) {
        return Math.max(64, Math.round((n * roundMs) / ms))
      }
      if (ms < roundMs) n *= 2
    }
  })
  const totalMs = contenders.map(() => 0)
  const totalCalls = contenders.map(() => 0)
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = (k + round) % contenders.length
      totalMs[c]! += timeCalls(contenders[c]!.run, calls[c]!)
      totalCalls[c]! += calls[c]!
    }
  }
  if (sink === 0.5) console.log('')
  return new Map(contenders.map((c, i) => [c.name, (totalMs[i]! * 1e6) / totalCalls[i]!]))
}
