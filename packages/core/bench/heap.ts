// Retained memory after GC, for 1M entries: each of our policies and lru-cache, each in a fresh
// child process (run with --expose-gc by bench/index.ts). Every value is one shared object and
// string keys are made before the first measurement (and kept alive after the last), so what is
// measured is the cache's own structure, not its keys or values.
//
// `node heap.ts <policy|lru-cache> [int|short|long] [full|shrink|clear]`: integer keys, short
// strings (`user:1000000`, 12 units: the key index's string table) or long ones (over 16 units: its
// `Map`). `full` prints bytes per entry with 1M held; `shrink` fills 1M then deletes all but 1,000
// and `clear` fills 1M then calls `clear()`, and both print the bytes still retained (what a cache
// that once grew keeps).
import { LRUCache as IsaacsLRU } from 'lru-cache'

import { createCache, type PolicyName } from '../src/index.js'

const ENTRIES = 1_000_000
const KEPT = 1_000
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error('run with --expose-gc')

function retained(): number {
  gc!()
  gc!()
  const { heapUsed, arrayBuffers } = process.memoryUsage()
  return heapUsed + arrayBuffers
}

const which = process.argv[2] ?? 'lru'
const keyKind = process.argv[3] ?? 'int'
const scenario = process.argv[4] ?? 'full'
type Key = number | string
const keys: Key[] = Array.from({ length: ENTRIES }, (_, i) =>
  keyKind === 'int'
    ? i
    : keyKind === 'short'
      ? `user:${1_000_000 + i}`
      : `session:user:${1_000_000 + i}:profile`,
)
const value = { shared: true }
interface Measured {
  set(key: Key, value: object): unknown
  delete(key: Key): unknown
  clear(): void
  readonly size: number
}
const before = retained()
let cache: Measured
if (which === 'lru-cache') cache = new IsaacsLRU<Key, object>({ max: ENTRIES })
else
  cache = createCache<Key, object>({ policy: which as PolicyName, maxSize: ENTRIES } as {
    maxSize: number
  })
for (const key of keys) cache.set(key, value)
if (scenario === 'shrink') for (let i = KEPT; i < ENTRIES; i++) cache.delete(keys[i]!)
if (scenario === 'clear') cache.clear()
const after = retained()
// Reading the size and the keys after measuring keeps them alive through the measurement.
const { size } = cache
const bytes = after - before
console.log(
  JSON.stringify({
    which,
    keyKind,
    scenario,
    bytes,
    bytesPerEntry: bytes / ENTRIES,
    size,
    keys: keys.length,
  }),
)
