import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { FrequencySketch } from './frequencySketch.js'

describe('FrequencySketch', () => {
  it('never underestimates a count below the cap of 15 before aging', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { minLength: 1, maxLength: 400, size: 'max' }),
        (hashes) => {
          const sketch = new FrequencySketch(1000) // sample size 10,000: no halving here
          const counts = new Map<number, number>()
          for (const h of hashes) {
            sketch.increment(h)
            counts.set(h, (counts.get(h) ?? 0) + 1)
          }
          for (const [h, count] of counts) {
            expect(sketch.frequency(h)).toBeGreaterThanOrEqual(Math.min(count, 15))
            expect(sketch.frequency(h)).toBeLessThanOrEqual(15)
          }
        },
      ),
      { numRuns: 200 },
    )
  })

  it('estimates exactly when few keys are counted', () => {
    const sketch = new FrequencySketch(256)
    for (let i = 0; i < 7; i++) sketch.increment(42)
    sketch.increment(7)
    expect(sketch.frequency(42)).toBe(7)
    expect(sketch.frequency(7)).toBe(1)
    expect(sketch.frequency(12345)).toBe(0)
    for (let i = 0; i < 20; i++) sketch.increment(42)
    expect(sketch.frequency(42)).toBe(15)
  })

  it('halves every counter after 10 × capacity increments', () => {
    const sketch = new FrequencySketch(10) // sample size 100
    expect(sketch.sampleSize).toBe(100)
    for (let i = 0; i < 12; i++) sketch.increment(1)
    for (let h = 1000; h < 1087; h++) sketch.increment(h)
    // 12 + 87 = 99 additions: not yet.
    expect(sketch.frequency(1)).toBe(12)
    sketch.increment(5000)
    expect(sketch.frequency(1)).toBe(6)
  })

  it('forgets everything on clear', () => {
    const sketch = new FrequencySketch(256)
    sketch.increment(3)
    sketch.clear()
    expect(sketch.frequency(3)).toBe(0)
  })

  it('keeps every estimate when it grows, and its sample size', () => {
    const sketch = new FrequencySketch(256, 100_000)
    const hashes = Array.from({ length: 2000 }, (_, i) => Math.imul(i + 1, 0x9e3779b1))
    hashes.forEach((hash, i) => {
      for (let n = 0; n <= i % 5; n++) sketch.increment(hash)
    })
    const before = hashes.map((hash) => sketch.frequency(hash))
    expect(sketch.grow(100)).toBe(false)
    expect(sketch.grow(5000)).toBe(true)
    expect(hashes.map((hash) => sketch.frequency(hash))).toEqual(before)
    expect(sketch.sampleSize).toBe(1_000_000)
  })
})
