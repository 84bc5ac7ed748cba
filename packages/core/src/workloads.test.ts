import { describe, expect, it } from 'vitest'

import { CacheConfigError } from './errors.js'
import { createRandom, loopTrace, scanMixTrace, uniformTrace, zipfTrace } from './workloads.js'

describe('workloads', () => {
  it('are the same for the same seed and differ for another', () => {
    expect(zipfTrace({ length: 50, keys: 100, skew: 1, seed: 3 })).toEqual(
      zipfTrace({ length: 50, keys: 100, skew: 1, seed: 3 }),
    )
    expect(zipfTrace({ length: 50, keys: 100, skew: 1, seed: 3 })).not.toEqual(
      zipfTrace({ length: 50, keys: 100, skew: 1, seed: 4 }),
    )
    expect(createRandom(9)()).toBe(createRandom(9)())
  })

  it('draws Zipf keys with the expected popularity', () => {
    const trace = zipfTrace({ length: 100_000, keys: 10, skew: 1 })
    const counts = new Array<number>(10).fill(0)
    for (const key of trace) counts[key]!++
    const harmonic = [...Array(10).keys()].reduce((sum, i) => sum + 1 / (i + 1), 0)
    // Key 0 has weight 1 / H(10) ≈ 34.1%, key 9 has 3.4%.
    expect(counts[0]! / trace.length).toBeCloseTo(1 / harmonic, 2)
    expect(counts[9]! / trace.length).toBeCloseTo(1 / 10 / harmonic, 2)
  })

  it('loops over every key in order', () => {
    expect([...loopTrace({ length: 7, keys: 3 })]).toEqual([0, 1, 2, 0, 1, 2, 0])
  })

  it('draws uniform keys within range', () => {
    const trace = uniformTrace({ length: 1000, keys: 5 })
    expect(new Set(trace)).toEqual(new Set([0, 1, 2, 3, 4]))
  })

  it('interleaves a hot set with sequential scans of cold keys', () => {
    const trace = scanMixTrace({ length: 30, keys: 20, hotKeys: 4, scanEvery: 5, scanLength: 3 })
    expect([...trace.slice(5, 8)]).toEqual([4, 5, 6])
    expect([...trace.slice(13, 16)]).toEqual([7, 8, 9])
    expect([...trace.slice(0, 5)].every((k) => k < 4)).toBe(true)
  })

  it('rejects bad parameters', () => {
    expect(() => zipfTrace({ length: -1, keys: 1, skew: 1 })).toThrow(
      new CacheConfigError('length', 'a non-negative integer', -1),
    )
    expect(() => uniformTrace({ length: 1, keys: 0 })).toThrow(
      '`keys` must be a positive integer, got: 0',
    )
    expect(() => zipfTrace({ length: 1, keys: 1, skew: NaN })).toThrow(
      '`skew` must be a non-negative finite number, got: NaN',
    )
    expect(() => createRandom(0.5)).toThrow('`seed` must be an integer, got: 0.5')
    expect(() => scanMixTrace({ length: 1, keys: 5, hotKeys: 5 })).toThrow(
      '`hotKeys` must be an integer from 1 to 4, got: 5',
    )
  })
})

describe('workload options (issue 17, items 3 and 7)', () => {
  const generators = { zipfTrace, uniformTrace, loopTrace, scanMixTrace } as const

  it('scanMixTrace rejects a scan that would never end instead of hanging', () => {
    const base = { length: 100, keys: 20, hotKeys: 4 }
    for (const scanEvery of [0, -1, 1.5, NaN, '3']) {
      expect(() => scanMixTrace({ ...base, scanEvery: scanEvery as number })).toThrow(
        new CacheConfigError('scanEvery', 'a positive integer', scanEvery),
      )
    }
    for (const scanLength of [0, -5, Infinity, {}]) {
      expect(() => scanMixTrace({ ...base, scanLength: scanLength as number })).toThrow(
        new CacheConfigError('scanLength', 'a positive integer', scanLength),
      )
    }
    expect(() => scanMixTrace({ ...base, skew: -1 })).toThrow(
      new CacheConfigError('skew', 'a non-negative finite number', -1),
    )
    expect(() => scanMixTrace({ ...base, hotKeys: '2' as never })).toThrow(
      new CacheConfigError('hotKeys', 'an integer from 1 to 19', '2'),
    )
  })

  it.each(Object.entries(generators))('%s rejects missing options and huge sizes', (_, make) => {
    const generate = make as (options?: unknown) => Int32Array
    expect(() => generate()).toThrow(
      new CacheConfigError('options', 'an object with a `length` and `keys`', undefined),
    )
    expect(() => generate(null)).toThrow(
      new CacheConfigError('options', 'an object with a `length` and `keys`', null),
    )
    expect(() => generate({ length: 2 ** 53, keys: 1, skew: 1 })).toThrow(
      new CacheConfigError('length', 'a non-negative integer up to 268435456', 2 ** 53),
    )
    expect(() => generate({ length: 1, keys: 2 ** 31, skew: 1 })).toThrow(
      new CacheConfigError('keys', 'a positive integer up to 268435456', 2 ** 31),
    )
    expect(() => generate({ length: 1, keys: 5, skew: 1, seed: 1n })).toThrow(
      new CacheConfigError('seed', 'an integer', 1n),
    )
  })

  it('uniformTrace({ length: 2 ** 53, keys: 1 }) is a CacheConfigError, not a RangeError', () => {
    expect(() => uniformTrace({ length: 2 ** 53, keys: 1 })).toThrow(CacheConfigError)
  })

  it('reads each option once', () => {
    let reads = 0
    const options = {
      keys: 3,
      get length(): number {
        return reads++ === 0 ? 4 : 2 ** 53
      },
    }
    expect([...loopTrace(options)]).toEqual([0, 1, 2, 0])
    expect(reads).toBe(1)
  })
})
