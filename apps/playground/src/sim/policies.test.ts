import { POLICIES } from '@cache/core'
import { describe, expect, it } from 'vitest'

import { parsePolicies } from './policies.js'

describe('parsePolicies', () => {
  it('keeps the known order and drops duplicates', () => {
    expect(parsePolicies('tinylfu, LRU,lru')).toEqual(['lru', 'tinylfu'])
  })

  it('reads all as every policy', () => {
    expect(parsePolicies('all')).toEqual([...POLICIES])
  })

  it('rejects an unknown policy, listing the known ones', () => {
    expect(() => parsePolicies('lru,arc')).toThrow(
      'unknown policy "arc"; the policies are lru, lfu, fifo, sieve, s3fifo, tinylfu (or all)',
    )
  })

  it('rejects an empty list', () => {
    expect(() => parsePolicies(' , ')).toThrow('choose at least one policy')
  })
})
