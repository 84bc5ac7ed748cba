// A master of the cluster killed (SIGKILL) under a store: no caller sees an error, the keys on
// the other masters are still served from L2 meanwhile, the dead master's keys go through the
// loader until its replica has taken its slots over, and then everything is served from L2
// again. Then the master serving the invalidation channel's slot is killed: after its failover,
// deletes and sets on one instance drop the other's L1 again (exact values), and a delete that
// could not be published meanwhile is covered by the L1 drop of a resubscription. Vitest fails the run on an unhandled rejection (node-redis's cluster client can leave
// one when it is closed while rediscovering), so this file checks that none escapes too.
import { AsyncCache, l2KeyOf } from '@cache/decorators'
import { createCluster } from 'redis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { redisStore, RedisStoreError, type RedisStore, type TierStateEvent } from '../src/index.js'
import { valueKey } from '../src/keys.js'
import { slotOf } from '../src/slots.js'
import { gate, rawClient, sleep, waitFor } from './helpers.js'
import { startRedisCluster, type RedisCluster } from './redisCluster.js'

let cluster: RedisCluster

beforeAll(async () => {
  cluster = await startRedisCluster()
}, 60_000)

afterAll(async () => {
  await cluster.stop()
})

// A test that failed with a node down leaves the next one a healthy cluster all the same.
afterEach(async () => {
  const stopped = cluster.nodes.filter((node) => !node.running)
  if (stopped.length === 0) return
  await cluster.waitUntilServed(30_000).catch(() => {})
  await Promise.all(stopped.map((node) => node.start()))
  await cluster.waitUntilHealthy(20_000)
}, 60_000)

const KEYS = Array.from({ length: 60 }, (_, i) => i)

