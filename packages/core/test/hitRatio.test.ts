// Hit ratios on deterministic traces: exact counts, so any change to a policy's decisions shows.
import { beforeAll, describe, expect, it } from 'vitest'

import {
  createCache,
  loopTrace,
  POLICIES,
  simulate,
  zipfTrace,
  type PolicyName,
} from '../src/index.js'

// A textbook LRU: a Map from key to a node of a circular doubly linked list, most recent last.
// (A Map alone, deleting and re-inserting a key on every hit, is simpler but fills the Map's table
// with deleted entries: it took 3-15 s for this trace, the slowest part of the suite.)
interface LruNode {
  readonly key: number
  prev: LruNode
  next: LruNode
}

function referenceLruHits(trace: Int32Array, capacity: number): number {
  const nodes = new Map<number, LruNode>()
  const head = { key: -1 } as LruNode
  head.prev = head.next = head
  let hits = 0
  for (const key of trace) {
    let node = nodes.get(key)
    if (node !== undefined) {
      hits++
      node.prev.next = node.next
      node.next.prev = node.prev
    } else {
      if (nodes.size === capacity) {
        const lru = head.next
        head.next = lru.next
        lru.next.prev = head
        nodes.delete(lru.key)
      }
      node = { key } as LruNode
      nodes.set(key, node)
    }
    node.prev = head.prev
    node.next = head
    head.prev.next = node
    head.prev = node
  }
  return hits
}

function hitsOf(policy: PolicyName, trace: Int32Array, maxSize: number): number {
  return simulate(trace, createCache({ policy, maxSize } as { policy: 'lru'; maxSize: number }))
    .hits
}

describe('Zipf(0.99): 2M requests over 100k keys, 10k entries', () => {
  let trace: Int32Array
  const hits = new Map<PolicyName, number>()
  beforeAll(() => {
    trace = zipfTrace({ length: 2_000_000, keys: 100_000, skew: 0.99, seed: 1 })
    for (const policy of POLICIES) hits.set(policy, hitsOf(policy, trace, 10_000))
  })

  it("gives LRU exactly the reference LRU's hits", () => {
    expect(hits.get('lru')).toBe(referenceLruHits(trace, 10_000))
  })

  it('gives each policy its known hit count', () => {
    expect(Object.fromEntries(hits)).toEqual({
      lru: 1449209,
      lfu: 1539990,
      fifo: 1375903,
      sieve: 1540536,
      s3fifo: 1545699,
      tinylfu: 1556371,
    })
  })

  it('puts tinylfu at least 5 points above LRU', () => {
    const gap = (hits.get('tinylfu')! - hits.get('lru')!) / trace.length
    expect(gap).toBeGreaterThanOrEqual(0.05)
  })
})

describe('a loop of 15k keys over 10k entries', () => {
  const trace = loopTrace({ length: 300_000, keys: 15_000 })

  it('defeats LRU and FIFO completely', () => {
    expect(hitsOf('lru', trace, 10_000)).toBe(0)
    expect(hitsOf('fifo', trace, 10_000)).toBe(0)
  })

  it('leaves tinylfu and s3fifo a hit ratio above 0', () => {
    expect(hitsOf('tinylfu', trace, 10_000)).toBe(173404)
    expect(hitsOf('s3fifo', trace, 10_000)).toBe(129967)
  })
})
