// The shared tier against its peers: @cache/redis, bentocache, cache-manager and
// async-cache-dedupe (bench/sharedContenders.ts), each with an in-process L1 in front of one
// private redis-server (started here, stopped at the end whatever happens), in four scenarios:
//   1. L1 hit: keys already in the instance's memory.
//   2. L2 hit: a fresh instance (empty L1, new connections) reads keys another one wrote.
//   3. Miss: fresh keys, the loader resolving after setImmediate.
//   4. Stampede: two instances get the same fresh key at the same moment, key after key.
// Scenarios 1-3 run CALLERS concurrent callers. A round gives each contender the same workload
// for the same time (so that the whole run stays short on a busy machine), rounds rotate the
// order, and the tables give total operations over total time of all rounds but the first (the
// warm-up; BENCH_WARMUP_ROUNDS): what a service pays, GC included. Each contender is checked to take the path it
// claims: loader calls (none on hits, one per key on misses), Redis commands per operation (none
// on an L1 hit, some on an L2 hit; INFO's total_commands_processed, which counts the commands a
// script runs too) and its entries in Redis (SCAN by its prefix). A failed check makes the run
// exit non-zero. BENCH_SCENARIOS=l1,l2,miss,stampede picks scenarios, BENCH_CONTENDERS=ours,acd
// contenders (by tag); BENCH_ROUNDS, BENCH_WARMUP_ROUNDS, BENCH_ROUND_MS; the redis-server's CPU
// time per operation (INFO cpu) is given beside this process's.
// BENCH_LOAD_MS=5 makes the loader take 5 ms (a timer) instead of resolving after setImmediate.
import { createClient } from 'redis'

import { startRedisServer } from '../test/redisServer.js'
import {
  contenders,
  type Contender,
  type Instance,
  type Setup,
  type Value,
} from './sharedContenders.js'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5) // plus the warm-up rounds
/**
 * Unmeasured rounds first. One by default; a stampede runs one key at a time, so a contender's
 * per-key code runs a few hundred times per round, and V8 optimizes functions called once a
 * key only after a few thousand calls (its compiler threads then take CPU from the measured
 * rounds): BENCH_WARMUP_ROUNDS=8 measures every contender compiled.
 */
const WARMUP_ROUNDS = Number(process.env.BENCH_WARMUP_ROUNDS ?? 1)
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 250) // per contender and round
const CALLERS = 100
const L1_KEYS = 1_000
const L2_KEYS = 4_000 // a fresh instance reads each once per round, or until ROUND_MS is up
const TTL_MS = 60_000
const L1_SIZE = 10_000
const DEADLINE_MS = 5 * 60_000 // a hung contender must not hang the benchmark
const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? 0) // 0: the loader resolves after setImmediate

/** The benchmark's own connection: INFO and SCAN, never a contender's commands. */
const openAdmin = (url: string) => createClient({ url })
type Admin = ReturnType<typeof openAdmin>

/** How long the loader takes, in words. */
function loaderDelay(): string {
  return LOAD_MS > 0 ? `${LOAD_MS} ms` : 'setImmediate'
}

/** Loader calls per key, for one contender in one scenario. */
class Loads {
  readonly perKey = new Map<string, number>()
  total = 0
  readonly load = async (key: string): Promise<Value> => {
    this.total++
    this.perKey.set(key, (this.perKey.get(key) ?? 0) + 1)
    if (LOAD_MS > 0) await new Promise((resolve) => setTimeout(resolve, LOAD_MS))
    else await new Promise((resolve) => setImmediate(resolve))
    return { id: key, name: `user ${key}`, roles: ['reader'], active: true }
  }
}

/** What one contender did in one scenario: `ops`, `ms`, `commands` over the measured rounds. */
interface Tally {
  readonly contender: Contender
  readonly loads: Loads
  ops: number
  ms: number
  /** CPU time of this process (user + system), in ms: what a busy machine changes least. */
  cpuMs: number
  commands: number
  /** CPU time of the redis-server process (user + system, INFO cpu), in ms. */
  redisCpuMs: number
  wrong: number
  /** Operations of every round, the warm-up too: the keys a miss or stampede asked for. */
  allOps: number
}

const tallyOf = (contender: Contender): Tally => ({
  contender,
  loads: new Loads(),
  ops: 0,
  ms: 0,
  cpuMs: 0,
  commands: 0,
  redisCpuMs: 0,
  wrong: 0,
  allOps: 0,
})

