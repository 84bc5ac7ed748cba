// pnpm bench: races each of our policies against lru-cache, mnemonist, quick-lru and a plain Map.
// Each policy runs in its own process, with the peers, on the same workloads: a process that
// uses one policy is what users run, and six policies in one process would make the shared base
// class's call sites megamorphic (the "mixed" run below shows what that costs). Each workload
// gets a process of its own too.
import { execFileSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { POLICIES } from '../src/index.js'

const here = dirname(fileURLToPath(import.meta.url))
const peers = ['lru-cache', 'mnemonist', 'quick-lru', 'Map']

function race(env: Record<string, string>, flag = '--json'): string {
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@cache/source', join(here, 'policyRace.ts'), flag],
    {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  return out.trim().split('\n').pop()!
}

type Results = [string, Record<string, number>][]

// Every workload of every policy in a process of its own: what one workload leaves behind (heap,
// compiled code) then never weighs on the next, and each figure is what a process that uses one
// cache this way sees.
const titles = JSON.parse(race({}, '--list')) as string[]
const perPolicy = POLICIES.map(
  (policy) =>
    [
      policy,
      titles.map(
        (title) =>
          (JSON.parse(race({ BENCH_POLICIES: policy, BENCH_WORKLOAD: title })) as Results)[0]!,
      ),
    ] as const,
)

for (const [w, title] of titles.entries()) {
  console.log(`\n### ${title}`)
  console.log(`| policy | Mops/s | ${peers.map((p) => `vs ${p}`).join(' | ')} |`)
  console.log(`| --- | ---: | ${peers.map(() => '---:').join(' | ')} |`)
  for (const [policy, results] of perPolicy) {
    const ops = results[w]![1]
    const ours = ops[`@cache/core ${policy}`]!
    console.log(
      `| ${policy} | ${(ours / 1e6).toFixed(2)} | ${peers.map((p) => `${(ours / ops[p]!).toFixed(2)}x`).join(' | ')} |`,
    )
  }
  const lruRun = perPolicy[0]![1][w]![1]
  console.log(
    `| (peers, Mops/s) | | ${peers.map((p) => (lruRun[p]! / 1e6).toFixed(2)).join(' | ')} |`,
  )
}

console.log('\n### Targets')
for (const [w, title] of titles.entries()) {
  const lru = perPolicy[0]![1][w]![1]
  const ours = lru['@cache/core lru']!
  const fastestPeer = Math.max(lru['lru-cache']!, lru.mnemonist!, lru['quick-lru']!)
  const modern = perPolicy
    .filter(([p]) => p === 'sieve' || p === 's3fifo' || p === 'tinylfu')
    .map(([p, r]) => `${p} ${(r[w]![1][`@cache/core ${p}`]! / r[w]![1]['lru-cache']!).toFixed(2)}x`)
  console.log(
    `- ${title}: lru / fastest LRU peer ${(ours / fastestPeer).toFixed(2)}x, Map / lru ${(lru.Map! / ours).toFixed(2)}x; vs lru-cache: ${modern.join(', ')}`,
  )
}

console.log('\n### Retained memory, 1M entries (bytes per entry, after GC)')
for (const which of ['lru-cache', ...POLICIES]) {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', '--conditions=@cache/source', join(here, 'heap.ts'), which],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const { bytesPerEntry } = JSON.parse(out.trim()) as { bytesPerEntry: number }
  console.log(`- ${which}: ${bytesPerEntry.toFixed(1)}`)
}

if (process.argv.includes('--mixed')) {
  console.log('\n### Mixed: all six policies in one process (shared base class call sites)')
  const mixed = JSON.parse(race({ BENCH_POLICIES: POLICIES.join(',') })) as Results
  for (const [title, ops] of mixed) {
    console.log(
      `- ${title}: ${POLICIES.map((p) => `${p} ${(ops[`@cache/core ${p}`]! / ops['lru-cache']!).toFixed(2)}x`).join(', ')} of lru-cache`,
    )
  }
}
