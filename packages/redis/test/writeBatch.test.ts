// The set() writes of one turn in one script call (src/writeBatch.ts), against a real
// redis-server: exact commands per tick, the notice to the other instances, and the ordering
// rule kept.
import { AsyncCache, l2KeyOf } from '@cache/decorators'
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'

import { redisStore, type RedisStore, type RedisStoreOptions } from '../src/index.js'
import { valueKey } from '../src/keys.js'
import { usePrivateServer, waitFor } from './helpers.js'

const env = usePrivateServer()
let counter = 0

async function store(
  prefix: string,
  options: Partial<RedisStoreOptions> = {},
): Promise<RedisStore> {
  const where = options.client === undefined ? { url: env.server.url } : {}
  const created = redisStore({ ...where, prefix, ...options })
  env.stores.push(created)
  await created.connect()
  return created
}

/** A store whose client records every command sent from now on, and each script's key count. */
async function recordedStore(prefix: string, options: Partial<RedisStoreOptions> = {}) {
  const client = createClient({ url: env.server.url, disableOfflineQueue: true })
  client.on('error', () => {})
  await client.connect()
  const commands: string[] = []
  const scriptKeys: number[] = []
  const send = client.sendCommand.bind(client)
  client.sendCommand = (args: readonly string[]) => {
    commands.push(args[0]!)
    if (args[0] === 'EVALSHA') scriptKeys.push(Number(args[2]))
    return send(args)
  }
  const l2 = await store(prefix, { ...options, client })
  commands.length = 0
  return { l2, client, commands, scriptKeys }
}

describe('the writes of a turn', () => {
  it('sends the set()s of one tick as one script call, which tells the other instances of every key', async () => {
    const prefix = `wb${counter++}:`
    const { l2, client, commands, scriptKeys } = await recordedStore(prefix)
    const a = new AsyncCache<string, string>({ l2 })
    const b = new AsyncCache<string, string>({ l2: await store(prefix) })
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`)
    await Promise.all(keys.map((key) => b.get(key, () => 'old')))
    await b.whenL2Settled()
    // The server learns the script (EVAL once, then EVALSHA).
    a.set('first', 'x')
    await a.whenL2Settled()
    commands.length = 0
    scriptKeys.length = 0
    for (const key of keys) a.set(key, 'new')
    await a.whenL2Settled()
    // One EVALSHA: the clear marker and the 10 keys; the PUBLISH is the script's own.
    expect(commands).toEqual(['EVALSHA'])
    expect(scriptKeys).toEqual([1 + 10])
    expect(await env.raw.get(valueKey(prefix, l2KeyOf('k3')))).toMatch(/^v\|\d+\|\d+\|"new"$/) // no ttl: no expiry
    await waitFor(() => keys.every((key) => !b.has(key)), 2_000, "b's copies to be dropped")
    await expect(b.get('k3', () => 'unused')).resolves.toBe('new')
    client.destroy()
  })

  it('writes the values loaded without a lock that end in one turn in one call, while another is in flight', async () => {
    const prefix = `wb${counter++}:`
    const { l2, client, commands, scriptKeys } = await recordedStore(prefix, {
      singleFlight: false,
    })
    const cache = new AsyncCache<number, number>({ l2 })
    // Each loader resolves in its own setImmediate callback: the first write goes alone
    // (nothing in flight), the other 9 wait for the end of the turn.
    const loader = ({ key }: { key: number }) =>
      new Promise<number>((resolve) =>
        setImmediate(() => {
          resolve(key)
        }),
      )
    const values = await Promise.all(Array.from({ length: 10 }, (_, i) => cache.get(i, loader)))
    await cache.whenL2Settled()
    expect(values).toEqual(Array.from({ length: 10 }, (_, i) => i))
    // The reads of the tick (MGET with TIME), then two write calls of 1 and 9 keys; no PUBLISH.
    expect(commands).toEqual(['MGET', 'TIME', 'EVALSHA', 'EVALSHA'])
    expect(scriptKeys).toEqual([1 + 1, 1 + 9])
    expect(
      await env.raw.exists(Array.from({ length: 10 }, (_, i) => valueKey(prefix, l2KeyOf(i)))),
    ).toBe(10)
    client.destroy()
  })

  it('drops an older write of a batch and keeps the newer ones (ordering rule per entry)', async () => {
    const prefix = `wb${counter++}:`
    const l2 = await store(prefix)
    const now = Date.now()
    await l2.set(
      [{ key: l2KeyOf('x'), value: 'newer', isError: false, fetchedAt: now, ttlMs: 60_000 }],
      false,
    )
    // In one call: an older value for x (its load started 10 s ago), a fresh one for y.
    await Promise.all([
      l2.set(
        [
          {
            key: l2KeyOf('x'),
            value: 'older',
            isError: false,
            fetchedAt: now,
            ttlMs: 60_000,
            ageMs: 10_000,
          },
        ],
        false,
      ),
      l2.set(
        [{ key: l2KeyOf('y'), value: 'y', isError: false, fetchedAt: now, ttlMs: 60_000 }],
        false,
      ),
    ])
    const [x, y] = await l2.get([l2KeyOf('x'), l2KeyOf('y')])
    expect([x?.value, y?.value]).toEqual(['newer', 'y'])
    // The expiry is absolute, as PXAT: the key's and the entry's agree.
    const pttl = await env.raw.pTTL(valueKey(prefix, l2KeyOf('y')))
    expect(pttl).toBeGreaterThan(59_000)
    expect(pttl).toBeLessThanOrEqual(60_000)
  })
})