interface Check {
  readonly scenario: string
  readonly contender: string
  readonly what: string
  readonly ok: boolean
}

const checks: Check[] = []
const notes: string[] = []

function check(scenario: string, contender: Contender, what: string, ok: boolean): void {
  checks.push({ scenario, contender: contender.name, what, ok })
}

/**
 * Runs `op(0)`, `op(1)`, … from `concurrency` loops until `limit` operations have started or
 * `deadline` (performance.now()) has passed; resolves with the number of operations, once all
 * have finished.
 */
async function callers(
  concurrency: number,
  limit: number,
  deadline: number,
  op: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0
  const loop = async (): Promise<void> => {
    while (next < limit && performance.now() < deadline) await op(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, concurrency) }, loop))
  return next
}

async function commandsProcessed(admin: Admin): Promise<number> {
  const info = await admin.info('stats')
  const match = /total_commands_processed:(\d+)/.exec(info)
  if (match === null) throw new Error('INFO stats has no total_commands_processed')
  return Number(match[1])
}

/** The redis-server's CPU time so far (user + system, all its threads), in ms. */
async function redisCpu(admin: Admin): Promise<number> {
  const info = await admin.info('cpu')
  const user = /used_cpu_user:([\d.]+)/.exec(info)
  const system = /used_cpu_sys:([\d.]+)/.exec(info)
  if (user === null || system === null) throw new Error('INFO cpu has no used_cpu_user/sys')
  return (Number(user[1]) + Number(system[1])) * 1_000
}

async function countKeys(admin: Admin, pattern: string): Promise<number> {
  let cursor = '0'
  let count = 0
  do {
    const reply = await admin.scan(cursor, { MATCH: pattern, COUNT: 1_000 })
    cursor = reply.cursor
    count += reply.keys.length
  } while (cursor !== '0')
  return count
}

/** BENCH_FULL_GC=1: a full collection between contenders, as before (see {@link collect}). */
const FULL_GC = process.env.BENCH_FULL_GC === '1'

/**
 * Lets one contender's garbage be collected before the next one is timed (with --expose-gc): a
 * young-generation collection, which takes what its round left (the short-lived objects of its
 * operations); what reached the old generation is collected when V8 decides, in whoever's round
 * (GC included). Not a full one: a forced full collection between rounds, when no operation is
 * in flight, lets V8 drop the optimized code that embeds objects only the finished round held
 * (`--trace-deopt`: "weak objects"), and every round then paid for compiling it again: in the
 * stampede, 30-66 of our functions and 100-360 ms of compiler time per 500 ms round, which
 * charged the contender with the most code on its path for the benchmark's own collections.
 */
function collect(): void {
  const gc = (globalThis as { gc?: (options?: { type: 'major' | 'minor' }) => void }).gc
  gc?.(FULL_GC ? undefined : { type: 'minor' })
}

/** One timed run of a contender: `run` is timed; `after` (closing a reader, say) is not. */
interface Work {
  run(deadline: number): Promise<{ ops: number; wrong: number }>
  after?(): Promise<void>
}

/**
 * Runs each contender's work WARMUP_ROUNDS + ROUNDS times, the first WARMUP_ROUNDS unmeasured,
 * rotating the order;
 * times `run` and counts the Redis commands sent meanwhile.
 */
async function rounds(
  admin: Admin,
  tallies: readonly Tally[],
  roundMs: number,
  prepare: (tally: Tally, round: number) => Promise<Work>,
): Promise<void> {
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    const shift = round % tallies.length
    for (const tally of [...tallies.slice(shift), ...tallies.slice(0, shift)]) {
      const work = await prepare(tally, round)
      collect()
      const redisBefore = await redisCpu(admin)
      const before = await commandsProcessed(admin)
      const cpu = process.cpuUsage()
      const started = performance.now()
      const { ops, wrong } = await work.run(started + roundMs)
      const ms = performance.now() - started
      const { user, system } = process.cpuUsage(cpu)
      // Less the first INFO, counted once it has run, so that an idle contender shows 0.
      const commands = (await commandsProcessed(admin)) - before - 1
      const redisMs = (await redisCpu(admin)) - redisBefore
      await work.after?.()
      tally.allOps += ops
      if (round < WARMUP_ROUNDS) continue
      tally.ops += ops
      tally.ms += ms
      tally.cpuMs += (user + system) / 1_000
      tally.commands += commands
      tally.redisCpuMs += redisMs
      tally.wrong += wrong
    }
  }
}

