// RedisStore on a Redis Cluster (3 masters, 1 replica each, on loopback) under the same L2
// conformance suite as on one server (conformance.test.ts): every operation, across instances,
// with keys spread over the masters. The unreachable-server cases are left to the single-server
// run; the cluster's own outage (a master killed) is in cluster.test.ts.
import { testL2Store } from '@cache/decorators/testing'
import { afterAll, beforeAll } from 'vitest'

import { redisStore, type RedisStore } from '../src/index.js'
import { startRedisCluster, type RedisCluster } from './redisCluster.js'

let cluster: RedisCluster
const stores: RedisStore[] = []

beforeAll(async () => {
  cluster = await startRedisCluster()
}, 60_000)

afterAll(async () => {
  await Promise.allSettled(stores.map((store) => store.close()))
  await cluster.stop()
})

testL2Store<RedisStore>(
  'RedisStore on a Redis Cluster',
  async ({ namespace, lockLeaseMs, lockWaitMs }) => {
    const store = redisStore({
      cluster: { rootNodes: cluster.rootNodes },
      prefix: `${namespace}:`,
      // As on one server: well above a round trip on a busy CI machine (a clear is several calls).
      timeoutMs: 1_000,
      breaker: { failureThreshold: 2, cooldownMs: 50, maxCooldownMs: 200 },
      singleFlight: { lockTtlMs: lockLeaseMs, waitMs: lockWaitMs, pollMs: 5, maxPollMs: 50 },
      onError: () => {
        // Checked by outcomes, as on one server.
      },
    })
    stores.push(store)
    await store.connect()
    return store
  },
  {
    values: [new Date(1_700_000_000_000), new Map([['k', new Set([1n])]]), undefined, -0],
  },
)
