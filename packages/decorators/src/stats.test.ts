import { describe, expect, it } from 'vitest'

import { estimateBytes, formatBytes } from './stats.js'

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1_000, '1.0 kB'],
    [1_500, '1.5 kB'],
    [12_345, '12 kB'],
    [1_234_567, '1.2 MB'],
    [5_000_000_000, '5.0 GB'],
    [7e15, '7000 TB'],
  ])('formats %d as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

describe('estimateBytes', () => {
  it('sizes primitives', () => {
    expect([
      estimateBytes(1),
      estimateBytes(true),
      estimateBytes(undefined),
      estimateBytes('abcd'),
    ]).toEqual([8, 0, 0, 24])
  })

  it('counts containers and their contents, shared objects once', () => {
    const shared = { a: 1 } // 16 + 8 + 8
    expect(estimateBytes(shared)).toBe(32)
    expect(estimateBytes([shared, shared])).toBe(16 + 16 + 32)
    expect(estimateBytes(new Map([['k', 1]]))).toBe(16 + 24 + 18 + 8)
    expect(estimateBytes(new Uint8Array(100))).toBe(164)
  })

  it('terminates on cycles', () => {
    const node: { self?: unknown } = {}
    node.self = node
    expect(estimateBytes(node)).toBe(24)
  })
})