describe('a master of the cluster killed under the store', () => {
  it('serves every call, the other masters from L2, and the dead one through the loader until its replica takes over', async () => {
    const prefix = 'failover:'
    const events: (TierStateEvent & { store: number })[] = []
    const lines: string[] = []
    const stores: RedisStore[] = []
    const newCache = () => {
      const index = stores.length
      const store = redisStore({
        cluster: { rootNodes: cluster.rootNodes },
        prefix,
        timeoutMs: 300,
        breaker: { failureThreshold: 2, cooldownMs: 200, maxCooldownMs: 1_000 },
        onStateChange: (event) => events.push({ ...event, store: index }),
        log: (line) => lines.push(line),
        onError: () => {
          // Counted by outcomes below.
        },
      })
      stores.push(store)
      return new AsyncCache<number, string>({ l2: store, ttl: 60_000 })
    }
    const writer = newCache()
    // An instance with an empty L1, running when the master dies.
    const reader = newCache()
    const loads: number[] = []
    const load = ({ key }: { key: number }) => {
      loads.push(key)
      return `value ${key}`
    }
    await Promise.all(stores.map((s) => s.connect()))
    await Promise.all(KEYS.map((key) => writer.get(key, load)))
    await writer.whenL2Settled()

    const owners = await Promise.all(
      KEYS.map((key) => cluster.masterOf(valueKey(prefix, l2KeyOf(key)))),
    )
    const victim = owners[0]!
    const onVictim = KEYS.filter((_, i) => owners[i] === victim)
    const elsewhere = KEYS.filter((_, i) => owners[i] !== victim)
    expect(onVictim.length).toBeGreaterThan(5)
    // One more instance, closed while its cluster client rediscovers the cluster.
    const closing = redisStore({ cluster: { rootNodes: cluster.rootNodes }, prefix, log: false })
    await closing.connect()
    await victim.stop('SIGKILL')
    const closed = sleep(1_200).then(() => closing.close())

    // During the failover: every call answers, the other masters' keys from L2 (no load), the
    // dead master's through the loader.
    loads.length = 0
    const errors: unknown[] = []
    const values = await Promise.all(
      KEYS.map((key) => reader.get(key, load).catch((error: unknown) => errors.push(error))),
    )
    expect(errors).toEqual([])
    expect(values).toEqual(KEYS.map((key) => `value ${key}`))
    expect(loads.filter((key) => elsewhere.includes(key))).toEqual([])
    expect(loads.sort((a, b) => a - b)).toEqual(onVictim)
    // Each store's `health.nodes` says what its events said last, node by node.
    stores.forEach((store, index) => {
      const lastState = new Map<string, string>()
      for (const event of events) if (event.store === index) lastState.set(event.node!, event.state)
      const nodes = store.health.nodes ?? []
      expect(nodes.length).toBeGreaterThan(0)
      for (const { node, state } of nodes) {
        expect(state, `store ${index}, ${node}`).toBe(lastState.get(node) ?? 'available')
      }
    })

    await closed
    // The replica takes the slots over; a new reader finds every key in L2 again.
    await cluster.waitUntilHealthy(20_000)
    const fresh = newCache()
    loads.length = 0
    await waitFor(
      async () => {
        fresh.clear()
        const got = await Promise.all(KEYS.map((key) => fresh.get(key, load)))
        return got.every((value, i) => value === `value ${KEYS[i]!}`) && loads.length === 0
      },
      15_000,
      'every key served from L2 after the failover',
    ).catch(async () => {
      // Keys written by the reader while their slots moved may have been loaded again: fine,
      // as long as every value is right and each key is in L2 now.
      loads.length = 0
      await Promise.all(KEYS.map((key) => fresh.get(key, load)))
      expect(loads).toEqual([])
    })

    // The dead master was reported, by node, and every report is a change of that node's state
    // for that store (one line each), never one per call. (Other nodes may be reported too: a
    // busy machine makes calls time out while the cluster moves the slots.)
    const victimAddress = `127.0.0.1:${victim.port}`
    const heir = await cluster.masterOf(valueKey(prefix, l2KeyOf(onVictim[0]!)))
    expect(heir).not.toBe(victim)
    const heirAddress = `127.0.0.1:${heir.port}`
    // Its outage ends, for each store that saw it, once the store's client has read the new
    // topology: one closing report naming the master that serves its slots now, and the node
    // leaves the store's health (no call goes to it any more).
    const sawVictim = [0, 1]
    await waitFor(
      () =>
        sawVictim.every(
          (index) =>
            !(stores[index]!.health.nodes ?? []).some(({ node }) => node === victimAddress) &&
            !stores[index]!.nodeHealth.has(victimAddress),
        ),
      10_000,
      'the dead master gone from every store health',
    )
    for (const index of sawVictim) {
      const reports = events.filter((e) => e.store === index && e.node === victimAddress)
      expect(reports.map((e) => e.state)).toEqual(['unavailable', 'available'])
      expect(reports[1]).toMatchObject({ movedTo: heirAddress, outages: 1 })
      expect(reports[1]!.downMs).toBeGreaterThan(0)
    }
    expect(events.filter((e) => e.store === 2 && e.node === victimAddress)).toEqual([])
    // Two lines per store for that outage: one when it began, one when it ended.
    const victimLines = lines.filter((line) => line.includes(`(node ${victimAddress})`))
    expect(victimLines).toHaveLength(4)
    expect(victimLines.filter((line) => line.includes('Redis unavailable'))).toHaveLength(2)
    const closingLines = victimLines.filter((line) =>
      line.includes(`no longer a master, its slots served by ${heirAddress}, after `),
    )
    expect(closingLines).toHaveLength(2)
    expect(closingLines[0]).toMatch(/ down; skipped or failed meanwhile: \d+ reads?, /)
    expect(lines).toHaveLength(events.length)
    const last = new Map<string, string>()
    for (const event of events) {
      const who = `${event.store} ${event.node!}`
      // (An 'available' report may also sum up outages too close together to report one by one.)
      if (event.state === 'unavailable') {
        expect(last.get(who), `two 'unavailable' reports in a row for ${who}`).not.toBe(
          'unavailable',
        )
      }
      last.set(who, event.state)
    }
    await victim.start()
    await cluster.waitUntilHealthy(20_000)
    await Promise.all(stores.map((s) => s.close()))
  }, 90_000)
})

