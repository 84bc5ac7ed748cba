// pnpm bench:otel-instructions: what telemetry costs a hit in instructions, which unlike time do
// not depend on what else the machine runs. Each configuration (bench/instructionsWorkload.ts,
// bundled so that node loads one plain file) runs under `valgrind --tool=callgrind` twice, with
// no measured hits and with HITS of them; the difference over HITS is one hit's instructions,
// the garbage collector's included. Node runs with V8's `--predictable` (compiling and collecting
// on the main thread, no timed heuristics) and fixed hash and random seeds: two runs of one
// configuration then differ by about 0.01% of their total, under half an instruction per hit.
// The count does not depend on load, so two runs go at once.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { COLLECT_EVERY, PATHS, VARIANTS, WARM_UP_HITS } from './instructionsConfig.js'
import { buildWorkload } from './workloadBundle.js'

const HITS = Number(process.env.INSTRUCTION_HITS ?? 400_000)
const PARALLEL = Number(process.env.INSTRUCTION_JOBS ?? 2)
const NODE_FLAGS = ['--predictable', '--hash-seed=1', '--random-seed=1']
/** `BENCH_VARIANTS=off,metrics` measures a subset (`off` is always measured). */
const only = process.env.BENCH_VARIANTS?.split(',')
/** `BENCH_PATHS='cached(async fn)'` measures one hit path. */
const paths = process.env.BENCH_PATHS?.split(',') ?? PATHS

const packageDir = fileURLToPath(new URL('..', import.meta.url))
// Under node_modules, so that the bundle resolves @opentelemetry/* from the package's own.
const outDir = `${packageDir}node_modules/.cache/instructions-${process.pid}`

/** Instructions of one run of the workload (callgrind's total). */
function instructions(path: string, variant: string, hits: number): Promise<number> {
  const args = [
    '--tool=callgrind',
    '--cache-sim=no',
    '--callgrind-out-file=/dev/null',
    process.execPath,
    ...NODE_FLAGS,
    `${outDir}/hits.js`,
    path,
    variant,
    String(hits),
  ]
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const collected = /Collected : (\d+)/.exec(stderr)
      if (code === 0 && collected !== null) resolve(Number(collected[1]))
      else reject(new Error(`${path}, ${variant}, ${hits} hits (exit ${code}): ${stderr}`))
    })
  })
}

/** Runs `jobs` with at most PARALLEL at once; their results in order. */
async function pool<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++
      results[i] = await jobs[i]!()
    }
  }
  await Promise.all(Array.from({ length: PARALLEL }, worker))
  return results
}

async function main(): Promise<void> {
  if (spawnSync('valgrind', ['--version']).status !== 0) {
    console.log('valgrind is not installed: no instruction count (apt-get install valgrind)')
    return
  }
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  await buildWorkload(outDir)
  const configs = PATHS.filter((p) => paths.includes(p)).flatMap((path) =>
    VARIANTS.filter((v) => v === 'off' || only === undefined || only.includes(v)).map(
      (variant) => ({ path, variant }),
    ),
  )
  const counts = await pool(
    configs.flatMap(({ path, variant }) => [
      () => instructions(path, variant, 0),
      () => instructions(path, variant, HITS),
    ]),
  )
  rmSync(outDir, { recursive: true, force: true })
  console.log(
    `Instructions per hit (callgrind; Node ${process.version} ${NODE_FLAGS.join(' ')}; ` +
      `${HITS.toLocaleString('en')} hits after ${WARM_UP_HITS.toLocaleString('en')} of warm-up, ` +
      `GC included; metrics collected every ${COLLECT_EVERY.toLocaleString('en')} hits)\n`,
  )
  console.log('| hit path | configuration | instructions per hit | against off |')
  console.log('| --- | --- | ---: | ---: |')
  const off = new Map<string, number>()
  configs.forEach(({ path, variant }, i) => {
    const perHit = (counts[2 * i + 1]! - counts[2 * i]!) / HITS
    if (variant === 'off') off.set(path, perHit)
    const ratio = perHit / off.get(path)! - 1
    const against = variant === 'off' ? '' : `${ratio >= 0 ? '+' : ''}${(ratio * 100).toFixed(1)}%`
    console.log(`| ${path} | ${variant} | ${perHit.toFixed(1)} | ${against} |`)
  })
}

await main()
