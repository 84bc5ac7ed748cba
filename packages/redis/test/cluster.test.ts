// RedisStore on a private Redis Cluster (3 masters, 1 replica each): keys spread over the masters,
// one MGET per hash slot per tick sent in parallel, invalidations delivered to every instance
// through the sharded channel, and clear() across every master.
import { AsyncCache, l2KeyOf } from '@cache/decorators'
import { createCluster } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { redisStore, type RedisStore, type RedisStoreOptions } from '../src/index.js'
import { valueKey, valuePattern } from '../src/keys.js'
import { slotOf } from '../src/slots.js'
import { rawClient, waitFor } from './helpers.js'
import { startRedisCluster, type RedisCluster } from './redisCluster.js'

let cluster: RedisCluster
const stores: RedisStore[] = []
let prefixes = 0

beforeAll(async () => {
  cluster = await startRedisCluster()
}, 60_000)

afterAll(async () => {
  await Promise.allSettled(stores.map((store) => store.close()))
  await cluster.stop()
})

function newPrefix(): string {
  return `cl${++prefixes}-${Math.random().toString(36).slice(2, 8)}:`
}

async function store(
  prefix: string,
  options: Partial<RedisStoreOptions> = {},
): Promise<RedisStore> {
  const s = redisStore({
    cluster: { rootNodes: cluster.rootNodes },
    prefix,
    timeoutMs: 2_000,
    log: false,
    ...options,
  })
  stores.push(s)
  await s.connect()
  return s
}

/** This store's value keys on each master (SCAN on the node itself). */
async function valuesPerMaster(prefix: string): Promise<number[]> {
  return Promise.all(
    cluster.masters.map(async (node) => {
      const client = await rawClient(node.url)
      try {
        let count = 0
        for await (const keys of client.scanIterator({
          MATCH: valuePattern(prefix),
          COUNT: 1000,
        })) {
          count += keys.length
        }
        return count
      } finally {
        client.destroy()
      }
    }),
  )
}

const write = (key: string, value: unknown) => ({
  key,
  value,
  isError: false,
  fetchedAt: Date.now(),
  ttlMs: 60_000,
})

describe('RedisStore on a Redis Cluster', () => {
  it('spreads the keys of one cache over every master, each value beside its lock', async () => {
    const prefix = newPrefix()
    const cache = new AsyncCache<number, number>({ l2: await store(prefix) })
    await Promise.all(Array.from({ length: 60 }, (_, i) => cache.get(i, () => i)))
    await cache.whenL2Settled()
    const counts = await valuesPerMaster(prefix)
    expect(counts.reduce((a, b) => a + b)).toBe(60)
    for (const count of counts) expect(count).toBeGreaterThan(5)
    // A key's hash is its hash tag: its value and its lock are in the slot of the hash.
    const key = valueKey(prefix, l2KeyOf(7))
    expect((await cluster.masterOf(key)).port).toBe(
      (await cluster.masterOf(`${prefix}lock:{${l2KeyOf(7)}}`)).port,
    )
  })

  it('reads the keys of one tick with one MGET per hash slot and one TIME per master, all sent before any reply', async () => {
    const prefix = newPrefix()
    const client = createCluster({ rootNodes: cluster.rootNodes.map(({ url }) => ({ url })) })
    client.on('error', () => {})
    const events: string[] = []
    const mgets: string[][] = []
    const times: string[] = []
    const send = client.sendCommand.bind(client)
    client.sendCommand = (async (first: string, readonly: boolean, args: string[]) => {
      // TIME on a given master: a script that calls TIME, routed by a key of one of its slots.
      if (args[0] === 'EVALSHA' && args.length === 4 && args[3] === first) {
        times.push(first)
      }
      if (args[0] === 'MGET') {
        mgets.push(args.slice(1))
        events.push('send')
        const reply = await send(first, readonly, args)
        events.push('reply')
        return reply
      }
      return send(first, readonly, args)
    }) as typeof client.sendCommand
    const s = redisStore({ client, prefix, timeoutMs: 2_000, log: false })
    stores.push(s)
    await s.connect()
    expect(s.cluster).toBe(true)
    const keys = Array.from({ length: 12 }, (_, i) => l2KeyOf(`k${i}`))
    await s.set(
      keys.map((key) => write(key, key)),
      false,
    )
    mgets.length = 0
    events.length = 0
    times.length = 0
    const records = await s.get(keys)
    expect(records.map((r) => r?.value)).toEqual(keys)
    const slots = new Set(keys.map((key) => slotOf(valueKey(prefix, key))))
    expect(mgets).toHaveLength(slots.size)
    // One TIME per master the keys are on (each master has its own clock), not one per slot.
    const masters = new Set(
      await Promise.all(keys.map((key) => cluster.masterOf(valueKey(prefix, key)))),
    )
    expect(masters.size).toBeGreaterThan(1)
    expect(slots.size).toBeGreaterThan(masters.size)
    expect(times).toHaveLength(masters.size)
    for (const group of mgets) expect(new Set(group.map(slotOf)).size).toBe(1)
    expect(events).toEqual([...mgets.map(() => 'send'), ...mgets.map(() => 'reply')])
    await s.close()
    client.destroy()
  })

  it('delivers deletes, writes and clears to every other instance, over the sharded channel', async () => {
    const prefix = newPrefix()
    const [a, b, c] = await Promise.all([store(prefix), store(prefix), store(prefix)])
    const heard: { b: unknown[]; c: unknown[] } = { b: [], c: [] }
    for (const [name, s] of [
      ['b', b],
      ['c', c],
    ] as const) {
      s.subscribe({ invalidate: (keys) => heard[name].push(keys), error: () => {} })
    }
    const keys = [l2KeyOf('x'), l2KeyOf('y'), l2KeyOf('z')]
    await a.delete(keys)
    await a.set([write(keys[0]!, 1)], true)
    await a.clear()
    await waitFor(() => heard.b.length === 3 && heard.c.length === 3, 5_000, 'the messages')
    expect(heard.b).toEqual([keys, [keys[0]], null])
    expect(heard.c).toEqual(heard.b)
  })

  it('clear() removes the cache from every master and marks every slot', async () => {
    const prefix = newPrefix()
    const s = await store(prefix, { timeoutMs: 5_000 })
    const keys = Array.from({ length: 30 }, (_, i) => l2KeyOf(i))
    await s.set(
      keys.map((key) => write(key, 1)),
      false,
    )
    expect((await valuesPerMaster(prefix)).every((n) => n > 0)).toBe(true)
    await s.clear()
    expect(await valuesPerMaster(prefix)).toEqual([0, 0, 0])
    expect((await s.get(keys)).every((r) => r === undefined)).toBe(true)
    // A write whose load started before the clear is dropped, whichever slot it goes to.
    await s.set(
      keys.map((key) => ({ ...write(key, 2), ageMs: 60_000 })),
      false,
    )
    expect((await s.get(keys)).every((r) => r === undefined)).toBe(true)
  }, 30_000)
})
