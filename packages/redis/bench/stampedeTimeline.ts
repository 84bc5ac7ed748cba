// Where the time of a cold stampede goes (`pnpm bench:stampede-timeline`): two instances (each
// its own store and connections) get the same fresh key at once, key after key, as in
// bench/shared.ts, and each step of the key's way is timed from the moment both asked: the
// read-or-lock round trip of the instance that takes the lock and of the one that waits, the
// load, the holder's commit (from the end of the load to the call's reply), the notice reaching
// the waiter, and the waiter's answer after it. Means over all keys after a warm-up.
//   TIMELINE_KEYS=2000  TIMELINE_LOAD_MS=0 (0: setImmediate)
import { AsyncCache } from '@cache/decorators'
import { redisStore } from '@cache/redis'
import { createClient } from 'redis'

import { COMMIT, READ_OR_LOCK } from '../src/scripts.js'
import type { RedisClientLike } from '../src/client.js'
import { startRedisServer } from '../test/redisServer.js'

const KEYS = Number(process.env.TIMELINE_KEYS ?? 2_000)
const WARMUP = 200
const LOAD_MS = Number(process.env.TIMELINE_LOAD_MS ?? 0)

/** What happened to the current key in one instance, in ms since both asked. */
interface Steps {
  lockSent?: number
  lockReply?: number
  loadStart?: number
  loadEnd?: number
  commitSent?: number
  commitReply?: number
  notice?: number
  answered?: number
}

let t0 = 0
const since = (): number => performance.now() - t0

/** A node-redis client whose script calls and pub/sub messages are timed into `steps()`. */
function timedClient(url: string, steps: () => Steps): RedisClientLike {
  const client = createClient({ url, disableOfflineQueue: true, commandOptions: { timeout: 0 } })
  const timed = client as unknown as RedisClientLike
  const send = timed.sendCommand.bind(timed)
  timed.sendCommand = (args) => {
    const sha = args[1]
    const s = steps()
    if (sha === READ_OR_LOCK.sha) s.lockSent ??= since()
    if (sha === COMMIT.sha) s.commitSent ??= since()
    return send(args).then((reply) => {
      if (sha === READ_OR_LOCK.sha) s.lockReply ??= since()
      if (sha === COMMIT.sha) s.commitReply ??= since()
      return reply
    })
  }
  const duplicate = timed.duplicate.bind(timed)
  timed.duplicate = () => {
    const subscriber = duplicate()
    const subscribe = subscriber.subscribe.bind(subscriber)
    subscriber.subscribe = (channel, listener) =>
      subscribe(channel, (message, from) => {
        if (message.startsWith('F')) steps().notice ??= since()
        return listener(message, from)
      })
    return subscriber
  }
  return timed
}

const server = await startRedisServer()
const current: [Steps, Steps] = [{}, {}]
const instances = [0, 1].map((i) => {
  const client = timedClient(server.url, () => current[i]!)
  const store = redisStore({ client, prefix: 'timeline:', timeoutMs: 10_000 })
  const cache = new AsyncCache<string, string>({ l2: store, ttl: 60_000, maxSize: 10_000 })
  const loader = async ({ key }: { key: string }): Promise<string> => {
    current[i]!.loadStart = since()
    if (LOAD_MS > 0) await new Promise((resolve) => setTimeout(resolve, LOAD_MS))
    else await new Promise((resolve) => setImmediate(resolve))
    current[i]!.loadEnd = since()
    return `value ${key}`
  }
  return { client, store, cache, loader }
})

/** Per step: the sum and the number of keys where it was seen by the time both had answered. */
const sums = new Map<string, [number, number]>()
const add = (name: string, value: number | undefined): void => {
  const sum = sums.get(name) ?? [0, 0]
  if (value !== undefined && !Number.isNaN(value)) sums.set(name, [sum[0] + value, sum[1] + 1])
}
let counted = 0
try {
  // The store opens a client that is not open yet (its own and the subscriber duplicate).
  for (const { store } of instances) await store.connect()
  for (let k = 0; k < WARMUP + KEYS; k++) {
    current[0] = {}
    current[1] = {}
    const key = `key-${k}`
    t0 = performance.now()
    await Promise.all(
      instances.map(async ({ cache, loader }, i) => {
        await cache.get(key, loader)
        current[i]!.answered = since()
      }),
    )
    if (k < WARMUP) continue
    const holder = current[0].loadStart !== undefined ? current[0] : current[1]
    const waiter = holder === current[0] ? current[1] : current[0]
    if (waiter.loadStart !== undefined) continue // both loaded: not a single-flight key
    counted++
    add('holder: read-or-lock sent', holder.lockSent)
    add('holder: read-or-lock round trip', holder.lockReply! - holder.lockSent!)
    add('holder: lock reply → load starts', holder.loadStart! - holder.lockReply!)
    add('holder: load', holder.loadEnd! - holder.loadStart!)
    add('holder: load ends → commit sent', holder.commitSent! - holder.loadEnd!)
    add('holder: commit round trip', holder.commitReply! - holder.commitSent!)
    add('holder: answered', holder.answered)
    add('waiter: read-or-lock round trip', waiter.lockReply! - waiter.lockSent!)
    add('waiter: commit sent → notice received', waiter.notice! - holder.commitSent!)
    add('waiter: notice → answered', waiter.answered! - waiter.notice!)
    add('waiter: answered', waiter.answered)
  }
  console.log(
    `Stampede timeline, ${counted} keys of ${KEYS} loaded once (loader: ${LOAD_MS > 0 ? `${LOAD_MS} ms` : 'setImmediate'}), mean ms:`,
  )
  for (const [name, [sum, n]] of sums) {
    const seen = n === counted ? '' : ` (${n} keys: the others' came after both answered)`
    console.log(`  ${name.padEnd(40)} ${(sum / n).toFixed(3)}${seen}`)
  }
} finally {
  for (const { cache, store, client } of instances) {
    await cache.whenL2Settled()
    await cache.destroy()
    await store.close()
    client.destroy()
  }
  await server.stop()
}
