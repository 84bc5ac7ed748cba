// pnpm bench:traces: the hit ratio of every policy, OPT beside, on the eight public LIRS traces,
// as the Markdown table of BENCHMARKS.md (ARC from the traces' README, for comparison).
import { createCache, POLICIES, simulate, SIMULATION_POLICIES } from '../src/index.js'
import { findTraceDir, readLirsTrace, TRACE_REFERENCES } from '../test/traceFiles.js'

const dir = findTraceDir()
if (dir === undefined) {
  console.error('traces not found: set CACHE_TRACES_DIR to the folder holding multi1.trace, …')
  process.exit(1)
}
const json = process.argv.includes('--json')
const percent = (hits: number, requests: number): string => ((100 * hits) / requests).toFixed(2)
const hitCounts: Record<string, Record<string, number>> = {}
if (!json) {
  console.log(`| trace | size | ${POLICIES.join(' | ')} | ARC | OPT |`)
  console.log(`| --- | ---: | ${POLICIES.map(() => '---:').join(' | ')} | ---: | ---: |`)
}
for (const { name, sizes, arc } of TRACE_REFERENCES) {
  const trace = readLirsTrace(dir, name)
  for (const [i, maxSize] of sizes.entries()) {
    const hits = Object.fromEntries(
      SIMULATION_POLICIES.map((policy) => [
        policy,
        simulate(
          trace,
          policy === 'opt'
            ? { policy, maxSize }
            : createCache({ policy, maxSize } as { policy: 'lru'; maxSize: number }),
        ).hits,
      ]),
    )
    hitCounts[`${name}@${maxSize}`] = hits
    if (json) continue
    const best = Math.max(...POLICIES.map((policy) => hits[policy]!))
    const cells = POLICIES.map((policy) => {
      const cell = percent(hits[policy]!, trace.length)
      return hits[policy] === best ? `**${cell}**` : cell
    })
    console.log(
      `| ${name} | ${maxSize} | ${cells.join(' | ')} | ${arc[i]!.toFixed(2)} | ${percent(hits.opt!, trace.length)} |`,
    )
  }
}
if (json) console.log(JSON.stringify(hitCounts, null, 2))
