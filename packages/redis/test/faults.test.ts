// Faults on a real server: stopped (killed) and restarted on the same port mid-test, paused
// (slow), and down at startup. The cache must keep answering from L1 and the loader, never
// reject a call the loader would have answered, never hang, report through onError, and come
// back to Redis by itself.
import { AsyncCache, l2KeyOf } from '@cache/decorators'
import { describe, expect, it, vi } from 'vitest'

import { redisStore, RedisStoreError, type RedisStore } from '../src/index.js'
import { valueKey } from '../src/keys.js'
import { rawClient, sleep, usePrivateServer, waitFor } from './helpers.js'

const env = usePrivateServer()
let counter = 0

function newStore(prefix: string): RedisStore {
  const store = redisStore({
    url: env.server.url,
    prefix,
    timeoutMs: 150,
    breaker: { failureThreshold: 2, cooldownMs: 100, maxCooldownMs: 400 },
  })
  env.stores.push(store)
  return store
}

/** A cache counting its loads per key and collecting what it reports. */
function newCache(store: RedisStore) {
  const loads = new Map<string, number>()
  const errors: unknown[] = []
  const cache = new AsyncCache<string, string>({
    ttl: 60_000,
    l2: store,
    onError: (error) => errors.push(error),
  })
  const loader = ({ key }: { key: string }): string => {
    loads.set(key, (loads.get(key) ?? 0) + 1)
    return `value of ${key}`
  }
  /** `get` through the loader, failing the test if it takes longer than `ms`. */
  const get = async (key: string, ms = 1_000): Promise<string> => {
    const started = Date.now()
    const value = await cache.get(key, loader)
    expect(Date.now() - started, `get(${key}) took too long`).toBeLessThan(ms)
    return value
  }
  return { cache, loads, errors, get }
}

function codes(errors: unknown[]): string[] {
  return errors.map((error) => (error instanceof RedisStoreError ? error.code : String(error)))
}

