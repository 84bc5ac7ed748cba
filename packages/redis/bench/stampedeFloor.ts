// The least a stampede key can cost with one load per key across instances
// (`pnpm bench:stampede-floor`): the store's protocol reduced to bare commands on plain
// node-redis clients (no cache, no codec, no bookkeeping), raced in one process against the
// peers' protocol on the same clients. Two "instances" (a command and a subscriber connection
// each) get the same fresh key at once, key after key, the loader resolving after setImmediate:
//   - one load, notice to every instance (what the store does): both send a script that takes
//     the key's lock if it is free; the one that got it loads, then sends a script that writes
//     the value, frees the lock and PUBLISHes the value on the channel every instance listens
//     to; the other answers when that notice arrives.
//   - one load, notice to the waiter only: the same, the value published on a channel only the
//     waiting instance listens to (what a notice per waiting instance would cost).
//   - two loads (the peers: async-cache-dedupe, cache-manager): each instance GETs, loads and
//     SETs (awaited), as the peers do.
//   - the store's own calls, no cache: two redisStore()s, each `lock(key)`; the holder loads
//     and commits through its lease, the other gets the value (the store's share of a key).
//   - the cache: two AsyncCaches on two redisStore()s, each `get(key, loader)` (what
//     bench/shared.ts races against the peers).
// Each race runs its keys for ROUND_MS, the three alternate for ROUNDS rounds after a warm-up
// round; per key: wall time, this process's CPU time and the redis-server's (INFO cpu), GC
// included. FLOOR_ROUNDS=8, FLOOR_ROUND_MS=500,
// FLOOR_RACES (all).
import { AsyncCache, type L2Write } from '@cache/decorators'
import { createClient } from 'redis'

import { randomUUID } from 'node:crypto'

import { redisStore } from '../src/index.js'
import { COMMIT as STORE_COMMIT, READ_OR_LOCK } from '../src/scripts.js'
import { startRedisServer } from '../test/redisServer.js'

const ROUNDS = Number(process.env.FLOOR_ROUNDS ?? 8)
const ROUND_MS = Number(process.env.FLOOR_ROUND_MS ?? 500)
/** FLOOR_RACES=0,3: only these races (by their place in the table below). */
const RACES = process.env.FLOOR_RACES?.split(',').map(Number)

const LOCK = `if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', 10000) then return 1 end
return 0`
const COMMIT = `redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000)
redis.call('DEL', KEYS[2])
redis.call('PUBLISH', ARGV[3], ARGV[2] .. '|' .. ARGV[1])
return 1`

