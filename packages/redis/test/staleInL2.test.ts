// Fail-safe when the only stale copy is in Redis (a cold instance): READ_OR_LOCK hands the copy
// kept stale with its lock decision, so the soft timeout, fail-safe after a failed load and a
// waiter behind another instance's lock use it without a second read. Timers are fake (the
// soft bound, the loader), the clock injected; Redis is real.
import { AsyncCache, l2KeyOf, type L2Record } from '@cache/decorators'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { redisStore, type RedisStore } from '../src/index.js'
import { lockKey, valueKey } from '../src/keys.js'
import { READ_OR_LOCK } from '../src/scripts.js'
import { sleep, usePrivateServer } from './helpers.js'

const env = usePrivateServer()
let counter = 0

afterEach(() => {
  vi.useRealTimers()
})

/**
 * A connected store on `prefix`. Its call bound is long: fake timers run its timers too, and an
 * advance of a few hundred fake ms must not time out a call whose reply is on its way.
 */
async function store(prefix: string): Promise<RedisStore> {
  const created = redisStore({ url: env.server.url, prefix, timeoutMs: 60_000 })
  env.stores.push(created)
  await created.connect()
  return created
}

/** Lets real I/O happen without moving fake time, until `check()` holds (or 3 s pass). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + 3_000
  while (performance.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setImmediate(resolve))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/**
 * A prefix whose key `k` holds 'old' in Redis, written `ageMs` ago with ttl 200: kept stale. A
 * load that writes over it must have started after it was written: the fake clock makes a load
 * of 400 ms take a few real ms, so its write is as of up to 400 ms before it is sent.
 */
async function staleCopy(tags?: readonly string[], ageMs = 250): Promise<string> {
  const prefix = `stale${counter++}:`
  const writer = new AsyncCache<string, string>({
    ttl: 200,
    failSafe: { maxStale: 60_000 },
    l2: await store(prefix),
  })
  await writer.get('k', () => 'old', tags === undefined ? undefined : { tags })
  await writer.whenL2Settled()
  await sleep(ageMs)
  return prefix
}

describe('a cold instance whose only stale copy is in Redis', () => {
  it('gets it at exactly soft from READ_OR_LOCK; waiters on its lock get the loaded value (a fail-safe one the stale value at its soft)', async () => {
    const prefix = await staleCopy(undefined, 800)
    const stores = [await store(prefix), await store(prefix), await store(prefix)] as const
    const gets = stores.map((created) => vi.spyOn(created, 'get'))
    // Tells when D's lock call has handed its stale copy over (its reply was read).
    const lockOfD = stores[1].lock!
    let handedToD = 0
    vi.spyOn(stores[1], 'lock').mockImplementation((key, lockOptions) => {
      const onStale = lockOptions?.onStale
      if (onStale === undefined) return lockOfD(key, lockOptions)
      return lockOfD(key, {
        ...lockOptions,
        onStale: (record) => {
          handedToD++
          onStale(record)
        },
      })
    })
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    let t = 0
    const now = () => 1_000_000 + t
    const advance = async (ms: number) => {
      t += ms
      await vi.advanceTimersByTimeAsync(ms)
    }
    const options = { ttl: 10_000, failSafe: { maxStale: 60_000 }, timeouts: { soft: 100 }, now }
    const c = new AsyncCache<string, string>({ ...options, l2: stores[0] })
    const d = new AsyncCache<string, string>({ ...options, l2: stores[1] })
    const strict = new AsyncCache<string, string>({ ttl: 10_000, now, l2: stores[2] })
    const loader = vi.fn(
      () =>
        new Promise<string>((resolve) =>
          setTimeout(() => {
            resolve('new')
          }, 400),
        ),
    )
    const other = vi.fn(() => 'never')
    const answers: Record<string, string> = {}
    void c.get('k', loader).then((value) => (answers.c = value))
    await until(() => loader.mock.calls.length === 1, "C's loader to start")
    await advance(99)
    expect(answers).toEqual({})
    await advance(1)
    expect(answers).toEqual({ c: 'old' })
    // D (fail-safe) and a strict instance find C's lock held: they wait for its value.
    void d.get('k', other).then((value) => (answers.d = value))
    void strict.get('k', other).then((value) => (answers.strict = value))
    const lock = lockKey(prefix, l2KeyOf('k'))
    // A waiter's mark after the holder's token and lease: `*<its id>`.
    await until(async () => /@\d+\*/.test((await env.raw.get(lock)) ?? ''), 'a waiter')
    await until(() => handedToD === 1, 'D to be handed the stale copy')
    await advance(99)
    expect(answers).toEqual({ c: 'old' })
    await advance(1)
    expect(answers).toEqual({ c: 'old', d: 'old' })
    await advance(200)
    await until(() => answers.strict !== undefined, "the strict waiter's value")
    expect(answers).toEqual({ c: 'old', d: 'old', strict: 'new' })
    await c.whenL2Settled()
    expect(loader).toHaveBeenCalledTimes(1)
    expect(other).not.toHaveBeenCalled()
    expect(await env.raw.get(valueKey(prefix, l2KeyOf('k')))).toMatch(/^v\d+\+60000\|.*"new"$/)
    await until(() => d.has('k'), "D's L1 to hold the loaded value")
    expect(d.peek('k')).toMatchObject({ value: 'new', stale: false })
    expect(strict.peek('k')).toMatchObject({ value: 'new', stale: false })
    // No second read anywhere: the stale copy came with the lock decision.
    for (const get of gets) expect(get).not.toHaveBeenCalled()
    expect(c.stats()).toMatchObject({ softTimeouts: 1, backgroundLoads: 1, loads: 1 })
    expect(d.stats()).toMatchObject({ softTimeouts: 1, l2Hits: 1, loads: 0 })
    expect(strict.stats()).toMatchObject({ softTimeouts: 0, l2Hits: 1, loads: 0 })
  })

  it('a failed load serves the handed copy without a second read', async () => {
    const prefix = await staleCopy()
    const l2 = await store(prefix)
    const get = vi.spyOn(l2, 'get')
    const cold = new AsyncCache<string, string>({
      ttl: 200,
      failSafe: { maxStale: 60_000, throttle: 5_000 },
      l2,
    })
    const failing = vi.fn(() => Promise.reject(new Error('source down')))
    await expect(cold.get('k', failing)).resolves.toBe('old')
    await expect(cold.get('k', failing)).resolves.toBe('old') // throttled
    expect(failing).toHaveBeenCalledTimes(1)
    expect(get).not.toHaveBeenCalled()
    expect(cold.stats()).toMatchObject({ failSafeActivations: 1, l2Misses: 1 })
  })
})

