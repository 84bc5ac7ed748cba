// The test cluster itself: every slot served, keys spread over the masters, and a killed master's
// slots taken over by its replica while the other masters go on serving theirs.
import { createCluster } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { rawClient, type RawClient } from './helpers.js'
import { startRedisCluster, type RedisCluster } from './redisCluster.js'
import type { RedisServer } from './redisServer.js'

let cluster: RedisCluster

beforeAll(async () => {
  cluster = await startRedisCluster()
}, 30_000)

afterAll(async () => {
  await cluster.stop()
})

function clientOf(target: RedisCluster) {
  const client = createCluster({
    rootNodes: target.rootNodes.map((node) => ({ url: node.url })),
    defaults: { socket: { reconnectStrategy: 50, connectTimeout: 500 } },
  })
  client.on('error', () => {
    // Expected while a test kills a master.
  })
  return client
}

describe('startRedisCluster', () => {
  it('starts 3 masters with one replica each and spreads keys over the masters', async () => {
    expect(cluster.nodes).toHaveLength(6)
    expect(cluster.masters).toHaveLength(3)
    const client = clientOf(cluster)
    await client.connect()
    try {
      expect(client.masters.map((node) => node.port).sort()).toEqual(
        cluster.masters.map((node) => node.port).sort(),
      )
      const keys = Array.from({ length: 30 }, (_, i) => `spread-${i}`)
      for (const key of keys) await client.set(key, key)
      const owners = await Promise.all(keys.map((key) => cluster.masterOf(key)))
      expect(new Set(owners.map((node) => node.port)).size).toBe(3)
    } finally {
      client.destroy()
    }
  })

  it("moves a killed master's slots to its replica; the other masters serve theirs meanwhile", async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `failover-${i}`)
    const owners = await Promise.all(keys.map((key) => cluster.masterOf(key)))
    for (const [i, key] of keys.entries()) await nodeSet(owners[i]!, key)

    const victim = owners[0]!
    await victim.stop('SIGKILL')
    // The other masters answer at once, before any failover.
    for (const [i, key] of keys.entries()) {
      if (owners[i] !== victim) expect(await nodeGet(owners[i]!, key)).toBe(key)
    }

    await cluster.waitUntilHealthy(15_000)
    const heir = await cluster.masterOf(keys[0]!)
    expect(heir.port).not.toBe(victim.port)
    expect(cluster.masters.map((node) => node.port)).not.toContain(heir.port)
    // The replica had the data: nothing written before the kill is lost on a quiet cluster.
    for (const [i, key] of keys.entries()) {
      if (owners[i] === victim) expect(await nodeGet(heir, key)).toBe(key)
    }

    // The old master comes back as a replica of its heir.
    await victim.start()
    await cluster.waitUntilHealthy(15_000)
    expect((await cluster.masterOf(keys[0]!)).port).toBe(heir.port)
  }, 40_000)
})

/** Runs one command on one node (no redirection): the node must serve the key's slot. */
async function onNode<T>(node: RedisServer, use: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await rawClient(node.url)
  try {
    return await use(client)
  } finally {
    client.destroy()
  }
}

/** Writes `key` on its master and waits until its replica has it too (WAIT 1). */
const nodeSet = (node: RedisServer, key: string) =>
  onNode(node, async (client) => {
    await client.set(key, key)
    expect(await client.sendCommand(['WAIT', '1', '2000'])).toBe(1)
  })
const nodeGet = (node: RedisServer, key: string) => onNode(node, (client) => client.get(key))