/** A prefix per contender and scenario, so that every check counts its own keys only. */
function prefixOf(contender: Contender, scenario: string): string {
  return `${contender.tag}:${scenario}:`
}

async function keysOf(admin: Admin, pattern: string): Promise<string[]> {
  let cursor = '0'
  const keys: string[] = []
  do {
    const reply = await admin.scan(cursor, { MATCH: pattern, COUNT: 1_000 })
    cursor = reply.cursor
    keys.push(...reply.keys)
  } while (cursor !== '0')
  return keys
}

/**
 * Its entries in Redis under `tag`; notes, by kind, any other key left there: keys the
 * entries' pattern matches that hold no entry (a tombstone, say), its other keys by their
 * patterns (locks, markers), and keys under its prefix that none of its patterns names.
 */
async function entriesOf(admin: Admin, contender: Contender, tag: string): Promise<number> {
  const prefix = prefixOf(contender, tag)
  const kinds = new Map<string, number>()
  const count = (kind: string, n: number): void => {
    if (n > 0) kinds.set(kind, (kinds.get(kind) ?? 0) + n)
  }
  let entries = 0
  const matched = await keysOf(admin, contender.entries(prefix))
  const notEntry = contender.notEntry
  if (notEntry === undefined) {
    entries = matched.length
  } else {
    for (let i = 0; i < matched.length; i += 1_000) {
      const values = await admin.mGet(matched.slice(i, i + 1_000))
      for (const value of values) {
        // Gone since the SCAN (expired): neither an entry nor anything else.
        if (value === null) continue
        const kind = notEntry(value)
        if (kind === undefined) entries++
        else count(kind, 1)
      }
    }
  }
  let named = matched.length
  for (const [kind, pattern] of Object.entries(contender.others?.(prefix) ?? {})) {
    const n = await countKeys(admin, pattern)
    count(kind, n)
    named += n
  }
  count('unknown', (await countKeys(admin, `${prefix}*`)) - named)
  if (kinds.size > 0) {
    const list = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')
    notes.push(`${tag} · ${contender.name}: left in Redis besides its entries: ${list}`)
  }
  return entries
}

const create = (setup: Setup, tally: Tally, tag: string): Promise<Instance> =>
  tally.contender.create(setup, prefixOf(tally.contender, tag), tally.loads.load)

/** Opens `count` instances per contender, runs `body`, and closes them whatever happens. */
async function withInstances<T>(
  setup: Setup,
  tag: string,
  count: number,
  body: (tallies: readonly Tally[], instances: ReadonlyMap<Tally, Instance[]>) => Promise<T>,
): Promise<T> {
  const tallies = chosen.map(tallyOf)
  const instances = new Map<Tally, Instance[]>()
  try {
    for (const tally of tallies) {
      const list: Instance[] = []
      instances.set(tally, list)
      for (let i = 0; i < count; i++) list.push(await create(setup, tally, tag))
    }
    return await body(tallies, instances)
  } finally {
    for (const list of instances.values()) for (const instance of list) await instance.close()
  }
}

const valueOk = (value: Value, key: string): boolean =>
  value.id === key && value.name === `user ${key}` && value.active

/** Gets every key once through `instance` (so each is loaded) and waits for Redis to have them. */
async function fill(instance: Instance, keys: readonly string[]): Promise<void> {
  await callers(CALLERS, keys.length, Infinity, async (i) => {
    await instance.get(keys[i]!)
  })
  await instance.settle()
}

/** `count` gets through `instance` of `keyAt(i)`, counting the wrong values. */
async function gets(
  instance: Instance,
  limit: number,
  deadline: number,
  keyAt: (i: number) => string,
): Promise<{ ops: number; wrong: number }> {
  let wrong = 0
  const ops = await callers(CALLERS, limit, deadline, async (i) => {
    const key = keyAt(i)
    if (!valueOk(await instance.get(key), key)) wrong++
  })
  return { ops, wrong }
}

interface Row {
  readonly contender: Contender
  readonly opsPerSecond: number
}

interface Summary {
  readonly scenario: string
  readonly rows: readonly Row[]
  /** Whether the peers in the race must have an in-process tier: the L1 hit race is for those. */
  readonly l1Only: boolean
}

