// The invalidation bus: one pub/sub channel per store on its own connection. It carries
// invalidations (keys deleted or rewritten, tags invalidated, or everything cleared) to the other
// instances. On a single server each store also listens on a channel of its own
// (`<channel>:<id>`), where the holders of the locks it waits on send it their "filled" notices:
// a fill reaches the instances that wait for it, not the whole fleet. When its connection comes
// back after a loss, messages may have been missed: it tells its subscribers (`missed()`: their
// L1 stops being served as fresh) once a message of its own, published after the connection came
// back, has come back to it (the subscription is in effect on the server then), not at the
// client's 'ready', which may come before it is.
import { randomUUID } from 'node:crypto'

import { tellInvalidated, tellMissed, type L2Subscriber } from '@cache/decorators'
import { startTimer, stopTimer } from '@cache/internal'

import { closeClient, type RedisClientLike } from './client.js'
import type { RedisClusterLike } from './clusterRouter.js'
import { watchConnection, type Reporter } from './connection.js'
import { RedisStoreError } from './errors.js'
import { RecentFills } from './recentFills.js'
import type { TierHealth } from './tierHealth.js'

/**
 * A message on the channel, as JSON. `o`: the sending store, whose own messages it ignores. A
 * probe (see {@link Bus}) is a delete of no keys with `p`, its number: an instance of an earlier
 * version reads it as a delete of nothing.
 */
type Message =
  | {
      readonly o: string
      readonly t: 'd'
      readonly k: readonly string[]
      readonly p?: number
      /** A replay's age in ms (see {@link Bus.invalidation}); read by {@link ageIn}. */
      readonly a?: unknown
    }
  | { readonly o: string; readonly t: 'c'; readonly a?: unknown }
  | { readonly o: string; readonly t: 'f'; readonly k: string; readonly w: boolean }
  | { readonly o: string; readonly t: 'g'; readonly g: readonly string[] }

/** How a wait for a filled key ended: written, given up by its holder, or timed out. */
export type FillOutcome = 'written' | 'abandoned' | 'timeout' | FilledEntry

/** A "filled" notice that carries the entry the holder wrote, as Redis stored it. */
export interface FilledEntry {
  /** The entry, as in Redis (record.ts). */
  readonly data: string
  /** Redis's time when it was written, in ms. */
  readonly redisNow: number
}

/** A single-server client's events, as a cluster client's node events. */
const NODE_EVENT: Readonly<Record<string, string>> = { error: 'node-error', ready: 'node-ready' }

/** The first character of a notice that carries its entry (JSON messages start with `{`). */
const FILLED = 'F'

/**
 * Publishes a message on the store's channel through its command connection (to the channel's
 * slot, on a cluster), if that is connected; unheard or failed, nothing happens (no report, no
 * count: the bus publishes another).
 */
export type ProbePublisher = (message: string) => void

/** The first wait for a probe's echo before the next probe; doubled up to {@link PROBE_MAX_MS}. */
export const PROBE_FIRST_MS = 50
/** The longest wait between two probes while the subscription is not confirmed. */
export const PROBE_MAX_MS = 1_000

/**
 * How many "filled" notices the bus remembers (recentFills.ts): a lock call that finds its key
 * held looks there for a notice that came in while its reply was on its way.
 */
const RECENT_FILLS = 256

function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null) return false
  const m = value as Record<string, unknown>
  if (typeof m.o !== 'string') return false
  if (m.t === 'c') return true
  if (m.t === 'd') {
    return (
      Array.isArray(m.k) &&
      m.k.every((k) => typeof k === 'string') &&
      (m.p === undefined || typeof m.p === 'number')
    )
  }
  if (m.t === 'g') return Array.isArray(m.g) && m.g.every((g) => typeof g === 'string')
  return m.t === 'f' && typeof m.k === 'string' && typeof m.w === 'boolean'
}

/**
 * A replay's age carried by an invalidation, or `undefined`: none, or not a positive finite
 * number (the invalidation then drops every copy, as one without an age does).
 */
