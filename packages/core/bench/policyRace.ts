// One process of `pnpm bench`: the policies named in BENCH_POLICIES (all by default) against
// lru-cache, mnemonist, quick-lru and a plain Map, on the same workloads. Prints markdown tables,
// or JSON with --json for bench/index.ts to gather.
import { LRUCache as IsaacsLRU } from 'lru-cache'
import { LRUMapWithDelete } from 'mnemonist'
import QuickLRU from 'quick-lru'

import { createCache, POLICIES, zipfTrace } from '../src/index.js'
import { race, type Contender } from './race.js'

interface AnyCache {
  get(key: number | string): unknown
  set(key: number | string, value: number): unknown
  delete(key: number | string): unknown
}

const CAPACITY = 10_000
const OPS = 10_000

function contenders(): { name: string; ours: boolean; cache: AnyCache }[] {
  return [
    ...POLICIES.filter(
      (p) => !process.env.BENCH_POLICIES || process.env.BENCH_POLICIES.split(',').includes(p),
    ).map((policy) => ({
      name: `@cache/core ${policy}`,
      ours: true,
      cache: createCache<number | string, number>({ policy, maxSize: CAPACITY } as {
        maxSize: number
      }),
    })),
    {
      name: 'lru-cache',
      ours: false,
      cache: new IsaacsLRU<number | string, number>({ max: CAPACITY }),
    },
    {
      name: 'mnemonist',
      ours: false,
      cache: new LRUMapWithDelete<number | string, number>(CAPACITY),
    },
    {
      name: 'quick-lru',
      ours: false,
      cache: new QuickLRU<number | string, number>({ maxSize: CAPACITY }),
    },
    { name: 'Map', ours: false, cache: new Map<number | string, number>() },
  ]
}

// Each contender gets its own compiled copy of the workload loop (new Function), so that no call
// site in the harness is shared between contenders: a shared closure would make `cache.get`
// megamorphic and slow every contender down by the same few nanoseconds, hiding real ratios.
function build(
  body: string,
  data: Record<string, unknown>,
  prefill: (number | string)[] = [],
): Contender[] {
  const names = Object.keys(data)
  return contenders().map(({ name, ours, cache }) => {
    for (const key of prefill) cache.set(key, 1)
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const make = new Function('cache', ...names, `return function run() {\n${body}\n}`) as (
      ...args: unknown[]
    ) => () => void
    // Mutable state (`state`) is per contender; read-only data is shared.
    const args = names.map((n) => (n === 'state' ? structuredClone(data[n]) : data[n]))
    return { name, ours, run: make(cache, ...args) }
  })
}

const hotKeys = [...Array(CAPACITY).keys()]
const hotTrace = Array.from(zipfTrace({ length: OPS, keys: CAPACITY, skew: 0.99, seed: 7 }))
const hotStrings = hotKeys.map((k) => `user:${k}`)
const hotStringTrace = hotTrace.map((k) => `user:${k}`)
const wideTrace = Array.from(zipfTrace({ length: 200_000, keys: 100_000, skew: 0.99, seed: 11 }))
// String keys as a server sees them: each request's key a string object of its own.
const wideStringTrace = wideTrace.map((k) => `user:${k}`)
// A pool of distinct string keys for the miss-heavy workloads, used round and round.
const NAME_MASK = (1 << 20) - 1
const stringPool = Array.from({ length: NAME_MASK + 1 }, (_, i) => `user:${i}`)

const results: [string, Map<string, number>][] = []
const quiet = process.argv.includes('--json')
// BENCH_WORKLOAD=<title> runs that workload alone (bench/index.ts gives each its own process);
// BENCH_WORKLOADS=set,delete those whose titles contain one of the words; --list prints the
// titles and runs nothing.
const exact = process.env.BENCH_WORKLOAD
const only = process.env.BENCH_WORKLOADS?.split(',')
const listing = process.argv.includes('--list')
const titles: string[] = []
const wanted = (title: string): boolean => {
  titles.push(title)
  if (listing) return false
  if (exact !== undefined) return title === exact
  return !only || only.some((word) => title.includes(word))
}

