// Hit ratio against cache size, one line per policy, drawn with uPlot on a canvas.
import type { SimulationPolicyName } from '@cache/core'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

import { formatCount } from '../sim/format.js'
import type { SweepRow } from '../sim/sweep.js'
import { byId } from './dom.js'
import { plotData } from './plotData.js'

/** One colour per policy, the same on every run so lines can be compared across runs. */
const COLORS: Readonly<Record<SimulationPolicyName, string>> = {
  lru: '#2563eb',
  lfu: '#16a34a',
  fifo: '#9ca3af',
  sieve: '#ea580c',
  s3fifo: '#9333ea',
  tinylfu: '#dc2626',
  // The limit, not a contender: black and dashed.
  opt: '#111827',
}

/** The plot above the results table. */
export class ResultsPlot {
  private readonly container = byId('plot', HTMLDivElement)
  private plot: uPlot | undefined
  private shape = ''

  constructor() {
    addEventListener('resize', () => {
      this.plot?.setSize(this.size())
    })
  }

  /** Draws `rows`; the plot is rebuilt only when the policies or sizes change. */
  show(
    policies: readonly SimulationPolicyName[],
    sizes: readonly number[],
    rows: readonly SweepRow[],
  ): void {
    const data = plotData(policies, sizes, rows)
    const shape = `${policies.join()}|${sizes.join()}`
    if (this.plot !== undefined && shape === this.shape) {
      this.plot.setData(data)
      return
    }
    this.plot?.destroy()
    this.shape = shape
    this.plot = new uPlot(this.options(policies, sizes), data, this.container)
    this.container.dataset.series = policies.join(',')
  }

  private options(
    policies: readonly SimulationPolicyName[],
    sizes: readonly number[],
  ): uPlot.Options {
    const first = sizes[0] ?? 1
    const last = sizes.at(-1) ?? 1
    // A log axis when sizes span a decade or more, as they usually do (`100..10k:8`).
    const logX = last / first >= 10
    return {
      ...this.size(),
      scales: {
        // Exactly the swept sizes: uPlot would otherwise round a log axis out to whole decades.
        x: {
          time: false,
          // uPlot's Distr is an ambient const enum, which per-file compilers (Vite) cannot
          // inline, so its values are written out: 3 is Logarithmic, 1 Linear.
          // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
          distr: logX ? 3 : 1,
          range: (_, min, max) => (min === max ? [min / 2, max * 2] : [min, max]),
        },
        y: { range: [0, 100] },
      },
      axes: [
        {
          label: 'cache size (entries)',
          // Ticks at the swept sizes themselves (at most 10 of them), not at round numbers.
          splits: () => ticksOf(sizes),
          // Keep every split: on a log scale uPlot would blank all but the powers of ten.
          filter: (_, splits) => splits,
          values: (_, ticks) => ticks.map((tick) => formatCompact(tick)),
        },
        { label: 'hit ratio', values: (_, ticks) => ticks.map((tick) => `${tick}%`) },
      ],
      series: [
        {
          label: 'size',
          value: (_: uPlot, value: number | null) => (value === null ? '–' : formatCount(value)),
        },
        ...policies.map((policy) => ({
          label: policy,
          stroke: COLORS[policy],
          width: 2,
          ...(policy === 'opt' && { dash: [6, 4] }),
          points: { show: true, size: 6 },
          value: (_: uPlot, value: number | null) =>
            value === null ? '–' : `${value.toFixed(2)}%`,
        })),
      ],
      legend: { live: true },
    }
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(320, this.container.clientWidth), height: 360 }
  }
}

/** At most 10 of `sizes`, evenly picked, the first and last always included. */
function ticksOf(sizes: readonly number[]): number[] {
  if (sizes.length <= 10) return [...sizes]
  const step = (sizes.length - 1) / 9
  return Array.from({ length: 10 }, (_, i) => sizes[Math.round(i * step)]!)
}

/** `2500` → `2.5k`, `1000000` → `1M`: short tick labels. */
function formatCompact(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toPrecision(3)}M`
  if (value >= 1e3) return `${+(value / 1e3).toPrecision(3)}k`
  return String(value)
}