function ageIn(message: { readonly a?: unknown }): number | undefined {
  const a = message.a
  return typeof a === 'number' && a > 0 && a < Infinity ? a : undefined
}

/**
 * Interest in a key's "filled" notices from the moment it is made: a notice that arrives before
 * `wait()` is called (while the lock call that found the key held is still on its way back) is
 * kept for it, not lost.
 */
export class FillWatch {
  readonly #forget: (watch: FillWatch) => void
  #kept: FillOutcome | undefined = undefined
  #wake: ((outcome: FillOutcome) => void) | undefined = undefined

  /** Use `Bus.watch`. */
  constructor(forget: (watch: FillWatch) => void) {
    this.#forget = forget
  }

  /** A notice arrived (or the bus closed: `'timeout'`). */
  deliver(outcome: FillOutcome): void {
    if (this.#wake === undefined) this.#kept = outcome
    else this.#wake(outcome)
  }

  /** The next notice (one kept since the last wait comes at once), or `'timeout'` after `ms`. */
  wait(ms: number): Promise<FillOutcome> {
    const kept = this.#kept
    if (kept !== undefined) {
      this.#kept = undefined
      return Promise.resolve(kept)
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        done('timeout')
      }, ms)
      const done = (outcome: FillOutcome): void => {
        clearTimeout(timer)
        this.#wake = undefined
        resolve(outcome)
      }
      this.#wake = done
    })
  }

  /** Stops watching. */
  close(): void {
    this.#forget(this)
  }
}

/** One store's side of the channel. */
export class Bus {
  /** This store's id, in every message it sends. */
  readonly origin: string = randomUUID()
  readonly channel: string
  /**
   * The channel of this store's own "filled" notices (`<channel>:<id>`), or `undefined` (on a
   * cluster, where waiters hear them on the store's channel).
   */
  readonly waiterChannel: string | undefined
  /** `*<id>`: what a lock call of this store marks a held lock with (scripts.ts). */
  readonly #waiterMark: string
  readonly #report: Reporter
  readonly #subscribers = new Set<L2Subscriber>()
  readonly #waiters = new Map<string, Set<FillWatch>>()
  /** The latest notices, for the watches made after they came (see {@link watchSince}). */
  readonly #recent = new RecentFills<FillOutcome>(RECENT_FILLS)
  readonly #client: RedisClientLike
  readonly #probe: ProbePublisher | undefined
  #subscribed = false
  #closed = false
  /** The number of the last probe published. */
  #probes = 0
  /**
   * While the subscription is not confirmed since the connection came back: the number of the
   * first probe published since (an echo of it or of a later one confirms it); 0 otherwise.
   */
  #probingFrom = 0
  #probeWaitMs = PROBE_FIRST_MS
  #probeTimer: unknown = undefined
  /** Settles once the channel is first subscribed (or the bus closed). */
  readonly started: Promise<void>

