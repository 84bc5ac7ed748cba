// Retained memory per entry after GC, for 1M entries: each of our policies and lru-cache, each
// in a fresh child process (run with --expose-gc by bench/index.ts). Keys are small integers and
// every value is one shared object, so what is measured is the cache's own structure.
import { LRUCache as IsaacsLRU } from 'lru-cache'

import { createCache, type PolicyName } from '../src/index.js'

const ENTRIES = 1_000_000
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

function retained(): number {
  gc!()
  gc!()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

const which = process.argv[2] ?? 'lru'
const value = { shared: true }
const before = retained()
let cache: { set(key: number, value: object): unknown }
if (which === 'lru-cache') cache = new IsaacsLRU<number, object>({ max: ENTRIES })
else
  cache = createCache<number, object>({ policy: which as PolicyName, maxSize: ENTRIES } as {
    maxSize: number
  })
for (let i = 0; i < ENTRIES; i++) cache.set(i, value)
const after = retained()
// Reading the size after measuring keeps the cache alive through the measurement.
const { size } = cache as unknown as { size: number }
console.log(JSON.stringify({ which, bytesPerEntry: (after - before) / ENTRIES, size }))
