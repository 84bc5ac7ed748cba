// What a second-tier store may say of its link to its server(s), for dashboards: the optional
// `health` of the L2 contract, which `@cache/decorators/otel` reports as `cache.l2.available`
// without knowing the store (redisStore()'s `health` is one).

/** Whether a store uses its server: `unavailable` while it skips it (lost, or breaker open). */
export type L2State = 'available' | 'unavailable'

/** One server's state, for a store spread over several (the masters of a cluster). */
export interface L2NodeHealth {
  /** The server, as the store names it (`host:port`); never a key. */
  readonly node: string
  readonly state: L2State
}

/** What {@link L2Store.health} reads. A store may report more (counters); these are read. */
export interface L2Health {
  /** The store as a whole: `unavailable` while it serves every call without its server. */
  readonly state: L2State
  /**
   * Each server's own state, when the store talks to several (a cluster, where one master down
   * leaves the keys of the others served); absent for a single server.
   */
  readonly nodes?: readonly L2NodeHealth[]
}
