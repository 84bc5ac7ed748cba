// `pnpm bench:cluster-reads`: the Redis commands one read of a tick costs on a Redis Cluster. A
// store on a private cluster (3 masters, started here and stopped at the end), 10, 100 and 1,000
// keys written, then read in one call of `get(keys)` 20 times; prints the commands its cluster
// client sent per read, by name (TIME is a script call routed to the master whose clock it
// reads), and the mean time of a read (on a loaded machine, a rough figure: the count is the
// point).
import { l2KeyOf } from '@cache/decorators'
import { createCluster } from 'redis'

import { redisStore } from '../src/index.js'
import { startRedisCluster } from '../test/redisCluster.js'

const cluster = await startRedisCluster()
try {
  for (const n of [10, 100, 1000]) {
    const client = createCluster({ rootNodes: cluster.rootNodes.map(({ url }) => ({ url })) })
    client.on('error', () => {})
    const counts = new Map<string, number>()
    let counting = false
    const send = client.sendCommand.bind(client)
    client.sendCommand = (first: string, readonly: boolean, args: string[]) => {
      if (counting) {
        const name = args[0] === 'EVALSHA' && args.length === 4 ? 'TIME (EVALSHA)' : String(args[0])
        counts.set(name, (counts.get(name) ?? 0) + 1)
      }
      return send(first, readonly, args)
    }
    const prefix = `m${n}:`
    const store = redisStore({ client, prefix, timeoutMs: 5_000, log: false, maxBatchSize: 10_000 })
    await store.connect()
    const keys = Array.from({ length: n }, (_, i) => l2KeyOf(`k${i}`))
    await store.set(
      keys.map((key) => ({
        key,
        value: key,
        isError: false,
        fetchedAt: Date.now(),
        ttlMs: 600_000,
      })),
      false,
    )
    const rounds = 20
    await store.get(keys)
    counting = true
    const t0 = performance.now()
    for (let r = 0; r < rounds; r++) await store.get(keys)
    const ms = (performance.now() - t0) / rounds
    counting = false
    const per = [...counts].map(([k, v]) => `${k} ${v / rounds}`).join(', ')
    const total = [...counts.values()].reduce((a, b) => a + b, 0) / rounds
    console.log(`${n} keys per read: ${total} commands (${per}); ${ms.toFixed(2)} ms per read`)
    await store.close()
    client.destroy()
  }
} finally {
  await cluster.stop()
}