function formatOps(ops: number): string {
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)} M`
  if (ops >= 1e4) return `${Math.round(ops / 1e3)} k`
  return `${(ops / 1e3).toFixed(2)} k`
}

function formatMean(ms: number): string {
  if (ms >= 10) return `${ms.toFixed(1)} ms`
  const us = ms * 1_000
  return us >= 100 ? `${Math.round(us)} µs` : `${us.toFixed(1)} µs`
}

/** Prints a scenario's table, with `columns` of checks after the figures; returns its rows. */
function table(
  scenario: string,
  title: string,
  tallies: readonly Tally[],
  columns: readonly string[],
  cells: (t: Tally) => readonly string[],
): Summary {
  const rows = tallies.map((t) => ({ contender: t.contender, opsPerSecond: (t.ops / t.ms) * 1e3 }))
  const ours = rows.find((r) => r.contender.ours)
  const head = [
    'contender',
    'ops',
    'time',
    'ops/s',
    'mean',
    'ours ÷ this',
    'CPU/op',
    'Redis cmds/op',
    'Redis CPU/op',
  ]
  console.log(`\n${title}\n`)
  console.log(`| ${[...head, 'wrong', ...columns].join(' | ')} |`)
  console.log(`| --- | ${[...head.slice(1), 'wrong', ...columns].map(() => '---:').join(' | ')} |`)
  tallies.forEach((t, i) => {
    const row = rows[i]!
    const ratio =
      t.contender.ours || ours === undefined
        ? ''
        : `${(ours.opsPerSecond / row.opsPerSecond).toFixed(2)}x`
    const line = [
      t.contender.name,
      t.ops.toLocaleString('en-US'),
      `${Math.round(t.ms)} ms`,
      formatOps(row.opsPerSecond),
      formatMean(t.ms / t.ops),
      ratio,
      formatMean(t.cpuMs / t.ops),
      (t.commands / t.ops).toFixed(2),
      formatMean(t.redisCpuMs / t.ops),
      String(t.wrong),
      ...cells(t),
    ]
    console.log(`| ${line.join(' | ')} |`)
  })
  return { scenario, rows, l1Only: scenario === 'L1 hit' }
}

async function l1Hits(setup: Setup, admin: Admin): Promise<Summary> {
  const scenario = 'L1 hit'
  const keys = Array.from({ length: L1_KEYS }, (_, i) => `l1-${i}`)
  return withInstances(setup, 'l1', 1, async (tallies, instances) => {
    for (const t of tallies) await fill(instances.get(t)![0]!, keys)
    const filled = new Map(tallies.map((t) => [t, t.loads.total]))
    await rounds(admin, tallies, ROUND_MS, (t) => {
      const instance = instances.get(t)![0]!
      return Promise.resolve({
        run: (deadline) => gets(instance, Infinity, deadline, (i) => keys[(i * 7_919) % L1_KEYS]!),
      })
    })
    const cells = new Map<Tally, string[]>()
    for (const t of tallies) {
      const c = t.contender
      const calls = t.loads.total - filled.get(t)!
      const stored = await entriesOf(admin, c, 'l1')
      const perOp = t.commands / t.ops
      check(scenario, c, `no loader call on a hit (got ${calls})`, calls === 0)
      check(scenario, c, `no wrong value (got ${t.wrong})`, t.wrong === 0)
      check(scenario, c, `its ${L1_KEYS} entries in Redis (found ${stored})`, stored === L1_KEYS)
      if (c.hasL1) {
        check(scenario, c, `served in process: ${perOp.toFixed(3)} Redis cmds/op`, perOp < 0.01)
      } else {
        check(
          scenario,
          c,
          `no L1, every hit reads Redis: ${perOp.toFixed(2)} cmds/op`,
          perOp > 0.99,
        )
      }
      cells.set(t, [String(calls), String(stored)])
    }
    return table(
      scenario,
      `1. L1 hit: ${L1_KEYS} keys already in the instance, ${CALLERS} callers`,
      tallies,
      ['loader calls', 'entries in Redis'],
      (t) => cells.get(t)!,
    )
  })
}

async function l2Hits(setup: Setup, admin: Admin): Promise<Summary> {
  const scenario = 'L2 hit'
  const keys = Array.from({ length: L2_KEYS }, (_, i) => `l2-${i}`)
  const tallies = chosen.map(tallyOf)
  // One instance per contender writes the keys to Redis, then goes (its L1 with it).
  for (const t of tallies) {
    const writer = await create(setup, t, 'l2')
    try {
      await fill(writer, keys)
    } finally {
      await writer.close()
    }
  }
  const filled = new Map(tallies.map((t) => [t, t.loads.total]))
  // Each round a fresh reader: empty L1, new connections, made and closed outside the timing.
  await rounds(admin, tallies, ROUND_MS, async (t) => {
    const reader = await create(setup, t, 'l2')
    return {
      run: (deadline) => gets(reader, L2_KEYS, deadline, (i) => keys[i]!),
      after: () => reader.close(),
    }
  })
  const cells = new Map<Tally, string[]>()
  for (const t of tallies) {
    const c = t.contender
    const calls = t.loads.total - filled.get(t)!
    const stored = await entriesOf(admin, c, 'l2')
    const perOp = t.commands / t.ops
    check(scenario, c, `no loader call on a hit (got ${calls})`, calls === 0)
    check(scenario, c, `no wrong value (got ${t.wrong})`, t.wrong === 0)
    check(scenario, c, `its ${L2_KEYS} entries in Redis (found ${stored})`, stored === L2_KEYS)
    check(scenario, c, `read from Redis: ${perOp.toFixed(2)} cmds/op`, perOp > 0)
    cells.set(t, [String(calls), String(stored)])
  }
  return table(
    scenario,
    `2. L2 hit: a fresh instance reads keys another one wrote (${L2_KEYS} at most per round, each once), ${CALLERS} callers`,
    tallies,
    ['loader calls', 'entries in Redis'],
    (t) => cells.get(t)!,
  )
}

async function misses(setup: Setup, admin: Admin): Promise<Summary> {
  const scenario = 'miss'
  return withInstances(setup, 'miss', 1, async (tallies, instances) => {
    await rounds(admin, tallies, ROUND_MS, (t, round) => {
      const instance = instances.get(t)![0]!
      return Promise.resolve({
        async run(deadline) {
          const result = await gets(instance, Infinity, deadline, (i) => `miss-${round}-${i}`)
          // Ours writes Redis after answering: the time includes those writes.
          await instance.settle()
          return result
        },
      })
    })
    const cells = new Map<Tally, string[]>()
    for (const t of tallies) {
      const c = t.contender
      const once = [...t.loads.perKey.values()].every((n) => n === 1)
      const stored = await entriesOf(admin, c, 'miss')
      check(
        scenario,
        c,
        `one loader call per key (${t.loads.total} calls, ${t.allOps} keys)`,
        t.loads.total === t.allOps && t.loads.perKey.size === t.allOps && once,
      )
      check(scenario, c, `no wrong value (got ${t.wrong})`, t.wrong === 0)
      check(scenario, c, `an entry in Redis per key (${stored})`, stored === t.allOps)
      cells.set(t, [`${t.loads.total} / ${t.allOps}`, String(stored)])
    }
    return table(
      scenario,
      `3. Miss: fresh keys, ${CALLERS} callers, the loader resolving after ${loaderDelay()}`,
      tallies,
      ['loader calls / keys', 'entries in Redis'],
      (t) => cells.get(t)!,
    )
  })
}

async function stampedes(setup: Setup, admin: Admin): Promise<Summary> {
  const scenario = 'stampede'
  return withInstances(setup, 'stampede', 2, async (tallies, instances) => {
    await rounds(admin, tallies, ROUND_MS * 2, (t, round) => {
      const [a, b] = instances.get(t)! as [Instance, Instance]
      return Promise.resolve({
        async run(deadline) {
          let ops = 0
          let wrong = 0
          while (performance.now() < deadline) {
            const key = `stampede-${round}-${ops++}`
            const [x, y] = await Promise.all([a.get(key), b.get(key)])
            if (!valueOk(x, key) || !valueOk(y, key)) wrong++
          }
          await Promise.all([a.settle(), b.settle()])
          return { ops, wrong }
        },
      })
    })
    const cells = new Map<Tally, string[]>()
    for (const t of tallies) {
      const c = t.contender
      const counts = [...t.loads.perKey.values()]
      const once = counts.filter((n) => n === 1).length
      const twice = counts.filter((n) => n === 2).length
      const stored = await entriesOf(admin, c, 'stampede')
      check(
        scenario,
        c,
        `every key loaded once or twice (${once} once, ${twice} twice, of ${t.allOps})`,
        once + twice === t.allOps && counts.length === t.allOps,
      )
      check(scenario, c, `no wrong value (got ${t.wrong})`, t.wrong === 0)
      check(scenario, c, `an entry in Redis per key (${stored})`, stored === t.allOps)
      cells.set(t, [(t.loads.total / t.allOps).toFixed(2), `${once} / ${twice}`, String(stored)])
    }
    return table(
      scenario,
      `4. Stampede: two instances get the same fresh key at once, key after key (ops = keys), the loader resolving after ${loaderDelay()}`,
      tallies,
      ['loads per key', 'keys loaded once / twice', 'entries in Redis'],
      (t) => cells.get(t)!,
    )
  })
}

function summary(summaries: readonly Summary[]): void {
  console.log(
    '\nOurs against the fastest peer (total ops over total time, warm-up excluded; for L1 hits,' +
      ' the fastest peer with an in-process tier)\n',
  )
  console.log('| scenario | ours ops/s | fastest peer | its ops/s | ours ÷ fastest peer |')
  console.log('| --- | ---: | --- | ---: | ---: |')
  for (const { scenario, rows, l1Only } of summaries) {
    const ours = rows.find((r) => r.contender.ours)
    const peers = rows.filter((r) => !r.contender.ours && (r.contender.hasL1 || !l1Only))
    if (ours === undefined || peers.length === 0) continue
    const best = peers.reduce((a, b) => (b.opsPerSecond > a.opsPerSecond ? b : a))
    const ratio = (ours.opsPerSecond / best.opsPerSecond).toFixed(2)
    console.log(
      `| ${scenario} | ${formatOps(ours.opsPerSecond)} | ${best.contender.name} | ${formatOps(best.opsPerSecond)} | ${ratio}x |`,
    )
  }
}

/** Prints the checks and notes; whether every check passed. */
function report(): boolean {
  const failed = checks.filter((c) => !c.ok)
  console.log(`\nChecks: ${checks.length - failed.length} passed, ${failed.length} failed\n`)
  for (const c of checks) {
    console.log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.scenario} · ${c.contender}: ${c.what}`)
  }
  for (const c of chosen) {
    if (!c.hasL1) notes.push(`${c.name} has no in-process tier on Redis: its L1 hits read Redis`)
  }
  if (notes.length > 0) console.log(`\nNotes:\n${notes.map((n) => `- ${n}`).join('\n')}`)
  return failed.length === 0
}

