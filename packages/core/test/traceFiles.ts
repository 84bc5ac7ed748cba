// The eight public block traces of the LIRS paper (multi1-3, sprite, cpp, cs, ps, 2_pools) and the
// reference hit ratios their README gives. The traces live outside the repository, in a `shared`
// folder beside the clone (`../shared/traces` from the repository root in CI); set
// CACHE_TRACES_DIR to use another copy.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One trace, the cache sizes its README reports, and the reference values there (percent). */
export interface TraceReference {
  name: string
  sizes: number[]
  lru: number[]
  arc: number[]
  opt: number[]
}

/** The reference table of the traces' README: LRU, ARC (Megiddo and Modha) and Belady's OPT. */
export const TRACE_REFERENCES: readonly TraceReference[] = [
  {
    name: 'multi1',
    sizes: [250, 500, 1000, 2000],
    lru: [42.86, 46.51, 48.23, 83.21],
    arc: [48.18, 49.39, 49.75, 83.23],
    opt: [52.48, 58.78, 71.4, 83.57],
  },
  {
    name: 'multi2',
    sizes: [250, 500, 1000, 2000],
    lru: [24.1, 35.98, 47.8, 49.0],
    arc: [34.22, 39.49, 50.75, 64.26],
    opt: [46.6, 53.6, 62.16, 74.65],
  },
  {
    name: 'multi3',
    sizes: [250, 500, 1000, 2000],
    lru: [17.76, 32.65, 37.7, 44.59],
    arc: [30.34, 36.35, 44.41, 46.72],
    opt: [41.99, 48.88, 56.28, 68.78],
  },
  {
    name: 'sprite',
    sizes: [100, 250, 500, 1000],
    lru: [21.58, 48.84, 78.3, 90.64],
    arc: [25.66, 51.19, 77.37, 89.7],
    opt: [50.8, 74.48, 87.88, 93.24],
  },
  {
    name: 'cpp',
    sizes: [50, 100, 200],
    lru: [9.26, 69.71, 82.16],
    arc: [33.82, 77.04, 84.97],
    opt: [62.76, 82.51, 85.98],
  },
  {
    name: 'cs',
    sizes: [250, 500, 1000],
    lru: [1.83, 1.83, 1.83],
    arc: [1.83, 1.83, 1.83],
    opt: [16.58, 31.32, 60.82],
  },
  {
    name: 'ps',
    sizes: [250, 500, 1000],
    lru: [13.06, 48.55, 48.55],
    arc: [16.8, 52.59, 52.59],
    opt: [53.31, 58.1, 67.67],
  },
  {
    name: '2_pools',
    sizes: [250, 500, 1000],
    lru: [41.71, 51.06, 54.41],
    arc: [50.63, 51.88, 54.33],
    opt: [57.91, 62.84, 68.52],
  },
]

/**
 * The folder holding the traces: CACHE_TRACES_DIR if set, else the first `shared/traces` found
 * beside the repository root or any folder above it, else `undefined`.
 */
export function findTraceDir(): string | undefined {
  const fromEnv = process.env.CACHE_TRACES_DIR
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv)
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
  for (let dir = repoRoot; ; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'traces')
    if (existsSync(join(candidate, 'README.md'))) return candidate
    if (dirname(dir) === dir) return undefined
  }
}

/**
 * Reads a trace in the LIRS format: one block number a line; blank lines and `*` (checkpoint)
 * lines skipped; each line trimmed.
 */
export function readLirsTrace(dir: string, name: string): Int32Array {
  const keys: number[] = []
  for (const raw of readFileSync(join(dir, `${name}.trace`), 'utf8').split('\n')) {
    const line = raw.trim()
    if (line === '' || line === '*') continue
    const key = Number(line)
    if (!Number.isSafeInteger(key)) throw new Error(`${name}.trace: not a block number: "${line}"`)
    keys.push(key)
  }
  return Int32Array.from(keys)
}
