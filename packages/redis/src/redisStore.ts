// redisStore(): the L2Store of @cache/decorators on a Redis server. The reads of one tick go as
// one MGET (with TIME, for the TTLs), batched by @cache/batch's Batcher; a load reads or locks
// its key in one script. Writes are versioned and carry an absolute expiry and a deadline on
// Redis's clock (serverClock.ts): an older write never overwrites a newer value, delete or
// clear, and a late one does nothing. Deletes leave tombstones; deletes, rewrites and clears
// are published on the store's channel; every call is bounded and guarded by a circuit breaker.
import { Batcher } from '@cache/batch'
import type {
  L2DeleteOptions,
  L2LockOptions,
  L2LockResult,
  L2Record,
  L2Store,
  L2Subscriber,
  L2Write,
} from '@cache/decorators'

import { CircuitBreaker, type BreakerState } from './breaker.js'
import { clientFor, closeClient, type ClientLifecycle, type RedisClientLike } from './client.js'
import { Bus } from './bus.js'
import { crossSlotCall, MARK_CLEARED_SLOTS, UNLINK_OLDER_SLOTS } from './clusterScripts.js'
import {
  ClusterRouter,
  clusterFor,
  isClusterClient,
  type RedisClusterLike,
} from './clusterRouter.js'
import {
  Connection,
  publishOn,
  watchConnection,
  type Outcome,
  type Reporter,
} from './connection.js'
import { NodeGuards } from './nodeHealth.js'
import { messageOf, RedisStoreError } from './errors.js'
import { channelOf, valueKey, valuePattern } from './keys.js'
import { checkOptions, type RedisStoreOptions, type StoreConfig } from './options.js'
import { isTagged, payloadOf, recordOf, timeOf } from './record.js'
import {
  bySlot,
  SingleServerRouter,
  type CommandSender,
  type MasterGroup,
  type Router,
} from './router.js'
import { DELETE, MARK_CLEARED, UNLINK_OLDER } from './scripts.js'
import { ServerClock } from './serverClock.js'
import { SingleFlight, type LoadedResult } from './singleFlight.js'
import { TagTimes } from './tagTimes.js'
import { entryArgs, type WriteContext } from './writeArgs.js'
import { WriteBatch, type EntryWrite } from './writeBatch.js'
import { sharedConsole, type SharedConsole } from './sharedConsole.js'
import { TierHealth, type TierHealthSnapshot, type TierState } from './tierHealth.js'

const SCAN_COUNT = '1000'

/** How long ago a delete or clear was made (a replay after an outage), in ms. */
function ageOf(options: L2DeleteOptions | undefined): number {
  const ageMs = options?.ageMs
  return ageMs !== undefined && ageMs > 0 ? ageMs : 0
}

/** No record for any of `keys`. */
function misses(keys: readonly string[]): undefined[] {
  return new Array<undefined>(keys.length).fill(undefined)
}

/** One record as `get()`'s answer for one key (a module function: no closure per call). */
function inArray(record: L2Record | undefined): (L2Record | undefined)[] {
  return [record]
}

/**
 * A second tier on Redis for `AsyncCache` and `cached()` of `@cache/decorators`; see
 * {@link redisStore}. It implements `L2Store`, plus `connect()`, `close()` and `state`.
 */
export class RedisStore implements L2Store {
  /** The namespace of this store's keys. */
  readonly prefix: string
  /** The pub/sub channel its invalidations go through. */
  readonly channel: string
  /**
   * Reads a key or takes its lock (one round trip), or waits for the instance holding it;
   * absent when `singleFlight: false`.
   */
  readonly lock?: (key: string, options?: L2LockOptions) => Promise<L2LockResult>
  readonly #config: StoreConfig
  /** Redis's clock on a single server (on a cluster, each node's is the router's). */
  readonly #clock = new ServerClock()
  /** Where each command goes: one server, or each hash slot's master. */
  readonly #router: Router
  /** What each write's arguments depend on (writeArgs.ts). */
  readonly #writing: WriteContext
  readonly #connection: Connection
  readonly #breaker: CircuitBreaker
  readonly #bus: Bus
  readonly #health: TierHealth
  readonly #sharedConsole: SharedConsole | undefined
  /** The keys asked for in one tick, distinct, read in batches of `maxBatchSize` by #read. */
  readonly #reads: Batcher<string, L2Record | undefined>
  /** The writes of `set()`, one script call per turn. */
  readonly #writes: WriteBatch
  /** Tag invalidation times: recorded, and compared with tagged entries' versions on reads. */
  readonly #tags: TagTimes
  /** On a cluster: each node's breaker and health. */
  #nodes: NodeGuards | undefined
  readonly #ownsClient: boolean
  readonly #connecting: Promise<void>
  #closed = false

