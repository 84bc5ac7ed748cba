// pnpm bench: the hit paths of cached() against lru-cache's fetch() and p-memoize (async) and
// moize and memoizee (sync), and the time of a 10,000-way stampede on one cold key.
import { LRUCache } from 'lru-cache'
import memoizee from 'memoizee'
import moizeModule from 'moize'
import pMemoize from 'p-memoize'

import { AsyncCache, cached } from '../src/index.js'
import { compile, race, report, type Contender } from './race.js'

// moize ships CJS with `exports.default`; under NodeNext its default import is the module.
const moize = moizeModule.default

const OPS = 1000
const KEYS = 1000
// A skewed trace over 1000 cached keys, the same for every contender.
const trace = Array.from({ length: OPS }, (_, i) =>
  Math.floor((KEYS * ((i * 7919) % OPS) ** 2) / OPS ** 2),
)

const double = (n: number): number => n * 2
// An async function (what cached() detects as async) that never waits: hits are what we time.
// eslint-disable-next-line @typescript-eslint/require-await
const doubleAsync = async (n: number): Promise<number> => n * 2

async function asyncHits(): Promise<void> {
  const ours = cached(doubleAsync, { maxSize: 10_000 })
  const raw = new AsyncCache<number, number>({ maxSize: 10_000 })
  const lru = new LRUCache<number, number>({
    max: 10_000,
    fetchMethod: (key) => Promise.resolve(key * 2),
  })
  const pm = pMemoize(doubleAsync)
  for (let k = 0; k < KEYS; k++) {
    await ours(k)
    raw.set(k, k * 2)
    await lru.fetch(k)
    await pm(k)
  }
  const run = (name: string, ours: boolean, fn: unknown, call: string): Contender => ({
    name,
    ours,
    run: compile(
      `for (let i = 0; i < trace.length; i++) await ${call}(trace[i])`,
      fn,
      { trace },
      true,
    ),
  })
  const contenders: Contender[] = [
    run('cached(async fn)', true, ours, 'fn'),
    run('AsyncCache#get', true, raw, 'fn.get'),
    run('lru-cache fetch()', false, lru, 'fn.fetch'),
    run('p-memoize', false, pm, 'fn'),
  ]
  report(
    'Async hit path (await each call; 1000 cached number keys, skewed)',
    contenders,
    await race(OPS, contenders),
  )
}

async function syncHits(): Promise<void> {
  const ours = cached(double, { maxSize: 10_000 })
  const mo = moize(double, { maxSize: 10_000 })
  const mz = memoizee(double, { max: 10_000, primitive: true })
  const mzObj = memoizee(double, { max: 10_000 })
  for (let k = 0; k < KEYS; k++) {
    ours(k)
    mo(k)
    mz(k)
    mzObj(k)
  }
  const contenders: Contender[] = [
    { name: 'cached(fn)', ours: true, fn: ours },
    { name: 'moize', ours: false, fn: mo },
    { name: 'memoizee (primitive)', ours: false, fn: mz },
    { name: 'memoizee', ours: false, fn: mzObj },
  ].map(({ name, ours, fn }) => ({
    name,
    ours,
    run: compile('for (let i = 0; i < trace.length; i++) fn(trace[i])', fn, { trace }, false),
  }))
  report('Sync hit path (1000 cached number keys, skewed)', contenders, await race(OPS, contenders))

  const one = cached(double, { maxSize: 10_000 })
  const moOne = moize(double)
  const mzOne = memoizee(double, { primitive: true })
  const single: Contender[] = [
    { name: 'cached(fn)', ours: true, fn: one },
    { name: 'moize', ours: false, fn: moOne },
    { name: 'memoizee (primitive)', ours: false, fn: mzOne },
  ].map(({ name, ours, fn }) => ({
    name,
    ours,
    run: compile('for (let i = 0; i < 1000; i++) fn(7)', fn, {}, false),
  }))
  report('Sync hit path (one hot key)', single, await race(1000, single))
}

async function stampede(): Promise<void> {
  const N = 10_000
  const slow = (n: number): Promise<number> =>
    new Promise((resolve) => {
      setImmediate(() => {
        resolve(n * 2)
      })
    })
  const loads = new Map<string, number>()
  const runs = new Map<string, number>()
  const counted =
    (name: string) =>
    (n: number): Promise<number> => {
      loads.set(name, (loads.get(name) ?? 0) + 1)
      return slow(n)
    }
  const contender = (name: string, ours: boolean, make: () => (n: number) => Promise<unknown>) => ({
    name,
    ours,
    run: async () => {
      runs.set(name, (runs.get(name) ?? 0) + 1)
      const fn = make()
      await Promise.all(Array.from({ length: N }, () => fn(1)))
    },
  })
  const contenders: Contender[] = [
    contender('cached(async fn)', true, () => {
      const load = counted('cached(async fn)')
      return cached(async (n: number) => load(n), { maxSize: 10 })
    }),
    contender('lru-cache fetch()', false, () => {
      const load = counted('lru-cache fetch()')
      const lru = new LRUCache<number, number>({ max: 10, fetchMethod: (k) => load(k) })
      return (n) => lru.fetch(n)
    }),
    contender('p-memoize', false, () => pMemoize(counted('p-memoize'))),
  ]
  const ops = await race(1, contenders)
  report(
    '10,000-way stampede on one cold key (runs/s; a run = a new cache + 10,000 concurrent calls)',
    contenders,
    ops,
  )
  console.log()
  for (const c of contenders) {
    const perRun = (loads.get(c.name) ?? 0) / (runs.get(c.name) ?? 1)
    console.log(
      `- ${c.name}: ${(1000 / ops.get(c.name)!).toFixed(2)} ms per stampede, ${perRun} load per stampede`,
    )
  }
}

// BENCH_ONLY=sync,async,stampede runs a subset.
const only = (process.env.BENCH_ONLY ?? 'sync,async,stampede').split(',')
console.log(`Node ${process.version}`)
if (only.includes('sync')) await syncHits()
if (only.includes('async')) await asyncHits()
if (only.includes('stampede')) await stampede()
