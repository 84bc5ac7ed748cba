import { SIMULATION_POLICIES } from '@cache/core'
import { describe, expect, it } from 'vitest'

import { parsePolicies } from './policies.js'

describe('parsePolicies', () => {
  it('keeps the known order and drops duplicates', () => {
    expect(parsePolicies('tinylfu, LRU,lru')).toEqual(['lru', 'tinylfu'])
  })

  it('reads all as every policy, opt included', () => {
    expect(parsePolicies('all')).toEqual([...SIMULATION_POLICIES])
    expect(parsePolicies('all')).toContain('opt')
  })

  it('takes opt, the offline limit, after the cache policies', () => {
    expect(parsePolicies('opt,lru')).toEqual(['lru', 'opt'])
  })

  it('rejects an unknown policy, listing the known ones', () => {
    expect(() => parsePolicies('lru,arc')).toThrow(
      'unknown policy "arc"; the policies are lru, lfu, fifo, sieve, s3fifo, tinylfu, opt (or all)',
    )
  })

  it('rejects an empty list', () => {
    expect(() => parsePolicies(' , ')).toThrow('choose at least one policy')
  })
})
