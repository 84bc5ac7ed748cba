// What a store reports of an outage, on a stub client and fake timers: a lost connection and a
// hung server each make exactly two lines, whatever the calls made meanwhile, and nothing else
// reaches the console (the real server, killed and paused, is in test/outages.test.ts).
import { AsyncCache } from '@cache/decorators'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { stubClient, type StubClient } from '../test/stubClient.js'
import { redisStore, type RedisStore } from './redisStore.js'
import { READ_OR_LOCK } from './scripts.js'
import type { TierStateEvent } from './tierHealth.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

type Mode = 'ok' | 'hang'

/** A stub Redis that answers, or hangs (accepts commands and never replies), by `mode.now`. */
function server() {
  const mode: { now: Mode } = { now: 'ok' }
  const client = stubClient((args) => {
    if (mode.now === 'hang') return new Promise(() => {})
    if (args[0] === 'TIME') return ['1700000000', '0']
    if (args[0] === 'MGET') return args.slice(1).map(() => null)
    return 'OK'
  })
  return { client, mode }
}

function storeOn(client: StubClient, extra: { log?: (line: string) => void } = {}) {
  const events: TierStateEvent[] = []
  const store = redisStore({
    client,
    prefix: 'p:',
    timeoutMs: 100,
    breaker: { failureThreshold: 3, cooldownMs: 500, maxCooldownMs: 2_000 },
    singleFlight: false,
    onStateChange: (event) => events.push(event),
    ...extra,
  })
  return { store, events }
}

const write = (key: string) => ({ key, value: 1, isError: false, fetchedAt: 0, ttlMs: 60_000 })

/** Reads, writes and deletes `n` times each, as a busy cache would, letting each settle. */
async function traffic(store: RedisStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const calls = [
      store.get([`r${i}`]),
      store.set([write(`w${i}`)], true).catch(() => {}),
      store.delete([`d${i}`]).catch(() => {}),
    ]
    await vi.advanceTimersByTimeAsync(150)
    await Promise.all(calls)
  }
}

