// The command connection: every call bounded by `timeoutMs` and counted by the circuit breaker,
// skipped while the client is not connected or the circuit is open, and a lost connection
// reported once per outage rather than once per reconnection attempt. Both feed the store's
// TierHealth, which says when Redis is unavailable and back.
import type { CircuitBreaker } from './breaker.js'
import type { ClientLifecycle, RedisClientLike } from './client.js'
import { messageOf, RedisStoreError } from './errors.js'
import type { CommandSender, Router } from './router.js'
import { TierHealth, type CallKind } from './tierHealth.js'

/** Where a store sends errors that no caller receives. */
export type Reporter = (error: unknown) => void

/** How a guarded call went: its value, or why there is none (`skipped`: not even sent). */
export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: RedisStoreError; readonly skipped: boolean }

/** A tracker that reports nowhere, for a connection built without one. */
function silentHealth(): TierHealth {
  return new TierHealth({ prefix: '', onStateChange: undefined, log: undefined })
}

/**
 * A client's `'error'` events, reported once until it is `'ready'` again, and the connection's
 * state given to `health` (which prints one line per outage for all connections together).
 */
export function watchConnection(
  client: Pick<RedisClientLike, 'on'>,
  what: 'command' | 'subscriber',
  report: Reporter,
  health: TierHealth = silentHealth(),
): void {
  let down = false
  client.on('error', (error: unknown) => {
    if (down) return
    down = true
    const lost = new RedisStoreError(
      'ERR_REDIS_UNAVAILABLE',
      `Lost the ${what} connection to Redis`,
      {
        cause: error,
      },
    )
    health.raise(what, lost)
    report(lost)
  })
  client.on('ready', () => {
    down = false
    health.clear(what)
  })
}

/**
 * The kind of a call, from the verb that names it in messages ('Reading', 'Writing', 'Deleting',
 * 'Clearing'; anything else is single flight's lock calls). A load's read-or-lock call is named
 * 'Reading or taking a lock': a read; a bare lock ('Taking a lock', an eager refresh's) and a
 * release ('Releasing a lock') are lock calls. Only read on a skipped or failed call.
 */
export function kindOfCall(what: string): CallKind {
  if (what.startsWith('Read')) return 'read'
  if (what.startsWith('Writ')) return 'write'
  if (what.startsWith('Delet') || what.startsWith('Clear')) return 'delete'
  return 'lock'
}

/** A node's breaker and health: on a cluster, one node failing opens its own breaker only. */
export interface NodeGuard {
  readonly breaker: CircuitBreaker
  readonly health: TierHealth
}

/**
 * The client the store sends commands on, behind a breaker and a timeout: one of each on a
 * single server; on a cluster, one per node (`guardOf`), so that a dead master's calls are
 * skipped while the other masters' go on.
 */
export class Connection {
  readonly client: ClientLifecycle
  readonly #guard: NodeGuard
  readonly #timeoutMs: number
  readonly #router: Router | undefined
  readonly #guardOf: ((node: string, slot: number) => NodeGuard) | undefined
  readonly #deadlines: Deadlines

  /**
   * @param client - the command client (a cluster client on a cluster);
   * @param breaker - counts failures; @param timeoutMs - the bound on each call;
   * @param health - told of each skipped, failed and successful call, and of the breaker
   * opening; @param router - where each call goes (absent: everything to `client`, which is
   * then a single-server client); @param guardOf - the breaker and health of a node, given a
   * slot it serves (on a cluster: each node has its own, kept by `NodeGuards`).
   */
  constructor(
    client: ClientLifecycle,
    breaker: CircuitBreaker,
    timeoutMs: number,
    health: TierHealth = silentHealth(),
    router?: Router,
    guardOf?: (node: string, slot: number) => NodeGuard,
  ) {
    this.client = client
    this.#guard = { breaker, health }
    this.#timeoutMs = timeoutMs
    this.#deadlines = new Deadlines(timeoutMs)
    this.#router = router
    this.#guardOf = guardOf
  }

  /** The breaker and health of the node serving `slot`. */
  #guardFor(slot: number): NodeGuard {
    const guardOf = this.#guardOf
    if (guardOf === undefined) return this.#guard
    return guardOf(this.#router!.nodeOf(slot), slot)
  }

  /**
   * Runs `command` unless the client (on a cluster: the node serving `slot`) is not connected
   * or the circuit is open (`skipped`); a failure or a timeout counts against the breaker.
   */
  call<T>(
    what: string,
    command: (client: CommandSender) => Promise<T>,
    key?: string,
    slot = 0,
  ): Promise<Outcome<T>> {
    const router = this.#router
    const guard = this.#guardFor(slot)
    if (router === undefined ? !this.client.isReady : !router.ready(slot)) {
      guard.health.notSent(kindOfCall(what))
      return Promise.resolve(unavailable(`${what}: not connected to Redis`, key))
    }
    if (!guard.breaker.allow()) {
      guard.health.notSent(kindOfCall(what))
      return Promise.resolve(unavailable(`${what}: skipped while the circuit breaker is open`, key))
    }
    return new Promise((resolve) => {
      const call = new InFlight<T>(what, key, guard, resolve, Date.now() + this.#timeoutMs)
      this.#deadlines.add(call)
      let sent: Promise<T>
      try {
        sent = command(
          router === undefined ? (this.client as RedisClientLike) : router.sender(slot),
        )
      } catch (cause) {
        // Thrown before sending (arguments it could not encode, say): a failed call.
        this.#deadlines.remove(call)
        call.failed(cause)
        return
      }
      sent.then(
        (value) => {
          this.#deadlines.remove(call)
          call.succeeded(value)
        },
        (cause: unknown) => {
          this.#deadlines.remove(call)
          call.failed(cause)
        },
      )
    })
  }
}

/**
 * Publishes `message` on `channel` through `connection`: to the node serving the channel's slot
 * (a sharded channel, on a cluster), counted and guarded like every call.
 */
export function publishOn(
  connection: Connection,
  router: Router,
  what: string,
  channel: string,
  message: string,
): Promise<Outcome<unknown>> {
  return connection.call(
    what,
    () => router.publish(channel, message),
    undefined,
    router.slotOfKey(channel),
  )
}

/**
 * A call in flight: settles once, with the command's outcome or with its timeout, whichever
 * comes first (a class rather than closures, a promise race and a timer per call: one small
 * object, in its connection's {@link Deadlines}).
 */
class InFlight<T> implements Timed {
  previous: Timed | undefined = undefined
  next: Timed | undefined = undefined
  #settled = false