describe("the master of the invalidation channel's slot killed", () => {
  it('delivers invalidations again after the failover: a delete or a set on one instance drops the other L1, exact values', async () => {
    const prefix = 'channel:'
    const errors: string[][] = [[], []]
    const lines: string[] = []
    const stores: RedisStore[] = []
    const newCache = () => {
      const reported = errors[stores.length]!
      const store = redisStore({
        cluster: { rootNodes: cluster.rootNodes },
        prefix,
        // Generous: on a loaded machine a call to a live master may take a while; the dead
        // master's are skipped (not connected), not timed out.
        timeoutMs: 2_000,
        breaker: { failureThreshold: 2, cooldownMs: 200, maxCooldownMs: 1_000 },
        log: (line) => lines.push(line),
        onError: (error) => reported.push(String(error)),
      })
      stores.push(store)
      return new AsyncCache<string, string>({ l2: store, ttl: 60_000 })
    }
    const a = newCache()
    const b = newCache()
    await Promise.all(stores.map((s) => s.connect()))
    const channelMaster = await cluster.masterOf(stores[0]!.channel)
    // A key whose value lives on another master: its writes and deletes land throughout, only
    // the channel's messages are at stake.
    let key = ''
    for (let i = 0; key === ''; i++) {
      const owner = await cluster.masterOf(valueKey(prefix, l2KeyOf(`k${i}`)))
      if (owner !== channelMaster) key = `k${i}`
    }
    let current = 'v1'
    let loads = 0
    const load = () => {
      loads++
      return current
    }

    // Before: B's L1 holds the value, and A's delete drops it.
    expect(await a.get(key, load)).toBe('v1')
    await a.whenL2Settled()
    expect(await b.get(key, load)).toBe('v1')
    expect(loads).toBe(1)
    current = 'v2'
    a.delete(key)
    await waitFor(() => !b.has(key), 3_000, "B's L1 dropped by A's delete before the failover")
    expect(await b.get(key, load)).toBe('v2')
    await b.whenL2Settled()
    expect(b.has(key)).toBe(true)

    // The channel's master killed: a delete on A while its slot has no master cannot be
    // published. B's L1 is dropped once its subscription is back (on the master's heir), as
    // the README promises for messages that may have been missed, and by A's replay of the
    // delete: B serves the value the
    // delete let through, not the one it replaced. (B's L1 may be dropped more than once while
    // its client moves its connections: each drop is a reload or an L2 read, never a stale
    // value.)
    await channelMaster.stop('SIGKILL')
    current = 'v3'
    a.delete(key)
    await cluster.waitUntilServed(30_000)
    const heir = await cluster.masterOf(stores[0]!.channel)
    expect(heir).not.toBe(channelMaster)
    // A's delete could not be published: it was queued, and is replayed once A's store answers
    // again (its message reaches B through the heir, in order before any later one of A's).
    expect(a.stats().l2ReplayQueued).toBe(1)
    await waitFor(() => a.stats().l2Replayed === 1, 15_000, "A's delete replayed")
    await waitFor(
      async () => (await b.get(key, load)) === 'v3',
      15_000,
      'B serving the value after the delete made during the failover',
    )

    // After the failover, messages go through the heir: a set on A drops B's L1 copy (tried
    // again with a new value while B's subscription may still be moving: a message sent
    // before it has moved is missed, and covered by the drop of the L1 that follows).
    let sets = 0
    await waitFor(
      async () => {
        await b.whenL2Settled()
        if (!b.has(key)) await b.get(key, load)
        a.set(key, `v4-${++sets}`)
        await a.whenL2Settled()
        for (let waited = 0; waited < 1_000 && b.has(key); waited += 20) await sleep(20)
        return !b.has(key) && (await b.get(key, load)) === `v4-${sets}`
      },
      15_000,
      "B's L1 dropped by A's set after the failover",
    )
    // And once it has, a delete reaches B at once: exact values and loads.
    await b.whenL2Settled()
    expect(b.has(key)).toBe(true)
    const loadsBefore = loads
    current = 'v5'
    a.delete(key)
    await waitFor(() => !b.has(key), 3_000, "B's L1 dropped by A's delete after the failover")
    expect(await b.get(key, load)).toBe('v5')
    await b.whenL2Settled()
    expect(await a.get(key, load)).toBe('v5')
    expect(loads).toBe(loadsBefore + 1)

    // Nothing was lost silently: each store reported its lost subscription (onError; again if
    // its reconnection failed after another node's connection came back) and the channel
    // master's outage, begun and ended, in one line each.
    for (const reported of errors) {
      expect(reported).toContain('RedisStoreError: Lost the subscriber connection to Redis')
    }
    const masterAddress = `127.0.0.1:${channelMaster.port}`
    expect(
      lines.filter((line) => line.includes(`(node ${masterAddress}) Redis unavailable`)),
    ).toHaveLength(2)
    // (Each store's closing line comes once its own client has read the new topology.)
    const closing = () =>
      lines.filter((line) =>
        line.includes(
          `(node ${masterAddress}) no longer a master, its slots served by 127.0.0.1:${heir.port}`,
        ),
      )
    await waitFor(() => closing().length >= 2, 15_000, "both stores' closing lines")
    expect(closing()).toHaveLength(2)

    await channelMaster.start()
    await cluster.waitUntilHealthy(20_000)
    await Promise.all(stores.map((s) => s.close()))
  }, 90_000)
})

