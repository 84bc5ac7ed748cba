// What node-redis's default per-command timeout costs: GET round trips on a private redis-server
// (started here, stopped at the end) from a client created as `createClient()` makes it (a 5 s
// `commandOptions.timeout`: an AbortSignal.timeout and a listener per command) and one created
// with `commandOptions: { timeout: 0 }`, as redisStore() creates its own. The two alternate,
// ROUNDS rounds each, at 1 and 128 commands in flight; the table gives the mean over all rounds
// (GC included) of round trips per second and of this process's CPU per command.
import { createClient, type RedisClientType } from 'redis'

import { startRedisServer } from '../test/redisServer.js'

const OPS = 20_000
const ROUNDS = 5
const CONCURRENCY = [1, 128]
const KEY = 'bench:timeout'

interface Totals {
  ops: number
  elapsedMs: number
  cpuUs: number
}

/** `OPS` GETs from `concurrency` loops; wall time and CPU time of this process. */
async function run(client: RedisClientType, concurrency: number): Promise<Totals> {
  let left = OPS
  const loop = async (): Promise<void> => {
    while (left > 0) {
      left--
      if ((await client.get(KEY)) !== 'v') throw new Error('GET did not find the value')
    }
  }
  const cpu = process.cpuUsage()
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, loop))
  const elapsedMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  return { ops: OPS, elapsedMs, cpuUs: used.user + used.system }
}

async function main(): Promise<void> {
  const server = await startRedisServer()
  const contenders = [
    { name: 'createClient() default (5 s timeout)', options: {} },
    { name: 'commandOptions: { timeout: 0 }', options: { commandOptions: { timeout: 0 } } },
  ]
  const clients = await Promise.all(
    contenders.map(async ({ options }) => {
      const client = createClient({ url: server.url, ...options }) as RedisClientType
      await client.connect()
      return client
    }),
  )
  try {
    await clients[0]!.set(KEY, 'v')
    for (const client of clients) await run(client, 16) // warm-up
    console.log(
      `node ${process.version}, ${OPS} GETs a round, ${ROUNDS} rounds, contenders alternating\n`,
    )
    console.log('in flight | client                               | GET/s    | CPU µs/GET | ratio')
    for (const concurrency of CONCURRENCY) {
      const totals = contenders.map(() => ({ ops: 0, elapsedMs: 0, cpuUs: 0 }))
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which goes first, so neither always runs on a warmer machine.
        const order = round % 2 === 0 ? [0, 1] : [1, 0]
        for (const i of order) {
          const t = await run(clients[i]!, concurrency)
          totals[i]!.ops += t.ops
          totals[i]!.elapsedMs += t.elapsedMs
          totals[i]!.cpuUs += t.cpuUs
        }
      }
      const perSecond = totals.map((t) => (t.ops / t.elapsedMs) * 1_000)
      const cpuPerOp = totals.map((t) => t.cpuUs / t.ops)
      contenders.forEach(({ name }, i) => {
        const ratio =
          i === 0
            ? ''
            : `${(perSecond[i]! / perSecond[0]!).toFixed(2)}x GET/s, ${(cpuPerOp[0]! / cpuPerOp[i]!).toFixed(2)}x less CPU`
        console.log(
          `${String(concurrency).padStart(9)} | ${name.padEnd(36)} | ${Math.round(perSecond[i]!)
            .toString()
            .padStart(8)} | ${cpuPerOp[i]!.toFixed(1).padStart(10)} | ${ratio}`,
        )
      })
    }
  } finally {
    await Promise.all(clients.map((client) => client.close()))
    await server.stop()
  }
}

await main()
