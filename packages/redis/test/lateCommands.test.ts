// Commands that reach Redis late, on a real server frozen with SIGSTOP: the client gave up on
// them (timeoutMs), but they sit in the socket and run when the server goes on. The rule they
// must follow: a write or a lock that runs after its deadline does nothing; a write that runs in
// time keeps the expiry fixed when it was sent; a delete is never undone by an older write; and
// a hot key shared by four instances is loaded once per expiry.
import { AsyncCache, l2KeyOf, type L2Lease } from '@cache/decorators'
import { describe, expect, it } from 'vitest'

import { redisStore, RedisStoreError, type RedisStore } from '../src/index.js'
import { lockKey, valueKey } from '../src/keys.js'
import { sleep, usePrivateServer, waitFor } from './helpers.js'

const env = usePrivateServer()
let counter = 0
const TIMEOUT_MS = 200

/** A connected store; its breaker never opens here, so that every command is sent. */
async function store(prefix: string, timeoutMs = TIMEOUT_MS): Promise<RedisStore> {
  const created = redisStore({
    url: env.server.url,
    prefix,
    timeoutMs,
    breaker: { failureThreshold: 1_000 },
    onError: () => {},
  })
  env.stores.push(created)
  await created.connect()
  return created
}

const KEY = l2KeyOf('k')

/** A write of `value` for KEY, loaded just now. */
function write(value: string, ttlMs = 60_000) {
  return { key: KEY, value, isError: false, fetchedAt: Date.now(), ttlMs }
}

/** Freezes the server for `ms` while `during` runs (its promises settle after), then resumes. */
async function frozen(ms: number, during: () => Promise<unknown>): Promise<void> {
  env.server.pause()
  try {
    const started = Date.now()
    await during()
    await sleep(Math.max(0, ms - (Date.now() - started)))
  } finally {
    env.server.resume()
  }
}

/** The raw data of KEY under `prefix`, once the server has run what was queued. */
async function rawValue(prefix: string): Promise<string | null> {
  await env.raw.ping()
  return env.raw.get(valueKey(prefix, KEY))
}

describe('commands that arrive after their deadline do nothing', () => {
  it('a write the client gave up on never lands, before or after a later delete', async () => {
    const prefix = `late${counter++}:`
    const a = await store(prefix)
    const b = await store(prefix)
    await a.set([write('v1')], false)
    await frozen(600, async () => {
      const failed = await a.set([write('v2')], false).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failed).toBeInstanceOf(RedisStoreError)
      expect((failed as RedisStoreError).code).toBe('ERR_REDIS_TIMEOUT')
      await b.delete([KEY]).catch(() => {}) // queued too, on another connection
    })
    await sleep(50)
    expect(await rawValue(prefix)).toMatch(/^t\|\d+\|$/)
    expect(await a.get([KEY])).toEqual([undefined])
  })

  it('a write that lands during a short pause keeps the expiry fixed when it was sent', async () => {
    const prefix = `late${counter++}:`
    const a = await store(prefix, 2_000)
    let sentAt = 0
    await frozen(300, async () => {
      sentAt = Date.now()
      void a.set([write('short', 500)], false)
      await sleep(0)
    })
    await waitFor(async () => (await rawValue(prefix)) !== null, 1_000, 'the write to land')
    const pttl = await env.raw.pTTL(valueKey(prefix, KEY))
    // Sent at sentAt with 500 ms to live: ~200 ms left after a 300 ms pause, not 500. The
    // moment of sending is known to the store within its clock's uncertainty (about one round
    // trip, which a busy machine stretches): 25 ms, far below the 300 ms the pause would add.
    expect(pttl).toBeLessThanOrEqual(sentAt + 500 - Date.now() + 25)
    await sleep(Math.max(0, sentAt + 520 - Date.now()))
    expect(await a.get([KEY])).toEqual([undefined])
    expect(await env.raw.exists(valueKey(prefix, KEY))).toBe(0)
  })

  it('a lock the client gave up on is never taken late; the next instance takes it at once', async () => {
    const prefix = `late${counter++}:`
    const a = await store(prefix)
    const b = await store(prefix)
    await frozen(600, async () => {
      await expect(a.lock!(KEY)).resolves.toEqual({ status: 'skipped' })
    })
    await sleep(50)
    await env.raw.ping()
    expect(await env.raw.exists(lockKey(prefix, KEY))).toBe(0)
    const started = Date.now()
    const taken = await b.lock!(KEY)
    expect(taken.status).toBe('acquired')
    expect(Date.now() - started).toBeLessThan(100)
    await (taken as L2Lease).release(false)
  })

  it('a lock lives no longer than the lease asked for, plus one call', async () => {
    const prefix = `late${counter++}:`
    const a = await store(prefix)
    const taken = await a.lock!(KEY, { leaseMs: 300 })
    expect(taken.status).toBe('acquired')
    const pttl = await env.raw.pTTL(lockKey(prefix, KEY))
    // The lease asked for, and the bound on the call that writes the value and releases it.
    expect(pttl).toBeGreaterThan(450)
    expect(pttl).toBeLessThanOrEqual(300 + TIMEOUT_MS)
  })
})

describe('one load per key per expiry across instances', () => {
  it('a hot key read by four instances is loaded once each time it expires', async () => {
    const prefix = `hot${counter++}:`
    const ttl = 300
    const loads: number[] = []
    const loader = async (): Promise<number> => {
      loads.push(Date.now())
      await sleep(5)
      return loads.length
    }
    const caches = await Promise.all(
      Array.from({ length: 4 }, async () => new AsyncCache({ ttl, l2: await store(prefix) })),
    )
    const until = Date.now() + 2_000
    let served = 0
    await Promise.all(
      caches.flatMap((cache) =>
        Array.from({ length: 4 }, async () => {
          while (Date.now() < until) {
            await cache.get('hot', loader)
            served++
            await sleep(2)
          }
        }),
      ),
    )
    expect(served).toBeGreaterThan(500)
    const gaps = loads.slice(1).map((at, i) => at - loads[i]!)
    // Each load starts once the value before it expired, never two for one expiry (those come
    // within a few ms of each other). A gap may fall short of the ttl by the error of the store's
    // estimate of Redis's clock (at most a round trip), which sets the expiry.
    expect(Math.min(...gaps)).toBeGreaterThan(ttl / 2)
    expect(loads.length).toBeGreaterThanOrEqual(5)
    expect(loads.length).toBeLessThanOrEqual(2_000 / (ttl / 2))
  })
})
