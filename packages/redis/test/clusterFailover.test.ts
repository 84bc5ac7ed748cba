// A master of the cluster killed (SIGKILL) under a store: no caller sees an error, the keys on
// the other masters are still served from L2 meanwhile, the dead master's keys go through the
// loader until its replica has taken its slots over, and then everything is served from L2
// again. Then the master serving the invalidation channel's slot is killed: after its failover,
// deletes and sets on one instance drop the other's L1 again (exact values), and a delete that
// could not be published meanwhile is covered by the L1 drop of a resubscription. Vitest fails the run on an unhandled rejection (node-redis's cluster client can leave
// one when it is closed while rediscovering), so this file checks that none escapes too.
import { AsyncCache, l2KeyOf } from '@cache/decorators'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { redisStore, type RedisStore, type TierStateEvent } from '../src/index.js'
import { valueKey } from '../src/keys.js'
import { sleep, waitFor } from './helpers.js'
import { startRedisCluster, type RedisCluster } from './redisCluster.js'

let cluster: RedisCluster

beforeAll(async () => {
  cluster = await startRedisCluster()
}, 60_000)

afterAll(async () => {
  await cluster.stop()
})

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
        timeoutMs: 300,
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
    await a.delete(key)
    await waitFor(() => !b.has(key), 3_000, "B's L1 dropped by A's delete before the failover")
    expect(await b.get(key, load)).toBe('v2')
    await b.whenL2Settled()
    expect(b.has(key)).toBe(true)

    // The channel's master killed: a delete on A while its slot has no master cannot be
    // published. B's L1 is dropped once its subscription is back (on the master's heir), as
    // the README promises for messages that may have been missed.
    await channelMaster.stop('SIGKILL')
    current = 'v3'
    await a.delete(key)
    await cluster.waitUntilServed(30_000)
    const heir = await cluster.masterOf(stores[0]!.channel)
    expect(heir).not.toBe(channelMaster)
    await waitFor(() => !b.has(key), 15_000, "B's L1 dropped after the failover")
    expect(await b.get(key, load)).toBe('v3')
    expect(loads).toBe(3)
    await b.whenL2Settled()
    expect(b.has(key)).toBe(true)

    // After the failover, messages go through the heir: a set and a delete on A reach B.
    a.set(key, 'v4')
    await a.whenL2Settled()
    await waitFor(() => !b.has(key), 5_000, "B's L1 dropped by A's set after the failover")
    expect(await b.get(key, load)).toBe('v4')
    expect(loads).toBe(3)
    current = 'v5'
    await a.delete(key)
    await waitFor(() => !b.has(key), 5_000, "B's L1 dropped by A's delete after the failover")
    expect(await b.get(key, load)).toBe('v5')
    await b.whenL2Settled()
    expect(await a.get(key, load)).toBe('v5')
    expect(loads).toBe(4)

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
    expect(
      lines.filter((line) =>
        line.includes(
          `(node ${masterAddress}) no longer a master, its slots served by 127.0.0.1:${heir.port}`,
        ),
      ),
    ).toHaveLength(2)

    await channelMaster.start()
    await cluster.waitUntilHealthy(20_000)
    await Promise.all(stores.map((s) => s.close()))
  }, 90_000)
})
