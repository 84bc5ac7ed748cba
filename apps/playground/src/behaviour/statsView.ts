// Shows a cache's `stats()` snapshot as a definition list.
import type { CacheStats } from '@cache/decorators'

import { formatCount, formatPercent } from '../sim/format.js'

/** Fills `list` with the counters of `stats` that the demos make move. */
export function showStats(list: HTMLElement, stats: CacheStats): void {
  const items: [string, string][] = [
    ['hits', formatCount(stats.hits)],
    ['misses', formatCount(stats.misses)],
    ['hit ratio', formatPercent(stats.hitRatio)],
    ['dedup hits', formatCount(stats.dedupHits)],
    ['loads', formatCount(stats.loads)],
    ['load errors', formatCount(stats.loadErrors)],
    ['evictions', formatCount(stats.evictions)],
    ['expirations', formatCount(stats.expirations)],
    [
      'size',
      `${formatCount(stats.size)}${stats.maxSize === null ? '' : ` / ${formatCount(stats.maxSize)}`}`,
    ],
    ['avg load', `${stats.loadTime.avg.toFixed(1)} ms`],
    ['memory', stats.pretty],
  ]
  list.replaceChildren(
    ...items.flatMap(([name, value]) => {
      const term = document.createElement('dt')
      term.textContent = name
      const detail = document.createElement('dd')
      detail.textContent = value
      detail.dataset.stat = name
      return [term, detail]
    }),
  )
}
