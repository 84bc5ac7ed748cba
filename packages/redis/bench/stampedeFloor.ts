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
// Each race runs its keys for ROUND_MS, the three alternate for ROUNDS rounds after a warm-up
// round; per key: wall time, this process's CPU time and the redis-server's (INFO cpu), GC
// included. FLOOR_ROUNDS=8, FLOOR_ROUND_MS=500.
import { createClient } from 'redis'

import { startRedisServer } from '../test/redisServer.js'

const ROUNDS = Number(process.env.FLOOR_ROUNDS ?? 8)
const ROUND_MS = Number(process.env.FLOOR_ROUND_MS ?? 500)

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
try {
  for (const client of clients) await client.connect()
  const waiting = new Map<string, () => void>()
  const onNotice = (message: string): void => {
    const key = message.slice(0, message.indexOf('|'))
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

  /** Two loads: each instance reads, loads and writes, as the peers do. */
  const twoLoads = async (key: string): Promise<void> => {
    const instance = async (client: typeof a): Promise<void> => {
      await client.sendCommand(['GET', `p:${key}`])
      await load()
      await client.sendCommand(['SET', `p:${key}`, value, 'PX', '60000'])
    }
    await Promise.all([instance(a), instance(b)])
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
  ]
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
} finally {
  for (const client of clients) client.destroy()
  await server.stop()
}
