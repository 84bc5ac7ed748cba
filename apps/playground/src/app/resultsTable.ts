// The results table: one row per policy and cache size.
import { formatCount, formatPercent, formatRate } from '../sim/format.js'
import type { SimulationReport } from '../sim/results.js'
import type { SweepRow } from '../sim/sweep.js'
import { byId, element } from './dom.js'

/** Fills the results table. */
export class ResultsTable {
  private readonly body: HTMLTableSectionElement
  private readonly caption = byId('results-caption', HTMLElement)

  constructor() {
    const body = byId('results', HTMLTableElement).tBodies[0]
    if (body === undefined) throw new Error('the results table has no <tbody>')
    this.body = body
  }

  /** Shows `rows` of a run of `report`'s trace; `final` is false while the run goes on. */
  show(
    report: Pick<SimulationReport, 'workload' | 'requests' | 'distinctKeys'>,
    rows: SweepRow[],
    final: boolean,
  ): void {
    this.caption.textContent =
      `${report.workload}: ${formatCount(report.requests)} requests, ` +
      `${formatCount(report.distinctKeys)} distinct keys` +
      (final ? '' : ' (running…)')
    this.body.replaceChildren(
      ...rows.map((row) => {
        const tr = element('tr', undefined, {
          'data-policy': row.policy,
          'data-size': String(row.size),
        })
        tr.append(
          element('td', row.policy),
          element('td', formatCount(row.size)),
          element('td', formatPercent(row.hitRatio)),
          element('td', formatCount(row.hits)),
          element('td', formatCount(row.misses)),
          element('td', formatCount(row.evictions)),
          element('td', final ? formatRate(row.opsPerSecond) : '…'),
        )
        return tr
      }),
    )
  }

  /** Empties the table, with a note. */
  clear(note: string): void {
    this.caption.textContent = note
    this.body.replaceChildren()
  }
}