/** node-redis's cluster client, set up as the store sets up its own (`clusterFor`). */
function clusterClient() {
  return createCluster({
    rootNodes: cluster.rootNodes.map(({ url }) => ({ url })),
    commandOptions: { timeout: 0 },
    defaults: {
      disableOfflineQueue: true,
      socket: { connectTimeout: 2_000, reconnectStrategy: (n) => Math.min(50 * 2 ** n, 1_000) },
    },
    topologyRefreshOnReconnectionAttemptStrategy: 1_000,
  })
}

type ClusterClient = ReturnType<typeof clusterClient>

/** What the test reaches of node-redis's cluster client: its sharded pub/sub connections. */
interface ClusterInternals {
  _slots: {
    getShardedPubSubClient(channel: string): Promise<{
      SSUBSCRIBE(channel: string, listener: (message: string) => unknown): Promise<void>
    }>
  }
  sSubscribe(channel: string, listener: (message: string) => unknown): Promise<void>
}

/**
 * A cluster client to give a store as `client`, whose subscriber (the store's `duplicate()`) can
 * be held back once `hold()` is called: when node-redis moves the subscription to the channel's
 * new master, it connects to it as usual (the connection's `'node-ready'` comes), and its
 * SSUBSCRIBE waits for `release()`. That stretches the round trip between the two, in which the
 * subscription is not in effect on the server, to as long as the test needs.
 */
function heldSubscriberClient() {
  const client = clusterClient()
  const held = gate<undefined>()
  const released = gate<undefined>()
  let holding = false
  const duplicate = client.duplicate.bind(client)
  client.duplicate = ((...args: Parameters<ClusterClient['duplicate']>) => {
    const subscriber = duplicate(...args) as unknown as ClusterInternals
    const sSubscribe = subscriber.sSubscribe.bind(subscriber)
    subscriber.sSubscribe = async (channel, listener) => {
      if (!holding) return sSubscribe(channel, listener)
      // What node-redis's SSUBSCRIBE does (after a slot's move, for the listeners of the old
      // master), with the wait in between.
      const node = await subscriber._slots.getShardedPubSubClient(channel)
      held.resolve(undefined)
      await released.promise
      return node.SSUBSCRIBE(channel, listener)
    }
    return subscriber as unknown as ReturnType<ClusterClient['duplicate']>
  }) as ClusterClient['duplicate']
  return {
    client,
    hold: () => {
      holding = true
    },
    /** Resolves once the subscriber is connected to the channel's new master, unsubscribed. */
    held: held.promise,
    release: () => {
      released.resolve(undefined)
    },
  }
}