describe('a store in an outage', () => {
  it('reports a lost connection (both connections at once) in two lines, with the calls skipped', async () => {
    const { client } = server()
    const lines: string[] = []
    const { store, events } = storeOn(client, { log: (line) => lines.push(line) })
    await traffic(store, 2)
    // The stub is both the command and the subscriber client: both see the error.
    client.isReady = false
    client.emit('error', new Error('read ECONNRESET'))
    client.emit('error', new Error('connect ECONNREFUSED 127.0.0.1:6379'))
    await traffic(store, 20)
    client.isReady = true
    client.emit('ready')
    expect(lines).toEqual([
      '[@cache/redis] p: Redis unavailable, serving without it: Lost the command connection to Redis: read ECONNRESET',
      '[@cache/redis] p: Redis available again after 3.0 s down; skipped or failed meanwhile: 20 reads, 20 writes, 20 deletes, 0 lock calls',
    ])
    expect(events[1]).toEqual({
      prefix: 'p:',
      state: 'available',
      downMs: 3_000,
      outages: 1,
      skipped: { reads: 20, writes: 20, deletes: 20, locks: 0 },
    })
    expect(store.health).toEqual({
      state: 'available',
      since: 3_300,
      cause: undefined,
      outages: 1,
      skipped: { reads: 20, writes: 20, deletes: 20, locks: 0 },
      failed: { reads: 0, writes: 0, deletes: 0, locks: 0 },
    })
    await store.close()
  })

  it("counts a load's read-or-lock as a read, and a bare lock or a release as a lock call", async () => {
    // READ_OR_LOCK takes each key's lock; REFRESH_LOCK and RELEASE answer as taken and freed.
    const client = stubClient((args) => {
      if (args[0] === 'TIME') return ['1700000000', '0']
      if (args[0] === 'MGET') return args.slice(1).map(() => null)
      if (args[0] === 'EVALSHA' && args[1] === READ_OR_LOCK.sha) {
        return [
          1_700_000_000_000,
          ...args
            .slice(3, 3 + Number(args[2]))
            .filter((_, i) => i % 2 === 0)
            .map(() => 1),
        ]
      }
      return 1
    })
    const lines: string[] = []
    const store = redisStore({ client, prefix: 'p:', log: (line) => lines.push(line) })
    const lock = store.lock!
    const held = await lock('held')
    expect(held.status).toBe('acquired')
    client.isReady = false
    client.emit('error', new Error('read ECONNRESET'))
    // Three loads' read-or-lock calls (one per tick), a read without a loader, an eager
    // refresh's bare lock, and the release of the lock taken before: all skipped.
    for (const key of ['a', 'b', 'c']) expect(await lock(key)).toEqual({ status: 'skipped' })
    expect(await store.get(['r'])).toEqual([undefined])
    expect(await lock('e', { refreshOf: 1 })).toEqual({ status: 'skipped' })
    if (held.status === 'acquired') await held.release(false)
    client.isReady = true
    client.emit('ready')
    expect(lines[1]).toBe(
      '[@cache/redis] p: Redis available again after 0 ms down; skipped or failed meanwhile: 4 reads, 0 writes, 0 deletes, 2 lock calls',
    )
    expect(store.health.skipped).toEqual({ reads: 4, writes: 0, deletes: 0, locks: 2 })
    await store.close()
  })

  it('reports a hung server once the breaker opens, and back at the first call that succeeds', async () => {
    const { client, mode } = server()
    const { store, events } = storeOn(client, { log: () => {} })
    mode.now = 'hang'
    await traffic(store, 10)
    // At 100 ms the first three calls time out together and the third (the write, sent with its
    // turn's batch after the delete and the read) opens the breaker; calls are then skipped but
    // a probe at 600 ms (a delete, the first call sent) that times out at 700 ms and opens it
    // for 1 s.
    expect(events).toEqual([
      {
        prefix: 'p:',
        state: 'unavailable',
        cause: expect.objectContaining({
          code: 'ERR_REDIS_TIMEOUT',
          message: 'Writing did not settle within 100 ms (timeoutMs)',
        }) as unknown,
        outages: 1,
        skipped: { reads: 0, writes: 0, deletes: 0, locks: 0 },
      },
    ])
    expect(store.health).toMatchObject({
      state: 'unavailable',
      since: 100,
      skipped: { reads: 9, writes: 9, deletes: 8, locks: 0 },
      failed: { reads: 1, writes: 1, deletes: 2, locks: 0 },
    })
    mode.now = 'ok'
    await traffic(store, 15)
    // The probe at 1.8 s (a delete) succeeds: back, the read and the write sent beside it
    // skipped still.
    expect(events).toHaveLength(2)
    expect(events[1]).toEqual({
      prefix: 'p:',
      state: 'available',
      downMs: 1_700,
      outages: 1,
      skipped: { reads: 11, writes: 12, deletes: 11, locks: 0 },
    })
    expect(store.health).toMatchObject({
      state: 'available',
      since: 1_800,
      skipped: { reads: 11, writes: 11, deletes: 10, locks: 0 },
      failed: { reads: 1, writes: 1, deletes: 2, locks: 0 },
    })
    await store.close()
  })

  it('prints one console.warn line each way and nothing else, behind caches with the default onError', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const log = vi.spyOn(console, 'log').mockImplementation(() => {})
    const { client, mode } = server()
    const store = redisStore({ client, prefix: 'p:', timeoutMs: 100 })
    const cache = new AsyncCache<string, number>({ ttl: 60_000, l2: store })
    let loads = 0
    const load = (): number => ++loads
    mode.now = 'hang'
    for (let i = 0; i < 50; i++) {
      const got = cache.get(`k${i}`, load)
      cache.set(`s${i}`, i)
      cache.delete(`s${i}`)
      await vi.advanceTimersByTimeAsync(120)
      await got
    }
    mode.now = 'ok'
    for (let i = 0; i < 50; i++) {
      const got = cache.get(`again${i}`, load)
      await vi.advanceTimersByTimeAsync(120)
      await got
    }
    expect(loads).toBe(100)
    expect(warn).toHaveBeenCalledTimes(2)
    expect(warn.mock.calls.map(([line]) => String(line).split(' ').slice(0, 6).join(' '))).toEqual([
      '[@cache/redis] p: Redis unavailable, serving without',
      '[@cache/redis] p: Redis available again after',
    ])
    expect(error).not.toHaveBeenCalled()
    expect(log).not.toHaveBeenCalled()
    // Counted instead: every failed L2 call the cache saw.
    expect(cache.stats().l2Errors).toBeGreaterThan(50)
    await store.close()
  })

  it('prints nothing with log: false, and still tells onStateChange', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const { client } = server()
    const { store, events } = storeOn(client, {})
    const quiet = redisStore({ client, prefix: 'q:', log: false })
    client.emit('error', new Error('gone'))
    client.emit('ready')
    expect(warn).toHaveBeenCalledTimes(2) // the first store's, by default
    expect(events.map((e) => e.state)).toEqual(['unavailable', 'available'])
    expect(quiet.health.outages).toBe(1)
    await Promise.all([store.close(), quiet.close()])
  })
})
