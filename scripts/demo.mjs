// `npm run demo`: a text-only look at the policies, without the playground. Replays three
// synthetic workloads through every policy of @cache/core (used through its package name and
// built dist, as a user would) and prints the hit ratios.
import { createCache, loopTrace, POLICIES, scanMixTrace, simulate, zipfTrace } from '@cache/core'

const KEYS = 100_000
const workloads = [
  ['Zipf 0.99', zipfTrace({ length: 1_000_000, keys: KEYS, skew: 0.99 })],
  ['loop of 12k keys', loopTrace({ length: 600_000, keys: 12_000 })],
  ['hot set + scans', scanMixTrace({ length: 1_000_000, keys: KEYS, hotKeys: 5_000 })],
]
const sizes = [1_000, 10_000]

console.log('Hit ratio by policy, workload and cache size (1M requests per run).\n')
const header = [
  'policy',
  ...workloads.flatMap(([name]) => sizes.map((size) => `${name} @${size / 1000}k`)),
]
const rows = POLICIES.map((policy) => [
  policy,
  ...workloads.flatMap(([, trace]) =>
    sizes.map(
      (maxSize) =>
        (simulate(trace, createCache({ policy, maxSize })).hitRatio * 100).toFixed(1) + '%',
    ),
  ),
])
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (cells) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
console.log(line(header))
for (const row of rows) console.log(line(row))