describe("the subscription to the channel's new master not in effect yet", () => {
  it('keeps nothing filled, then changed elsewhere, before the subscription was back: exact values', async () => {
    const prefix = 'resubscribe:'
    const options = {
      prefix,
      // Generous: on a loaded machine a call to a live master may take a while.
      timeoutMs: 2_000,
      log: false,
      onError: () => {
        // Lost connections and skipped calls, while the channel's master fails over.
      },
    } as const
    const aStore = redisStore({ cluster: { rootNodes: cluster.rootNodes }, ...options })
    const held = heldSubscriberClient()
    const bStore = redisStore({ client: held.client, ...options })
    await Promise.all([aStore.connect(), bStore.connect()])
    const a = new AsyncCache<string, string>({ l2: aStore, ttl: 60_000 })
    const b = new AsyncCache<string, string>({ l2: bStore, ttl: 60_000 })
    const channelMaster = await cluster.masterOf(aStore.channel)
    // A key on another master: its reads and writes land throughout.
    let key = ''
    for (let i = 0; key === ''; i++) {
      const owner = await cluster.masterOf(valueKey(prefix, l2KeyOf(`r${i}`)))
      if (owner !== channelMaster) key = `r${i}`
    }
    let loads = 0
    const load = () => {
      loads++
      return 'v1'
    }
    expect(await a.get(key, load)).toBe('v1')
    await a.whenL2Settled()
    expect(await b.get(key, load)).toBe('v1')
    expect(loads).toBe(1)

    // The channel's master killed; B's subscriber reaches the heir, and its SSUBSCRIBE waits.
    held.hold()
    await channelMaster.stop('SIGKILL')
    await Promise.race([
      held.held,
      sleep(30_000).then(() => {
        throw new Error("B's subscriber did not move to the channel's new master in 30 s")
      }),
    ])
    const heir = await cluster.masterOf(aStore.channel)
    expect(heir).not.toBe(channelMaster)
    // In that window B serves v1 (from L1, or from L2 into L1), and A replaces it: A's message
    // goes through the heir, where only A's own subscriber listens (B's is not subscribed).
    expect(await b.get(key, load)).toBe('v1')
    expect(b.has(key)).toBe(true)
    const heirClient = await rawClient(heir.url)
    try {
      // One subscriber of the channel on the heir: A's (B's SSUBSCRIBE is held back).
      const subscribers = async () =>
        (
          await heirClient.sendCommand<[string, number]>(['PUBSUB', 'SHARDNUMSUB', aStore.channel])
        )[1]
      await waitFor(async () => (await subscribers()) === 1, 15_000, "A's subscription moved")
      // A's set, tried again until its message is published (A's client may still be moving
      // to the heir: a set whose message is not sent is reported to A's onError).
      let sets = 0
      await waitFor(
        async () => {
          const errorsBefore = a.stats().l2Errors
          a.set(key, `v2-${++sets}`)
          await a.whenL2Settled()
          return a.stats().l2Errors === errorsBefore
        },
        15_000,
        "A's set published on the heir",
      )
      expect(await subscribers()).toBe(1)
      const latest = `v2-${sets}`
      expect(b.has(key)).toBe(true) // B missed the message

      // B's SSUBSCRIBE goes through; once its subscription is confirmed, its L1 is dropped and
      // it serves A's value from L2: no load, never v1 again.
      held.release()
      await waitFor(() => bStore.ready, 15_000, "B's subscription confirmed")
      expect(await b.get(key, load)).toBe(latest)
      expect(loads).toBe(1)
      // And the subscription works: A's next delete reaches B at once.
      await b.whenL2Settled()
      expect(b.has(key)).toBe(true)
      a.delete(key)
      await waitFor(() => !b.has(key), 3_000, "B's L1 dropped by A's delete")
    } finally {
      heirClient.destroy()
    }
    await channelMaster.start()
    await cluster.waitUntilHealthy(20_000)
    await Promise.all([aStore.close(), bStore.close()])
    await held.client.close()
  }, 90_000)
})

