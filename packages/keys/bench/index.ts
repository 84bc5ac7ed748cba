// Races stableHash against its peers in one process on the same inputs: safe-stable-stringify
// (the target: be at least as fast on every shape), the same plus a hash (what a key needs),
// object-hash, and JSON.stringify (not canonical: a floor for comparison). `pnpm bench`.
import objectHash from 'object-hash'
import safeStableStringify from 'safe-stable-stringify'
import { Bench } from 'tinybench'

import { keyTemplate, makeKey, stableHash } from '@cache/keys'

import { hash128 } from '../src/hash128.js'

const small = { id: 42, name: 'ann', active: true, role: 'admin' }

/** About 1 KB of JSON: nested objects, arrays, strings and numbers. */
function nested(): unknown {
  return {
    user: { id: 7, name: 'Ann Example', email: 'ann@example.com', roles: ['admin', 'dev'] },
    filters: { from: '2024-01-01', to: '2024-12-31', status: ['open', 'closed'], limit: 50 },
    items: Array.from({ length: 12 }, (_, i) => ({
      sku: `SKU-${1000 + i}`,
      qty: i + 1,
      price: 9.99 * (i + 1),
      tags: ['a', 'b', `t${i}`],
    })),
    meta: { version: 3, source: 'web', flags: { beta: true, dark: false } },
  }
}
const big = nested()

const shapes: [string, unknown][] = [
  ['small primitive (42)', 42],
  ['short string', 'user-12345'],
  ['small object (4 keys)', small],
  [`nested object (${JSON.stringify(big).length} B of JSON)`, big],
]

let sink = 0
const keep = (value: unknown): number => (sink += typeof value === 'string' ? value.length : 1)

for (const [shape, value] of shapes) {
  const bench = new Bench({ time: 700, warmupTime: 200 })
  bench
    .add('stableHash', () => keep(stableHash(value)))
    .add('safe-stable-stringify', () => keep(safeStableStringify(value)))
    .add('safe-stable-stringify + hash', () => keep(hash128(safeStableStringify(value) ?? '')))
    .add('object-hash', () => keep(objectHash(value as object)))
    .add('JSON.stringify', () => keep(JSON.stringify(value)))
  if (typeof value !== 'object') bench.add('makeKey([arg])', () => keep(makeKey([value])))
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
