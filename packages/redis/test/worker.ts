// A second process for the cross-process tests: the same cached function on the same Redis
// prefix, driven by JSON lines on stdin, answering JSON lines on stdout. Run with
// `node --import tsx --conditions=@cache/source test/worker.ts <url> <prefix>`.
import { createInterface } from 'node:readline'

import { cached } from '@cache/decorators'

import { redisStore } from '../src/index.js'

const [url, prefix] = process.argv.slice(2) as [string, string]
const store = redisStore({ url, prefix })
let loads = 0
let delayMs = 0

const getUser = cached(
  async (id: string) => {
    loads++
    await new Promise((resolve) => setTimeout(resolve, delayMs))
    return `user ${id} (loaded by ${process.pid})`
  },
  { l2: store, ttl: 60_000 },
)

interface Command {
  readonly id: number
  readonly op: 'get' | 'invalidate' | 'has' | 'loads' | 'delay' | 'exit'
  readonly key?: string
  readonly ms?: number
}

function reply(id: number, result: unknown): void {
  process.stdout.write(`${JSON.stringify({ id, result })}\n`)
}

async function run(command: Command): Promise<unknown> {
  switch (command.op) {
    case 'get':
      return getUser(command.key!)
    case 'invalidate':
      return getUser.invalidate(command.key!)
    case 'has':
      return getUser.cache.has(command.key!)
    case 'loads':
      return loads
    case 'delay':
      delayMs = command.ms!
      return delayMs
    case 'exit':
      await getUser.cache.whenL2Settled()
      await store.close()
      setImmediate(() => process.exit(0))
      return 'bye'
  }
}

await store.connect()
const lines = createInterface({ input: process.stdin })
lines.on('line', (line) => {
  const command = JSON.parse(line) as Command
  run(command).then(
    (result) => {
      reply(command.id, result)
    },
    (error: unknown) => {
      reply(command.id, { error: String(error) })
    },
  )
})
lines.on('close', () => process.exit(0))
process.stdout.write(`${JSON.stringify({ id: 0, result: 'ready' })}\n`)
