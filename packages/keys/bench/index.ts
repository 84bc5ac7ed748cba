// Races stableHash against its peers in one process on the same inputs: safe-stable-stringify
// (the target: be at least as fast on every shape), the same plus a hash (what a key needs),
// object-hash, and JSON.stringify (not canonical: a floor for comparison). `pnpm bench`.
//
// Every task cycles through the same 1024 different values of a shape (fewer where the type has
// fewer values: booleans, null and undefined), so no contender is timed on one value over and over,
// where a cache (V8's, or a memo) would do the work. Contenders alternate in short rounds and
// each one's figure is its mean time per call over all of them, GC included (race.ts); ratios
// are the peer's time over stableHash's (above 1: stableHash is faster). BENCH_SHAPE=<text> runs
// only the shapes whose name holds it.
import objectHash from 'object-hash'
import safeStableStringify from 'safe-stable-stringify'

import { keyTemplate, makeKey, stableHash } from '@cache/keys'

import { hash128 } from '../src/hash128.js'

import { type Contender, race } from './race.js'

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
  [
    'query object ({ userId, filter: { status, tags: [3] }, page, sort })',
    many((i) => ({
      userId: 1000 + i,
      filter: { status: i % 2 === 0 ? 'open' : 'closed', tags: [i % 7, i % 11, i % 13] },
      page: i % 10,
      sort: '-createdAt',
    })),
  ],
  [`nested object (${JSON.stringify(bigs[0]).length} B of JSON)`, bigs],
]

const contenders = (values: readonly unknown[]): Contender[] => {
  // A power of two, so that `i & mask` cycles through the values at the cost of one AND.
  const mask = values.length - 1
  const list: Contender[] = [
    { name: 'stableHash', run: (i) => stableHash(values[i & mask]) },
    { name: 'safe-stable-stringify', run: (i) => safeStableStringify(values[i & mask]) },
    {
      name: 'safe-stable-stringify + hash',
      run: (i) => hash128(safeStableStringify(values[i & mask]) ?? ''),
    },
  ]
  // object-hash throws on undefined, and JSON.stringify on a bigint.
  if (!values.includes(undefined))
    list.push({ name: 'object-hash', run: (i) => objectHash(values[i & mask] as object) })
  if (typeof values[0] !== 'bigint')
    list.push({ name: 'JSON.stringify', run: (i) => JSON.stringify(values[i & mask]) })
  if (typeof values[0] !== 'object' || values[0] === null)
    list.push({ name: 'makeKey([arg])', run: (i) => makeKey([values[i & mask]]) })
  return list
}

const only = process.env.BENCH_SHAPE
console.log(
  '| input | stableHash ns/call | ' +
    'vs safe-stable-stringify | vs sss + hash | vs object-hash | vs JSON.stringify | makeKey([arg]) ns/call |',
)
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |')
for (const [shape, values] of shapes) {
  if (only !== undefined && !shape.includes(only)) continue
  const ns = race(contenders(values))
  const ours = ns.get('stableHash')!
  const vs = (name: string): string => {
    const theirs = ns.get(name)
    return theirs === undefined ? '-' : (theirs / ours).toFixed(2)
  }
  const makeKeyNs = ns.get('makeKey([arg])')
  console.log(
    `| ${shape} | ${ours.toFixed(1)} | ${vs('safe-stable-stringify')} | ${vs('safe-stable-stringify + hash')} | ` +
      `${vs('object-hash')} | ${vs('JSON.stringify')} | ${makeKeyNs === undefined ? '-' : makeKeyNs.toFixed(1)} |`,
  )
}
// keyTemplate against the template literal one would write by hand (which escapes nothing).
{
  const user = { id: 7, org: { slug: 'acme' } }
  const compiled = keyTemplate('org:{user.org.slug}:user:{user.id}', { paramNames: ['user'] })
  const byHand = (u: typeof user): string => `org:${u.org.slug}:user:${u.id}`
  const ns = race([
    { name: 'keyTemplate', run: () => compiled(user) },
    { name: 'template literal', run: () => byHand(user) },
  ])
  console.log('\nkeyTemplate, two paths (ns/call)')
  for (const [name, time] of ns) console.log(`${name}: ${time.toFixed(1)}`)
}