  /** Use {@link redisStore}. */
  constructor(options: RedisStoreOptions) {
    const config = checkOptions(options)
    this.#config = config
    this.prefix = config.prefix
    this.channel = channelOf(config.prefix)
    this.#ownsClient = config.client === undefined
    const given = config.client
    const cluster: RedisClusterLike | undefined =
      config.cluster !== undefined
        ? clusterFor(config.cluster, config.connectTimeoutMs)
        : isClusterClient(given)
          ? given
          : undefined
    const single =
      cluster === undefined
        ? ((given as RedisClientLike | undefined) ??
          clientFor(config.url!, config.connectTimeoutMs))
        : undefined
    const client: ClientLifecycle & Pick<RedisClientLike, 'on' | 'connect'> = (cluster ?? single)!
    this.#router =
      cluster === undefined
        ? new SingleServerRouter(single!, config.prefix, this.#clock)
        : new ClusterRouter(cluster, config.prefix)
    // One tracker for both connections and the breaker: one report per outage, not per part;
    // and, for the default console lines, one report per outage for all the stores of this
    // process on this server.
    const shared = config.sharedLog
      ? sharedConsole(config.url ?? config.client ?? config.cluster?.rootNodes[0]?.url)
      : undefined
    this.#sharedConsole = shared
    const onStateChange = config.onStateChange
    this.#health = new TierHealth({
      prefix: config.prefix,
      onStateChange:
        shared === undefined
          ? onStateChange
          : (event) => {
              shared.report(this, event)
              onStateChange?.(event)
            },
      log: shared === undefined ? config.log : undefined,
    })
    this.#breaker = new CircuitBreaker(config.breaker)
    if (cluster === undefined) {
      watchConnection(client, 'command', this.#report, this.#health)
      // Connected again: the next call probes, whatever the cooldown the outage doubled (on a
      // cluster, a node's 'node-ready' closes its own breaker: nodeHealth.ts).
      client.on('ready', () => {
        this.#breaker.answered()
      })
      this.#connection = new Connection(client, this.#breaker, config.timeoutMs, this.#health)
      this.#bus = new Bus(
        single!.duplicate(),
        this.channel,
        this.#report,
        this.#health,
        this.#probe,
      )
    } else {
      // Each node has its own breaker and its own outage reports: one master down costs its
      // slots only, and says so once (nodeHealth.ts).
      const guards = new NodeGuards(config, config.onStateChange, this.#report, this)
      guards.watch(cluster)
      this.#nodes = guards
      this.#connection = new Connection(
        client,
        this.#breaker,
        config.timeoutMs,
        this.#health,
        this.#router,
        guards.guardOf,
      )
      this.#bus = Bus.sharded(cluster.duplicate(), this.channel, this.#report, this.#probe)
    }
    this.#reads = new Batcher((keys: string[]) => this.#read(keys), {
      maxBatchSize: config.maxBatchSize,
    })
    this.#writing = {
      serializer: config.serializer,
      timeoutMs: config.timeoutMs,
      tombstoneMs: config.tombstoneMs,
    }
    this.#writes = new WriteBatch(
      {
        ...this.#writing,
        connection: this.#connection,
        bus: this.#bus,
        prefix: this.prefix,
        router: this.#router,
        knowClock: (client, slot) => this.#knowClock(client, slot),
      },
      config.maxBatchSize,
    )
    // Learn Redis's clock as soon as the connection is up (again): writes are stamped with it.
    // (On a cluster, each node's is learnt by the first command that needs it.)
    client.on('ready', () => {
      void this.#syncClock()
    })
    this.#connecting = client.isOpen ? this.#syncClock() : this.#open(client)
    this.#tags = new TagTimes({
      connection: this.#connection,
      router: this.#router,
      bus: this.#bus,
      prefix: this.prefix,
      tombstoneMs: config.tombstoneMs,
      report: this.#report,
      knowClock: (commands, slot) => this.#knowClock(commands, slot),
    })
    const singleFlight = config.singleFlight
    if (singleFlight !== undefined) {
      const flights = new SingleFlight(
        {
          ...this.#writing,
          connection: this.#connection,
          router: this.#router,
          bus: this.#bus,
          prefix: this.prefix,
          read: this.#recordOf,
          report: this.#report,
          checkTagged: this.#checkTagged,
        },
        singleFlight,
        config.maxBatchSize,
      )
      this.lock = (key, lockOptions) => {
        const onStale = lockOptions?.onStale
        return onStale === undefined
          ? flights.lock(key, lockOptions)
          : this.#lockWithStale(flights, key, lockOptions!, onStale)
      }
    }
  }

  /**
   * A tagged value a lock call found, checked against its tags' invalidation times: an
   * invalidated one is replaced by a tombstone, and the key read or locked again (at most twice
   * more, then `skipped`: load without a lock).
   */
  readonly #checkTagged = async (
    key: string,
    found: LoadedResult,
    relock: () => Promise<L2LockResult>,
  ): Promise<L2LockResult> => {
    let result: L2LockResult = found
    for (let round = 0; ; round++) {
      if (result.status !== 'loaded' || !isTagged(result.record)) return result
      const [record] = await this.#tags.check([key], [result.record], true)
      if (record !== undefined) return result
      if (round === 2) return { status: 'skipped' }
      result = await relock()
    }
  }

  /**
   * A lock call with `onStale` (fail-safe): the stale copy it finds is handed once per call, a
   * tagged one once its tags check out, before the call settles.
   */
  async #lockWithStale(
    flights: SingleFlight,
    key: string,
    options: L2LockOptions,
    onStale: NonNullable<L2LockOptions['onStale']>,
  ): Promise<L2LockResult> {
    let checking: Promise<void> | undefined
    let handed = false
    const handing: L2LockOptions = {
      ...options,
      onStale: (record) => {
        if (handed) return
        handed = true
        if (!isTagged(record)) {
          onStale(record)
          return
        }
        checking = this.#tags.check([key], [record], true).then(
          ([valid]) => {
            if (valid !== undefined) onStale(valid)
          },
          // Not handed: the check reports its own failures, and fail-safe reads after a failure.
          () => undefined,
        )
      },
    }
    try {
      // A tagged value found is checked by #checkTagged.
      return await flights.lock(key, handing)
    } finally {
      if (checking !== undefined) await checking
    }
  }

  /**
   * Records that every entry carrying one of `tags` and as of a moment before now (its load
   * started before) is invalid, in one write per tag (`<prefix>tag:<tag>`, no scan), and tells
   * the other instances. Reads compare tagged entries' versions with these moments. Rejects when
   * Redis is not reached.
   */
  invalidateTags(tags: readonly string[]): Promise<void> {
    return this.#tags.invalidate(tags)
  }

  /** The circuit breaker's state: `closed` while Redis answers, `open` while it is skipped. */
  get state(): BreakerState {
    return this.#breaker.state
  }

  /**
   * Whether Redis is usable (`state`), since when, and counts since the store was created:
   * outages, and the calls skipped or failed by kind. The tier is unavailable from a lost
   * connection (either one) or the circuit breaker opening, until the connections are ready
   * again and a call has succeeded.
   */
  get health(): TierHealthSnapshot {
    const snapshot = this.#health.snapshot()
    const nodes = this.#nodes?.nodes
    if (nodes === undefined) return snapshot
    // On a cluster, each master's state too (the L2 contract's `nodes`: a per-node gauge).
    const states: { node: string; state: TierState }[] = []
    for (const [node, { health }] of nodes) states.push({ node, state: health.snapshot().state })
    return { ...snapshot, nodes: states }
  }

  /** Whether both connections are up (commands, and the subscribed invalidation channel). */
  get ready(): boolean {
    return this.#connection.client.isReady && this.#bus.ready
  }

  /** Whether the store is on a Redis Cluster (`cluster`, or a cluster client as `client`). */
  get cluster(): boolean {
    return this.#router.cluster
  }

  /**
   * On a Redis Cluster, each master's health (as `health`), by address (`host:port`): a master
   * that is down costs its own slots only. Empty on a single server.
   */
  get nodeHealth(): ReadonlyMap<string, TierHealthSnapshot> {
    const nodes = new Map<string, TierHealthSnapshot>()
    for (const [node, { health }] of this.#nodes?.nodes ?? []) nodes.set(node, health.snapshot())
    return nodes
  }

  /**
   * Resolves once both connections are up and Redis's clock is known (a first `TIME` reply),
   * or rejects with `ERR_REDIS_UNAVAILABLE` after
   * `timeoutMs` (the store keeps connecting in the background either way). Optional: a store
   * serves (without Redis) while it connects.
   */
  async connect(timeoutMs = 10_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new RedisStoreError('ERR_REDIS_UNAVAILABLE', `Not connected to Redis in ${timeoutMs} ms`),
        )
      }, timeoutMs)
    })
    try {
      await Promise.race([Promise.all([this.#connecting, this.#bus.started]), timeout])
      // Ready, and Redis's clock learnt (writes are stamped with it from the first one).
      while (!this.ready || (!this.#router.cluster && !this.#clock.known)) {
        await Promise.race([new Promise((resolve) => setTimeout(resolve, 10)), timeout])
      }
    } finally {
      clearTimeout(timer)
    }
  }

  /**
   * Closes the pub/sub connection, and the command connection when the store opened it (from
   * `url`); a `client` you gave stays open. Call `await cache.whenL2Settled()` first to let
   * writes finish.
   */
  async close(): Promise<void> {
    this.#closed = true
    this.#health.close()
    this.#nodes?.close()
    this.#sharedConsole?.leave(this)
    await this.#bus.close()
    if (this.#ownsClient) await closeClient(this.#connection.client)
  }

  /** The records for `keys`; a miss (never a rejection) when Redis fails, reported once. */
  get(keys: readonly string[]): Promise<readonly (L2Record | undefined)[]> {
    // #read never rejects and answers every key, so neither does a load.
    if (keys.length === 1) return this.#reads.load(keys[0]!).then(inArray)
    return Promise.all(keys.map((key) => this.#reads.load(key)))
  }

  /**
   * Writes each entry (in the write call of this turn: one script call for the `set()`s of a
   * turn) under the ordering rule: an entry whose load
   * started before the value there, the key's last delete or the last clear is dropped, and one
   * that reaches Redis after its deadline does nothing. Expiry is absolute, fixed now on Redis's
   * clock. Rejects with `ERR_REDIS_ENCODE` for a value the serializer refuses (its key is
   * removed from Redis, so no older value outlives it there), and with the Redis error when the
   * writes fail. With `notify`, tells the other instances.
   */
  async set(writes: readonly L2Write[], notify: boolean): Promise<void> {
    const refused: string[] = []
    const entries: EntryWrite[] = []
    let encodeError: RedisStoreError | undefined
    for (const write of writes) {
      const redisKey = valueKey(this.prefix, write.key)
      try {
        entries.push({
          redisKey,
          entry: entryArgs(write, payloadOf(write, this.#config.serializer)),
        })
      } catch (cause) {
        refused.push(redisKey)
        encodeError ??= new RedisStoreError(
          'ERR_REDIS_ENCODE',
          `The value for key ${write.key} cannot be stored in Redis (it is kept in L1 only): ${messageOf(cause)}`,
          { key: write.key, cause },
        )
      }
    }
    if (entries.length > 0 || refused.length > 0 || notify) {
      // In the write call of this turn (writeBatch.ts).
      const told = notify ? writes.map((write) => write.key) : undefined
      const outcome = await this.#writes.add(entries, told, refused)
      // A loaded value not stored while Redis is skipped is no news; an explicit write is.
      if (!outcome.ok && (notify || !outcome.skipped)) throw outcome.error
    }
    if (encodeError !== undefined) throw encodeError
  }

  /**
   * Publishes the bus's probe on the store's channel (to the channel's slot on a cluster) when
   * that node is connected. Not a call of the cache's: neither counted nor reported, and not
   * bounded (the bus sends another if no echo comes).
   */
  readonly #probe = (message: string): void => {
    const router = this.#router
    if (this.#closed || !router.ready(router.slotOfKey(this.channel))) return
    router.publish(this.channel, message).then(undefined, () => {
      // Unheard: the bus publishes another.
    })
  }

  /** Publishes `message` on the store's channel (sharded, on a cluster); rejects when it fails. */
  async #publish(what: string, message: string): Promise<void> {
    const outcome = await publishOn(this.#connection, this.#router, what, this.channel, message)
    if (!outcome.ok) throw outcome.error
  }

  /**
   * Deletes `keys`, leaving tombstones that drop writes whose loads started before the delete,
   * and tells the other instances. The delete is as of now, or `options.ageMs` ago (a replay
   * after an outage): a value written after that moment stays. Rejects when Redis is not
   * reached.
   */
  async delete(keys: readonly string[], options?: L2DeleteOptions): Promise<void> {
    if (keys.length === 0) return
    const router = this.#router
    const ageMs = ageOf(options)
    const sentAt = Date.now() - ageMs
    const message = this.#bus.invalidation(keys, ageMs)
    // On one server the script publishes; on a cluster the client does, once every slot is done.
    const channel = router.cluster ? '' : this.channel
    const calls: Promise<Outcome<unknown>>[] = []
    for (const [slot, group] of bySlot(router, keys, (key) => router.slotOf(key))) {
      const redisKeys = group.map((key) => valueKey(this.prefix, key))
      calls.push(
        this.#connection.call(
          'Deleting',
          async (client) => {
            await this.#knowClock(client, slot)
            const args = [
              String(Math.ceil(router.clockOf(slot).latest(sentAt))),
              String(this.#config.tombstoneMs),
              channel,
              router.cluster ? '' : message,
            ]
            return DELETE.run(client, redisKeys, args)
          },
          undefined,
          slot,
        ),
      )
    }
    for (const outcome of await Promise.all(calls)) if (!outcome.ok) throw outcome.error
    if (router.cluster) await this.#publish('Deleting', message)
  }

  /**
   * Removes this store's keys, and only those (SCAN by prefix on every master, never FLUSHDB),
   * after marking the moment (writes whose loads started before it are dropped; on a cluster,
   * in every slot's marker), then tells the other instances. The clear is as of now, or
   * `options.ageMs` ago (a replay after an outage): values written after that moment stay.
   * Rejects when Redis is not reached.
   */
  async clear(options?: L2DeleteOptions): Promise<void> {
    const router = this.#router
    const sentAt = Date.now() - ageOf(options)
    const tombstoneMs = String(this.#config.tombstoneMs)
    const masters = await this.#masters()
    // Every slot's moment, marked first: from then on, older writes are dropped. On a cluster,
    // each master marks all its slots in one call, on its own connection (no redirection to
    // follow: a slot that moved meanwhile fails the clear, which the cache replays).
    const pattern = valuePattern(this.prefix)
    await Promise.all(
      masters.map(async ({ client: node, slots }) => {
        const marked = await this.#connection.call(
          'Clearing',
          async (client) => {
            const to = router.cluster ? node : client
            await this.#knowClock(to, slots[0]!)
            const at = String(Math.ceil(router.clockOf(slots[0]!).latest(sentAt)))
            const markers = slots.map((slot) => router.clearedKey(slot))
            if (!router.cluster)
              return String(await MARK_CLEARED.run(to, markers, [at, tombstoneMs]))
            return String(
              await MARK_CLEARED_SLOTS.run(to, ...crossSlotCall(markers, [at, tombstoneMs])),
            )
          },
          undefined,
          slots[0],
        )
        if (!marked.ok) throw marked.error
        const moment = marked.value
        let cursor = '0'
        do {
          const scan = await this.#connection.call(
            'Clearing',
            () => node.sendCommand(['SCAN', cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT]),
            undefined,
            slots[0],
          )
          if (!scan.ok) throw scan.error
          const [next, found] = scan.value as [unknown, unknown[]]
          cursor = String(next)
          if (found.length === 0) continue
          const unlink = await this.#connection.call(
            'Clearing',
            () =>
              router.cluster
                ? UNLINK_OLDER_SLOTS.run(node, ...crossSlotCall(found.map(String), [moment]))
                : UNLINK_OLDER.run(node, found.map(String), [moment]),
            undefined,
            slots[0],
          )
          if (!unlink.ok) throw unlink.error
        } while (cursor !== '0')
      }),
    )
    await this.#publish('Clearing', this.#bus.invalidation(null, ageOf(options)))
  }

  /** Every master with a client of its own, or the error of not reaching the cluster. */
  async #masters(): Promise<MasterGroup[]> {
    try {
      return await this.#router.masters()
    } catch (cause) {
      throw new RedisStoreError('ERR_REDIS_UNAVAILABLE', `Clearing failed: ${messageOf(cause)}`, {
        cause,
      })
    }
  }

  /** Delivers the other instances' invalidations to `subscriber`; returns the unsubscribe call. */
  subscribe(subscriber: L2Subscriber): () => void {
    return this.#bus.subscribe(subscriber)
  }

  async #open(client: Pick<RedisClientLike, 'connect'>): Promise<void> {
    try {
      await client.connect()
    } catch (error) {
      this.#report(error)
    }
  }

  /** Reads Redis's TIME once, for the clock (one server); a failure is left to the next command. */
  async #syncClock(): Promise<void> {
    if (this.#router.cluster || !this.#router.ready(0)) return
    try {
      await this.#knowClock(this.#router.sender(0), 0, true)
    } catch {
      // Not connected after all: the reconnection's 'ready' syncs again.
    }
  }

  /**
   * Makes sure the clock of `slot`'s node has seen a TIME reply (`always`: takes a new sample
   * anyway).
   */
  async #knowClock(client: CommandSender, slot: number, always = false): Promise<void> {
    const clock = this.#router.clockOf(slot)
    if (clock.known && !always) return
    const sent = Date.now()
    const time = await client.sendCommand(['TIME'])
    clock.sample(sent, Date.now(), timeOf(time))
  }

  /**
   * One batch of reads: on a cluster, one MGET per hash slot, in parallel. Misses, reported
   * once, when it fails: one entry per key always, as the Batcher requires.
   */
  async #read(keys: string[]): Promise<readonly (L2Record | undefined)[]> {
    const router = this.#router
    let records: (L2Record | undefined)[]
    if (!router.cluster) {
      records = await this.#readNode([keys], [0])
    } else {
      const groups = bySlot(router, keys, (key) => router.slotOf(key))
      if (groups.size === 1) {
        records = await this.#readNode([keys], [groups.keys().next().value!])
      } else {
        // The slots of each node together: one TIME per node, beside its slots' MGETs.
        const byNode = new Map<string, number[]>()
        for (const slot of groups.keys()) {
          const node = router.nodeOf(slot)
          const slots = byNode.get(node)
          if (slots === undefined) byNode.set(node, [slot])
          else slots.push(slot)
        }
        records = new Array<L2Record | undefined>(keys.length)
        const at = new Map<string, number>()
        keys.forEach((key, i) => at.set(key, i))
        await Promise.all(
          [...byNode.values()].map(async (slots) => {
            const lists = slots.map((slot) => groups.get(slot)!)
            const found = await this.#readNode(lists, slots)
            let i = 0
            for (const list of lists) for (const key of list) records[at.get(key)!] = found[i++]
          }),
        )
      }
    }
    // Tagged entries: their tags' invalidation times, in one more round trip (tagTimes.ts).
    return records.some(isTagged) ? this.#tags.check(keys, records) : records
  }

  /**
   * The reads of the slots of one node (one slot, on a single server): one MGET per slot
   * (`lists[i]`: the keys of `slots[i]`), with one TIME in the same round trip (Redis's clock on
   * that node, against which the expiry stored in each value gives its time to live). The
   * records, list after list.
   */
  async #readNode(
    lists: readonly (readonly string[])[],
    slots: readonly number[],
  ): Promise<(L2Record | undefined)[]> {
    const sent = Date.now()
    const router = this.#router
    const mgets = lists.map((keys) => {
      const mget = ['MGET']
      for (const key of keys) mget.push(valueKey(this.prefix, key))
      return mget
    })
    const outcome = await this.#connection.call(
      'Reading',
      (client) =>
        // Sent in the same tick: node-redis writes them at once (one round trip).
        Promise.all([
          Promise.all(
            mgets.map((mget, i) => (i === 0 ? client : router.sender(slots[i]!)).sendCommand(mget)),
          ),
          client.sendCommand(['TIME']),
        ]),
      undefined,
      slots[0],
    )
    if (!outcome.ok) {
      if (!outcome.skipped) this.#report(outcome.error)
      return misses(lists.flat())
    }
    const [replies, time] = outcome.value
    let redisNow: number
    try {
      for (const values of replies) {
        if (!Array.isArray(values)) throw new TypeError(`not an MGET reply: ${typeof values}`)
      }
      redisNow = timeOf(time)
    } catch (cause) {
      this.#report(new RedisStoreError('ERR_REDIS_DECODE', 'Unexpected reply to a read', { cause }))
      return misses(lists.flat())
    }
    const received = Date.now()
    router.clockOf(slots[0]!).sample(sent, received, redisNow)
    const elapsed = received - sent
    const records: (L2Record | undefined)[] = []
    lists.forEach((keys, i) => {
      const values = replies[i] as unknown[]
      keys.forEach((key, j) => records.push(this.#recordOf(values[j], redisNow, elapsed, key)))
    })
    return records
  }

  /** An entry read from Redis; `undefined` when absent, expired, or unreadable (reported). */
  readonly #recordOf = (
    data: unknown,
    redisNow: number,
    elapsedMs: number,
    key: string,
  ): L2Record | undefined => {
    try {
      return recordOf(data, redisNow, elapsedMs, this.#config.serializer)
    } catch (cause) {
      this.#report(
        new RedisStoreError(
          'ERR_REDIS_DECODE',
          `The data for key ${key} in Redis cannot be read (served as a miss): ${messageOf(cause)}`,
          { key, cause },
        ),
      )
      return undefined
    }
  }

  /**
   * Errors no caller gets: to `onError`, else to the subscribed caches (whose default `onError`
   * counts them without printing), else nowhere. Never to the console: outages are reported
   * once each by the TierHealth.
   */
  readonly #report: Reporter = (error) => {
    if (this.#closed) return
    const onError = this.#config.onError
    if (onError !== undefined) {
      try {
        onError(error)
      } catch {
        // onError must not throw; there is nowhere left to report to.
      }
      return
    }
    for (const subscriber of this.#bus.subscribers) subscriber.error(error)
  }
}

/**
 * A second tier on Redis for `AsyncCache` and `cached()` of `@cache/decorators`
 * (`new AsyncCache({ l2: redisStore(…) })`): values shared by every process, invalidations
 * published to all of them, one load per key across the fleet, and a cache that keeps serving
 * from L1 and the loader while Redis is down. Options are checked here.
 *
 * @throws {CacheConfigError} naming the first invalid option and its value.
 * @example
 * ```ts
 * import { cached } from '@cache/decorators'
 * import { redisStore } from '@cache/redis'
 *
 * const getUser = cached(fetchUser, {
 *   ttl: 60_000,
 *   l2: redisStore({ url: 'redis://127.0.0.1:6379', prefix: 'users:' }),
 * })
 * ```
 */
export function redisStore(options: RedisStoreOptions): RedisStore {
  return new RedisStore(options)
}
