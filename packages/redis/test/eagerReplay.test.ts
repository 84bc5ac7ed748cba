// Eager refresh across two instances on a real Redis (one load per refresh period, nobody
// waits), and the replay of deletes made while Redis was down (paused, then killed and
// restarted): once it is back, no instance serves what they removed.
import { AsyncCache, l2KeyOf } from '@cache/decorators'
import { describe, expect, it } from 'vitest'

import { redisStore, type RedisStore } from '../src/index.js'
import { valueKey } from '../src/keys.js'
import { sleep, usePrivateServer, waitFor } from './helpers.js'

const env = usePrivateServer()
let counter = 0

async function twoStores(): Promise<{ prefix: string; stores: RedisStore[] }> {
  const prefix = `eager${counter++}:`
  const stores = [0, 1].map(() =>
    redisStore({
      url: env.server.url,
      prefix,
      timeoutMs: 150,
      breaker: { failureThreshold: 2, cooldownMs: 100, maxCooldownMs: 400 },
      log: false,
    }),
  )
  env.stores.push(...stores)
  await Promise.all(stores.map((store) => store.connect()))
  return { prefix, stores }
}

/** Whether Redis holds a value for `key` (a delete leaves a tombstone, `t|…`, or nothing). */
async function valueIn(prefix: string, key: string): Promise<boolean> {
  const data = await env.raw.get(valueKey(prefix, l2KeyOf(key)))
  return data !== null && !data.startsWith('t|')
}

describe('eagerRefresh across two instances on Redis', () => {
  it('loads once per refresh period across both, and no caller waits once the key is warm', async () => {
    const { stores } = await twoStores()
    const loadedAt: number[] = []
    const loader = async (): Promise<string> => {
      loadedAt.push(Date.now())
      await sleep(50)
      return `v${loadedAt.length}`
    }
    const caches = stores.map(
      (l2) => new AsyncCache<string, string>({ ttl: 1_000, eagerRefresh: 0.5, l2 }),
    )
    // Cold: the first calls wait for the first load (one instance loads, the other waits on
    // its lock); from then on, nobody waits.
    await Promise.all(caches.map((cache) => cache.get('hot', loader)))
    let waited = 0
    const end = Date.now() + 3_500
    while (Date.now() < end) {
      for (const cache of caches) {
        const state = { done: false }
        void cache.get('hot', loader).then(() => (state.done = true))
        await Promise.resolve()
        await Promise.resolve()
        if (!state.done) waited++
      }
      await sleep(20)
    }
    await Promise.all(caches.map((cache) => cache.whenL2Settled()))
    expect(waited).toBe(0)
    // A refresh point every 500 ms or more (half of a 1 s life): 3.5 s holds 8 at most.
    expect(loadedAt.length).toBeGreaterThanOrEqual(4)
    expect(loadedAt.length).toBeLessThanOrEqual(8)
    const gaps = loadedAt.slice(1).map((at, i) => at - loadedAt[i]!)
    for (const gap of gaps)
      expect(gap, `loads ${JSON.stringify(gaps)} ms apart`).toBeGreaterThan(450)
    const stats = caches.map((cache) => cache.stats())
    expect(stats.map((s) => s.expirations)).toEqual([0, 0])
    expect(stats[0]!.loads + stats[1]!.loads).toBe(loadedAt.length)
  })
})

describe('replay of deletes made while Redis was down', () => {
  it('paused: replays the delete once Redis answers, removing the old value everywhere', async () => {
    const { prefix, stores } = await twoStores()
    const [a, b] = stores.map(
      (l2) => new AsyncCache<string, string>({ ttl: 60_000, l2, onError: () => {} }),
    ) as [AsyncCache<string, string>, AsyncCache<string, string>]
    await a.get('k', () => 'old')
    await a.get('j', () => 'old')
    await a.whenL2Settled()
    await expect(b.get('k')).resolves.toBe('old')

    env.server.pause()
    try {
      a.delete('k')
      await a.whenL2Settled()
      expect(a.stats()).toMatchObject({ l2ReplayQueued: 1, l2Replayed: 0 })
    } finally {
      env.server.resume()
    }
    await waitFor(() => a.stats().l2Replayed === 1, 5_000, 'the delete to be replayed')
    expect(await valueIn(prefix, 'k')).toBe(false)
    expect(await valueIn(prefix, 'j')).toBe(true)
    await waitFor(() => !b.has('k'), 2_000, "b's copy to be dropped")
    await expect(b.get('k', () => 'new')).resolves.toBe('new')
    await expect(a.get('k', () => 'new')).resolves.toBe('new')
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 1, l2Replayed: 1, l2ReplayCollapsed: 0 })
  })

  it('killed and restarted: replays as of the moment of each delete; a later write survives', async () => {
    const { prefix, stores } = await twoStores()
    const [a, b] = stores.map(
      (l2) => new AsyncCache<string, string>({ ttl: 60_000, l2, onError: () => {} }),
    ) as [AsyncCache<string, string>, AsyncCache<string, string>]
    for (const key of ['k', 'j']) await a.get(key, () => 'old')
    await a.whenL2Settled()
    for (const key of ['k', 'j']) await expect(b.get(key)).resolves.toBe('old')

    await env.server.stop('SIGKILL')
    a.delete('k')
    a.delete('j')
    await a.whenL2Settled()
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 2, l2Replayed: 0 })
    await sleep(20)
    await env.server.start()
    await waitFor(() => stores.every((store) => store.ready), 5_000, 'both stores to reconnect')
    // b writes j after a's delete of it: whether a's replay lands before or after, j stays.
    b.set('j', 'written after the delete')
    await b.whenL2Settled()
    await waitFor(() => a.stats().l2Replayed === 2, 5_000, 'both deletes to be replayed')
    expect(a.stats()).toMatchObject({ l2ReplayQueued: 2, l2Replayed: 2 })
    expect(await valueIn(prefix, 'k')).toBe(false)
    await expect(a.get('j', () => 'reloaded')).resolves.toBe('written after the delete')
    for (const cache of [a, b]) await expect(cache.get('k', () => 'new')).resolves.toBe('new')
  })
})
