// Whether Redis is usable, as one state for the whole store (both connections and the breaker),
// and the reports of its changes: one line when it goes down, one when it is back, rate-limited
// so that a flapping server prints a bounded number of lines. Per-call work is one field test on
// success and one increment on a skipped or failed call.
import { errorLine, startTimer, stopTimer } from '@cache/internal'

/** Whether the store can use Redis. */
export type TierState = 'available' | 'unavailable'

/** What kind of Redis call a count is about. */
export type CallKind = 'read' | 'write' | 'delete' | 'lock'

/**
 * Redis calls by kind. `reads` includes a load's read-or-lock calls (one script that reads its
 * keys and locks the absent ones); `deletes`, `clear()`'s calls; `locks`, the bare lock calls
 * (an eager refresh's) and the releases.
 */
export interface TierCalls {
  readonly reads: number
  readonly writes: number
  readonly deletes: number
  readonly locks: number
}

/**
 * A change of the tier's state, as given to `onStateChange` and written as one log line. Reports
 * are rate-limited: outages that begin soon after the last `'unavailable'` report are not
 * reported one by one but summed up in the next report (`outages` above 1).
 */
export interface TierStateEvent {
  /** The store's `prefix`, to tell stores apart. */
  readonly prefix: string
  /**
   * On a Redis Cluster, the node (`host:port`) whose state changed: each master is reported on
   * its own (its slots go through the loader meanwhile; the other masters' keys are unaffected).
   */
  readonly node?: string
  /** `'unavailable'`: Redis is skipped from now on; `'available'`: it is used again. */
  readonly state: TierState
  /** What made the tier unavailable: a lost connection, or the call that opened the breaker. */
  readonly cause?: unknown
  /** `'available'` only: how long the tier was unavailable, in ms, over `outages`. */
  readonly downMs?: number
  /**
   * Outages this report covers: 1, or more when the ones since the last report were too close
   * together to be reported one by one.
   */
  readonly outages: number
  /** Calls that were skipped (not sent) or failed while the tier was unavailable, by kind. */
  readonly skipped: TierCalls
  /**
   * On a Redis Cluster, `'available'` only: the node this report is about is no longer a
   * master (it failed over, and came back as a replica or not at all; or a resharding moved all
   * its slots away), and the slots it served are now served by this node (`host:port`; the
   * master serving most of them, should they be spread over several). The report closes its
   * outage; no call goes to it any more.
   */
  readonly movedTo?: string
}

/** The tier's state now, and counters since the store was created (`store.health`). */
export interface TierHealthSnapshot {
  readonly state: TierState
  /** When the tier entered its current state (`Date.now()`), 0 if it never changed. */
  readonly since: number
  /** The current outage's cause; `undefined` while available. */
  readonly cause: unknown
  /** Outages so far. */
  readonly outages: number
  /** Calls not sent to Redis (not connected, or the breaker open), by kind. */
  readonly skipped: TierCalls
  /** Calls sent that failed or timed out, by kind. */
  readonly failed: TierCalls
  /**
   * On a Redis Cluster (in `store.health`), each master the store has talked to and its state,
   * by address (`host:port`); absent on a single server. See `store.nodeHealth` for the counts.
   */
  readonly nodes?: readonly { readonly node: string; readonly state: TierState }[]
}

/** Where state changes go: typed events, and log lines. */
export interface TierReporting {
  readonly prefix: string
  /** The cluster node this tracker is about (absent: the whole store). */
  readonly node?: string
  /** Receives each report; what it throws is ignored. */
  readonly onStateChange: ((event: TierStateEvent) => void) | undefined
  /** Receives each report as one line; `undefined`: no lines. */
  readonly log: ((line: string) => void) | undefined
}

/** What can make the tier unavailable; it is available when none of them holds. */
export type Trouble = 'command' | 'subscriber' | 'breaker'

/** The first report after a quiet period is made at once; later ones wait this long at first. */
export const REPORT_WINDOW_MS = 10_000
/** The longest wait between two `'unavailable'` reports while Redis keeps flapping. */
export const MAX_REPORT_WINDOW_MS = 300_000

