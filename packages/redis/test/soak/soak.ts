// The soak: several AsyncCache instances sharing one Redis prefix, each through its own
// redisStore (its own connections), many concurrent callers on a shared "database", a writer
// bumping versions and invalidating, Redis killed and paused on a schedule, and the source (the
// database) down for a while with fail-safe on (issue 13). Public APIs only. Returns every figure the goals are stated in; see README "Soak test".
import { randomUUID } from 'node:crypto'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'

import { AsyncCache } from '@cache/decorators'

import { redisStore, type RedisStore } from '../../src/index.js'
import type { RedisCluster } from '../redisCluster.js'
import { startRedisServer, type RedisServer } from '../redisServer.js'
import { callBound, type CallBound, type SoakStoreOptions } from './bound.js'
import { tapConsole } from './consoleTap.js'
import { SOURCE_DOWN, SoakDatabase, type SoakValue } from './database.js'
import {
  alternatingFaults,
  apartFrom,
  runFaults,
  type Fault,
  type Outage,
  type SourceOutage,
} from './faults.js'
import { recoveredAt, watchHealth, type Interval } from './health.js'
import { hotLoads } from './hotLoads.js'
import { seededRandom, zipfPicker } from './random.js'

/** What to run; every field has a default (the 60 s soak of issue 12). */
export interface SoakOptions {
  /** How long callers call, in s. @default 60 */
  readonly seconds?: number
  /** AsyncCache instances, each with its own redisStore. @default 4 */
  readonly instances?: number
  /** Keys in all, the hot ones included. @default 1_000 */
  readonly keys?: number
  /** Hot keys: asked often, never written (the loads-per-expiry figure is theirs). @default 20 */
  readonly hotKeys?: number
  /** The share of calls that ask for a hot key. @default 0.2 */
  readonly hotShare?: number
  /** The caches' ttl, in ms. @default 2_000 */
  readonly ttlMs?: number
  /** Concurrent callers. @default 100 */
  readonly callers?: number
  /** The writer bumps a key and deletes it every this many ms. @default 50 */
  readonly writeEveryMs?: number
  /** The loader's delay, uniform in [min, max] ms. @default [1, 5] */
  readonly loaderDelayMs?: readonly [number, number]
  /**
   * How late past the ttl a value may still be served before it counts as stale, in ms: the
   * loader's delay, and the event loop's lag in one process running every instance and caller
   * (up to 300 ms seen on 2 cores shared with other work). @default 500
   */
  readonly toleranceMs?: number
  /**
   * The faults. @default alternatingFaults(seconds) without those that overlap the source's
   * outage: a kill or a pause every 10 s
   */
  readonly faults?: readonly Fault[]
  /**
   * When the source (the database) fails every load, with fail-safe on; `null`: never.
   * @default 10 s in the middle of a run of 30 s or more, else null
   */
  readonly sourceOutage?: SourceOutage | null
  /** The caches' fail-safe, durations in ms. @default { maxStale: 60_000, throttle: 1_000 } */
  readonly failSafe?: { readonly maxStale: number; readonly throttle: number }
  /** Options for every redisStore (besides url and prefix). @default {} */
  readonly store?: SoakStoreOptions
  /** A server to use (left running); else the soak starts and stops its own. */
  readonly server?: RedisServer
  /**
   * A Redis Cluster to run on instead (left running): the stores use `cluster`, and the faults
   * hit its first master (a kill there is a failover: its replica takes its slots over). A
   * killed master is restarted once every slot is served again (at least `forMs` after the
   * kill, so it comes back as a replica), or at the end of the run if the failover has not
   * completed by then (the run then fails).
   */
  readonly cluster?: RedisCluster
  /** The workload's seed. @default 12 */
  readonly seed?: number
}

/** The source's outage of a run of `seconds`: 10 s in the middle of a run of 30 s or more. */
export function defaultSourceOutage(seconds: number): SourceOutage | null {
  return seconds >= 30 ? { atMs: seconds * 500 - 5_000, forMs: 10_000 } : null
}

/** One outage as it went. */
export interface OutageReport {
  readonly kind: Fault['kind']
  /** When it started, in ms from the start of the run. */
  readonly atMs: number
  /** How long Redis was down or hung, in ms. */
  readonly forMs: number
  /** From Redis answering again until every store was connected with its circuit closed. */
  readonly recoveredAfterMs: number
}

