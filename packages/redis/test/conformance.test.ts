// RedisStore under the L2 conformance suite of @cache/decorators/testing, on a private
// redis-server: expiry and lock leases in real time (Redis's clock cannot be faked), a second
// instance per namespace as a second process, and the server killed and restarted for the
// unreachable-server cases.
import { testL2Store } from '@cache/decorators/testing'

import { redisStore, type RedisStore } from '../src/index.js'
import { usePrivateServer } from './helpers.js'

const env = usePrivateServer()

testL2Store<RedisStore>(
  'RedisStore',
  async ({ namespace, lockLeaseMs, lockWaitMs }) => {
    const store = redisStore({
      url: env.server.url,
      prefix: `${namespace}:`,
      // Well above a round trip, even on a busy CI machine: a clear is several calls, each bounded.
      timeoutMs: 1_000,
      breaker: { failureThreshold: 2, cooldownMs: 50, maxCooldownMs: 200 },
      singleFlight: { lockTtlMs: lockLeaseMs, waitMs: lockWaitMs, pollMs: 5, maxPollMs: 50 },
      onError: () => {
        // The unreachable-server cases provoke errors on purpose; the suite checks outcomes.
      },
    })
    await store.connect()
    return store
  },
  {
    values: [new Date(1_700_000_000_000), new Map([['k', new Set([1n])]]), undefined, -0],
    makeUnreachable: async () => {
      await env.server.stop('SIGKILL')
      return () => env.server.start()
    },
  },
)
