// Two Node processes on one Redis: this one and test/worker.ts, run with tsx, both caching the
// same function under the same prefix. Invalidations cross in both directions, and concurrent
// misses of one key in the two processes run the function once.
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

import { cached } from '@cache/decorators'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { redisStore, type RedisStore } from '../src/index.js'
import { sleep, waitFor } from './helpers.js'
import { startRedisServer, type RedisServer } from './redisServer.js'

const here = dirname(fileURLToPath(import.meta.url))
const pkg = resolve(here, '..')
const PREFIX = 'xproc:'

/** The other process, and a way to send it commands. */
interface Worker {
  readonly child: ChildProcess
  send(op: string, fields?: Record<string, unknown>): Promise<unknown>
}

function startWorker(url: string): Promise<Worker> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@cache/source', join(here, 'worker.ts'), url, PREFIX],
    { cwd: pkg, stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const pending = new Map<number, (result: unknown) => void>()
  let nextId = 1
  const lines = createInterface({ input: child.stdout })
  return new Promise((resolveWorker, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('the worker process did not start in 15 s'))
    }, 15_000)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the worker process exited with ${code}`))
    })
    lines.on('line', (line) => {
      const { id, result } = JSON.parse(line) as { id: number; result: unknown }
      if (id === 0) {
        clearTimeout(timer)
        resolveWorker({
          child,
          send: (op, fields = {}) =>
            new Promise((resolveReply, rejectReply) => {
              const id = nextId++
              const replyTimer = setTimeout(() => {
                rejectReply(new Error(`no reply to ${op}`))
              }, 5_000)
              pending.set(id, (value) => {
                clearTimeout(replyTimer)
                resolveReply(value)
              })
              child.stdin.write(`${JSON.stringify({ id, op, ...fields })}\n`)
            }),
        })
        return
      }
      pending.get(id)?.(result)
      pending.delete(id)
    })
  })
}

let server: RedisServer
let worker: Worker
let store: RedisStore
let loads = 0
let delayMs = 0

const getUser = () =>
  cached(
    async (id: string) => {
      loads++
      await sleep(delayMs)
      return `user ${id} (loaded by ${process.pid})`
    },
    { l2: store, ttl: 60_000 },
  )
let fn: ReturnType<typeof getUser>

beforeAll(async () => {
  server = await startRedisServer()
  store = redisStore({ url: server.url, prefix: PREFIX })
  await store.connect()
  fn = getUser()
  worker = await startWorker(server.url)
}, 30_000)

afterAll(async () => {
  try {
    await Promise.race([worker.send('exit'), sleep(2_000)])
  } catch {
    // already gone
  }
  worker.child.kill('SIGKILL')
  await store.close()
  await server.stop()
})

describe('two processes on one Redis', () => {
  it('share values through Redis', async () => {
    const value = await fn('ada')
    await fn.cache.whenL2Settled()
    await expect(worker.send('get', { key: 'ada' })).resolves.toBe(value)
    await expect(worker.send('loads')).resolves.toBe(0)
  })

  it('carry invalidations both ways', async () => {
    await fn('alan')
    await fn.cache.whenL2Settled()
    await worker.send('get', { key: 'alan' })
    await expect(worker.send('has', { key: 'alan' })).resolves.toBe(true)
    await expect(fn.invalidate('alan')).resolves.toBe(true)
    await waitFor(
      async () => (await worker.send('has', { key: 'alan' })) === false,
      3_000,
      'the worker to drop alan',
    )

    await worker.send('get', { key: 'grace' })
    await fn('grace')
    expect(fn.cache.has('grace')).toBe(true)
    await expect(worker.send('invalidate', { key: 'grace' })).resolves.toBe(true)
    await waitFor(() => !fn.cache.has('grace'), 3_000, 'this process to drop grace')
  })

  it('run the function once for concurrent misses in both processes', async () => {
    delayMs = 200
    await worker.send('delay', { ms: 200 })
    const before = loads + ((await worker.send('loads')) as number)
    const [here, there] = await Promise.all([fn('linus'), worker.send('get', { key: 'linus' })])
    expect(there).toBe(here)
    const after = loads + ((await worker.send('loads')) as number)
    expect(after - before).toBe(1)
  })
})
