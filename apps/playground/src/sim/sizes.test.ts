import { describe, expect, it } from 'vitest'

import { InputError } from './inputError.js'
import { parseSizes } from './sizes.js'

describe('parseSizes', () => {
  it.each([
    ['1000,5000', [1000, 5000]],
    [' 5000 , 100,100 ', [100, 5000]],
    ['1k,2.5k,1M', [1000, 2500, 1_000_000]],
    ['100..10k:3', [100, 1000, 10_000]],
    ['10..1000:5', [10, 32, 100, 316, 1000]],
    ['50..50:1', [50]],
    ['1..4', [1, 2, 3, 4]],
  ])('parses %j', (text, sizes) => {
    expect(parseSizes(text)).toEqual(sizes)
  })

  it.each([
    ['0', 'a cache size must be a positive integer up to 1073741824, got: "0"'],
    ['100,-5', 'got: "-5"'],
    ['1.5', 'got: "1.5"'],
    ['abc', 'got: "abc"'],
    ['2000000000', 'got: "2000000000"'],
    ['0..100:3', 'got: "0" in "0..100:3"'],
    ['100..10:3', 'a range must go up, got "100..10:3"'],
    ['1..100:0', 'a range has 1 to 64 steps, got "1..100:0"'],
    ['', 'give at least one cache size'],
    ['1..1000:65', 'a range has 1 to 64 steps'],
  ])('rejects %j, naming the value', (text, message) => {
    expect(() => parseSizes(text)).toThrow(InputError)
    expect(() => parseSizes(text)).toThrow(message)
  })

  it('says which setting is wrong', () => {
    expect(() => parseSizes('0')).toThrow(expect.objectContaining({ field: 'sizes', value: '0' }))
  })
})