describe("a batch of set()s across slots with one slot's master dead", () => {
  it("lands on the live masters; the dead master's keys are skipped, counted and reported, with no error to callers", async () => {
    const prefix = 'batch:'
    const storeErrors: unknown[] = []
    const cacheErrors: { error: unknown; context: unknown }[] = []
    const events: TierStateEvent[] = []
    const lines: string[] = []
    const writerStore = redisStore({
      cluster: { rootNodes: cluster.rootNodes },
      prefix,
      // Generous: on a loaded machine a call to a live master may take a while; the dead
      // master's are skipped (not connected), not timed out.
      timeoutMs: 2_000,
      log: (line) => lines.push(line),
      onStateChange: (event) => events.push(event),
      onError: (error) => storeErrors.push(error),
    })
    const readerStore = redisStore({
      cluster: { rootNodes: cluster.rootNodes },
      prefix,
      log: false,
    })
    await Promise.all([writerStore.connect(), readerStore.connect()])
    const writer = new AsyncCache<string, string>({
      l2: writerStore,
      ttl: 60_000,
      onError: (error, context) => cacheErrors.push({ error, context }),
    })
    const reader = new AsyncCache<string, string>({ l2: readerStore, ttl: 60_000 })

    // The victim: a master with keys of the batch, not the channel's (whose loss test 2 covers).
    const keys = Array.from({ length: 40 }, (_, i) => `b${i}`)
    const redisKeys = keys.map((key) => valueKey(prefix, l2KeyOf(key)))
    const owners = await Promise.all(redisKeys.map((key) => cluster.masterOf(key)))
    const channelMaster = await cluster.masterOf(writerStore.channel)
    const victim = cluster.nodes.find(
      (node) => node !== channelMaster && owners.filter((owner) => owner === node).length >= 3,
    )!
    const victimAddress = `127.0.0.1:${victim.port}`
    const onVictim = keys.filter((_, i) => owners[i] === victim)
    const victimSlots = new Set(redisKeys.filter((_, i) => owners[i] === victim).map(slotOf))
    await victim.stop('SIGKILL')
    await waitFor(
      () => writerStore.nodeHealth.get(victimAddress)?.state === 'unavailable',
      5_000,
      'the writer store seeing the master down',
    )

    // One turn of sets: one WRITE per slot, in parallel, then one message on the channel.
    expect(() => {
      for (const key of keys) writer.set(key, `v-${key}`)
    }).not.toThrow()
    await writer.whenL2Settled()

    // The writer serves every value from L1.
    for (const key of keys) expect(await writer.get(key)).toBe(`v-${key}`)
    // The live masters' keys are in Redis; the dead master's were not sent.
    for (const [i, key] of redisKeys.entries()) {
      if (owners[i] === victim) continue
      const client = await rawClient(owners[i]!.url)
      try {
        expect(await client.exists(key), key).toBe(1)
      } finally {
        client.destroy()
      }
    }
    // Another instance: the live masters' keys from L2, the dead master's through its loader.
    const loaded: string[] = []
    const values = await Promise.all(
      keys.map((key) =>
        reader.get(key, ({ key: k }) => {
          loaded.push(k)
          return `loaded-${k}`
        }),
      ),
    )
    expect(values).toEqual(
      keys.map((key) => (onVictim.includes(key) ? `loaded-${key}` : `v-${key}`)),
    )
    expect(loaded.sort()).toEqual([...onVictim].sort())

    // No other node skipped or failed a write (the dead master's count is in its closing
    // report, below: the store forgets the node once its slots have moved).
    for (const [node, { skipped, failed }] of writerStore.nodeHealth) {
      if (node === victimAddress) continue
      expect(skipped.writes + failed.writes, node).toBe(0)
    }
    // No caller saw an error: each set() whose key was not written is reported to the cache's
    // onError, once, with its key (an explicit write not stored is news; a loaded value not
    // stored while Redis is skipped is not), and counted in stats().l2Errors.
    expect(cacheErrors.map(({ context }) => context)).toEqual(
      expect.arrayContaining(onVictim.map((key) => ({ operation: 'l2', key: l2KeyOf(key) }))),
    )
    expect(cacheErrors).toHaveLength(onVictim.length)
    for (const { error } of cacheErrors) {
      expect(error).toBeInstanceOf(RedisStoreError)
      expect(error).toMatchObject({
        code: 'ERR_REDIS_UNAVAILABLE',
        message: 'Writing: not connected to Redis',
      })
    }
    expect(writer.stats().l2Errors).toBe(onVictim.length)

    // Its outage ends once the slots have moved, the skipped writes in its closing line.
    await cluster.waitUntilServed(30_000)
    const heir = await cluster.masterOf(valueKey(prefix, l2KeyOf(onVictim[0]!)))
    await waitFor(() => lines.length === 2, 10_000, "the dead master's closing line")
    // Counted as skipped writes of that node, one per slot's call, and nothing else.
    expect(events.map(({ node, state }) => [node, state])).toEqual([
      [victimAddress, 'unavailable'],
      [victimAddress, 'available'],
    ])
    expect(events[1]).toMatchObject({
      movedTo: `127.0.0.1:${heir.port}`,
      outages: 1,
      skipped: { reads: 0, writes: victimSlots.size, deletes: 0, locks: 0 },
    })
    expect(lines[0]).toContain(
      `[@cache/redis] batch: (node ${victimAddress}) Redis unavailable, serving without it: Lost the connection to Redis Cluster node ${victimAddress}`,
    )
    expect(lines[1]).toMatch(
      new RegExp(
        `^\\[@cache/redis\\] batch: \\(node ${victimAddress}\\) no longer a master, its slots served by 127\\.0\\.0\\.1:${heir.port}, after [0-9.]+ (ms|s) down; skipped or failed meanwhile: 0 reads, ${victimSlots.size} writes, 0 deletes, 0 lock calls$`,
      ),
    )
    await victim.start()
    await cluster.waitUntilHealthy(20_000)
    await Promise.all([writerStore.close(), readerStore.close()])
  }, 90_000)
})
