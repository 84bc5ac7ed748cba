import { describe, expect, it } from 'vitest'

import { reportToCsv, reportToJson, type SimulationReport } from './results.js'

const report: SimulationReport = {
  workload: 'Zipf 0.9, 10 keys, 100 requests, seed 1',
  requests: 100,
  distinctKeys: 10,
  policies: ['lru'],
  sizes: [5],
  rows: [
    {
      policy: 'lru',
      size: 5,
      requests: 100,
      hits: 60,
      misses: 40,
      hitRatio: 0.6,
      evictions: 35,
      seconds: 0.0005,
      opsPerSecond: 200_000,
    },
  ],
}

describe('reportToCsv', () => {
  it('writes a header and one line per row', () => {
    expect(reportToCsv(report)).toBe(
      'policy,size,requests,hits,misses,hit_ratio,evictions,seconds,ops_per_second\n' +
        'lru,5,100,60,40,0.6,35,0.000500,200000\n',
    )
  })
})

describe('reportToJson', () => {
  it('round-trips', () => {
    expect(JSON.parse(reportToJson(report))).toEqual(report)
  })
})
