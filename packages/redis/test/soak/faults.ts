// The soak's fault schedule, as data: when to kill Redis (and how long it stays down) and when
// to pause it (and for how long), so that other schedules can be run with the same harness.
import type { RedisServer } from '../redisServer.js'
import { seededRandom } from './random.js'

/** One fault: Redis killed (SIGKILL, restarted after `forMs`) or paused (SIGSTOP for `forMs`). */
export interface Fault {
  readonly kind: 'kill' | 'pause'
  /** When it starts, in ms from the start of the run. */
  readonly atMs: number
  /** How long Redis is down (killed) or hung (paused), in ms. */
  readonly forMs: number
}

/** What happened to one fault: when it really started and ended (`performance.now()`). */
export interface Outage {
  readonly fault: Fault
  readonly startedAt: number
  /** When Redis answered again (restarted and answering PING, or sent SIGCONT). */
  endedAt: number
}

/**
 * Kills (down 2 s) and pauses (3 s) alternately, one every `everyMs`, the first at half of
 * `everyMs`, none starting within `everyMs` of the end, so that the run ends recovered: for
 * 60 s, kills at 5, 25 and 45 s and pauses at 15 and 35 s.
 */
export function alternatingFaults(seconds: number, everyMs = 10_000): Fault[] {
  const faults: Fault[] = []
  for (let at = everyMs / 2, i = 0; at + everyMs <= seconds * 1_000; at += everyMs, i++) {
    faults.push(
      i % 2 === 0
        ? { kind: 'kill', atMs: at, forMs: 2_000 }
        : { kind: 'pause', atMs: at, forMs: 3_000 },
    )
  }
  return faults
}

/**
 * A seeded random schedule for `seconds`: kills (down 0.1-8 s) and pauses (hung 0.1-12 s, so
 * beyond the store's call timeout and lock lease) in random order, 0.5-8 s apart, the first after
 * 2 s and the last ending at least 10 s before the end, so that the run ends recovered. The
 * durations are drawn from a spread that gives short, medium and long faults alike (uniform in
 * the logarithm), not from one fixed shape as {@link alternatingFaults}.
 */
export function randomFaults(seconds: number, seed: number): Fault[] {
  const random = seededRandom(seed)
  const between = (low: number, high: number): number => Math.round(low * (high / low) ** random())
  const faults: Fault[] = []
  const lastEnd = seconds * 1_000 - 10_000
  for (let at = 2_000; ;) {
    const kind = random() < 0.5 ? 'kill' : 'pause'
    const forMs = kind === 'kill' ? between(100, 8_000) : between(100, 12_000)
    if (at + forMs > lastEnd) break
    faults.push({ kind, atMs: at, forMs })
    at += forMs + between(500, 8_000)
  }
  return faults
}

/**
 * The schedule named by `SOAK_FAULTS`: `random:<seed>` ({@link randomFaults}), or a list of
 * `kill@<atMs>+<forMs>` and `pause@<atMs>+<forMs>` separated by commas (in ms from the start;
 * faults must not overlap).
 */
export function parseFaults(spec: string, seconds: number): Fault[] {
  const seeded = /^random:(\d+)$/.exec(spec)
  if (seeded !== null) return randomFaults(seconds, Number(seeded[1]))
  const faults = spec.split(',').map((part): Fault => {
    const match = /^(kill|pause)@(\d+)\+(\d+)$/.exec(part.trim())
    if (match === null) {
      throw new Error(
        `SOAK_FAULTS: "${part}" is not kill@<atMs>+<forMs> or pause@<atMs>+<forMs> (or the whole value random:<seed>)`,
      )
    }
    return { kind: match[1] as Fault['kind'], atMs: Number(match[2]), forMs: Number(match[3]) }
  })
  faults.sort((a, b) => a.atMs - b.atMs)
  for (let i = 1; i < faults.length; i++) {
    const previous = faults[i - 1]!
    if (faults[i]!.atMs < previous.atMs + previous.forMs) {
      throw new Error(
        `SOAK_FAULTS: the fault at ${faults[i]!.atMs} ms starts before the one at ${previous.atMs} ms has ended`,
      )
    }
  }
  return faults
}

/**
 * Runs `faults` against `server` from `startedAt` on; resolves once the last has ended. `stopped`
 * is checked before each fault starts: a fault not yet started when the run ends never starts,
 * and one under way is always ended (Redis restarted or resumed). `beforeRestart`, if given, is
 * awaited after a kill's `forMs` and before the restart (on a cluster: until the killed master's
 * replica has taken its slots over, so that it comes back as a replica); the restart follows
 * whether it resolves or rejects, and a rejection is passed on after it.
 */
export async function runFaults(
  server: RedisServer,
  faults: readonly Fault[],
  startedAt: number,
  outages: Outage[],
  stopped: () => boolean,
  beforeRestart?: () => Promise<void>,
): Promise<void> {
  const sorted = [...faults].sort((a, b) => a.atMs - b.atMs)
  for (const fault of sorted) {
    await sleepUntil(startedAt + fault.atMs, stopped)
    if (stopped()) return
    const outage: Outage = { fault, startedAt: performance.now(), endedAt: Number.NaN }
    outages.push(outage)
    if (fault.kind === 'kill') {
      await server.stop('SIGKILL')
      await sleep(fault.forMs)
      try {
        await beforeRestart?.()
      } finally {
        await server.start()
        outage.endedAt = performance.now()
      }
    } else {
      server.pause()
      await sleep(fault.forMs)
      server.resume()
    }
    outage.endedAt = performance.now()
  }
}

/** The source's outage: the database fails every load from `atMs` for `forMs` (ms from the start). */
export interface SourceOutage {
  readonly atMs: number
  readonly forMs: number
}

/**
 * How long a Redis fault's effects last past its end: a killed server's restart (up to a second
 * on a busy machine), the clients' reconnection and the breaker's next probe. The soak's goals
 * are for each outage alone: Redis and the source down together is another case (fail-safe then
 * has only L1's copies, and a delete made elsewhere during the outage, not yet replayed, cannot
 * be heard of).
 */
export const FAULT_AFTERMATH_MS = 5_000

/**
 * `faults` without those whose effects overlap `outage` (the fault and its
 * {@link FAULT_AFTERMATH_MS}): the Redis faults and the source's stay apart.
 */
export function apartFrom(faults: readonly Fault[], outage: SourceOutage | null): Fault[] {
  if (outage === null) return [...faults]
  const end = outage.atMs + outage.forMs
  // A fault that starts as the source comes back is left out too: their effects would blur.
  return faults.filter((f) => f.atMs + f.forMs + FAULT_AFTERMATH_MS < outage.atMs || f.atMs > end)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Sleeps until `at` (`performance.now()`), waking every 100 ms to see whether the run stopped. */
async function sleepUntil(at: number, stopped: () => boolean): Promise<void> {
  for (let left = at - performance.now(); left > 0 && !stopped(); left = at - performance.now()) {
    await sleep(Math.min(left, 100))
  }
}