if (wanted('get, all hits (Zipf 0.99 over cached number keys)')) {
  results.push([
    'get, all hits (Zipf 0.99 over cached number keys)',
    await race(
      'get, all hits (Zipf 0.99 over cached number keys)',
      OPS,
      build(
        'for (let i = 0; i < trace.length; i++) cache.get(trace[i])',
        { trace: hotTrace },
        hotKeys,
      ),
      quiet,
    ),
  ])
}

if (wanted('get, all hits (string keys)')) {
  results.push([
    'get, all hits (string keys)',
    await race(
      'get, all hits (Zipf 0.99 over cached string keys)',
      OPS,
      build(
        'for (let i = 0; i < trace.length; i++) cache.get(trace[i])',
        { trace: hotStringTrace },
        hotStrings,
      ),
      quiet,
    ),
  ])
}

if (wanted('read-through Zipf')) {
  results.push([
    'read-through Zipf',
    await race(
      'read-through: get, set on miss (Zipf 0.99 over 100k keys, 10k entries)',
      OPS,
      build(
        `for (let i = 0; i < ops; i++) {
        const key = trace[state.position]
        state.position = state.position + 1 === trace.length ? 0 : state.position + 1
        if (cache.get(key) === undefined) cache.set(key, key)
      }`,
        { trace: wideTrace, ops: OPS, state: { position: 0 } },
        hotKeys,
      ),
      quiet,
    ),
  ])
}

if (wanted('set misses')) {
  results.push([
    'set misses',
    await race(
      'set, all misses: every set evicts (full cache)',
      OPS,
      build(
        'for (let i = 0; i < ops; i++) cache.set(state.next++, i)',
        { ops: OPS, state: { next: CAPACITY } },
        hotKeys,
      ),
      quiet,
    ),
  ])
}

if (wanted('delete + set a new key')) {
  results.push([
    'delete + set a new key',
    await race(
      'delete the oldest key, set a new one (a sliding window of keys, no evictions)',
      OPS,
      build(
        'for (let i = 0; i < ops; i++) { cache.delete(state.next - capacity); cache.set(state.next++, i) }',
        { ops: OPS, capacity: CAPACITY, state: { next: CAPACITY } },
        hotKeys,
      ),
      quiet,
    ),
  ])
}

if (wanted('read-through Zipf (string keys)')) {
  results.push([
    'read-through Zipf (string keys)',
    await race(
      'read-through with string keys: get, set on miss (Zipf 0.99 over 100k keys, 10k entries)',
      OPS,
      build(
        `for (let i = 0; i < ops; i++) {
        const key = trace[state.position]
        state.position = state.position + 1 === trace.length ? 0 : state.position + 1
        if (cache.get(key) === undefined) cache.set(key, i)
      }`,
        { trace: wideStringTrace, ops: OPS, state: { position: 0 } },
        hotStrings,
      ),
      quiet,
    ),
  ])
}

if (wanted('set misses (string keys)')) {
  results.push([
    'set misses (string keys)',
    await race(
      'set with string keys, all misses: every set evicts (full cache)',
      OPS,
      build(
        'for (let i = 0; i < ops; i++) cache.set(pool[state.next++ & mask], i)',
        { ops: OPS, pool: stringPool, mask: NAME_MASK, state: { next: CAPACITY } },
        hotStrings,
      ),
      quiet,
    ),
  ])
}

if (wanted('delete + set a new key (string keys)')) {
  results.push([
    'delete + set a new key (string keys)',
    await race(
      'delete the oldest string key, set a new one (no evictions)',
      OPS,
      build(
        'for (let i = 0; i < ops; i++) { cache.delete(pool[(state.next - capacity) & mask]); cache.set(pool[state.next++ & mask], i) }',
        {
          ops: OPS,
          capacity: CAPACITY,
          pool: stringPool,
          mask: NAME_MASK,
          state: { next: CAPACITY },
        },
        hotStrings,
      ),
      quiet,
    ),
  ])
}

if (listing) console.log(JSON.stringify(titles))
else if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results.map(([title, ops]) => [title, Object.fromEntries(ops)])))
}
