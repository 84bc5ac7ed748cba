// A private Redis Cluster for the tests: Debian's `redis-server` in cluster mode on loopback ports
// (masters with one replica each by default), joined with `redis-cli --cluster create`, so that
// killing a master makes its replica take its slots over, as in production. No mocks.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

import { createClient } from 'redis'

import { freePort, startRedisServer, type RedisServer } from './redisServer.js'

const run = promisify(execFile)
const HOST = '127.0.0.1'

/** How {@link startRedisCluster} builds the cluster. */
export interface RedisClusterOptions {
  /** Masters, each serving an equal share of the 16,384 slots (at least 3). Default 3. */
  readonly masters?: number
  /** Replicas per master: 1 (the default) lets the cluster fail over when a master dies. */
  readonly replicasPerMaster?: number
  /**
   * `cluster-node-timeout`: how long a master may be unreachable before its replica takes over.
   * Default 1,000 ms, so that a failover fits in a test.
   */
  readonly nodeTimeoutMs?: number
}

/** A running private cluster. Stop it in teardown, whatever happened. */
export interface RedisCluster {
  /** Every node, masters first (as created; a failover makes a replica a master). */
  readonly nodes: readonly RedisServer[]
  /** The nodes created as masters. */
  readonly masters: readonly RedisServer[]
  /** What a cluster client is given: `[{ url }]` of every node. */
  readonly rootNodes: readonly { readonly url: string }[]
  /** The node now serving `key`'s slot as master, per a running node's `CLUSTER SLOTS`. */
  masterOf(key: string): Promise<RedisServer>
  /**
   * Resolves once every running node reports `cluster_state:ok`, every running replica has synced
   * with its master, and every slot is served by a running master; throws after `ms` (default
   * 10 s).
   */
  waitUntilHealthy(ms?: number): Promise<void>
  /**
   * Resolves once every slot is served by a running master (one `CLUSTER SLOTS` every
   * `everyMs`, default 250: light enough to run beside a soak); throws after `ms`.
   */
  waitUntilServed(ms: number, everyMs?: number): Promise<void>
  /** Stops every node and removes their working directory. */
  stop(): Promise<void>
}

/** `CLUSTER SLOTS` as node-redis returns it: `[start, end, [host, port, id], …replicas]`. */
type SlotRange = [number, number, [string, number, string], ...unknown[]]

async function clusterCommand(port: number, args: string[]): Promise<unknown> {
  const client = createClient({
    url: `redis://${HOST}:${port}`,
    socket: { reconnectStrategy: false },
  })
  client.on('error', () => {
    // A node that is down answers nothing; the caller treats the rejection.
  })
  await client.connect()
  try {
    return await client.sendCommand(args)
  } finally {
    client.destroy()
  }
}

/** `key`'s hash slot, as the server computes it. */
async function slotOf(port: number, key: string): Promise<number> {
  return Number(await clusterCommand(port, ['CLUSTER', 'KEYSLOT', key]))
}

/**
 * Starts a private Redis Cluster on free loopback ports and resolves once every slot is served.
 * Each node keeps its `nodes.conf` in a temporary directory removed by `stop()`.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const masterCount = options.masters ?? 3
  const replicasPerMaster = options.replicasPerMaster ?? 1
  const nodeTimeoutMs = options.nodeTimeoutMs ?? 1_000
  if (masterCount < 3)
    throw new Error(`a Redis Cluster needs at least 3 masters, not ${masterCount}`)
  const dir = await mkdtemp(join(tmpdir(), 'cache-redis-cluster-'))
  const nodes: RedisServer[] = []
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop('SIGKILL')))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const total = masterCount * (1 + replicasPerMaster)
    for (let i = 0; i < total; i++) {
      const port = await freePort()
      const args = [
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-node-timeout',
        String(nodeTimeoutMs),
        // The other masters go on serving their slots while one master's slots fail over.
        '--cluster-require-full-coverage',
        'no',
        // A replica takes over however long it was cut off from its master before it died.
        '--cluster-replica-validity-factor',
        '0',
      ]
      nodes.push(await startRedisServer(port, { args, dir }))
    }
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((node) => `${HOST}:${node.port}`),
      '--cluster-replicas',
      String(replicasPerMaster),
      '--cluster-yes',
    ])
  } catch (error) {
    await stopAll()
    throw error
  }

  const byPort = new Map(nodes.map((node) => [node.port, node]))
  const running = (): RedisServer[] => nodes.filter((node) => node.running && !node.paused)

  const slotRanges = async (): Promise<SlotRange[]> => {
    for (const node of running()) {
      try {
        return (await clusterCommand(node.port, ['CLUSTER', 'SLOTS'])) as SlotRange[]
      } catch {
        // Ask the next node.
      }
    }
    throw new Error('no node of the cluster answers CLUSTER SLOTS')
  }

  const served = async (): Promise<boolean> => {
    try {
      let count = 0
      for (const [start, end, [, port]] of await slotRanges()) {
        if (byPort.get(port)?.running !== true) return false
        count += end - start + 1
      }
      return count === 16_384
    } catch {
      return false
    }
  }

  const healthy = async (): Promise<boolean> => {
    try {
      for (const node of running()) {
        const info = String(await clusterCommand(node.port, ['CLUSTER', 'INFO']))
        if (!info.includes('cluster_state:ok')) return false
        // A replica counts once it has synced with its master: until then a failover loses data.
        const replication = String(await clusterCommand(node.port, ['INFO', 'replication']))
        if (replication.includes('role:slave') && !replication.includes('master_link_status:up')) {
          return false
        }
      }
      return await served()
    } catch {
      return false
    }
  }

  const cluster: RedisCluster = {
    nodes,
    masters: nodes.slice(0, masterCount),
    rootNodes: nodes.map((node) => ({ url: node.url })),
    async masterOf(key) {
      const slot = await slotOf(running()[0]!.port, key)
      for (const [start, end, [, port]] of await slotRanges()) {
        if (slot >= start && slot <= end) {
          const node = byPort.get(port)
          if (node !== undefined) return node
        }
      }
      throw new Error(`no master serves slot ${slot} (key ${JSON.stringify(key)})`)
    },
    async waitUntilHealthy(ms = 10_000) {
      const deadline = Date.now() + ms
      while (Date.now() < deadline) {
        if (await healthy()) return
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error(`the cluster was not healthy within ${ms} ms`)
    },
    async waitUntilServed(ms, everyMs = 250) {
      const deadline = Date.now() + ms
      while (Date.now() < deadline) {
        if (await served()) return
        await new Promise((resolve) => setTimeout(resolve, everyMs))
      }
      throw new Error(`the cluster's slots were not all served within ${ms} ms`)
    },
    stop: stopAll,
  }
  try {
    await cluster.waitUntilHealthy()
  } catch (error) {
    await stopAll()
    throw error
  }
  return cluster
}