  constructor(
    readonly what: string,
    readonly key: string | undefined,
    readonly guard: NodeGuard,
    readonly resolve: (outcome: Outcome<T>) => void,
    /** When it times out (`Date.now()` ms). */
    readonly deadline: number,
  ) {}

  succeeded(value: T): void {
    if (this.#settled) {
      // A reply after the call timed out: the server answers again (see CircuitBreaker.answered).
      this.guard.breaker.answered()
      return
    }
    this.#settled = true
    this.guard.breaker.success()
    this.guard.health.succeeded()
    this.resolve({ ok: true, value })
  }

  failed(cause: unknown): void {
    if (this.#settled) return
    this.#settled = true
    const { what, key, guard } = this
    const opened = guard.breaker.failure()
    const error =
      cause instanceof RedisStoreError
        ? cause
        : new RedisStoreError('ERR_REDIS_UNAVAILABLE', `${what} failed: ${messageOf(cause)}`, {
            ...(key === undefined ? {} : { key }),
            cause,
          })
    // The breaker opening is the tier going down (a hung or failing server: calls time out).
    if (opened) guard.health.raise('breaker', error)
    guard.health.failed(kindOfCall(what))
    this.resolve({ ok: false, error, skipped: false })
  }
}

/** A call in its connection's list of calls in flight (oldest first). */
interface Timed {
  previous: Timed | undefined
  next: Timed | undefined
  readonly what: string
  readonly key: string | undefined
  readonly deadline: number
  /** Settles it as failed (a timeout), unless it has settled. */
  failed(cause: unknown): void
}

/**
 * A connection's calls in flight, oldest first, with one timer for all: every call of a
 * connection has the same bound, so they time out in the order they were sent, and the timer
 * waits for the oldest one's deadline only. A call that settles leaves the list (replies come
 * in order, so that is the oldest one, mostly); the timer, when it fires, times out the calls
 * past their deadline and waits for the next one. So a call costs no timer of its own (a
 * `setTimeout` and `clearTimeout` per call, and a promise race, cost more than the rest of the
 * bookkeeping of a call).
 */
class Deadlines {
  readonly #timeoutMs: number
  #oldest: Timed | undefined = undefined
  #newest: Timed | undefined = undefined
  #timer: ReturnType<typeof setTimeout> | undefined = undefined
  /** The deadline the timer was armed for. */
  #timerAt = 0

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs
  }

  add(call: Timed): void {
    const newest = this.#newest
    call.previous = newest
    if (newest === undefined) this.#oldest = call
    else newest.next = call
    this.#newest = call
    if (this.#timer === undefined) this.#arm(call.deadline)
  }

  remove(call: Timed): void {
    const { previous, next } = call
    if (previous === undefined) {
      if (this.#oldest !== call) return // timed out already
      this.#oldest = next
    } else {
      previous.next = next
    }
    if (next === undefined) this.#newest = previous
    else next.previous = previous
    call.previous = call.next = undefined
  }

  /**
   * Arms the timer for `at`, never further than `timeoutMs` away (a deadline is at most that far
   * from its call's sending: a longer wait means the system clock went back, and the call still
   * times out after `timeoutMs`). Unreferenced: it is left armed once the calls have settled (the
   * next call, mostly sent at once, finds it armed), and must not keep a process alive for up to
   * `timeoutMs` after its last call; a call in flight has its socket, which does.
   */
  #arm(at: number): void {
    this.#timerAt = at
    const timer = setTimeout(this.#fire, Math.min(this.#timeoutMs, Math.max(0, at - Date.now())))
    timer.unref()
    this.#timer = timer
  }

  readonly #fire = (): void => {
    this.#timer = undefined
    // The timer's own wait counts even if the system clock went back meanwhile.
    const now = Math.max(Date.now(), this.#timerAt)
    let call = this.#oldest
    while (call !== undefined && call.deadline <= now) {
      const next = call.next
      this.remove(call)
      call.failed(
        new RedisStoreError(
          'ERR_REDIS_TIMEOUT',
          `${call.what} did not settle within ${this.#timeoutMs} ms (timeoutMs)`,
          call.key === undefined ? {} : { key: call.key },
        ),
      )
      call = next
    }
    // The next deadline (the timer is re-armed at most once per timeoutMs while calls flow).
    if (call !== undefined) this.#arm(call.deadline)
  }
}

function unavailable(message: string, key: string | undefined): Outcome<never> {
  const error = new RedisStoreError(
    'ERR_REDIS_UNAVAILABLE',
    message,
    key === undefined ? {} : { key },
  )
  return { ok: false, error, skipped: true }
}
