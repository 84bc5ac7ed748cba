import { describe, expect, it } from 'vitest'

import type { SweepRow } from '../sim/sweep.js'
import { plotData } from './plotData.js'

const row = (policy: SweepRow['policy'], size: number, hitRatio: number): SweepRow => ({
  policy,
  size,
  hitRatio,
  requests: 0,
  hits: 0,
  misses: 0,
  evictions: 0,
  seconds: 0,
  opsPerSecond: 0,
})

describe('plotData', () => {
  it('aligns each policy on the sizes, null where no result exists yet', () => {
    expect(
      plotData(
        ['lru', 'sieve'],
        [10, 100],
        [row('lru', 10, 0.25), row('lru', 100, 0.5), row('sieve', 100, 0.75)],
      ),
    ).toEqual([
      [10, 100],
      [25, 50],
      [null, 75],
    ])
  })
})