  /**
   * Opens the subscriber connection (its own client: a subscribed connection takes no other
   * commands) and subscribes.
   *
   * @param client - the subscriber client, not connected yet; owned by the bus from now on.
   * @param health - the store's tracker: a lost subscriber connection makes the tier
   * unavailable (invalidations are missed) as a lost command connection does, in the same outage.
   * @param probe - publishes the bus's probes (see {@link ProbePublisher}); without it, the L1
   * drop after a lost connection comes at the client's `'ready'`, trusting that it is subscribed.
   * @param ownChannel - whether the store also hears its "filled" notices on a channel of its
   * own (on a single server).
   */
  constructor(
    client: RedisClientLike,
    channel: string,
    report: Reporter,
    health?: TierHealth,
    probe?: ProbePublisher,
    ownChannel = true,
  ) {
    this.#client = client
    this.channel = channel
    // 16 hex digits: the scripts find a mark by its text, and tell its channel by its digits.
    const id = this.origin.replace(/-/g, '').slice(0, 16)
    this.waiterChannel = ownChannel ? `${channel}:${id}` : undefined
    this.#waiterMark = `*${id}`
    this.#report = report
    this.#probe = probe
    watchConnection(client, 'subscriber', report, health)
    client.on('ready', () => {
      // Back after a lost connection: invalidations sent meanwhile were missed.
      if (this.#subscribed) this.#confirm()
    })
    this.started = this.#start()
  }

  /**
   * The bus of a store on a Redis Cluster: the channel is sharded (SSUBSCRIBE on the master of
   * its slot, SPUBLISH there; node-redis resubscribes when the slot moves). A node connection of
   * the subscriber coming back expires every subscriber's L1, as a lost connection does on one
   * server: messages may have been missed meanwhile.
   *
   * @param cluster - the subscriber cluster client, not connected yet; owned by the bus.
   */
  static sharded(
    cluster: RedisClusterLike,
    channel: string,
    report: Reporter,
    probe?: ProbePublisher,
  ): Bus {
    const subscriber: RedisClientLike = {
      get isReady() {
        return cluster.isReady
      },
      get isOpen() {
        return cluster.isOpen
      },
      connect: () => cluster.connect(),
      close: () => cluster.close(),
      destroy: () => {
        cluster.destroy()
      },
      duplicate: () => subscriber,
      sendCommand: () => Promise.reject(new Error('the subscriber sends no commands')),
      subscribe: (name, listener) => cluster.sSubscribe(name, listener),
      unsubscribe: (name) => cluster.sUnsubscribe(name),
      // A node's connection lost and back: what a single server's 'error' and 'ready' say.
      on: (event, listener) => cluster.on(NODE_EVENT[event] ?? event, listener),
      off: (event, listener) => cluster.off(NODE_EVENT[event] ?? event, listener),
    }
    // The cluster client's own errors (a rediscovery that failed, or was cut short by close()):
    // reported, never thrown as an unhandled 'error' event.
    cluster.on('error', (error: unknown) => {
      report(error)
    })
    return new Bus(subscriber, channel, report, undefined, probe, false)
  }

  async #start(): Promise<void> {
    try {
      await this.#client.connect()
      if (this.#closed) return
      await this.#client.subscribe(this.channel, this.#onMessage)
      if (this.waiterChannel !== undefined) {
        await this.#client.subscribe(this.waiterChannel, this.#onMessage)
      }
      this.#subscribed = true
      // Whatever L1 holds was loaded before invalidations could reach it.
      this.#missedAll()
    } catch (error) {
      if (!this.#closed) this.#report(error)
    }
  }

  /**
   * Whether the channel is subscribed and the connection up: after a lost connection, once a
   * probe has confirmed the subscription.
   */
  get ready(): boolean {
    return this.#subscribed && this.#probingFrom === 0 && this.#client.isReady
  }

  /**
   * The connection is back (on a cluster: one of the subscriber's node connections, that of the
   * channel's master among them): messages may have been missed since it was lost. The L1 drop
   * waits until the subscription is in effect on the server, which node-redis's `'ready'` does
   * not promise (on a cluster, the new master's SSUBSCRIBE is sent after its connection's
   * `'node-ready'`): an entry filled from L2 between the two, then changed by another instance
   * whose message the server had no subscription to give, would be kept. So the bus publishes a
   * probe of its own and expires L1 when it comes back: it came through the subscription, so
   * every message published after it will too, and whatever L1 took before it is expired (kept
   * for fail-safe only) and the loads in flight forgotten. A probe not back soon (published before the subscription took effect, or
   * not sent: the command connection down) is followed by another, 50 ms later, doubling to 1 s.
   * A probe (and its echo) works alike on one server and on a cluster, whatever the client
   * reports and when.
   */
  #confirm(): void {
    const probe = this.#probe
    if (probe === undefined) {
      this.#missedAll()
      return
    }
    // Probes published before this 'ready' prove nothing about the subscription it announces.
    this.#probingFrom = this.#probes + 1
    this.#probeWaitMs = PROBE_FIRST_MS
    stopTimer(this.#probeTimer)
    this.#sendProbe()
  }

  readonly #sendProbe = (): void => {
    this.#probeTimer = undefined
    if (this.#closed || this.#probingFrom === 0) return
    const number = ++this.#probes
    try {
      this.#probe!(JSON.stringify({ o: this.origin, t: 'd', k: [], p: number } satisfies Message))
    } catch (error) {
      this.#report(error)
    }
    this.#probeTimer = startTimer(this.#sendProbe, this.#probeWaitMs, { keepAlive: false })
    this.#probeWaitMs = Math.min(this.#probeWaitMs * 2, PROBE_MAX_MS)
  }

  /** One of this bus's probes came back through the subscription. */
  #probed(number: number): void {
    if (this.#probingFrom === 0 || number < this.#probingFrom) return
    this.#probingFrom = 0
    stopTimer(this.#probeTimer)
    this.#probeTimer = undefined
    this.#missedAll()
  }

  /**
   * The mark a lock call puts on a lock another instance holds, so that its holder tells this
   * store on its own channel (`*<id>`); '' while that channel may not be heard (not subscribed
   * yet, the connection down or its subscription not confirmed since it came back: see
   * {@link ready}; or on a cluster): the lock is then marked `+`, and the notice comes on the
   * store's channel.
   */
  get waiterMark(): string {
    return this.waiterChannel !== undefined && this.ready ? this.#waiterMark : ''
  }

  /** Delivers the other instances' invalidations to `subscriber` until the returned call. */
  subscribe(subscriber: L2Subscriber): () => void {
    this.#subscribers.add(subscriber)
    return () => {
      this.#subscribers.delete(subscriber)
    }
  }

  /** The subscribers, to report errors to. */
  get subscribers(): ReadonlySet<L2Subscriber> {
    return this.#subscribers
  }

  /**
   * The message telling others to drop `keys` (`null`: everything). `ageMs` above 0: the delete
   * or clear was made that long ago (a replay after an outage), so that copies loaded after it
   * stay (`L2Subscriber.invalidate`); an instance of an earlier version ignores it and drops them.
   */
  invalidation(keys: readonly string[] | null, ageMs = 0): string {
    const a = ageMs > 0 ? Math.floor(ageMs) : undefined
    const message: Message =
      keys === null ? { o: this.origin, t: 'c', a } : { o: this.origin, t: 'd', k: keys, a }
    return JSON.stringify(message)
  }

  /** The message telling others that `tags` were invalidated (tagTimes.ts). */
  tagInvalidation(tags: readonly string[]): string {
    return JSON.stringify({ o: this.origin, t: 'g', g: tags } satisfies Message)
  }

  /** The message telling waiters that `key`'s holder is done (`written`: the value is in L2). */
  filled(key: string, written: boolean): string {
    return JSON.stringify({ o: this.origin, t: 'f', k: key, w: written } satisfies Message)
  }

  /**
   * The head of the notice telling waiters that `key`'s holder wrote its value: COMMIT appends
   * Redis's time and the entry (`F<key>|<time>|<entry>`).
   */
  filledHead(key: string): string {
    return `${FILLED}${key}|`
  }

  /**
   * A mark of the notices received so far: a watch made later with {@link watchSince} gets the
   * ones that come after it. Taken when a lock call is sent, it lets the call make its watch only
   * once its reply says the key is held (most calls never wait), without losing a notice that
   * came in before that reply.
   */
  get mark(): number {
    return this.#recent.mark
  }

  /**
   * Watches `key`'s "filled" notices from `mark` on: the latest one received since (if the bus
   * still remembers it) is kept for the first `wait()`. A notice it no longer remembers (more
   * than 256 came in between) is not lost for long: waiters also poll.
   */
  watchSince(key: string, mark: number): FillWatch {
    const watch = this.watch(key)
    const kept = this.#recent.since(key, mark)
    if (kept !== undefined) watch.deliver(kept)
    return watch
  }

  /** Watches `key`'s "filled" notices from now on; close the watch when done. */
  watch(key: string): FillWatch {
    let watches = this.#waiters.get(key)
    if (watches === undefined) this.#waiters.set(key, (watches = new Set()))
    const set = watches
    const watch = new FillWatch((done) => {
      set.delete(done)
      if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key)
    })
    set.add(watch)
    return watch
  }

  /** Resolves when a "filled" notice for `key` arrives, or after `ms` (`'timeout'`). */
  async waitForFill(key: string, ms: number): Promise<FillOutcome> {
    const watch = this.watch(key)
    try {
      return await watch.wait(ms)
    } finally {
      watch.close()
    }
  }

  /** Unsubscribes and closes the subscriber connection. */
  async close(): Promise<void> {
    this.#closed = true
    stopTimer(this.#probeTimer)
    this.#probeTimer = undefined
    this.#subscribers.clear()
    for (const watches of this.#waiters.values())
      for (const watch of watches) watch.deliver('timeout')
    await closeClient(this.#client)
  }

  readonly #onMessage = (text: string): void => {
    if (text.startsWith(FILLED)) {
      this.#filled(text)
      return
    }
    let message: unknown
    try {
      message = JSON.parse(text)
    } catch {
      message = undefined
    }
    if (!isMessage(message)) {
      this.#report(
        new RedisStoreError(
          'ERR_REDIS_DECODE',
          `Unreadable message on ${this.channel}: ${text.slice(0, 80)}`,
        ),
      )
      return
    }
    if (message.t === 'f') {
      this.#deliver(message.k, message.w ? 'written' : 'abandoned')
      return
    }
    if (message.t === 'd' && message.p !== undefined) {
      if (message.o === this.origin) this.#probed(message.p)
      return
    }
    if (message.o === this.origin) return
    if (message.t === 'g') {
      this.#invalidateTags(message.g)
      return
    }
    this.#invalidate(message.t === 'c' ? null : message.k, ageIn(message))
  }

  #invalidateTags(tags: readonly string[]): void {
    this.#tellAll((subscriber) => {
      subscriber.invalidateTags?.(tags)
    })
  }