/** Call counts by kind, as they are added up. */
export interface MutableCalls {
  reads: number
  writes: number
  deletes: number
  locks: number
}

/** No calls yet. */
export function zero(): MutableCalls {
  return { reads: 0, writes: 0, deletes: 0, locks: 0 }
}

const FIELD = { read: 'reads', write: 'writes', delete: 'deletes', lock: 'locks' } as const

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  return `${(ms / 60_000).toFixed(1)} min`
}

/** An event as one log line. */
export function lineOf(event: TierStateEvent): string {
  const head =
    event.node === undefined
      ? `[@cache/redis] ${event.prefix}`
      : `[@cache/redis] ${event.prefix} (node ${event.node})`
  const s = event.skipped
  const calls = `${plural(s.reads, 'read')}, ${plural(s.writes, 'write')}, ${plural(s.deletes, 'delete')}, ${plural(s.locks, 'lock call')}`
  if (event.state === 'unavailable') {
    const more =
      event.outages > 1
        ? ` (${plural(event.outages - 1, 'more outage')} since the last report; skipped or failed meanwhile: ${calls})`
        : ''
    return `${head} Redis unavailable, serving without it: ${errorLine(event.cause)}${more}`
  }
  const down = duration(event.downMs ?? 0)
  const what =
    event.outages > 1 ? `${plural(event.outages, 'outage')}, ${down} down in all` : `${down} down`
  if (event.movedTo !== undefined) {
    return `${head} no longer a master, its slots served by ${event.movedTo}, after ${what}; skipped or failed meanwhile: ${calls}`
  }
  return `${head} Redis available again after ${what}; skipped or failed meanwhile: ${calls}`
}

/**
 * The state machine. Troubles are raised and cleared by the connections and the breaker; the
 * tier goes down when the first is raised and up when the last is cleared.
 */
export class TierHealth {
  readonly #reporting: TierReporting
  /** Troubles now, as bits of {@link BIT}; 0: available. */
  #troubles = 0
  #since = 0
  #cause: unknown = undefined
  #outages = 0
  readonly #skipped: MutableCalls = zero()
  readonly #failed: MutableCalls = zero()

  // Since the last 'available' report: what the next report sums up.
  #pendingOutages = 0
  #pendingDownMs = 0
  #pending: MutableCalls = zero()
  /** Whether the last report said 'unavailable' (the next one then says 'available'). */
  #reportedDown = false
  /** No 'unavailable' report before this time; later outages wait for the flush timer. */
  #nextReportAt = 0
  #window = REPORT_WINDOW_MS
  #timer: unknown = undefined
  #closed = false

  constructor(reporting: TierReporting) {
    this.#reporting = reporting
  }

  /** Whether the tier is unavailable now. */
  get down(): boolean {
    return this.#troubles !== 0
  }

