// NodeGuards on a fake cluster topology (fake timers): where a dead master's slots went is read
// from the topology by the node's address, every range it served, not from one slot remembered
// when its guard was made, so a resharding before the failover (ranges moved between masters)
// neither names the wrong heir nor hides that the node is no longer a master. The real
// failover is in test/clusterFailover.test.ts.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { ClusterNodeLike, RedisClusterLike } from './clusterRouter.js'
import { heirOf, NodeGuards, rangesOf } from './nodeHealth.js'
import { checkOptions } from './options.js'
import type { TierStateEvent } from './tierHealth.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

type Listener = (...args: unknown[]) => void

/** Lets the promises settled so far run their callbacks. */
async function flushPromises(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

/** Who serves what: `[from, to, 'host:port']`, both ends included; other slots unserved. */
type Layout = readonly (readonly [number, number, string])[]

/** A cluster client with nothing but a topology the test sets, and its node events. */
function fakeCluster() {
  const listeners = new Map<string, Listener[]>()
  const nodes = new Map<string, ClusterNodeLike>()
  const node = (address: string): ClusterNodeLike => {
    let found = nodes.get(address)
    if (found === undefined) nodes.set(address, (found = { address }))
    return found
  }
  const topology = {
    slots: new Array<{ master: ClusterNodeLike } | undefined>(16_384),
    masters: [] as ClusterNodeLike[],
  }
  /** What each node answers to ROLE (a master's by default). */
  const roles = new Map<string, string>()
  const cluster = {
    isOpen: true,
    isReady: true,
    get slots() {
      return topology.slots
    },
    get masters() {
      return topology.masters
    },
    on: (event: string, listener: Listener) => {
      listeners.set(event, [...(listeners.get(event) ?? []), listener])
      return cluster
    },
    off: () => cluster,
    nodeClient: (known: ClusterNodeLike) =>
      Promise.resolve({
        sendCommand: () => Promise.resolve([roles.get(known.address) ?? 'master']),
      }),
  } as unknown as RedisClusterLike
  return {
    cluster,
    roles,
    /** Replaces the topology, as node-redis does once it has read `CLUSTER SLOTS`. */
    set(layout: Layout): void {
      topology.slots = new Array<{ master: ClusterNodeLike } | undefined>(16_384)
      const masters = new Set<ClusterNodeLike>()
      for (const [from, to, address] of layout) {
        const shard = { master: node(address) }
        masters.add(shard.master)
        for (let slot = from; slot <= to; slot++) topology.slots[slot] = shard
      }
      topology.masters = [...masters]
    },
    /** A node event (`'node-ready'`, `'node-error'`, …) about `address`. */
    emit(event: string, address: string, error?: unknown): void {
      const [host, port] = address.split(':')
      const info = { host, port: Number(port) }
      const args = event === 'node-error' ? [error, info] : [info]
      for (const listener of listeners.get(event) ?? []) listener(...args)
    },
  }
}

/** Three masters, A with two ranges (0-99 and 200-5460), B between and after them, C last. */
const START: Layout = [
  [0, 99, 'a:1'],
  [100, 199, 'b:1'],
  [200, 5460, 'a:1'],
  [5461, 10922, 'b:1'],
  [10923, 16383, 'c:1'],
]

/** START after A failed over: its replica D serves both of A's ranges. */
const A_FAILED_OVER_TO_D: Layout = [
  [0, 99, 'd:1'],
  [100, 199, 'b:1'],
  [200, 5460, 'd:1'],
  [5461, 10922, 'b:1'],
  [10923, 16383, 'c:1'],
]

function guardsOn(fake: ReturnType<typeof fakeCluster>) {
  const events: TierStateEvent[] = []
  const lines: string[] = []
  const reported: unknown[] = []
  const config = checkOptions({
    cluster: { rootNodes: [{ url: 'redis://a:1' }] },
    prefix: 'p:',
    log: (line: string) => lines.push(line),
  })
  const guards = new NodeGuards(
    config,
    (event) => events.push(event),
    (e) => reported.push(e),
    {},
  )
  guards.watch(fake.cluster)
  return { guards, events, lines, reported }
}

describe('rangesOf and heirOf', () => {
  it('reads every range of each master, and the master serving most of a node’s former ranges', () => {
    const fake = fakeCluster()
    fake.set(START)
    const ranges = rangesOf(fake.cluster.slots)
    expect([...ranges]).toEqual([
      ['a:1', [0, 99, 200, 5460]],
      ['b:1', [100, 199, 5461, 10922]],
      ['c:1', [10923, 16383]],
    ])
    // A's first range to B, the second (5,261 slots) to D: D has most.
    fake.set([
      [0, 199, 'b:1'],
      [200, 5460, 'd:1'],
      [5461, 10922, 'b:1'],
      [10923, 16383, 'c:1'],
    ])
    expect(heirOf(ranges.get('a:1')!, fake.cluster.slots)).toBe('d:1')
    // A slot of them served by nobody yet: no heir to name.
    fake.set([
      [0, 199, 'b:1'],
      [201, 5460, 'd:1'],
      [5461, 16383, 'c:1'],
    ])
    expect(heirOf(ranges.get('a:1')!, fake.cluster.slots)).toBeUndefined()
    expect(heirOf([], fake.cluster.slots)).toBeUndefined()
  })
})

describe('NodeGuards', () => {
  it('names the master that took a dead master’s slots over, after a resharding moved the slot its guard was made for', async () => {
    const fake = fakeCluster()
    fake.set(START)
    const { guards, events, lines } = guardsOn(fake)
    // A's guard made for a call to slot 300, in its second range.
    guards.guardOf('a:1', 300)
    guards.guardOf('b:1', 100)
    // A resharding moves A's second range (slot 300 with it) to C; A still serves 0-99.
    fake.set([
      [0, 99, 'a:1'],
      [100, 199, 'b:1'],
      [200, 5460, 'c:1'],
      [5461, 10922, 'b:1'],
      [10923, 16383, 'c:1'],
    ])
    fake.emit('node-ready', 'b:1')
    expect([...guards.nodes.keys()]).toEqual(['a:1', 'b:1'])
    // A dies; its replica D takes 0-99 over once the cluster has failed over.
    fake.emit('node-error', 'a:1', new Error('read ECONNRESET'))
    await vi.advanceTimersByTimeAsync(2_500)
    fake.set([
      [0, 99, 'd:1'],
      [100, 199, 'b:1'],
      [200, 5460, 'c:1'],
      [5461, 10922, 'b:1'],
      [10923, 16383, 'c:1'],
    ])
    fake.emit('node-ready', 'd:1')
    expect(events.map(({ node, state, movedTo }) => [node, state, movedTo])).toEqual([
      ['a:1', 'unavailable', undefined],
      ['a:1', 'available', 'd:1'],
    ])
    expect(lines[1]).toBe(
      '[@cache/redis] p: (node a:1) no longer a master, its slots served by d:1, after 2.5 s down; skipped or failed meanwhile: 0 reads, 0 writes, 0 deletes, 0 lock calls',
    )
    expect([...guards.nodes.keys()]).toEqual(['b:1'])
  })

  it('keeps a dead master until all its slots are served, then names the one serving most of them', () => {
    const fake = fakeCluster()
    fake.set(START)
    const { guards, events } = guardsOn(fake)
    guards.guardOf('a:1', 0)
    guards.guardOf('a:1').health.notSent('read')
    fake.emit('node-error', 'a:1', new Error('connect ECONNREFUSED'))
    guards.guardOf('a:1').health.notSent('read')
    // Gone from the topology, 0-99 already with B, 200-5460 served by nobody yet: kept.
    fake.set([
      [0, 199, 'b:1'],
      [5461, 10922, 'b:1'],
      [10923, 16383, 'c:1'],
    ])
    fake.emit('node-ready', 'b:1')
    expect([...guards.nodes.keys()]).toEqual(['a:1'])
    expect(events.map(({ state }) => state)).toEqual(['unavailable'])
    // 200-5460 to D: D serves 5,261 of A's 5,361 slots, B 100.
    fake.set([
      [0, 199, 'b:1'],
      [200, 5460, 'd:1'],
      [5461, 10922, 'b:1'],
      [10923, 16383, 'c:1'],
    ])
    fake.emit('node-disconnect', 'a:1')
    expect(events[1]).toEqual({
      prefix: 'p:',
      node: 'a:1',
      state: 'available',
      downMs: 0,
      outages: 1,
      skipped: { reads: 1, writes: 0, deletes: 0, locks: 0 },
      movedTo: 'd:1',
    })
    expect(guards.nodes.size).toBe(0)
  })

  it('retires a dead master that reconnects as a replica after the topology moved its slots, rather than calling it available', () => {
    const fake = fakeCluster()
    fake.set(START)
    const { guards, events, lines } = guardsOn(fake)
    guards.guardOf('a:1', 0)
    fake.emit('node-error', 'a:1', new Error('connect ECONNREFUSED'))
    // node-redis has read the failover (D serves A's slots) when A's own connection comes back.
    fake.set(A_FAILED_OVER_TO_D)
    fake.emit('node-ready', 'a:1')
    expect(events.map(({ state, movedTo }) => [state, movedTo])).toEqual([
      ['unavailable', undefined],
      ['available', 'd:1'],
    ])
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain('no longer a master, its slots served by d:1')
    expect(guards.nodes.size).toBe(0)
  })

  it('keeps the outage of a master that came back as a replica before the topology named its heir, and retires it then', async () => {
    const fake = fakeCluster()
    fake.set(START)
    const { guards, events, lines } = guardsOn(fake)
    guards.guardOf('a:1', 0)
    fake.emit('node-error', 'a:1', new Error('connect ECONNREFUSED'))
    // A is back as a replica; the client has not read the failover yet (A still listed).
    fake.roles.set('a:1', 'slave')
    fake.emit('node-ready', 'a:1')
    await flushPromises()
    expect(events.map(({ state }) => state)).toEqual(['unavailable'])
    fake.set(A_FAILED_OVER_TO_D)
    fake.emit('node-ready', 'd:1')
    expect(events.map(({ state, movedTo }) => [state, movedTo])).toEqual([
      ['unavailable', undefined],
      ['available', 'd:1'],
    ])
    expect(lines[1]).toContain('no longer a master, its slots served by d:1')
  })

  it('ends the outage of a master that came back as a master, once it says so', async () => {
    const fake = fakeCluster()
    fake.set(START)
    const { guards, events } = guardsOn(fake)
    guards.guardOf('a:1', 0)
    fake.emit('node-error', 'a:1', new Error('connect ECONNREFUSED'))
    fake.emit('node-ready', 'a:1')
    expect(events.map(({ state }) => state)).toEqual(['unavailable'])
    await flushPromises()
    expect(events.map(({ state, movedTo }) => [state, movedTo])).toEqual([
      ['unavailable', undefined],
      ['available', undefined],
    ])
    expect([...guards.nodes.keys()]).toEqual(['a:1'])
  })

  it('retires a node whose guard was made before the topology was read, once it is no longer a master', () => {
    const fake = fakeCluster()
    const { guards, events } = guardsOn(fake)
    // A call before the client has read the topology: no slot known for A then.
    guards.guardOf('a:1')
    fake.set(START)
    fake.emit('node-ready', 'a:1')
    fake.emit('node-error', 'a:1', new Error('connect ECONNREFUSED'))
    // Failed over to D, which serves both of A's ranges now.
    fake.set(A_FAILED_OVER_TO_D)
    fake.emit('node-ready', 'd:1')
    expect(events.map(({ state, movedTo }) => [state, movedTo])).toEqual([
      ['unavailable', undefined],
      ['available', 'd:1'],
    ])
    expect(guards.nodes.size).toBe(0)
  })

  it('forgets a node a resharding left with no slot, silently if it was never reported down', () => {
    const fake = fakeCluster()
    fake.set(START)
    const { guards, events } = guardsOn(fake)
    guards.guardOf('a:1', 0)
    guards.guardOf('c:1', 16_383)
    // All of A's slots to C; A stays in the cluster, a master with nothing to serve.
    fake.set([
      [0, 99, 'c:1'],
      [100, 199, 'b:1'],
      [200, 5460, 'c:1'],
      [5461, 10922, 'b:1'],
      [10923, 16383, 'c:1'],
    ])
    fake.emit('node-ready', 'c:1')
    expect([...guards.nodes.keys()]).toEqual(['c:1'])
    expect(events).toEqual([])
  })

  it('judges nothing while the topology is empty (between reading it and filling it in)', () => {
    const fake = fakeCluster()
    fake.set(START)
    const { guards, events } = guardsOn(fake)
    guards.guardOf('a:1', 0)
    fake.emit('node-error', 'a:1', new Error('gone'))
    fake.set([])
    fake.emit('node-ready', 'b:1')
    expect([...guards.nodes.keys()]).toEqual(['a:1'])
    expect(events.map(({ state }) => state)).toEqual(['unavailable'])
  })
})
