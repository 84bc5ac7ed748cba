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

// Each workload's data is made only if it runs: bench/index.ts runs one workload per process, and
// the string pool alone is a million strings.
function once<T>(make: () => T): () => T {
  let made: T | undefined
  return () => (made ??= make())
}
const hotKeys = once(() => [...Array(CAPACITY).keys()])
const hotTrace = once(() =>
  Array.from(zipfTrace({ length: OPS, keys: CAPACITY, skew: 0.99, seed: 7 })),
)
const hotStrings = once(() => hotKeys().map((k) => `user:${k}`))
const hotStringTrace = once(() => hotTrace().map((k) => `user:${k}`))
const wideTrace = once(() =>
  Array.from(zipfTrace({ length: 200_000, keys: 100_000, skew: 0.99, seed: 11 })),
)
// String keys as a server sees them: each request's key a string object of its own.
const wideStringTrace = once(() => wideTrace().map((k) => `user:${k}`))
// A pool of distinct string keys for the miss-heavy workloads, used round and round.
const NAME_MASK = (1 << 20) - 1
const stringPool = once(() => Array.from({ length: NAME_MASK + 1 }, (_, i) => `user:${i}`))

const GET = 'for (let i = 0; i < trace.length; i++) cache.get(trace[i])'
const READ_THROUGH = `for (let i = 0; i < ops; i++) {
  const key = trace[state.position]
  state.position = state.position + 1 === trace.length ? 0 : state.position + 1
  if (cache.get(key) === undefined) cache.set(key, i)
}`

/** One workload: its short title (what BENCH_WORKLOAD names), its heading, loop, data and prefill. */
interface Workload {
  title: string
  heading: string
  body: string
  data: () => Record<string, unknown>
  prefill: () => (number | string)[]
}

const workloads: Workload[] = [
  {
    title: 'get, all hits (Zipf 0.99 over cached number keys)',
    heading: 'get, all hits (Zipf 0.99 over cached number keys)',
    body: GET,
    data: () => ({ trace: hotTrace() }),
    prefill: hotKeys,
  },
  {
    title: 'get, all hits (string keys)',
    heading: 'get, all hits (Zipf 0.99 over cached string keys)',
    body: GET,
    data: () => ({ trace: hotStringTrace() }),
    prefill: hotStrings,
  },
  {
    title: 'read-through Zipf',
    heading: 'read-through: get, set on miss (Zipf 0.99 over 100k keys, 10k entries)',
    body: READ_THROUGH,
    data: () => ({ trace: wideTrace(), ops: OPS, state: { position: 0 } }),
    prefill: hotKeys,
  },
  {
    title: 'set misses',
    heading: 'set, all misses: every set evicts (full cache)',
    body: 'for (let i = 0; i < ops; i++) cache.set(state.next++, i)',
    data: () => ({ ops: OPS, state: { next: CAPACITY } }),
    prefill: hotKeys,
  },
  {
    title: 'delete + set a new key',
    heading: 'delete the oldest key, set a new one (a sliding window of keys, no evictions)',
    body: 'for (let i = 0; i < ops; i++) { cache.delete(state.next - capacity); cache.set(state.next++, i) }',
    data: () => ({ ops: OPS, capacity: CAPACITY, state: { next: CAPACITY } }),
    prefill: hotKeys,
  },
  {
    title: 'read-through Zipf (string keys)',
    heading:
      'read-through with string keys: get, set on miss (Zipf 0.99 over 100k keys, 10k entries)',
    body: READ_THROUGH,
    data: () => ({ trace: wideStringTrace(), ops: OPS, state: { position: 0 } }),
    prefill: hotStrings,
  },
  {
    title: 'set misses (string keys)',
    heading: 'set with string keys, all misses: every set evicts (full cache)',
    body: 'for (let i = 0; i < ops; i++) cache.set(pool[state.next++ & mask], i)',
    data: () => ({ ops: OPS, pool: stringPool(), mask: NAME_MASK, state: { next: CAPACITY } }),
    prefill: hotStrings,
  },
  {
    title: 'delete + set a new key (string keys)',
    heading: 'delete the oldest string key, set a new one (no evictions)',
    body: 'for (let i = 0; i < ops; i++) { cache.delete(pool[(state.next - capacity) & mask]); cache.set(pool[state.next++ & mask], i) }',
    data: () => ({
      ops: OPS,
      capacity: CAPACITY,
      pool: stringPool(),
      mask: NAME_MASK,
      state: { next: CAPACITY },
    }),
    prefill: hotStrings,
  },
]

// BENCH_WORKLOAD=<title> runs that workload alone (bench/index.ts gives each its own process);
// BENCH_WORKLOADS=set,delete those whose titles contain one of the words; --list prints the
// titles and runs nothing.
const exact = process.env.BENCH_WORKLOAD
const only = process.env.BENCH_WORKLOADS?.split(',')
const wanted = (title: string): boolean =>
  exact !== undefined ? title === exact : !only || only.some((word) => title.includes(word))

if (process.argv.includes('--list')) {
  console.log(JSON.stringify(workloads.map((w) => w.title)))
} else {
  const quiet = process.argv.includes('--json')
  const results: [string, Map<string, number>][] = []
  for (const w of workloads.filter((w) => wanted(w.title))) {
    results.push([w.title, await race(w.heading, OPS, build(w.body, w.data(), w.prefill()), quiet)])
  }
  if (quiet) {
    console.log(JSON.stringify(results.map(([title, ops]) => [title, Object.fromEntries(ops)])))
  }
}