/** Every figure of one soak run. */
export interface SoakResult {
  /** How long callers called, in s. */
  readonly seconds: number
  /** From the end of calling until the last call settled (or one bound, if some hung), in ms. */
  readonly drainMs: number
  readonly instances: number
  readonly callers: number
  readonly gets: number
  readonly loads: number
  readonly writes: number
  /** Values that are no version of the key asked for, or corrupted. Goal: 0. */
  readonly wrong: number
  /** Values superseded in the database more than ttl + tolerance before they were served. Goal: 0. */
  readonly stale: number
  /** The first stale values: when served (ms from the start) and how long after it was superseded. */
  readonly staleSample: readonly { readonly atMs: number; readonly supersededForMs: number }[]
  /**
   * Values served more than ttl + tolerance after their loader produced them, superseded or
   * not (not one of the goals: a value written late lives on past its expiry).
   */
  readonly pastExpiry: number
  /** The first of them: when served (ms from the start) and how long after they were loaded. */
  readonly pastExpirySample: readonly { readonly atMs: number; readonly loadedForMs: number }[]
  /**
   * Calls that rejected, but for those of {@link errorsNoValue}. Goal: 0: with the source down,
   * every caller of a key that has a value cached gets it (fail-safe).
   */
  readonly errors: number
  /**
   * Calls that rejected while the source was down for a key with no value at hand in the
   * instance called: it never served the key since the key's last delete (or at all), so only
   * Redis's stale copy could answer. Not a goal.
   */
  readonly errorsNoValue: number
  /** The source's outage, as run (`null`: none). */
  readonly sourceOutage: SourceOutage | null
  /** Values served older than ttl + tolerance while the source was down (and a throttle after). */
  readonly failSafeServed: number
  /** Loads that failed because the source was down. */
  readonly failedLoads: number
  /** Failed loads answered with a stale value, over every instance (`stats().failSafeActivations`). */
  readonly failSafeActivations: number
  /** The first few of their messages. */
  readonly errorSample: readonly string[]
  /** The bound on one call, in ms, and its parts. */
  readonly bound: CallBound
  /** Calls that took longer than the bound, hung ones included. Goal: 0. */
  readonly overBound: number
  /** Calls still pending one bound after the callers stopped. */
  readonly hung: number
  readonly maxCallMs: number
  readonly p999CallMs: number
  /** The most loads of one hot key within one expiry (ttl - tolerance), outside faults. Goal: ≤ 1. */
  readonly loadsPerExpiry: number
  /** Hot-key loads beyond the first of their expiry, outside faults. */
  readonly extraHotLoads: number
  /** Hot-key loads counted for the two figures above. */
  readonly hotLoadsCounted: number
  /** Lines printed to the console and stdout/stderr during the run. */
  readonly consoleLines: number
  readonly consoleSample: readonly string[]
  readonly outages: readonly OutageReport[]
  /** consoleLines / outages. Goal: ≤ 2. */
  readonly linesPerOutage: number
  /** The event loop's longest delay during the run, in ms. */
  readonly maxEventLoopLagMs: number
}

/** Latencies in whole ms, for the 99.9th percentile without keeping every call. */
class Latencies {
  readonly #counts = new Uint32Array(60_001)
  #n = 0
  max = 0

  add(ms: number): void {
    if (ms > this.max) this.max = ms
    this.#counts[Math.min(Math.ceil(ms), 60_000)]!++
    this.#n++
  }

