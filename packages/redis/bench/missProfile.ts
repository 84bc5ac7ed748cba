// One contender of bench/shared.ts alone on the miss or stampede scenario, to find where a miss
// goes (`pnpm bench:miss-profile`): operations per second and mean latency, this process's CPU
// per operation and its GC time, redis-server's CPU per operation (INFO cpu) and the commands
// Redis ran per operation (INFO commandstats, the scripts' own commands included).
//   PROFILE_CONTENDER=ours|bento|cm|acd  PROFILE_SCENARIO=miss|stampede  PROFILE_MS=3000
//   PROFILE_WARMUP_MS=1000  PROFILE_CALLERS=100  PROFILE_LOAD_MS=0 (0: setImmediate)
//   PROFILE_CPU=file.cpuprofile      the inspector's CPU profile of the timed run (100 µs samples)
//   PROFILE_ALLOC=file.heapprofile   sampled allocations of the timed run, the collected ones too
//   PROFILE_SNAPSHOT=1               a heap snapshot after the run
//   PROFILE_COUNT=1                  counts per operation of the timed run: socket writes and
//                                    reads, timers, immediates, ticks and promises made (promise
//                                    hooks slow the run: its times are not comparable)
import { createHook } from 'node:async_hooks'
import { Socket } from 'node:net'
import { PerformanceObserver } from 'node:perf_hooks'

import { createClient } from 'redis'

import { startRedisServer } from '../test/redisServer.js'
import { contenders, type Instance, type Value } from './sharedContenders.js'

const TAG = process.env.PROFILE_CONTENDER ?? 'ours'
const SCENARIO = process.env.PROFILE_SCENARIO ?? 'miss'
const MS = Number(process.env.PROFILE_MS ?? 3_000)
const WARMUP_MS = Number(process.env.PROFILE_WARMUP_MS ?? 1_000)
const CALLERS = Number(process.env.PROFILE_CALLERS ?? 100)
const LOAD_MS = Number(process.env.PROFILE_LOAD_MS ?? 0)

const contender = contenders.find((c) => c.tag === TAG)
if (contender === undefined) throw new Error(`no contender ${TAG}`)

let loads = 0
const load = async (key: string): Promise<Value> => {
  loads++
  if (LOAD_MS > 0) await new Promise((resolve) => setTimeout(resolve, LOAD_MS))
  else await new Promise((resolve) => setImmediate(resolve))
  return { id: key, name: `user ${key}`, roles: ['reader'], active: true }
}

/** Starts the inspector's CPU profiler (100 µs samples); the call returned writes it to a file. */
async function startProfiler(): Promise<(path: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises')
  const { writeFileSync } = await import('node:fs')
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 100 })
  await session.post('Profiler.start')
  return async (path) => {
    const { profile } = await session.post('Profiler.stop')
    writeFileSync(path, JSON.stringify(profile))
    session.disconnect()
  }
}

/** Starts sampling allocations, the collected ones too; the call returned writes them to a file. */
async function startSampler(): Promise<(path: string) => Promise<void>> {
  const { Session } = await import('node:inspector/promises')
  const { writeFileSync } = await import('node:fs')
  const session = new Session()
  session.connect()
  await session.post('HeapProfiler.enable')
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  })
  return async (path) => {
    const { profile } = await session.post('HeapProfiler.stopSampling')
    writeFileSync(path, JSON.stringify(profile))
    session.disconnect()
  }
}

/** What PROFILE_COUNT counts, while `on`. */
const counts = { on: false, writes: 0, reads: 0, timeouts: 0, immediates: 0, ticks: 0, promises: 0 }
if (process.env.PROFILE_COUNT === '1') {
  type Proto = Record<string, (...args: unknown[]) => unknown>
  const socket = Socket.prototype as unknown as Proto
  const count = (target: Proto, name: string, what: Exclude<keyof typeof counts, 'on'>): void => {
    const original = target[name]!
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (counts.on) counts[what]++
      return original.apply(this, args)
    }
  }
  count(socket, '_writeGeneric', 'writes')
  count(socket, 'push', 'reads')
  count(globalThis as unknown as Proto, 'setTimeout', 'timeouts')
  count(globalThis as unknown as Proto, 'setImmediate', 'immediates')
  count(process as unknown as Proto, 'nextTick', 'ticks')
  createHook({
    init(_id, type) {
      if (counts.on && type === 'PROMISE') counts.promises++
    },
  }).enable()
}

let gcMs = 0
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration
}).observe({ entryTypes: ['gc'] })

