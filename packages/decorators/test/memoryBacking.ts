// How the decorators tests run memoryL2Store under the L2 suite: one MemoryL2Server per
// namespace (one per cache, as one Redis prefix), on a clock the suite moves, and an outage that
// disconnects every server made so far.
import {
  MemoryL2Server,
  memoryL2Store,
  type L2StoreFactory,
  type L2StoreSuiteOptions,
  type L2SuiteClock,
  type MemoryL2Store,
} from '../src/testing/index.js'

/** A clock that moves only when told to. */
export function manualClock(start = 1_000_000): L2SuiteClock {
  let now = start
  return {
    now: () => now,
    advance: (ms) => {
      now += ms
    },
  }
}

/** What the suite needs besides the factory and the clock: the store's values, an outage. */
export type MemoryOptions = Pick<L2StoreSuiteOptions, 'values' | 'makeUnreachable'>

/** A factory of memory stores, a server per namespace, and the suite options that go with it. */
export function memoryBacking(clock: L2SuiteClock | undefined): {
  factory: L2StoreFactory<MemoryL2Store>
  options: MemoryOptions
  servers: Map<string, MemoryL2Server>
} {
  const servers = new Map<string, MemoryL2Server>()
  const serverOf = (namespace: string): MemoryL2Server => {
    let server = servers.get(namespace)
    if (server === undefined) {
      server = new MemoryL2Server(clock === undefined ? {} : { now: () => clock.now() })
      servers.set(namespace, server)
    }
    return server
  }
  return {
    servers,
    factory: ({ namespace, lockLeaseMs, lockWaitMs }) =>
      memoryL2Store({ server: serverOf(namespace), lockLeaseMs, lockWaitMs }),
    options: {
      // Kept as given, not serialized: anything comes back equal.
      values: [new Date(0), new Map([[1, { a: 1 }]]), undefined, 2n ** 70n],
      makeUnreachable: () => {
        const down = [...servers.values()]
        for (const server of down) server.disconnect()
        return () => {
          for (const server of down) server.reconnect()
        }
      },
    },
  }
}