/** BENCH_CONTENDERS=ours,acd races those only (by tag; for profiling one of them): all by default. */
const pickedTags = process.env.BENCH_CONTENDERS?.split(',').map((tag) => tag.trim())
const chosen = contenders.filter((c) => pickedTags === undefined || pickedTags.includes(c.tag))

const SCENARIOS: readonly [string, (setup: Setup, admin: Admin) => Promise<Summary>][] = [
  ['l1', l1Hits],
  ['l2', l2Hits],
  ['miss', misses],
  ['stampede', stampedes],
]

/** BENCH_SCENARIOS=l2,miss runs those only; all by default. */
const only = process.env.BENCH_SCENARIOS?.split(',').map((name) => name.trim())

async function main(): Promise<void> {
  const started = performance.now()
  const server = await startRedisServer()
  const stop = (): void => {
    void server.stop('SIGKILL').finally(() => process.exit(130))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const watchdog = setTimeout(() => {
    console.error(`\nThe benchmark took over ${DEADLINE_MS / 1_000} s: stopping it.`)
    stop()
  }, DEADLINE_MS)
  const admin = openAdmin(server.url)
  admin.on('error', () => {})
  try {
    await admin.connect()
    const setup: Setup = { host: '127.0.0.1', port: server.port, ttlMs: TTL_MS, l1Size: L1_SIZE }
    const gc =
      (globalThis as { gc?: unknown }).gc === undefined
        ? ''
        : `, a ${FULL_GC ? 'full' : 'young-generation'} GC between contenders`
    console.log(
      `Shared tier on a private redis-server (loopback), Node ${process.version}: ` +
        `${ROUNDS} rounds of ${ROUND_MS} ms per contender (stampede ${ROUND_MS * 2} ms) after ` +
        `${WARMUP_ROUNDS === 1 ? 'a warm-up round' : `${WARMUP_ROUNDS} warm-up rounds`}, ttl ${TTL_MS / 1_000} s, L1 of ${L1_SIZE.toLocaleString('en-US')} entries${gc}`,
    )
    const summaries: Summary[] = []
    for (const [name, scenario] of SCENARIOS) {
      if (only === undefined || only.includes(name)) summaries.push(await scenario(setup, admin))
    }
    summary(summaries)
    if (!report()) process.exitCode = 1
    console.log(`\nTook ${((performance.now() - started) / 1_000).toFixed(1)} s`)
  } finally {
    clearTimeout(watchdog)
    admin.destroy()
    await server.stop()
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

await main()
