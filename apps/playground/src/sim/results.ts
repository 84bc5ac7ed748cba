// A finished (or partial) run, and its CSV and JSON forms for download and the CLI's --json.
import type { SimulationPolicyName } from '@cache/core'

import type { SweepRow } from './sweep.js'

/** What was replayed, with which settings, and what came out. */
export interface SimulationReport {
  /** The trace: a workload description or a file name and format. */
  workload: string
  requests: number
  distinctKeys: number
  policies: SimulationPolicyName[]
  sizes: number[]
  rows: SweepRow[]
}

const CSV_COLUMNS = [
  'policy',
  'size',
  'requests',
  'hits',
  'misses',
  'hit_ratio',
  'evictions',
  'seconds',
  'ops_per_second',
] as const

/** The rows as CSV with a header line (RFC 4180, `\n` line ends). */
export function reportToCsv(report: SimulationReport): string {
  const lines = report.rows.map((row) =>
    [
      row.policy,
      row.size,
      row.requests,
      row.hits,
      row.misses,
      row.hitRatio,
      row.evictions,
      row.seconds.toFixed(6),
      Math.round(row.opsPerSecond),
    ].join(','),
  )
  return [CSV_COLUMNS.join(','), ...lines].join('\n') + '\n'
}

/** The whole report as indented JSON. */
export function reportToJson(report: SimulationReport): string {
  return JSON.stringify(report, null, 2) + '\n'
}
