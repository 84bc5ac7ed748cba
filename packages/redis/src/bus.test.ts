// The bus on a stub client and fake timers: after a lost connection, the L1 drop waits for a
// probe of its own to come back through the subscription (the client's 'ready' may come before
// the subscription is in effect on the server), probes are published again with doubling waits
// until one does, and a probe published before the latest 'ready' proves nothing. The real
// server and cluster are in test/faults.test.ts and test/clusterFailover.test.ts.
import type { L2Subscriber } from '@cache/decorators'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { stubClient } from '../test/stubClient.js'
import { Bus } from './bus.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

/** A bus on a stub client, its probes kept (with when they were sent) rather than published. */
async function busWithProbes() {
  const client = stubClient()
  const probes: { at: number; message: string }[] = []
  const reported: unknown[] = []
  const bus = new Bus(
    client,
    'p:invalidate',
    (error) => reported.push(error),
    undefined,
    (message) => probes.push({ at: Date.now(), message }),
  )
  const drops: (readonly string[] | null)[] = []
  const subscriber: L2Subscriber = {
    invalidate: (keys) => drops.push(keys),
    invalidateTags: () => {},
    error: (error) => reported.push(error),
  }
  bus.subscribe(subscriber)
  await bus.started
  return { client, bus, probes, drops, reported }
}

const numberOf = (probe: { message: string }): number =>
  (JSON.parse(probe.message) as { p: number }).p

describe('Bus, after a lost connection', () => {
  it('drops L1 when its probe comes back, not at the client’s ready', async () => {
    const { client, bus, probes, drops, reported } = await busWithProbes()
    // Subscribed at start (the SUBSCRIBE's reply): L1 dropped once.
    expect(drops).toEqual([null])
    expect(bus.ready).toBe(true)
    client.emit('error', new Error('read ECONNRESET'))
    client.emit('ready')
    // Ready, but not known to be subscribed on the server yet: no drop, not ready.
    expect(drops).toEqual([null])
    expect(bus.ready).toBe(false)
    expect(probes.map((probe) => JSON.parse(probe.message) as unknown)).toEqual([
      { o: bus.origin, t: 'd', k: [], p: 1 },
    ])
    // Another instance's delete is applied as it comes, probe or not.
    client.publish(JSON.stringify({ o: 'other', t: 'd', k: ['k1'] }))
    expect(drops).toEqual([null, ['k1']])
    // Another instance's probe, and its own probe heard by another store: ignored.
    client.publish(JSON.stringify({ o: 'other', t: 'd', k: [], p: 1 }))
    expect(drops).toEqual([null, ['k1']])
    // Its own probe back: the subscription is in effect, L1 dropped once.
    client.publish(probes[0]!.message)
    expect(drops).toEqual([null, ['k1'], null])
    expect(bus.ready).toBe(true)
    // And no more probes.
    await vi.advanceTimersByTimeAsync(10_000)
    expect(probes).toHaveLength(1)
    // An echo that comes twice drops nothing more.
    client.publish(probes[0]!.message)
    expect(drops).toEqual([null, ['k1'], null])
    // Reported: the lost connection only.
    expect(reported.map(String)).toEqual([
      'RedisStoreError: Lost the subscriber connection to Redis',
    ])
    await bus.close()
  })

  it('publishes probes again, 50 ms later doubling to 1 s, until one comes back', async () => {
    const { client, bus, probes, drops } = await busWithProbes()
    client.emit('ready')
    await vi.advanceTimersByTimeAsync(4_000)
    expect(probes.map(({ at }) => at)).toEqual([0, 50, 150, 350, 750, 1_550, 2_550, 3_550])
    expect(probes.map(numberOf)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(drops).toEqual([null])
    // A late echo of an earlier probe of this round counts: it came through the subscription.
    client.publish(probes[2]!.message)
    expect(drops).toEqual([null, null])
    await vi.advanceTimersByTimeAsync(10_000)
    expect(probes).toHaveLength(8)
    await bus.close()
  })

  it('does not count a probe published before the latest ready', async () => {
    const { client, bus, probes, drops } = await busWithProbes()
    client.emit('ready')
    await vi.advanceTimersByTimeAsync(60)
    expect(probes.map(numberOf)).toEqual([1, 2])
    // The connection comes back again (on a cluster: the channel's new master's connection).
    client.emit('ready')
    expect(probes.map(numberOf)).toEqual([1, 2, 3])
    client.publish(probes[0]!.message)
    client.publish(probes[1]!.message)
    expect(drops).toEqual([null])
    expect(bus.ready).toBe(false)
    // The wait starts again at 50 ms for the new round.
    await vi.advanceTimersByTimeAsync(50)
    expect(probes.map(({ at }) => at)).toEqual([0, 50, 60, 110])
    client.publish(probes[3]!.message)
    expect(drops).toEqual([null, null])
    expect(bus.ready).toBe(true)
    await bus.close()
  })

  it('stops probing when closed', async () => {
    const { client, bus, probes } = await busWithProbes()
    client.emit('ready')
    await bus.close()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(probes).toHaveLength(1)
  })

  it('drops L1 at the client’s ready when it has no probe publisher', async () => {
    const client = stubClient()
    const bus = new Bus(client, 'p:invalidate', () => {})
    const drops: (readonly string[] | null)[] = []
    bus.subscribe({ invalidate: (keys) => drops.push(keys), error: () => {} })
    await bus.started
    client.emit('ready')
    expect(drops).toEqual([null, null])
    expect(bus.ready).toBe(true)
    await bus.close()
  })
})

describe('Bus, an invalidation replayed after an outage', () => {
  it('carries its age to the subscribers; a message without one, or with a bad one, has none', async () => {
    const client = stubClient()
    const bus = new Bus(client, 'p:invalidate', () => {})
    const calls: unknown[][] = []
    bus.subscribe({ invalidate: (...args) => calls.push(args), error: () => {} })
    await bus.started
    calls.length = 0
    expect(JSON.parse(bus.invalidation(['k1'], 1_500.7))).toEqual({
      o: bus.origin,
      t: 'd',
      k: ['k1'],
      a: 1_500,
    })
    expect(JSON.parse(bus.invalidation(null, 20))).toEqual({ o: bus.origin, t: 'c', a: 20 })
    // Not a replay: no age in the message.
    expect(JSON.parse(bus.invalidation(['k1'], 0))).toEqual({ o: bus.origin, t: 'd', k: ['k1'] })
    expect(JSON.parse(bus.invalidation(['k1']))).toEqual({ o: bus.origin, t: 'd', k: ['k1'] })
    client.publish(JSON.stringify({ o: 'other', t: 'd', k: ['k1'], a: 1_500 }))
    client.publish(JSON.stringify({ o: 'other', t: 'c', a: 20 }))
    client.publish(JSON.stringify({ o: 'other', t: 'd', k: ['k2'] }))
    // An age that is not a positive finite number: the keys are dropped as without one.
    client.publish(JSON.stringify({ o: 'other', t: 'd', k: ['k3'], a: 'soon' }))
    client.publish(JSON.stringify({ o: 'other', t: 'd', k: ['k4'], a: -5 }))
    client.publish(JSON.stringify({ o: 'other', t: 'c', a: 0 }))
    expect(calls).toEqual([[['k1'], 1_500], [null, 20], [['k2']], [['k3']], [['k4']], [null]])
    await bus.close()
  })
})