describe('READ_OR_LOCK hands stale copies, and nothing more for the rest', () => {
  it('replies 1 / {0, lease left} as before for absent, plain or fresh entries; {1, entry} / {0, lease left, entry} for a stale one', async () => {
    const prefix = `script${counter++}:`
    const now = Date.now()
    const stale = `v${now - 1_000}+60000|${now - 2_000}|${now - 2_000}|"old"`
    const plain = `v${now - 1_000}|${now - 2_000}|${now - 2_000}|"gone"`
    const fresh = `v${now + 60_000}+60000|${now - 2_000}|${now - 2_000}|"new"`
    await env.raw.set(valueKey(prefix, 's'), stale)
    await env.raw.set(valueKey(prefix, 'p'), plain)
    await env.raw.set(valueKey(prefix, 'f'), fresh)
    const call = (token: string, keys: readonly string[], mark = '') =>
      READ_OR_LOCK.run(
        env.raw,
        keys.flatMap((key) => [valueKey(prefix, key), lockKey(prefix, key)]),
        [token, String(now + 60_000), '10', mark, ...keys.map(() => '10000')],
      ) as Promise<unknown[]>
    const first = await call('a', ['s', 'p', 'f', 'n'])
    expect(first.slice(1)).toEqual([[1, stale], 1, fresh, 1])
    const second = await call('b', ['s', 'p'])
    expect(second[1]).toEqual([0, expect.any(Number), stale])
    expect(second[2]).toEqual([0, expect.any(Number)])
    // The lease left, from the end of the lease the lock holds (no PTTL).
    const [, leaseLeft] = second[2] as [number, number]
    expect(leaseLeft).toBeGreaterThan(9_000)
    expect(leaseLeft).toBeLessThanOrEqual(10_000)
    expect(await env.raw.get(lockKey(prefix, 's'))).toMatch(/^a@\d+\+$/)
    // A waiter that hears its own channel marks the lock with its id, once (after b's `+`).
    await call('c', ['p'], '*0123456789abcdef')
    await call('d', ['p'], '*0123456789abcdef')
    expect(await env.raw.get(lockKey(prefix, 'p'))).toMatch(/^a@\d+\+\*0123456789abcdef$/)
  })

  it('lock() hands a tagged stale copy until its tag is invalidated, never after', async () => {
    const prefix = await staleCopy(['team:7'])
    const l2 = await store(prefix)
    const key = l2KeyOf('k')
    const handed = async (): Promise<L2Record[]> => {
      const records: L2Record[] = []
      const result = await l2.lock!(key, { onStale: (record) => records.push(record) })
      expect(result.status).toBe('acquired')
      if (result.status === 'acquired') await result.release(false)
      return records
    }
    const [record, ...more] = await handed()
    expect(more).toEqual([])
    expect(record).toMatchObject({ value: 'old', staleMs: 60_000, tags: ['team:7'] })
    expect(record!.ttlMs).toBeLessThanOrEqual(0)
    await l2.invalidateTags(['team:7'])
    expect(await handed()).toEqual([])
    const at = await env.raw.get(`${prefix}tag:team:7`)
    expect(await env.raw.get(valueKey(prefix, key))).toBe(`t|${at}|`)
  })
})
