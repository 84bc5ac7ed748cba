// Races stableHash against its peers in one process on the same inputs: safe-stable-stringify
// (the target: be at least as fast on every shape), the same plus a hash (what a key needs),
// object-hash, and JSON.stringify (not canonical: a floor for comparison). `pnpm bench`.
//
// Every task cycles through the same 1024 different values of a shape (fewer where the type has
// fewer values: booleans, null and undefined), so no contender is timed on one value over and over,
// where a cache (V8's, or a memo) would do the work.
import objectHash from 'object-hash'
import safeStableStringify from 'safe-stable-stringify'
import { Bench } from 'tinybench'

import { keyTemplate, makeKey, stableHash } from '@cache/keys'

import { hash128 } from '../src/hash128.js'

const N = 1024
const many = <T>(make: (i: number) => T): T[] => Array.from({ length: N }, (_, i) => make(i))

/** About 1 KB of JSON: nested objects, arrays, strings and numbers. */
function nested(n: number): unknown {
  return {
    user: { id: n, name: 'Ann Example', email: `ann${n}@example.com`, roles: ['admin', 'dev'] },
    filters: { from: '2024-01-01', to: '2024-12-31', status: ['open', 'closed'], limit: 50 },
    items: Array.from({ length: 12 }, (_, i) => ({
      sku: `SKU-${1000 + i}`,
      qty: i + 1 + n,
      price: 9.99 * (i + 1),
      tags: ['a', 'b', `t${i}`],
    })),
    meta: { version: 3, source: 'web', flags: { beta: true, dark: false } },
  }
}
const bigs = many(nested)

const shapes: [string, readonly unknown[]][] = [
  ['integer (ids up to 100000)', many((i) => (i * 7919) % 100_000)],
  ['float (prices, 2 decimals)', many((i) => Math.round(i * 137 + 99) / 100)],
  ['short string (user-0 to user-1023)', many((i) => `user-${i}`)],
  ['boolean', [true, false]],
  ['null and undefined', [null, undefined]],
  ['bigint', many((i) => BigInt(i) * 1_000_003n)],
  ['small object (4 keys)', many((i) => ({ id: i, name: `ann${i}`, active: true, role: 'admin' }))],
  [`nested object (${JSON.stringify(bigs[0]).length} B of JSON)`, bigs],
]

let sink = 0
const keep = (value: unknown): number => (sink += typeof value === 'string' ? value.length : 1)

for (const [shape, values] of shapes) {
  // A power of two, so that `i & mask` cycles through the values at the cost of one AND.
  const mask = values.length - 1
  let i = 0
  const bench = new Bench({ time: 700, warmupTime: 200 })
  bench
    .add('stableHash', () => keep(stableHash(values[i++ & mask])))
    .add('safe-stable-stringify', () => keep(safeStableStringify(values[i++ & mask])))
    .add('safe-stable-stringify + hash', () =>
      keep(hash128(safeStableStringify(values[i++ & mask]) ?? '')),
    )
  // object-hash throws on undefined, and JSON.stringify on a bigint.
  if (!values.includes(undefined))
    bench.add('object-hash', () => keep(objectHash(values[i++ & mask] as object)))
  if (typeof values[0] !== 'bigint')
    bench.add('JSON.stringify', () => keep(JSON.stringify(values[i++ & mask])))
  if (typeof values[0] !== 'object' || values[0] === null)
    bench.add('makeKey([arg])', () => keep(makeKey([values[i++ & mask]])))
  await bench.run()

  const opsOf = (name: string): number => {
    const result = bench.getTask(name)?.result
    return result?.state === 'completed' ? result.throughput.mean : Number.NaN
  }
  const ours = opsOf('stableHash')
  console.log(`\n${shape}`)
  console.table(
    bench.tasks.map((task) => ({
      task: task.name,
      'ops/s': Math.round(opsOf(task.name)).toLocaleString('en-US'),
      'stableHash / this': (ours / opsOf(task.name)).toFixed(2),
    })),
  )
}
// keyTemplate against the template literal one would write by hand (which escapes nothing).
{
  const user = { id: 7, org: { slug: 'acme' } }
  const compiled = keyTemplate('org:{user.org.slug}:user:{user.id}', { paramNames: ['user'] })
  const byHand = (u: typeof user) => `org:${u.org.slug}:user:${u.id}`
  const bench = new Bench({ time: 700, warmupTime: 200 })
  bench
    .add('keyTemplate', () => keep(compiled(user)))
    .add('template literal', () => keep(byHand(user)))
  await bench.run()
  console.log('\nkeyTemplate, two paths')
  console.table(
    bench.tasks.map((task) => ({
      task: task.name,
      'ops/s':
        task.result.state === 'completed'
          ? Math.round(task.result.throughput.mean).toLocaleString('en-US')
          : task.result.state,
    })),
  )
}
if (sink === 0) console.log('')