  percentile(p: number): number {
    let seen = 0
    const target = Math.ceil(this.#n * p)
    for (let ms = 0; ms < this.#counts.length; ms++) {
      seen += this.#counts[ms]!
      if (seen >= target) return ms
    }
    return this.max
  }
}

/** Runs the soak and returns its figures (it prints nothing: see summary.ts). */
export async function runSoak(options: SoakOptions = {}): Promise<SoakResult> {
  const seconds = options.seconds ?? 60
  const instanceCount = options.instances ?? 4
  const keyCount = options.keys ?? 1_000
  const hotCount = options.hotKeys ?? 20
  const hotShare = options.hotShare ?? 0.2
  const ttlMs = options.ttlMs ?? 2_000
  const callerCount = options.callers ?? 100
  const writeEveryMs = options.writeEveryMs ?? 50
  const toleranceMs = options.toleranceMs ?? 500
  const sourceOutage =
    options.sourceOutage !== undefined ? options.sourceOutage : defaultSourceOutage(seconds)
  const faults = options.faults ?? apartFrom(alternatingFaults(seconds), sourceOutage)
  const failSafe = options.failSafe ?? { maxStale: 60_000, throttle: 1_000 }
  const storeOptions = options.store ?? {}
  const random = seededRandom(options.seed ?? 12)

  const hotKeys = Array.from({ length: hotCount }, (_, i) => `hot:${i}`)
  const coldKeys = Array.from({ length: keyCount - hotCount }, (_, i) => `key:${i}`)
  const pickCold = zipfPicker(coldKeys.length, 1, random)
  const db = new SoakDatabase([...hotKeys, ...coldKeys], options.loaderDelayMs ?? [1, 5], random)
  const bound = callBound(storeOptions, db.maxDelayMs)
  const staleAfterMs = ttlMs + toleranceMs

  const cluster = options.cluster
  const server = cluster?.masters[0] ?? options.server ?? (await startRedisServer())
  const prefix = `soak:${randomUUID().slice(0, 8)}:`
  const stores: RedisStore[] = []
  const caches: AsyncCache<string, SoakValue>[] = []
  for (let i = 0; i < instanceCount; i++) {
    const store = redisStore(
      cluster === undefined
        ? { ...storeOptions, url: server.url, prefix }
        : { ...storeOptions, cluster: { rootNodes: cluster.rootNodes }, prefix },
    )
    stores.push(store)
    // No onError: what a new user gets, the default report included.
    caches.push(new AsyncCache<string, SoakValue>({ ttl: ttlMs, l2: store, failSafe }))
  }
  await Promise.all(stores.map((store) => store.connect()))

  // From here on the console is swallowed (and counted): whatever happens, put it back, end
  // the faults (Redis running again) and close the instances.
  const tap = tapConsole()
  const lag = monitorEventLoopDelay({ resolution: 10 })
  lag.enable()
  const health = watchHealth(stores)
  const startedAt = performance.now()
  const deadline = startedAt + seconds * 1_000
  let stopped = false
  const outages: Outage[] = []
  const faultsDone = runFaults(
    server,
    faults,
    startedAt,
    outages,
    () => stopped,
    cluster === undefined
      ? undefined
      : () => cluster.waitUntilServed(Math.max(0, deadline - performance.now())),
  )
  let writeTimer: NodeJS.Timeout | undefined
  const sourceTimers: NodeJS.Timeout[] = []
  // The source's outage, and how long its effects last: the calls served in it, and a throttle
  // after, may be stale (fail-safe's point), so the expiry figures leave them out.
  const outageFrom = sourceOutage === null ? Infinity : startedAt + sourceOutage.atMs
  const outageTo = sourceOutage === null ? -Infinity : outageFrom + sourceOutage.forMs
  const failSafeUntil = outageTo + db.maxDelayMs + failSafe.throttle + toleranceMs
  if (sourceOutage !== null) {
    sourceTimers.push(
      setTimeout(() => (db.down = true), sourceOutage.atMs),
      setTimeout(() => (db.down = false), sourceOutage.atMs + sourceOutage.forMs),
    )
  }
  /**
   * `instance:key` for the keys each instance served a value of, loaded since the key's last
   * delete: that instance's L1 holds it (1,000 keys fit), so fail-safe has it at hand. A key
   * another instance served is at hand only through Redis, whose writes and reads a busy
   * machine may time out: an error for it is counted apart (the L2 fallback of a cold instance
   * is checked by the tests of store.test.ts and the decorators').
   */
  const hasValue = new Set<string>()
  let errorsNoValue = 0
  let failSafeServed = 0
  let failSafeActivations = 0

  let gets = 0
  let wrong = 0
  let stale = 0
  let pastExpiry = 0
  let errors = 0
  let overBound = 0
  let hung = 0
  let drainMs = 0
  const errorSample: string[] = []
  const staleSample: { atMs: number; supersededForMs: number }[] = []
  const pastExpirySample: { atMs: number; loadedForMs: number }[] = []
  const latencies = new Latencies()
  const inFlight = new Set<number>()

  const caller = async (id: number): Promise<void> => {
    while (performance.now() < deadline) {
      const key =
        random() < hotShare ? hotKeys[Math.floor(random() * hotCount)]! : coldKeys[pickCold()]!
      const instance = Math.floor(random() * instanceCount)
      const cache = caches[instance]!
      const started = performance.now()
      const hadValue = hasValue.has(`${instance}:${key}`)
      inFlight.add(id)
      try {
        const value = await cache.get(key, db.load)
        const servedAt = performance.now()
        // At hand only if loaded after the key's last delete and kept: a load that a delete's
        // invalidation made the cache forget (even one that arrives late, for a delete made
        // before the load started) is served to its callers, not kept.
        if (value.version === db.versionOf(key) && cache.has(key)) {
          hasValue.add(`${instance}:${key}`)
        }
        const verdict = db.judge(key, value, servedAt, staleAfterMs)
        if (verdict === 'wrong') wrong++
        else if (verdict === 'stale' && stale++ < 5) {
          const supersededAt = db.supersededAt(key, value.version) ?? servedAt
          staleSample.push({ atMs: servedAt - startedAt, supersededForMs: servedAt - supersededAt })
        }
        const failSafeTime = servedAt >= outageFrom && servedAt <= failSafeUntil
        if (verdict !== 'wrong' && servedAt - value.loadedAt > staleAfterMs && failSafeTime) {
          failSafeServed++
        } else if (
          verdict !== 'wrong' &&
          servedAt - value.loadedAt > staleAfterMs &&
          pastExpiry++ < 5
        ) {
          pastExpirySample.push({
            atMs: servedAt - startedAt,
            loadedForMs: servedAt - value.loadedAt,
          })
        }
      } catch (error) {
        // The source's outage error (judged by what failed, not by the clock: on a busy machine
        // a load started in the outage may settle well after it).
        if (!hadValue && isSourceDown(error)) errorsNoValue++
        else {
          errors++
          if (errorSample.length < 3) errorSample.push(String(error))
        }
      }
      inFlight.delete(id)
      const took = performance.now() - started
      latencies.add(took)
      if (took > bound.totalMs) overBound++
      gets++
      // Lets timers and I/O run: an L1 hit settles without leaving the microtask queue.
      await yieldToEventLoop()
    }
  }

  try {
    // The writer: a new version in the database, then a delete on one instance, as an app would.
    let writer = 0
    writeTimer = setInterval(() => {
      // Nothing is written to a database that is down.
      if (db.down) return
      const key = coldKeys[pickCold()]!
      db.bump(key, performance.now())
      for (let i = 0; i < instanceCount; i++) hasValue.delete(`${i}:${key}`)
      caches[writer++ % instanceCount]!.delete(key)
    }, writeEveryMs)
    const callersDone = Promise.all(Array.from({ length: callerCount }, (_, id) => caller(id)))

    // Callers stop at the deadline; a call still pending one bound later is hung.
    await sleep(deadline - performance.now())
    stopped = true
    clearInterval(writeTimer)
    await within(callersDone, bound.totalMs)
    hung = inFlight.size
    drainMs = performance.now() - deadline
  } finally {
    stopped = true
    clearInterval(writeTimer)
    for (const timer of sourceTimers) clearTimeout(timer)
    db.down = false
    for (const cache of caches) failSafeActivations += cache.stats().failSafeActivations
    try {
      await faultsDone
    } finally {
      health.stop()
      lag.disable()
      tap.close()
      await within(Promise.all(caches.map((cache) => cache.whenL2Settled())), 5_000)
      await Promise.all(caches.map((cache) => cache.destroy()))
      await Promise.allSettled(stores.map((store) => store.close()))
      if (options.server === undefined && cluster === undefined) await server.stop('SIGKILL')
    }
  }

  const excluded: Interval[] = [
    ...outages.map((o) => ({ from: o.startedAt, to: o.endedAt })),
    ...health.intervals,
    ...(sourceOutage === null ? [] : [{ from: outageFrom, to: failSafeUntil }]),
  ].map((i) => ({ from: i.from, to: i.to + staleAfterMs }))
  const hot = hotLoads(
    hotKeys.map((key) => db.loadsOf(key)),
    excluded,
    ttlMs - toleranceMs,
  )

  return {
    seconds,
    drainMs,
    instances: instanceCount,
    callers: callerCount,
    gets,
    loads: db.loads,
    writes: db.writes,
    wrong,
    stale,
    staleSample,
    pastExpiry,
    pastExpirySample,
    errors,
    errorsNoValue,
    errorSample,
    sourceOutage,
    failSafeServed,
    failedLoads: db.failedLoads,
    failSafeActivations,
    bound,
    overBound: overBound + hung,
    hung,
    maxCallMs: latencies.max,
    p999CallMs: latencies.percentile(0.999),
    loadsPerExpiry: hot.maxPerExpiry,
    extraHotLoads: hot.extraLoads,
    hotLoadsCounted: hot.counted,
    consoleLines: tap.lines,
    consoleSample: tap.sample,
    outages: outages.map((o) => ({
      kind: o.fault.kind,
      atMs: o.startedAt - startedAt,
      forMs: o.endedAt - o.startedAt,
      recoveredAfterMs: recoveredAt(health.intervals, o.endedAt) - o.endedAt,
    })),
    linesPerOutage: outages.length === 0 ? tap.lines : tap.lines / outages.length,
    maxEventLoopLagMs: lag.max / 1e6,
  }
}

function isSourceDown(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith(SOURCE_DOWN)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))
}

/** Waits for `promise`, but no longer than `ms` (its timer cleared, so no exit is held up). */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))])
  } finally {
    clearTimeout(timer)
  }
}