const server = await startRedisServer()
const open = () => createClient({ url: server.url, commandOptions: { timeout: 0 } })
const clients = [open(), open(), open(), open(), open()] as const
const [a, b, subscriberA, subscriberB, admin] = clients
const stores = [0, 1, 2, 3].map((i) =>
  redisStore({ url: server.url, prefix: `floor${i < 2 ? 's' : 'c'}:`, timeoutMs: 10_000 }),
)
try {
  for (const client of clients) await client.connect()
  for (const store of stores) await store.connect()
  const waiting = new Map<string, () => void>()
  const onNotice = (message: string): void => {
    const key = message.slice(message.startsWith('F') ? 1 : 0, message.indexOf('|'))
    const wake = waiting.get(key)
    if (wake === undefined) return
    waiting.delete(key)
    wake()
  }
  // Instance A hears the shared channel only (it never waits here); B both.
  await subscriberA.subscribe('all', (message) => {
    message.indexOf('|')
  })
  await subscriberB.subscribe('all', onNotice)
  await subscriberB.subscribe('waiter', onNotice)
  const lockSha = await a.scriptLoad(LOCK)
  const commitSha = await a.scriptLoad(COMMIT)
  const load = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))
  const value = '{"id":"k","name":"user k","roles":["reader"],"active":true}'

  /** One load: A takes the lock, loads and commits; B finds the key held and waits. */
  const oneLoad =
    (channel: string) =>
    async (key: string): Promise<void> => {
      const holder = async (): Promise<void> => {
        await a.sendCommand(['EVALSHA', lockSha, '2', `v:${key}`, `l:${key}`, 'token-a'])
        await load()
        // The holder answers its caller now; the commit's reply is not waited for.
        void a.sendCommand(['EVALSHA', commitSha, '2', `v:${key}`, `l:${key}`, value, key, channel])
      }
      const waiter = async (): Promise<void> => {
        const notice = new Promise<void>((resolve) => waiting.set(key, resolve))
        await b.sendCommand(['EVALSHA', lockSha, '2', `v:${key}`, `l:${key}`, 'token-b'])
        await notice
      }
      await Promise.all([holder(), waiter()])
    }

  /**
   * One load with the store's own scripts and arguments (READ_OR_LOCK, COMMIT), sent bare: what
   * the store's scripts cost against the floor's, without the store's bookkeeping. The waiter
   * hears its own channel (the store's waiter mark).
   */
  await a.scriptLoad(READ_OR_LOCK.source)
  await a.scriptLoad(STORE_COMMIT.source)
  const mark = '*0123456789abcdef'
  await subscriberB.subscribe('p:invalidate:0123456789abcdef', onNotice)
  const storeScripts = async (key: string): Promise<void> => {
    const hex = key.padStart(32, '0')
    const keys = ['2', `p:{${hex}}`, `p:lock:{${hex}}`]
    const lockArgs = (token: string): string[] => {
      const now = Date.now()
      return [
        'EVALSHA',
        READ_OR_LOCK.sha,
        ...keys,
        token,
        String(now + 10_000),
        '10',
        mark,
        '10500',
      ]
    }
    // Whichever lock call Redis runs first takes the lock: that instance loads and commits, the
    // other waits for the notice.
    const wakes: (() => void)[] = []
    waiting.set(hex, () => {
      for (const wake of wakes) wake()
    })
    const instance = async (client: typeof a): Promise<void> => {
      const token = randomUUID()
      const notice = new Promise<void>((resolve) => wakes.push(resolve))
      const reply: unknown[] = await client.sendCommand<unknown[]>(lockArgs(token))
      if (typeof reply[1] === 'string') return // the holder was done already
      if (reply[1] !== 1) {
        await notice
        return
      }
      const fetchedAt = Date.now()
      await load()
      const now = Date.now()
      void client.sendCommand([
        'EVALSHA',
        STORE_COMMIT.sha,
        '3',
        'p:cleared',
        keys[1]!,
        keys[2]!,
        'p:invalidate',
        'origin',
        '4',
        String(now),
        String(now + 10_000),
        '60000',
        token,
        'v60000',
        '0',
        `${fetchedAt}|${value}`,
      ])
    }
    await Promise.all([instance(a), instance(b)])
  }

  /** Two loads: each instance reads, loads and writes, as the peers do. */
  const twoLoads = async (key: string): Promise<void> => {
    const instance = async (client: typeof a): Promise<void> => {
      await client.sendCommand(['GET', `p:${key}`])
      await load()
      await client.sendCommand(['SET', `p:${key}`, value, 'PX', '60000'])
    }
    await Promise.all([instance(a), instance(b)])
  }

  /** The store's calls: both lock; the holder loads and commits, the other gets its value. */
  const [storeA, storeB, cacheStoreA, cacheStoreB] = stores as [
    (typeof stores)[0],
    (typeof stores)[0],
    (typeof stores)[0],
    (typeof stores)[0],
  ]
  const entry = { id: 'k', name: 'user k', roles: ['reader'], active: true }
  const storeCalls = async (key: string): Promise<void> => {
    const instance = async (store: typeof storeA): Promise<void> => {
      const result = await store.lock!(key)
      if (result.status !== 'acquired') return
      const fetchedAt = Date.now()
      await load()
      const write: L2Write = { key, value: entry, isError: false, fetchedAt, ttlMs: 60_000 }
      void result.commit!(write)
    }
    await Promise.all([instance(storeA), instance(storeB)])
  }

  /** The cache: two AsyncCaches, each on its own store. */
  const caches = [cacheStoreA, cacheStoreB].map(
    (store) => new AsyncCache<string, typeof entry>({ l2: store, ttl: 60_000, maxSize: 10_000 }),
  )
  const loader = async (): Promise<typeof entry> => {
    await load()
    return entry
  }
  const cacheGets = async (key: string): Promise<void> => {
    await Promise.all([caches[0]!.get(key, loader), caches[1]!.get(key, loader)])
  }

  const redisCpuMs = async (): Promise<number> => {
    const info = await admin.info('cpu')
    const user = Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1])
    const system = Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])
    return (user + system) * 1_000
  }

  const races = [
    { name: 'one load, notice to every instance (the store)', run: oneLoad('all') },
    { name: 'one load, notice to the waiter only', run: oneLoad('waiter') },
    { name: 'two loads: GET, load, SET on each (the peers)', run: twoLoads },
    { name: "one load, the store's scripts bare (notice to the waiter)", run: storeScripts },
    { name: "the store's calls: lock, load, commit (no cache)", run: storeCalls },
    { name: 'the cache: AsyncCache + redisStore on each', run: cacheGets },
  ].filter((_, i) => RACES === undefined || RACES.includes(i))
  const totals = races.map(() => ({ keys: 0, ms: 0, cpuMs: 0, redisMs: 0 }))
  for (let round = 0; round <= ROUNDS; round++) {
    for (let i = 0; i < races.length; i++) {
      const race = races[i]!
      const redisBefore = await redisCpuMs()
      const cpu = process.cpuUsage()
      const started = performance.now()
      let keys = 0
      while (performance.now() - started < ROUND_MS) await race.run(`${round}-${i}-${keys++}`)
      const ms = performance.now() - started
      for (const cache of caches) await cache.whenL2Settled()
      const { user, system } = process.cpuUsage(cpu)
      const redisMs = (await redisCpuMs()) - redisBefore
      if (round === 0) continue // warm-up
      const total = totals[i]!
      total.keys += keys
      total.ms += ms
      total.cpuMs += (user + system) / 1_000
      total.redisMs += redisMs
    }
  }
  const us = (ms: number, keys: number): string => `${((ms / keys) * 1_000).toFixed(0)} µs`
  console.log(
    `Stampede floor, bare node-redis commands, loader setImmediate, ${ROUNDS} rounds of ${ROUND_MS} ms ` +
      `each after a warm-up round, alternating (Node ${process.version}):\n`,
  )
  console.log('| protocol | keys/s | mean | CPU/key | Redis CPU/key |')
  console.log('| --- | ---: | ---: | ---: | ---: |')
  races.forEach((race, i) => {
    const { keys, ms, cpuMs, redisMs } = totals[i]!
    const perSecond = (keys / ms) * 1_000
    console.log(
      `| ${race.name} | ${(perSecond / 1_000).toFixed(2)} k | ${us(ms, keys)} | ${us(cpuMs, keys)} | ${us(redisMs, keys)} |`,
    )
  })
  for (const cache of caches) await cache.destroy()
} finally {
  for (const store of stores) await store.close()
  for (const client of clients) client.destroy()
  await server.stop()
}