const server = await startRedisServer()
const admin = createClient({ url: server.url })
await admin.connect()

async function info(section: string): Promise<Map<string, string>> {
  const text = await admin.info(section)
  const map = new Map<string, string>()
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':')
    if (at > 0) map.set(line.slice(0, at), line.slice(at + 1))
  }
  return map
}

async function serverCpuMs(): Promise<number> {
  const cpu = await info('cpu')
  return (Number(cpu.get('used_cpu_user')) + Number(cpu.get('used_cpu_sys'))) * 1_000
}

const setup = { host: '127.0.0.1', port: server.port, ttlMs: 60_000, l1Size: 10_000 }
const instances: Instance[] = []
try {
  const count = SCENARIO === 'stampede' ? 2 : 1
  for (let i = 0; i < count; i++) instances.push(await contender.create(setup, `${TAG}:p:`, load))

  let next = 0
  let latency = 0
  const run = async (ms: number): Promise<number> => {
    const deadline = performance.now() + ms
    let ops = 0
    if (SCENARIO === 'stampede') {
      const [a, b] = instances as [Instance, Instance]
      while (performance.now() < deadline) {
        const key = `k${next++}`
        const t0 = performance.now()
        await Promise.all([a.get(key), b.get(key)])
        latency += performance.now() - t0
        ops++
      }
    } else {
      const loop = async (): Promise<void> => {
        while (performance.now() < deadline) {
          const t0 = performance.now()
          await instances[0]!.get(`k${next++}`)
          latency += performance.now() - t0
          ops++
        }
      }
      await Promise.all(Array.from({ length: CALLERS }, loop))
    }
    await Promise.all(instances.map((i) => i.settle()))
    return ops
  }

  await run(WARMUP_MS)
  latency = 0
  await admin.sendCommand(['CONFIG', 'RESETSTAT'])
  const serverBefore = await serverCpuMs()
  gcMs = 0
  loads = 0
  const profiler = process.env.PROFILE_CPU === undefined ? undefined : await startProfiler()
  const sampler = process.env.PROFILE_ALLOC === undefined ? undefined : await startSampler()
  const cpu = process.cpuUsage()
  const started = performance.now()
  counts.on = true
  const ops = await run(MS)
  counts.on = false
  const ms = performance.now() - started
  const { user, system } = process.cpuUsage(cpu)
  if (profiler !== undefined) await profiler(process.env.PROFILE_CPU!)
  if (sampler !== undefined) await sampler(process.env.PROFILE_ALLOC!)
  const serverMs = (await serverCpuMs()) - serverBefore
  const stats = await info('commandstats')
  ;(globalThis as { gc?: () => void }).gc?.()
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20
  console.log(`  heap used after the run, collected: ${heapMb.toFixed(1)} MB (${next} keys)`)
  if (process.env.PROFILE_SNAPSHOT === '1') {
    const { writeHeapSnapshot } = await import('node:v8')
    console.log(`  heap snapshot: ${writeHeapSnapshot()}`)
  }
  console.log(
    `${contender.name} · ${SCENARIO}: ${ops} ops in ${Math.round(ms)} ms = ` +
      `${Math.round((ops / ms) * 1e3)} ops/s; loads/op ${(loads / ops).toFixed(2)}`,
  )
  console.log(`  mean latency ${(latency / ops).toFixed(2)} ms`)
  console.log(
    `  node CPU/op ${(((user + system) / ops) | 0).toString()} µs (GC ${((gcMs * 1e3) / ops).toFixed(1)} µs)` +
      ` · redis CPU/op ${((serverMs * 1e3) / ops).toFixed(1)} µs`,
  )
  if (process.env.PROFILE_COUNT === '1') {
    console.log(
      '  per op: ' +
        Object.entries(counts)
          .filter(([name]) => name !== 'on')
          .map(([name, n]) => `${name} ${(Number(n) / ops).toFixed(2)}`)
          .join(', '),
    )
  }
  let total = 0
  for (const [name, value] of stats) {
    const calls = Number(/calls=(\d+)/.exec(value)?.[1])
    const usec = Number(/usec=(\d+)/.exec(value)?.[1])
    if (name === 'cmdstat_info' || name === 'cmdstat_config') continue
    total += calls
    console.log(
      `  ${name.slice(8).padEnd(10)} ${(calls / ops).toFixed(2)}/op  ${(usec / ops).toFixed(1)} µs/op`,
    )
  }
  console.log(`  commands/op ${(total / ops).toFixed(2)}`)
} finally {
  for (const instance of instances) await instance.close()
  admin.destroy()
  await server.stop()
}
