import { scanMixTrace, zipfTrace } from '@cache/core'
import { describe, expect, it } from 'vitest'

import {
  countDistinct,
  describeWorkload,
  generateWorkload,
  validateWorkload,
  type WorkloadSpec,
} from './workload.js'

const spec: WorkloadSpec = { kind: 'zipf', keys: 500, length: 2000, skew: 0.8, seed: 3 }

describe('generateWorkload', () => {
  it("uses @cache/core's seeded generators", () => {
    expect(generateWorkload(spec)).toEqual(zipfTrace(spec))
    expect(generateWorkload({ ...spec, kind: 'scanmix' })).toEqual(scanMixTrace(spec))
    expect([...generateWorkload({ ...spec, kind: 'loop', keys: 3, length: 7 })]).toEqual([
      0, 1, 2, 0, 1, 2, 0,
    ])
    const uniform = generateWorkload({ ...spec, kind: 'uniform' })
    expect(uniform).toHaveLength(2000)
    expect(Math.max(...uniform)).toBeLessThan(500)
  })

  it.each<[Partial<WorkloadSpec>, string]>([
    [{ keys: 0 }, 'keys must be an integer from 1 to 16,000,000, got: 0'],
    [{ length: 1.5 }, 'length must be an integer from 1 to 50,000,000, got: 1.5'],
    [{ skew: -1 }, 'skew must be a number from 0 to 10, got: -1'],
    [{ seed: Number.NaN }, 'seed must be an integer'],
    [{ kind: 'scanmix', keys: 1 }, 'keys must be an integer from 2'],
  ])('rejects %j', (change, message) => {
    expect(() => validateWorkload({ ...spec, ...change })).toThrow(message)
  })
})

describe('describeWorkload', () => {
  it('names the kind and its parameters', () => {
    expect(describeWorkload(spec)).toBe('Zipf 0.8, 500 keys, 2,000 requests, seed 3')
    expect(describeWorkload({ ...spec, kind: 'loop' })).toBe(
      'Looping scan, 500 keys, 2,000 requests',
    )
  })
})

describe('countDistinct', () => {
  it('counts distinct keys', () => {
    expect(countDistinct(Int32Array.from([3, 1, 3, 0, 1]), 4)).toBe(3)
  })
})
