// A rolling deploy: instances of this version and of the one before it on one prefix, against a
// real server. The earlier version's lock scripts are here as they were (comments left out:
// READ_OR_LOCK and RELEASE before a lock named its waiters). It marks a held lock with '+' and
// hears "filled" notices on the store's channel only; this version marks a lock of its own kind
// with '*<id>' and hears them on its own channel. Either way round, the waiter is answered by the
// holder's notice, not by a poll or after its lease.
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'

import { redisStore, type RedisStore } from '../src/index.js'
import { channelOf, lockKey, valueKey } from '../src/keys.js'
import { Script } from '../src/scripts.js'
import { usePrivateServer, waitFor } from './helpers.js'

const env = usePrivateServer()
let counter = 0

/** The earlier version's READ_OR_LOCK (its comments left out). */
const EARLIER_READ_OR_LOCK = new Script(`local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local late = now > tonumber(ARGV[2])
local min_ttl = tonumber(ARGV[3])
local replies = { now }
for i = 1, #KEYS, 2 do
  local reply
  local stale
  local value = redis.call('GET', KEYS[i])
  if value and string.sub(value, 1, 1) ~= 't' then
    local at, kept = string.match(value, '^%a(%d*)([|+])')
    if at == nil or at == '' or tonumber(at) - now >= min_ttl then reply = value
    elseif kept == '+' then stale = value end
  end
  if reply == nil then
    if late then
      reply = -1
    else
      if redis.call('SET', KEYS[i + 1], ARGV[1], 'NX', 'PX', ARGV[3 + (i + 1) / 2] or ARGV[4]) then
        reply = 1
        if stale then reply = { 1, stale } end
      else
        local held = redis.call('GET', KEYS[i + 1])
        if string.sub(held, -1) ~= '+' then redis.call('APPEND', KEYS[i + 1], '+') end
        reply = { 0, redis.call('PTTL', KEYS[i + 1]) }
        if stale then reply[3] = stale end
      end
    end
  end
  replies[#replies + 1] = reply
end
return replies`)

/** The earlier version's RELEASE (its COMMIT releases and tells waiters the same way). */
const EARLIER_RELEASE = new Script(`local function release(lock, token, channel, message)
  local held = redis.call('GET', lock)
  if held ~= token and held ~= token .. '+' then return 0 end
  redis.call('DEL', lock)
  if held ~= token then
    if channel == '' then return 2 end
    redis.call('PUBLISH', channel, message)
  end
  return 1
end
return release(KEYS[1], ARGV[1], ARGV[2], ARGV[3])`)

/** A connected store on `prefix`; its waits end by notice, by a poll after 2 s, or at 4 s. */
async function store(prefix: string): Promise<RedisStore> {
  const created = redisStore({
    url: env.server.url,
    prefix,
    singleFlight: { waitMs: 4_000, pollMs: 2_000, maxPollMs: 2_000 },
  })
  env.stores.push(created)
  await created.connect()
  return created
}

const KEY = '0123456789abcdef0123456789abcdef'
const ENTRY = (now: number) => `v${now + 60_000}|${now}|${now}|"fresh"`