  /** The state and the counters now. */
  snapshot(): TierHealthSnapshot {
    return {
      state: this.#troubles === 0 ? 'available' : 'unavailable',
      since: this.#since,
      cause: this.#troubles === 0 ? undefined : this.#cause,
      outages: this.#outages,
      skipped: { ...this.#skipped },
      failed: { ...this.#failed },
    }
  }

  /** `trouble` began (a lost connection, an opened breaker), because of `cause`. */
  raise(trouble: Trouble, cause: unknown): void {
    const bit = BIT[trouble]
    if ((this.#troubles & bit) !== 0) return
    const wasUp = this.#troubles === 0
    this.#troubles |= bit
    if (wasUp) this.#wentDown(cause)
  }

  /** `trouble` ended (a connection ready again, a call that succeeded). */
  clear(trouble: Trouble): void {
    const bit = BIT[trouble]
    if ((this.#troubles & bit) === 0) return
    this.#troubles &= ~bit
    if (this.#troubles === 0) this.#wentUp()
  }

  /** A call succeeded: the breaker is closed and the command connection works. */
  succeeded(): void {
    // The hot path: one test while all is well.
    if (this.#troubles !== 0) {
      this.clear('breaker')
      this.clear('command')
    }
  }

  /** A call was not sent (not connected, or the breaker open). */
  notSent(kind: CallKind): void {
    this.#skipped[FIELD[kind]]++
    if (this.#troubles !== 0) this.#pending[FIELD[kind]]++
  }

  /** A call was sent and failed or timed out. */
  failed(kind: CallKind): void {
    this.#failed[FIELD[kind]]++
    if (this.#troubles !== 0) this.#pending[FIELD[kind]]++
  }

  /**
   * On a cluster: the node is no longer a master, its slots served by `movedTo`. Ends its
   * outage, if any, with one `'available'` report naming `movedTo` (only if its outage was
   * reported), then no more reports: no call goes to the node any more.
   */
  retire(movedTo: string): void {
    if (this.#closed) return
    stopTimer(this.#timer)
    this.#timer = undefined
    if (this.#troubles !== 0) {
      this.#troubles = 0
      const now = Date.now()
      this.#pendingDownMs += now - this.#since
      this.#since = now
      this.#cause = undefined
    }
    if (this.#reportedDown) this.#reportUp(movedTo)
    this.close()
  }

  /** No more reports (the store is closed). */
  close(): void {
    this.#closed = true
    stopTimer(this.#timer)
    this.#timer = undefined
  }

  #wentDown(cause: unknown): void {
    const now = Date.now()
    this.#since = now
    this.#cause = cause
    this.#outages++
    this.#pendingOutages++
    if (this.#timer !== undefined) return // summed up by the flush
    if (now >= this.#nextReportAt) {
      // The last window passed without an outage to sum up: report at once, the window reset.
      this.#window = REPORT_WINDOW_MS
      this.#reportDown(now)
      return
    }
    this.#timer = startTimer(this.#flush, this.#nextReportAt - now, { keepAlive: false })
  }

  #wentUp(): void {
    const now = Date.now()
    this.#pendingDownMs += now - this.#since
    this.#since = now
    this.#cause = undefined
    if (this.#reportedDown) this.#reportUp()
  }

  /** The window after the last 'unavailable' report is over, and outages began in it. */
  readonly #flush = (): void => {
    this.#timer = undefined
    if (this.#closed) return
    const now = Date.now()
    // Flapping: the next window is twice as long.
    this.#window = Math.min(this.#window * 2, MAX_REPORT_WINDOW_MS)
    if (this.#troubles !== 0) {
      this.#reportDown(now)
      return
    }
    this.#nextReportAt = now + this.#window
    this.#reportUp()
  }

  #reportDown(now: number): void {
    this.#reportedDown = true
    this.#nextReportAt = now + this.#window
    this.#emit({
      ...this.#where(),
      state: 'unavailable',
      cause: this.#cause,
      outages: this.#pendingOutages,
      skipped: { ...this.#pending },
    })
  }

  #reportUp(movedTo?: string): void {
    const event: TierStateEvent = {
      ...this.#where(),
      state: 'available',
      downMs: this.#pendingDownMs,
      outages: this.#pendingOutages,
      skipped: this.#pending,
      ...(movedTo === undefined ? {} : { movedTo }),
    }
    this.#reportedDown = false
    this.#pendingOutages = 0
    this.#pendingDownMs = 0
    this.#pending = zero()
    this.#emit(event)
  }

  /** The prefix, and the node when this tracker is a node's. */
  #where(): { prefix: string; node?: string } {
    const { prefix, node } = this.#reporting
    return node === undefined ? { prefix } : { prefix, node }
  }

  #emit(event: TierStateEvent): void {
    if (this.#closed) return
    const { onStateChange, log } = this.#reporting
    if (onStateChange !== undefined) {
      try {
        onStateChange(event)
      } catch {
        // onStateChange must not throw; there is nowhere left to report to.
      }
    }
    if (log !== undefined) {
      try {
        log(lineOf(event))
      } catch {
        // Nor must the log.
      }
    }
  }
}

const BIT: Readonly<Record<Trouble, number>> = { command: 1, subscriber: 2, breaker: 4 }
