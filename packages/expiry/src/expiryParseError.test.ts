import { describe, expect, it } from 'vitest'

import { ExpiryParseError, show } from './expiryParseError.js'

describe('ExpiryParseError', () => {
  it('carries a code, the kind, the input, what was expected and the cause', () => {
    const cause = new TypeError('bad bytes')
    const input = { days: 'x' }
    const error = new ExpiryParseError('duration', input, 'a Duration', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ExpiryParseError')
    expect(error.code).toBe('ERR_EXPIRY_PARSE')
    expect(error.kind).toBe('duration')
    expect(error.input).toBe(input)
    expect(error.expected).toBe('a Duration')
    expect(error.cause).toBe(cause)
    expect(error.message).toBe('Invalid duration {"days":"x"}: expected a Duration')
  })

  it('has no cause unless given one', () => {
    expect(new ExpiryParseError('time', 'x', 'y').cause).toBeUndefined()
  })
})

describe('show', () => {
  const circular: Record<string, unknown> = {}
  circular.self = circular

  it.each<[unknown, string]>([
    ['P4Y', "'P4Y'"],
    ['x'.repeat(61), `'${'x'.repeat(60)}…'`],
    [Number.NaN, 'NaN'],
    [12n, '12n'],
    [Symbol('s'), 'Symbol(s)'],
    [function named() {}, '[Function named]'],
    [() => 0, '[Function (anonymous)]'],
    [null, 'null'],
    [undefined, 'undefined'],
    [new Date(0), 'Date(1970-01-01T00:00:00.000Z)'],
    [new Date(Number.NaN), 'Invalid Date'],
    [new Uint8Array(3), 'Uint8Array(3)'],
    [[1, 2], '[Array(2)]'],
    [{ a: 'x'.repeat(70) }, `{"a":"${'x'.repeat(54)}…`],
    [circular, '[object Object]'],
  ])('pictures %s as %s', (value, expected) => {
    expect(show(value)).toBe(expected)
  })
})
