// The cache's clocks: the exact one (`now`, `Date.now()` by default), and the coarse one the hit
// path reads instead of the default clock, which reads `Date.now()` at most once per
// `ttlResolution` ms.
//
// Why: a hit with a TTL must compare its entry's expiry with the time, and `Date.now()` costs
// about as much as the rest of an async hit (56 ns and up: a system call on some virtual
// machines). lru-cache pays it once per `ttlResolution` (1 ms) the same way.
//
// Costs: a hit reads a variable, `Date.now` (to see that it is still the runtime's own), and
// counts down a budget; once per resolution, `Date.now()` and one unref'ed timer.
import { startTimer } from '@cache/internal'

/** The default clock: `Date.now()`, looked up at each call so that fake timers apply. */
export function systemNow(): number {
  return Date.now()
}

/**
 * The default `ttlResolution` (ms): a hit may be served up to this long after its entry expired.
 */
export const DEFAULT_TTL_RESOLUTION = 1

/**
 * How many reads one `Date.now()` serves at most. A timer that has not run means the event loop
 * is busy (a long synchronous run, a long chain of promise jobs): the budget bounds how stale the
 * time can get while hits keep coming, at a clock read per this many hits.
 */
export const READS_PER_CLOCK_READ = 1024

/** The `Date.now` functions known to be the runtime's own, as opposed to fakes and spies. */
const trusted = new WeakSet<() => number>()
const untrusted = new WeakSet<() => number>()

function isTrusted(now: () => number): boolean {
  if (trusted.has(now)) return true
  if (untrusted.has(now)) return false
  let native = false
  try {
    native = /\{\s*\[native code\]\s*\}\s*$/.test(Function.prototype.toString.call(now))
  } catch {
    // A Proxy or an exotic function: not the runtime's own clock.
  }
  ;(native ? trusted : untrusted).add(now)
  return native
}

/**
 * Lets the coarse clock trust `now` as if it were the runtime's `Date.now`, so that a test can
 * drive the coarse clock with fake timers (which replace `Date`, and are otherwise read exactly);
 * returns the function that withdraws the trust.
 */
export function trustClockForTesting(now: () => number): () => void {
  untrusted.delete(now)
  trusted.add(now)
  return () => {
    trusted.delete(now)
  }
}

/** Whether a timer handle can be unref'ed (so a pending refresh never keeps a process alive). */
function canUnref(handle: unknown): boolean {
  // Node and Bun return objects with unref(). Browsers return numbers, and throttle the timers of
  // background tabs to once a second or less; Deno returns numbers too: there, every read reads
  // the clock.
  return (
    typeof handle === 'object' &&
    handle !== null &&
    typeof (handle as { unref?: unknown }).unref === 'function'
  )
}

/**
 * A clock for the hit path: `Date.now()` read at most once per `resolutionMs`, so an entry may be
 * served up to `resolutionMs` after it expired. The time read is kept until a timer of
 * `resolutionMs` runs, or {@link READS_PER_CLOCK_READ} reads have used it. Exact (every read calls
 * `Date.now()`) when `Date.now` is not the runtime's own (fake timers, a spy: they control time
 * exactly, `vi.setSystemTime` included) or the runtime's timers cannot be unref'ed (browsers,
 * which throttle them, and Deno).
 */
export function coarseClock(resolutionMs: number): () => number {
  // The `Date.now` the time was read from, while the time is still good; `undefined` otherwise.
  let source: (() => number) | undefined = undefined
  let time = 0
  let budget = 0
  let pending = false
  // When the pending timer should have run: one lost with the fake timers it was made under is
  // replaced once it is a second overdue.
  let due = 0
  let exact = false
  const expire = (): void => {
    pending = false
    source = undefined
  }
  const refresh = (): number => {
    const now = Date.now
    const value = Date.now()
    if (exact || !isTrusted(now)) return value
    source = now
    time = value
    budget = READS_PER_CLOCK_READ
    if (!pending || value > due + 1000) {
      pending = true
      due = value + resolutionMs
      const handle = startTimer(expire, resolutionMs, { keepAlive: false })
      if (!canUnref(handle)) {
        exact = true
        source = undefined
      }
    }
    return value
  }
  return function coarseNow(): number {
    // One property read and a countdown: a fake Date installed since (or a spy on Date.now) is
    // not `source`, and is read at once.
    if (Date.now === source && --budget > 0) return time
    return refresh()
  }
}

const clocks = new Map<number, () => number>()

/**
 * The clock the hit path of a cache reads: its own `now` when one is injected (read at every
 * hit, exactly), else the coarse clock of `resolutionMs` (shared by every cache of that
 * resolution), or the exact default clock at a resolution of 0.
 */
export function hitClockOf(now: () => number, resolutionMs: number): () => number {
  if (now !== systemNow || resolutionMs === 0) return now
  let clock = clocks.get(resolutionMs)
  if (clock === undefined) {
    clock = coarseClock(resolutionMs)
    clocks.set(resolutionMs, clock)
  }
  return clock
}