describe('Redis stopped and restarted mid-test', () => {
  it('serves from L1 and the loader while Redis is down, and recovers by itself', async () => {
    const prefix = `faults${counter++}:`
    const store = newStore(prefix)
    const peerStore = newStore(prefix)
    await Promise.all([store.connect(), peerStore.connect()])
    const { cache, loads, errors, get } = newCache(store)
    const peer = newCache(peerStore)

    await expect(get('warm')).resolves.toBe('value of warm')
    await cache.whenL2Settled()
    expect(await env.raw.exists(valueKey(prefix, l2KeyOf('warm')))).toBe(1)

    await env.server.stop('SIGKILL')

    // An L1 hit, then misses: all answered, by the loader, once per key, none rejected.
    await expect(get('warm')).resolves.toBe('value of warm')
    const keys = Array.from({ length: 20 }, (_, i) => `down ${i}`)
    await expect(Promise.all(keys.map((key) => get(key)))).resolves.toEqual(
      keys.map((key) => `value of ${key}`),
    )
    await expect(Promise.all(keys.map((key) => get(key)))).resolves.toHaveLength(20)
    expect(keys.map((key) => loads.get(key))).toEqual(keys.map(() => 1))
    expect(loads.get('warm')).toBe(1)
    // An invalidation that cannot be delivered is reported, not thrown.
    expect(cache.delete('warm')).toBe(true)
    await cache.whenL2Settled()
    await waitFor(() => codes(errors).includes('ERR_REDIS_UNAVAILABLE'), 2_000, 'a report')
    expect(errors.every((error) => error instanceof RedisStoreError)).toBe(true)

    await env.server.start()

    // Back by itself: within a few seconds, loads are written to Redis again.
    let n = 0
    let written = ''
    await waitFor(
      async () => {
        const key = (written = `after ${n++}`)
        await get(key)
        await cache.whenL2Settled()
        return (await env.raw.exists(valueKey(prefix, l2KeyOf(key)))) === 1
      },
      5_000,
      'writes to reach Redis again',
    )
    expect(store.state).toBe('closed')
    await waitFor(() => store.ready && peerStore.ready, 5_000, 'both stores to be ready')

    // And invalidations flow again: the peer reads the value from Redis, then drops it.
    await expect(peer.get(written)).resolves.toBe(`value of ${written}`)
    expect(peer.loads.get(written)).toBeUndefined()
    cache.delete(written)
    await cache.whenL2Settled()
    await waitFor(() => !peer.cache.has(written), 2_000, "the peer's copy to be dropped")
  })

  it('stops serving L1 as fresh when the invalidation channel comes back, since messages may have been missed', async () => {
    const prefix = `faults${counter++}:`
    const store = newStore(prefix)
    await store.connect()
    const { cache, get } = newCache(store)
    await get('k')
    expect(cache.has('k')).toBe(true)
    await env.server.stop('SIGKILL')
    await get('k')
    expect(cache.has('k')).toBe(true) // served from L1 while down
    await env.server.start()
    await waitFor(() => store.ready, 5_000, 'the store to reconnect')
    await waitFor(() => !cache.has('k'), 2_000, 'L1 to stop serving k as fresh')
  })

  it('keeps those copies for fail-safe: after a restart that lost the data, a failed load is answered with one', async () => {
    const prefix = `faults${counter++}:`
    const store = newStore(prefix)
    await store.connect()
    const cache = new AsyncCache<string, string>({
      ttl: 60_000,
      l2: store,
      failSafe: { maxStale: 600_000, throttle: 1_000 },
      onError: () => {},
    })
    let sourceUp = true
    let loads = 0
    const loader = ({ key }: { key: string }): string => {
      loads++
      if (!sourceUp) throw new Error(`the source is down (loading ${key})`)
      return `value of ${key}`
    }
    await expect(cache.get('k', loader)).resolves.toBe('value of k')
    await cache.whenL2Settled()
    await env.server.stop('SIGKILL')
    await env.server.start() // empty: the server keeps nothing on disk
    await waitFor(() => store.ready, 5_000, 'the store to reconnect')
    await waitFor(() => !cache.has('k'), 2_000, 'L1 to stop serving k as fresh')
    expect(await env.raw.exists(valueKey(prefix, l2KeyOf('k')))).toBe(0)
    sourceUp = false
    await expect(cache.get('k', loader)).resolves.toBe('value of k')
    expect(loads).toBe(2)
    expect(cache.stats().failSafeActivations).toBe(1)
    sourceUp = true
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 1_000 }) // past the throttle
    try {
      await expect(cache.get('k', loader)).resolves.toBe('value of k')
      expect(loads).toBe(3)
    } finally {
      vi.useRealTimers()
    }
  })

  // Deterministic: the delete is sent with its age by hand, as the replay after an outage sends
  // it (which of two instances reconnects first after a restart is not, and an instance whose
  // subscription comes back after the replay never hears it: src/replayedInvalidations.test.ts
  // in @cache/decorators has the whole outage on a memory store).
  it('a delete replayed with its age leaves the copies another instance loaded after its moment', async () => {
    const prefix = `faults${counter++}:`
    const [storeA, storeB] = [newStore(prefix), newStore(prefix)]
    await Promise.all([storeA.connect(), storeB.connect()])
    const b = newCache(storeB)
    await expect(b.get('k')).resolves.toBe('value of k')
    await expect(b.get('x')).resolves.toBe('value of x')
    await b.cache.whenL2Settled()
    await sleep(100)
    // Made 10 s ago, before B's load: B's copy (and L2's, written after it) stay.
    await storeA.delete([l2KeyOf('k')], { ageMs: 10_000 })
    // Messages arrive in order: once B has dropped 'x', it has had the one about 'k'.
    await storeA.delete([l2KeyOf('x')])
    await waitFor(() => !b.cache.has('x'), 2_000, 'B to drop x')
    expect(b.cache.has('k')).toBe(true)
    expect(await env.raw.exists(valueKey(prefix, l2KeyOf('k')))).toBe(1)
    // Made 1 ms ago, after B's load: B's copy goes.
    await storeA.delete([l2KeyOf('k')], { ageMs: 1 })
    await waitFor(() => !b.cache.has('k'), 2_000, 'B to drop k')
    expect(b.loads).toEqual(
      new Map([
        ['k', 1],
        ['x', 1],
      ]),
    )
    expect(b.errors).toEqual([])
  })

  // On one server node-redis 6 reports 'ready' once its SUBSCRIBE has been answered, so the L1
  // drop came in time before the probe too; this checks the probe's round trip on a real server
  // (a client whose 'ready' comes first is src/bus.test.ts's, the cluster's new master is
  // test/clusterFailover.test.ts's).
  it('serves what another instance wrote while its subscription was lost, not what it read then: exact values', async () => {
    const prefix = `faults${counter++}:`
    const aStore = newStore(prefix)
    const bStore = newStore(prefix)
    await Promise.all([aStore.connect(), bStore.connect()])
    const a = newCache(aStore)
    const b = newCache(bStore)
    await a.get('held')
    await a.cache.whenL2Settled()
    expect(await b.get('held')).toBe('value of held')
    expect(b.loads.get('held')).toBeUndefined()
    // Every subscription lost, and held back: the server takes no new connection (maxclients
    // at the count without the subscribers), while the command connections stay up.
    const pubsub = await env.raw.sendCommand<string>(['CLIENT', 'LIST', 'TYPE', 'pubsub'])
    const subscribers = pubsub.split('\n').filter((line) => line.includes('id=')).length
    const info = await env.raw.sendCommand<string>(['INFO', 'clients'])
    const connected = Number(/connected_clients:(\d+)/.exec(info)![1])
    await env.raw.sendCommand(['CONFIG', 'SET', 'maxclients', String(connected - subscribers)])
    try {
      await env.raw.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
      await waitFor(() => !bStore.ready, 2_000, "B's subscription lost")
      // Meanwhile B serves its copy, and fills L1 from L2 with another key; A rewrites both,
      // and its message reaches nobody.
      await a.get('filled')
      await a.cache.whenL2Settled()
      expect(await b.cache.get('held')).toBe('value of held')
      expect(await b.cache.get('filled')).toBe('value of filled')
      expect(b.cache.has('filled')).toBe(true)
      a.cache.set('held', 'held, rewritten')
      a.cache.set('filled', 'filled, rewritten')
      await a.cache.whenL2Settled()
      // A's sets landed and were published: its only report is its own lost subscription.
      expect(a.errors.map(String)).toEqual([
        'RedisStoreError: Lost the subscriber connection to Redis',
      ])
      expect(await env.raw.sendCommand(['PUBSUB', 'NUMSUB', aStore.channel])).toEqual([
        aStore.channel,
        0,
      ])
    } finally {
      await env.raw.sendCommand(['CONFIG', 'SET', 'maxclients', '10000'])
    }
    // B's subscription back and confirmed: its L1 is dropped, it serves A's values from L2.
    await waitFor(() => bStore.ready, 5_000, "B's subscription back")
    expect(await b.get('held')).toBe('held, rewritten')
    expect(await b.get('filled')).toBe('filled, rewritten')
    expect(b.loads.size).toBe(0)
  })

  it('starts while Redis is down, serves from the loader, and connects when it comes up', async () => {
    await env.server.stop('SIGKILL')
    const prefix = `faults${counter++}:`
    const store = newStore(prefix)
    const { cache, loads, errors, get } = newCache(store)
    await expect(get('early')).resolves.toBe('value of early')
    await expect(get('early')).resolves.toBe('value of early')
    expect(loads.get('early')).toBe(1)
    await env.server.start()
    await store.connect(5_000)
    await get('late')
    await cache.whenL2Settled()
    expect(await env.raw.exists(valueKey(prefix, l2KeyOf('late')))).toBe(1)
    expect(codes(errors)).toContain('ERR_REDIS_UNAVAILABLE')
  })
})