describe('a rolling deploy', () => {
  it("answers an earlier version's waiter on a lock of this version by the notice on the store's channel", async () => {
    const prefix = `rolling${counter++}:`
    const holder = await store(prefix)
    const lock = await holder.lock!(KEY)
    expect(lock.status).toBe('acquired')
    // The lock holds its token and the end of its lease.
    expect(await env.raw.get(lockKey(prefix, KEY))).toMatch(/^[0-9a-f-]{36}@\d+$/)
    // An instance of the earlier version finds it held: it marks it '+' and reads its PTTL.
    const notices: string[] = []
    const earlier = createClient({ url: env.server.url })
    await earlier.connect()
    try {
      await earlier.subscribe(channelOf(prefix), (message) => notices.push(message))
      const now = Date.now()
      const reply = (await EARLIER_READ_OR_LOCK.run(
        env.raw,
        [valueKey(prefix, KEY), lockKey(prefix, KEY)],
        ['earlier-token', String(now + 60_000), '10', '10000'],
      )) as unknown[]
      expect(reply[1]).toEqual([0, expect.any(Number)])
      expect(await env.raw.get(lockKey(prefix, KEY))).toMatch(/^[0-9a-f-]{36}@\d+\+$/)
      if (lock.status !== 'acquired') return
      await lock.commit!({
        key: KEY,
        value: 'fresh',
        isError: false,
        fetchedAt: now,
        ttlMs: 60_000,
      })
      // The holder tells it on the store's channel, with the entry it wrote.
      await waitFor(() => notices.length === 1, 1_000, "the earlier waiter's notice")
      expect(notices[0]).toMatch(new RegExp(`^F${KEY}\\|\\d+\\|v\\d+\\|\\d+\\|\\d+\\|"fresh"$`))
      expect(await env.raw.exists(lockKey(prefix, KEY))).toBe(0)
    } finally {
      earlier.destroy()
    }
  })

  it('answers a waiter of this version on a lock of the earlier version by its notice, not by a poll', async () => {
    const prefix = `rolling${counter++}:`
    const waiter = await store(prefix)
    // An instance of the earlier version holds the lock: its token alone, no end of lease.
    await env.raw.set(lockKey(prefix, KEY), 'earlier-token', { PX: 10_000 })
    const started = Date.now()
    const result = waiter.lock!(KEY)
    // This version marks it as the earlier one does ('+': the earlier holder publishes only
    // then), and hears the notice on the store's channel.
    await waitFor(
      async () => (await env.raw.get(lockKey(prefix, KEY))) === 'earlier-token+',
      1_000,
      'the mark',
    )
    // The earlier holder writes its value, then releases and tells the waiters.
    const now = Date.now()
    await env.raw.set(valueKey(prefix, KEY), ENTRY(now))
    const message = JSON.stringify({ o: 'earlier', t: 'f', k: KEY, w: true })
    expect(
      await EARLIER_RELEASE.run(
        env.raw,
        [lockKey(prefix, KEY)],
        ['earlier-token', channelOf(prefix), message],
      ),
    ).toBe(1)
    const answer = await result
    expect(answer.status).toBe('loaded')
    if (answer.status === 'loaded') expect(answer.record.value).toBe('fresh')
    // By the notice: long before the first poll (2 s).
    expect(Date.now() - started).toBeLessThan(1_500)
  })

  it("tells waiters of this version on their own channels only, and '+' waiters on the store's channel", async () => {
    const prefix = `rolling${counter++}:`
    const holder = await store(prefix)
    const waiters = [await store(prefix), await store(prefix)]
    const heard: string[] = []
    const listener = createClient({ url: env.server.url })
    await listener.connect()
    try {
      await listener.subscribe(channelOf(prefix), (message) => heard.push(message))
      const lock = await holder.lock!(KEY)
      expect(lock.status).toBe('acquired')
      const answers = waiters.map((waiter) => waiter.lock!(KEY))
      await waitFor(
        async () => ((await env.raw.get(lockKey(prefix, KEY))) ?? '').split('*').length === 3,
        1_000,
        "both waiters' marks",
      )
      const held = (await env.raw.get(lockKey(prefix, KEY)))!
      expect(held).toMatch(/^[0-9a-f-]{36}@\d+\*[0-9a-f]{16}\*[0-9a-f]{16}$/)
      if (lock.status !== 'acquired') return
      const started = Date.now()
      await lock.commit!({
        key: KEY,
        value: 'fresh',
        isError: false,
        fetchedAt: Date.now(),
        ttlMs: 60_000,
      })
      for (const answer of await Promise.all(answers)) {
        expect(answer.status).toBe('loaded')
        if (answer.status === 'loaded') expect(answer.record.value).toBe('fresh')
      }
      expect(Date.now() - started).toBeLessThan(1_500)
      // Nobody marked it '+': nothing on the store's channel.
      expect(heard).toEqual([])
    } finally {
      listener.destroy()
    }
  })
})
