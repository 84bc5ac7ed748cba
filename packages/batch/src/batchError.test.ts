import { describe, expect, it } from 'vitest'

import { BatchError, describeValue } from './batchError.js'

describe('BatchError', () => {
  it('carries its code, value, message and cause', () => {
    const cause = new Error('root')
    const error = new BatchError('ERR_BATCH_FN', 'batchFn rejected: Error: root', cause, cause)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('BatchError')
    expect(error.code).toBe('ERR_BATCH_FN')
    expect(error.message).toBe('batchFn rejected: Error: root')
    expect(error.value).toBe(cause)
    expect(error.cause).toBe(cause)
  })

  it('has no cause property when none is given', () => {
    const error = new BatchError('ERR_BATCH_CONFIG', 'bad', 0)
    expect(Object.hasOwn(error, 'cause')).toBe(false)
  })
})

describe('describeValue', () => {
  it.each([
    ['abc', '"abc"'],
    ['x'.repeat(50), `"${'x'.repeat(40)}…"`],
    [12n, '12n'],
    [NaN, 'NaN'],
    [null, 'null'],
    [undefined, 'undefined'],
    [Symbol('s'), 'Symbol(s)'],
    [function named() {}, 'function named'],
    [new TypeError('bad'), 'TypeError: bad'],
    [[1, 2], 'an array of length 2'],
    [{ a: 1 }, 'an object'],
    [new Map(), 'a Map'],
    [
      new (class Widget {
        readonly size = 1
      })(),
      'a Widget',
    ],
    [Object.create(null), 'an object'],
  ])('renders %o as %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected)
  })

  it('renders an anonymous function', () => {
    expect(
      describeValue(
        (
          () => () =>
            1
        )(),
      ),
    ).toBe('function (anonymous)')
  })
})
