// The results table: one row per policy and cache size.
import { formatCount, formatPercent, formatRate } from '../sim/format.js'
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

  /**
   * Shows `rows` of a run under `summary` (the trace, as `formatTraceSummary` puts it); `final`
   * is false while the run goes on.
   */
  show(summary: string, rows: SweepRow[], final: boolean): void {
    this.caption.textContent = final ? summary : `${summary} (running…)`
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
}
