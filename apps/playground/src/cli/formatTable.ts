// The CLI's results table: aligned columns, numbers on the right.
import { formatCount, formatPercent, formatRate, formatTraceSummary } from '../sim/format.js'
import type { SimulationReport } from '../sim/results.js'

/** The report as a text table with a one-line summary of the trace above it. */
export function formatTable(report: SimulationReport): string {
  const header = ['policy', 'size', 'hit ratio', 'hits', 'misses', 'evictions', 'ops/s']
  const rows = report.rows.map((row) => [
    row.policy,
    formatCount(row.size),
    formatPercent(row.hitRatio),
    formatCount(row.hits),
    formatCount(row.misses),
    formatCount(row.evictions),
    formatRate(row.opsPerSecond),
  ])
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]!.length)),
  )
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()
  const summary = formatTraceSummary(report.workload, report)
  return [summary, '', line(header), ...rows.map(line)].join('\n') + '\n'
}
