// Turns result rows into uPlot's column layout. Kept apart from the plot so it is testable
// without a DOM.
import type { SimulationPolicyName } from '@cache/core'
import type uPlot from 'uplot'

import type { SweepRow } from '../sim/sweep.js'

/** The series of a plot: the sizes on x, then each policy's hit ratios in percent. */
export function plotData(
  policies: readonly SimulationPolicyName[],
  sizes: readonly number[],
  rows: readonly SweepRow[],
): uPlot.AlignedData {
  const ratios = new Map(rows.map((row) => [`${row.policy}@${row.size}`, row.hitRatio * 100]))
  return [
    [...sizes],
    ...policies.map((policy) => sizes.map((size) => ratios.get(`${policy}@${size}`) ?? null)),
  ]
}
