// pnpm bench: the hit paths of cached() against lru-cache's fetch() and p-memoize (async) and
// moize and memoizee (sync), the async hit paths with a TTL against lru-cache's fetch() with one,
// and the time of a 10,000-way stampede on one cold key.
import { LRUCache } from 'lru-cache'
import memoizee from 'memoizee'
import moizeModule from 'moize'
import pMemoize from 'p-memoize'

import { AsyncCache, cached } from '../src/index.js'
import { compile, race, report, type Contender } from './race.js'
import { syncLoadSpans, telemetryHits } from './telemetry.js'

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

// The TTL of the entries in the TTL races: long enough that every call of a race is a hit.
const TTL = 3_600_000
// The second argument of the two-argument races, precomputed so no contender pays for it.
const second = trace.map((n) => n % 7)
// eslint-disable-next-line @typescript-eslint/require-await
const addAsync = async (a: number, b: number): Promise<number> => a + b

/**
 * The async hit paths with a TTL on both sides: a hit must then be checked for freshness, which
 * costs a clock read unless the clock is coarse (lru-cache's `ttlResolution`, our default clock).
 */
async function ttlHits(): Promise<void> {
  const raw = new AsyncCache<number, number>({ maxSize: 10_000, ttl: TTL })
  // The same hits with eagerRefresh on (never past the refresh point here): its cost to a hit.
  const eager = new AsyncCache<number, number>({ maxSize: 10_000, ttl: TTL, eagerRefresh: 0.8 })
  const lru = new LRUCache<number, number>({
    max: 10_000,
    ttl: TTL,
    fetchMethod: (key) => Promise.resolve(key * 2),
  })
  for (let k = 0; k < KEYS; k++) {
    raw.set(k, k * 2)
    eager.set(k, k * 2)
    await lru.fetch(k)
  }
  const loop = (call: string): string =>
    `for (let i = 0; i < trace.length; i++) await ${call}(trace[i])`
  const gets: Contender[] = [
    { name: 'AsyncCache#get', ours: true, run: compile(loop('fn.get'), raw, { trace }, true) },
    {
      name: 'AsyncCache#get, eagerRefresh 0.8',
      ours: true,
      run: compile(loop('fn.get'), eager, { trace }, true),
    },
    {
      name: 'lru-cache fetch()',
      ours: false,
      run: compile(loop('fn.fetch'), lru, { trace }, true),
    },
  ]
  report(
    `Async hit path with a TTL (ttl ${TTL} ms on both; 1000 cached number keys, skewed)`,
    gets,
    await race(OPS, gets),
  )

  // cached(async fn) against the same memoization written by hand over lru-cache's fetch().
  const ours = cached(doubleAsync, { maxSize: 10_000, ttl: TTL })
  const lruOne = new LRUCache<number, number>({
    max: 10_000,
    ttl: TTL,
    fetchMethod: (n) => doubleAsync(n),
  })
  const memo = (n: number): Promise<number | undefined> => lruOne.fetch(n)
  for (let k = 0; k < KEYS; k++) {
    await ours(k)
    await memo(k)
  }
  const one: Contender[] = [
    { name: 'cached(async fn)', ours: true, run: compile(loop('fn'), ours, { trace }, true) },
    {
      name: 'lru-cache fetch() memo',
      ours: false,
      run: compile(loop('fn'), memo, { trace }, true),
    },
  ]
  report(
    `cached(async fn) of one argument with a TTL (ttl ${TTL} ms on both; 1000 cached keys)`,
    one,
    await race(OPS, one),
  )

  // Two arguments: lru-cache needs one key for both. JSON.stringify keeps 1 and '1' apart, as
  // cached() does; a template string is the fastest key a caller who knows the types can write.
  const ours2 = cached(addAsync, { maxSize: 10_000, ttl: TTL })
  const lruTwo = (key: (a: number, b: number) => string) => {
    const lru = new LRUCache<string, number, readonly [number, number]>({
      max: 10_000,
      ttl: TTL,
      fetchMethod: (_key, _stale, { context }) => addAsync(context[0], context[1]),
    })
    return (a: number, b: number): Promise<number | undefined> =>
      lru.fetch(key(a, b), { context: [a, b] })
  }
  const json = lruTwo((a, b) => JSON.stringify([a, b]))
  const template = lruTwo((a, b) => `${a}:${b}`)
  for (let k = 0; k < KEYS; k++) {
    await ours2(k, k % 7)
    await json(k, k % 7)
    await template(k, k % 7)
  }
  const loop2 = 'for (let i = 0; i < trace.length; i++) await fn(trace[i], second[i])'
  const two: Contender[] = [
    { name: 'cached(async fn)', ours: true, run: compile(loop2, ours2, { trace, second }, true) },
    {
      name: 'lru-cache fetch() memo, JSON key',
      ours: false,
      run: compile(loop2, json, { trace, second }, true),
    },
    {
      name: 'lru-cache fetch() memo, template key',
      ours: false,
      run: compile(loop2, template, { trace, second }, true),
    },
  ]
  report(
    `cached(async fn) of two arguments with a TTL (ttl ${TTL} ms on both; 1000 cached pairs)`,
    two,
    await race(OPS, two),
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

// BENCH_ONLY=sync,async,ttl,stampede,otel runs a subset.
const only = (process.env.BENCH_ONLY ?? 'sync,async,ttl,stampede,otel').split(',')
console.log(`Node ${process.version}`)
if (only.includes('sync')) await syncHits()
if (only.includes('async')) await asyncHits()
if (only.includes('ttl')) await ttlHits()
if (only.includes('stampede')) await stampede()
if (only.includes('otel')) {
  await telemetryHits(trace, OPS)
  await syncLoadSpans()
}
