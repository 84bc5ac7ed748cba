// pnpm bench:otel-processes: what telemetry costs a hit in time, each configuration alone in its
// own process (bench/instructionsWorkload.ts, bundled), so that no configuration shares a process,
// a JIT profile or a diagnostics channel with another, and none is favoured by being made first.
// Rounds rotate the order of the configurations; each run times HITS hits after the warm-up, GC
// included, with metrics collected by the reader's own timer every COLLECT_MS (600 times as often
// as OpenTelemetry's default minute). The figure is total time over all rounds against `off`'s, with the spread of the
// per-round ratios beside it.
import { spawn } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { PATHS, VARIANTS, WARM_UP_HITS } from './instructionsConfig.js'
import { buildWorkload } from './workloadBundle.js'

const HITS = Number(process.env.BENCH_HITS ?? 5_000_000)
/** How often metrics are collected: a tenth of a second, where exporters default to a minute. */
const COLLECT_MS = Number(process.env.BENCH_COLLECT_MS ?? 100)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6)

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const outDir = `${packageDir}node_modules/.cache/telemetry-processes-${process.pid}`

/** The measured hits' wall time (ns) of one run of the workload in a fresh process. */
function timeOf(path: string, variant: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${outDir}/hits.js`, path, variant, String(HITS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TIME_HITS: '1', COLLECT_MS: String(COLLECT_MS) },
    })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const ns = Number(out.trim())
      if (code === 0 && ns > 0) resolve(ns)
      else reject(new Error(`${path}, ${variant} (exit ${code}): ${err}`))
    })
  })
}

async function main(): Promise<void> {
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(outDir, { recursive: true })
  await buildWorkload(outDir)
  console.log(
    `Time per hit, each configuration in its own process (Node ${process.version}; ` +
      `${HITS.toLocaleString('en')} hits after ${WARM_UP_HITS.toLocaleString('en')} of warm-up, ` +
      `GC included; metrics collected every ${COLLECT_MS} ms; ${ROUNDS} rounds, order rotated ` +
      `each round)\n`,
  )
  console.log('| hit path | configuration | ns per hit | against off | per-round range |')
  console.log('| --- | --- | ---: | ---: | ---: |')
  for (const path of PATHS) {
    const totals = new Map<string, number>()
    const perRound: Map<string, number>[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const times = new Map<string, number>()
      for (let i = 0; i < VARIANTS.length; i++) {
        const variant = VARIANTS[(i + round) % VARIANTS.length]!
        const ns = await timeOf(path, variant)
        times.set(variant, ns)
        totals.set(variant, (totals.get(variant) ?? 0) + ns)
      }
      perRound.push(times)
    }
    const off = totals.get('off')!
    for (const variant of VARIANTS) {
      const total = totals.get(variant)!
      const perHit = total / (ROUNDS * HITS)
      if (variant === 'off') {
        console.log(`| ${path} | ${variant} | ${perHit.toFixed(1)} | | |`)
        continue
      }
      const ratios = perRound.map((t) => t.get(variant)! / t.get('off')!)
      const range = `${Math.min(...ratios).toFixed(3)}x - ${Math.max(...ratios).toFixed(3)}x`
      console.log(
        `| ${path} | ${variant} | ${perHit.toFixed(1)} | ${(total / off).toFixed(3)}x | ${range} |`,
      )
    }
  }
  rmSync(outDir, { recursive: true, force: true })
}

await main()
