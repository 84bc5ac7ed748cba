import fc from 'fast-check'
import { expect, it } from 'vitest'

import { describeValue, type ValueStyle } from './describeValue.js'
import { assertPrototypesUnchanged, fuzzRuns, hostileValue } from './testing/hostile.js'

const style: fc.Arbitrary<ValueStyle> = fc.record({
  maxLength: fc.integer({ min: 0, max: 200 }),
  strings: fc.constantFrom('json', 'single'),
  functions: fc.constantFrom('word', 'bracket'),
  arrays: fc.constantFrom('short', 'bracket', 'words', 'tag'),
  objects: fc.constantFrom('json', 'tag', 'name', 'words'),
  errors: fc.boolean(),
  binary: fc.boolean(),
})

it('describeValue renders any value in any style as a string, without throwing', () => {
  fc.assert(
    fc.property(hostileValue, style, (value, valueStyle) => {
      expect(typeof describeValue(value(), valueStyle)).toBe('string')
      assertPrototypesUnchanged()
    }),
    { numRuns: fuzzRuns(300) },
  )
})
