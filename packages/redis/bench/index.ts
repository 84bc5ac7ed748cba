// L2 hit throughput and latency on a private redis-server (started here, stopped at the end):
// redisStore's auto-batched reads (one MGET + TIME per tick, decoded), the same keys as a bare
// auto-batched MGET, and one `client.get` per call; then the whole L1-miss, L2-hit path of
// AsyncCache. Each contender runs with 1, 16 and 128 callers in flight, 3 rounds interleaved;
// the table gives the mean over all rounds (what a service pays) and the best round.
import { AsyncCache, l2KeyOf } from '@cache/decorators'
import { createClient, type RedisClientType } from 'redis'

import { jsonSerializer, redisStore } from '../src/index.js'
import { startRedisServer } from '../test/redisServer.js'

const KEYS = 10_000
const DURATION_MS = 1_000
const ROUNDS = 3
const CONCURRENCY = [1, 16, 128]
const PREFIX = 'bench:'

interface Result {
  readonly name: string
  readonly concurrency: number
  readonly ops: number
  readonly elapsedMs: number
  readonly opsPerSecond: number
  readonly p50: number
  readonly p99: number
}

type Read = (i: number) => Promise<unknown>

/** Runs `read` from `concurrency` loops for DURATION_MS; latencies in ms. */
async function measure(name: string, concurrency: number, read: Read): Promise<Result> {
  const latencies: number[] = []
  const deadline = performance.now() + DURATION_MS
  let ops = 0
  let seed = concurrency * 7919
  const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) % KEYS
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const started = performance.now()
      const value = await read(next())
      if (value === undefined) throw new Error(`${name}: a miss, the benchmark reads hits only`)
      latencies.push(performance.now() - started)
      ops++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, loop))
  const elapsed = performance.now() - started
  latencies.sort((a, b) => a - b)
  const at = (q: number): number =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!
  return {
    name,
    concurrency,
    ops,
    elapsedMs: elapsed,
    opsPerSecond: (ops / elapsed) * 1_000,
    p50: at(0.5),
    p99: at(0.99),
  }
}

/** Reads of one tick sent as one MGET: the plain-Redis form of what the store does. */
function mgetBatcher(client: RedisClientType): (key: string) => Promise<string | null> {
  let queue: { key: string; resolve: (value: string | null) => void }[] = []
  return (key) =>
    new Promise((resolve) => {
      if (queue.length === 0) {
        queueMicrotask(() => {
          const batch = queue
          queue = []
          void client.mGet(batch.map((item) => item.key)).then((values) => {
            batch.forEach((item, i) => {
              item.resolve(values[i] ?? null)
            })
          })
        })
      }
      queue.push({ key, resolve })
    })
}

/** The value of an entry as the store lays it out (`v<expiresAt>|<fetchedAt>|<text>`). */
function decode(data: string | null): unknown {
  if (data === null) return undefined
  return jsonSerializer.decode(data.slice(data.indexOf('|', data.indexOf('|') + 1) + 1))
}

function format(ms: number): string {
  return ms < 1 ? `${Math.round(ms * 1_000)} µs` : `${ms.toFixed(2)} ms`
}

function formatOps(ops: number): string {
  return ops >= 1_000_000 ? `${(ops / 1e6).toFixed(2)} M` : `${Math.round(ops / 1_000)} k`
}

async function main(): Promise<void> {
  const server = await startRedisServer()
  // Generous bounds: on a loaded machine a call over 500 ms (the default) would be skipped and
  // read as a miss, which the benchmark treats as an error. The bound costs the same either way.
  const store = redisStore({ url: server.url, prefix: PREFIX, timeoutMs: 10_000 })
  const seeder = redisStore({
    url: server.url,
    prefix: PREFIX,
    timeoutMs: 10_000,
    singleFlight: false,
  })
  const client = createClient({ url: server.url })
  client.on('error', () => {})
  try {
    await Promise.all([store.connect(), seeder.connect(), client.connect()])
    const hashes = Array.from({ length: KEYS }, (_, i) => l2KeyOf(i))
    const writer = new AsyncCache<number, unknown>({ l2: seeder, maxSize: null, ttl: 600_000 })
    for (let i = 0; i < KEYS; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, KEYS - i) }, (_, j) =>
          writer.get(i + j, ({ key }) => ({
            id: key,
            name: `user ${key}`,
            roles: ['reader'],
            active: true,
          })),
        ),
      )
    }
    await writer.whenL2Settled()
    await writer.destroy()

    // L1 of one entry over 10,000 keys: (almost) every get misses L1 and hits L2.
    const cache = new AsyncCache<number, unknown>({ l2: store, maxSize: 1, ttl: 600_000 })
    const mget = mgetBatcher(client)
    const contenders: [string, Read][] = [
      [
        'redisStore.get (auto-batched MGET + TIME)',
        (i) => store.get([hashes[i]!]).then((r) => r[0]?.value),
      ],
      ['auto-batched MGET (plain Redis)', (i) => mget(PREFIX + hashes[i]!).then(decode)],
      ['client.get per call', (i) => client.get(PREFIX + hashes[i]!).then(decode)],
      ['AsyncCache.get, L1 miss → L2 hit', (i) => cache.get(i, () => undefined)],
    ]
    for (const [name, read] of contenders) await measure(name, 16, read) // warm up
    const results: { best: Result; meanOps: number }[] = []
    for (const concurrency of CONCURRENCY) {
      // Rounds interleave the contenders, so that a busy moment on the machine hits them alike.
      const best = new Map<string, Result>()
      const totals = new Map<string, { ops: number; ms: number }>()
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, read] of contenders) {
          const result = await measure(name, concurrency, read)
          const previous = best.get(name)
          if (previous === undefined || result.opsPerSecond > previous.opsPerSecond) {
            best.set(name, result)
          }
          const total = totals.get(name) ?? { ops: 0, ms: 0 }
          totals.set(name, { ops: total.ops + result.ops, ms: total.ms + result.elapsedMs })
        }
      }
      for (const [name, result] of best) {
        const total = totals.get(name)!
        results.push({ best: result, meanOps: (total.ops / total.ms) * 1_000 })
      }
    }
    console.log(
      `\nL2 hits on redis-server (loopback, ${KEYS} keys, ${ROUNDS} rounds of ${DURATION_MS} ms each)\n`,
    )
    console.log(
      '| contender | in flight | mean ops/s | best ops/s | p50 (best) | p99 (best) | mean vs client.get |',
    )
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
    for (const { best, meanOps } of results) {
      const baseline = results.find(
        (r) => r.best.concurrency === best.concurrency && r.best.name === 'client.get per call',
      )!
      const ratio = meanOps / baseline.meanOps
      console.log(
        `| ${best.name} | ${best.concurrency} | ${formatOps(meanOps)} | ${formatOps(best.opsPerSecond)} | ${format(best.p50)} | ${format(best.p99)} | ${ratio.toFixed(2)}x |`,
      )
    }
  } finally {
    await Promise.all([store.close(), seeder.close()])
    client.destroy()
    await server.stop()
  }
}

await main()