describe('a slow Redis', () => {
  it('gives up on calls after timeoutMs and serves from the loader', async () => {
    const prefix = `faults${counter++}:`
    const store = newStore(prefix)
    await store.connect()
    const { cache, errors, get, loads } = newCache(store)
    const pauser = await rawClient(env.server.url)
    try {
      await pauser.sendCommand(['CLIENT', 'PAUSE', '1000', 'ALL'])
      const started = Date.now()
      await expect(get('slow', 900)).resolves.toBe('value of slow')
      expect(Date.now() - started).toBeGreaterThanOrEqual(150)
      expect(loads.get('slow')).toBe(1)
      expect(codes(errors)).toContain('ERR_REDIS_TIMEOUT')
      await cache.whenL2Settled() // the write times out too
      expect(store.state).not.toBe('closed')
    } finally {
      pauser.destroy()
    }
    await waitFor(
      async () => {
        await get(`probe ${counter++}`)
        return store.state === 'closed'
      },
      3_000,
      'the breaker to close',
    )
  })

  it('is back as soon as a paused server answers, not after the cooldown of the breaker', async () => {
    const prefix = `faults${counter++}:`
    const store = redisStore({
      url: env.server.url,
      prefix,
      timeoutMs: 150,
      breaker: { failureThreshold: 1, cooldownMs: 20_000 },
    })
    env.stores.push(store)
    await store.connect()
    const { cache, get } = newCache(store)
    env.server.pause() // SIGSTOP
    try {
      await get('hung')
      await cache.whenL2Settled() // its write times out: the breaker opens for 20 s
      expect(store.state).toBe('open')
    } finally {
      env.server.resume()
    }
    // The timed-out write's reply comes in: the next call is the probe, and it closes the breaker.
    const resumed = Date.now()
    await waitFor(
      async () => {
        await get(`after ${counter++}`)
        return store.state === 'closed'
      },
      5_000,
      'the breaker to close',
    )
    expect(Date.now() - resumed).toBeLessThan(5_000)
  })
})
