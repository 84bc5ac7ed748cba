// Tags on a real, private redis-server: invalidation moments in `<prefix>tag:<tag>`, compared
// with tagged entries' versions on every read, and the message that reaches the other instances.
import { AsyncCache, cached, l2KeyOf, type CacheEvent, type ErrorHandler } from '@cache/decorators'
import { createClient } from 'redis'
import { describe, expect, it, vi } from 'vitest'

import { redisStore, type RedisStore, type RedisStoreOptions } from '../src/index.js'
import { valueKey } from '../src/keys.js'
import { gate, usePrivateServer, waitFor } from './helpers.js'

const env = usePrivateServer()
let counter = 0

/** A connected store on a prefix of its own test (`tags<n>:`). */
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

/** A fleet of instances of one cache on one prefix, each with its own store (connections). */
function fleet(options: Partial<RedisStoreOptions> = {}) {
  const prefix = `tags${counter++}:`
  const errors: unknown[] = []
  const onError: ErrorHandler = (error) => errors.push(error)
  const instance = async () =>
    new AsyncCache<string, string>({ ttl: 60_000, l2: await store(prefix, options), onError })
  return { prefix, errors, instance }
}

describe('tags on Redis', () => {
  it('a tag invalidated on A is gone on B with the message, and for a fresh C reading only L2', async () => {
    const { prefix, errors, instance } = fleet()
    const a = await instance()
    const b = await instance()
    const loader = vi.fn(({ key }: { key: string }) => `v:${key}`)
    await a.get('k1', loader, { tags: ['team:7'] })
    await a.get('k2', loader, { tags: ['user:1', 'team:7'] })
    await a.get('k3', loader, { tags: ['team:9'] })
    await a.whenL2Settled()
    for (const key of ['k1', 'k2', 'k3']) await b.get(key, loader)
    expect(loader).toHaveBeenCalledTimes(3)
    expect(await env.raw.get(valueKey(prefix, l2KeyOf('k2')))).toMatch(
      /^V\d+\|\d+\|\d+\|19\|\["user:1","team:7"\]"v:k2"$/,
    )
    const heard: CacheEvent<string>[] = []
    b.on((event) => heard.push(event))
    await expect(a.invalidateTags(['team:7'])).resolves.toBe(2)
    // One write per tag, no scan: the moment, on Redis's clock.
    const at = Number(await env.raw.get(`${prefix}tag:team:7`))
    expect(Math.abs(at - Date.now())).toBeLessThan(1_000)
    await waitFor(() => !b.has('k1') && !b.has('k2'), 2_000, "b's tagged copies to be dropped")
    expect(b.has('k3')).toBe(true)
    expect(heard).toContainEqual({
      type: 'invalidateTags',
      tags: ['team:7'],
      removed: 2,
      remote: true,
    })
    expect(b.stats().tagInvalidationsReceived).toBe(1)
    const c = await instance()
    const reload = vi.fn(({ key }: { key: string }) => `new:${key}`)
    expect(await c.get('k1')).toBeUndefined()
    await expect(c.get('k2', reload)).resolves.toBe('new:k2')
    await expect(c.get('k3', reload)).resolves.toBe('v:k3')
    expect(reload).toHaveBeenCalledTimes(1)
    // The invalidated entry found by c's read became a tombstone as of the invalidation.
    await waitFor(
      async () => (await env.raw.get(valueKey(prefix, l2KeyOf('k1')))) === `t|${at}|`,
      2_000,
      'the invalidated entry to become a tombstone',
    )
    expect(errors).toEqual([])
  })

  it('a load that started before the invalidation is not served, though written after it', async () => {
    const { instance } = fleet()
    const a = await instance()
    const b = await instance()
    const slow = gate<string>()
    const loading = b.get('k', () => slow.promise, { tags: ['t'] })
    await new Promise((resolve) => setTimeout(resolve, 20))
    await a.invalidateTags(['t'])
    await new Promise((resolve) => setTimeout(resolve, 20))
    slow.resolve('as of before')
    await expect(loading).resolves.toBe('as of before')
    await b.whenL2Settled()
    expect(b.has('k')).toBe(false) // b heard of it while loading: not kept
    // Nor is it served from Redis, to an instance that reads only L2.
    const c = await instance()
    const reload = vi.fn(() => 'fresh')
    await expect(c.get('k', reload, { tags: ['t'] })).resolves.toBe('fresh')
    expect(reload).toHaveBeenCalledTimes(1)
  })

  it('a write whose load started before the invalidation is dropped on read, by any instance', async () => {
    const { prefix, instance } = fleet()
    const a = await instance()
    const l2 = await store(prefix)
    await a.invalidateTags(['t'])
    // A write as of 5 s ago (its load started then), sent after the invalidation.
    await l2.set(
      [
        {
          key: l2KeyOf('k'),
          value: 'old',
          isError: false,
          fetchedAt: 1,
          ttlMs: 60_000,
          ageMs: 5_000,
          tags: ['t'],
        },
      ],
      false,
    )
    expect(await env.raw.get(valueKey(prefix, l2KeyOf('k')))).toMatch(/^V/)
    const c = await instance()
    await expect(c.get('k', () => 'fresh')).resolves.toBe('fresh')
    expect(await (await instance()).get('k')).toBe('fresh')
  })

  it('with single flight: an invalidated value is not "loaded"; one instance reloads it', async () => {
    const { instance } = fleet()
    const a = await instance()
    await a.get('k', () => 'old', { tags: ['t'] })
    await a.whenL2Settled()
    await a.invalidateTags(['t'])
    const b = await instance()
    const c = await instance()
    const loader = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30))
      return 'new'
    })
    const values = await Promise.all([
      b.get('k', loader, { tags: ['t'] }),
      c.get('k', loader, { tags: ['t'] }),
    ])
    expect(values).toEqual(['new', 'new'])
    expect(loader).toHaveBeenCalledTimes(1)
  })

  it('an untagged read is one MGET with TIME; a tagged one adds one MGET of its tags', async () => {
    const { prefix, instance } = fleet()
    const a = await instance()
    await a.get('plain', () => 'p')
    await a.get('tagged', () => 't', { tags: ['x', 'y'] })
    await a.whenL2Settled()
    const client = createClient({ url: env.server.url, disableOfflineQueue: true })
    client.on('error', () => {})
    await client.connect()
    const commands: string[] = []
    const send = client.sendCommand.bind(client)
    client.sendCommand = (args: readonly string[]) => {
      commands.push(args.slice(0, args[0] === 'MGET' ? args.length : 1).join(' '))
      return send(args)
    }
    const reader = new AsyncCache<string, string>({ l2: await store(prefix, { client }) })
    commands.length = 0
    await expect(reader.get('plain')).resolves.toBe('p')
    expect(commands).toEqual([`MGET ${valueKey(prefix, l2KeyOf('plain'))}`, 'TIME'])
    commands.length = 0
    await expect(reader.get('tagged')).resolves.toBe('t')
    expect(commands).toEqual([
      `MGET ${valueKey(prefix, l2KeyOf('tagged'))}`,
      'TIME',
      `MGET ${prefix}tag:x ${prefix}tag:y`,
    ])
  })

  it('cached() with a tags function, across two instances', async () => {
    const prefix = `tags${counter++}:`
    const fetchUser = vi.fn((id: number) =>
      Promise.resolve({ id, team: id % 2 === 0 ? 'even' : 'odd' }),
    )
    const options = {
      async: true,
      tags: (_args: [number], user: { team: string }) => [`team:${user.team}`],
    }
    const one = cached(fetchUser, { ...options, l2: await store(prefix) })
    const two = cached(fetchUser, { ...options, l2: await store(prefix) })
    await Promise.all([one(1), one(2), one(3)])
    await one.cache.whenL2Settled()
    await Promise.all([two(1), two(2), two(3)])
    expect(fetchUser).toHaveBeenCalledTimes(3)
    await expect(one.invalidateTags(['team:odd'])).resolves.toBe(2)
    await waitFor(() => !two.cache.has(1) && !two.cache.has(3), 2_000, "two's odd users to go")
    await two(1)
    await two(2)
    expect(fetchUser).toHaveBeenCalledTimes(4)
  })
})