  /** A notice with the entry the holder wrote: its waiters take it without reading it again. */
  #filled(text: string): void {
    const keyEnd = text.indexOf('|')
    const timeEnd = keyEnd === -1 ? -1 : text.indexOf('|', keyEnd + 1)
    const redisNow = Number(text.slice(keyEnd + 1, timeEnd))
    if (timeEnd === -1 || !Number.isFinite(redisNow)) {
      this.#report(
        new RedisStoreError(
          'ERR_REDIS_DECODE',
          `Unreadable message on ${this.channel}: ${text.slice(0, 80)}`,
        ),
      )
      return
    }
    this.#deliver(text.slice(1, keyEnd), { data: text.slice(timeEnd + 1), redisNow })
  }

  /** Gives a notice to `key`'s watches, and remembers it for the watches made after it came. */
  #deliver(key: string, outcome: FillOutcome): void {
    this.#recent.add(key, outcome)
    const waiters = this.#waiters.get(key)
    if (waiters === undefined) return
    // No copy: a delivery settles a wait (or keeps the notice), and closes no watch meanwhile.
    for (const watch of waiters) watch.deliver(outcome)
  }

  /** Messages may have been missed: each subscriber's L1 copies stop being served as fresh. */
  #missedAll(): void {
    this.#tellAll(tellMissed)
  }

  #invalidate(keys: readonly string[] | null, ageMs: number | undefined): void {
    this.#tellAll((subscriber) => {
      tellInvalidated(subscriber, keys, ageMs)
    })
  }

  /** Calls `tell` for each subscriber; what one throws is reported, and the others still told. */
  #tellAll(tell: (subscriber: L2Subscriber) => void): void {
    for (const subscriber of this.#subscribers) {
      try {
        tell(subscriber)
      } catch (error) {
        this.#report(error)
      }
    }
  }
}
