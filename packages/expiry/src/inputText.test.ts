import { describe, expect, it } from 'vitest'

import { catchParseError } from '../test/catchParseError.js'
import { parseNumeric, toText } from './inputText.js'

describe('parseNumeric', () => {
  it.each<[string, number | undefined]>([
    ['30', 30],
    [' 30 ', 30],
    ['-30.5', -30.5],
    ['+1', 1],
    ['.5', 0.5],
    ['1.', 1],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['1_000', 1000],
    ['inf', Infinity],
    ['-Infinity', -Infinity],
    ['+INF', Infinity],
    ['nan', Number.NaN],
    ['', undefined],
    ['1__0', undefined],
    ['_1', undefined],
    ['0x10', undefined],
    ['1e', undefined],
    ['.', undefined],
    ['Infinityx', undefined],
    ['12:00', undefined],
  ])('reads %j as %s', (text, expected) => {
    expect(parseNumeric(text)).toBe(expected)
  })
})

describe('toText', () => {
  it('decodes UTF-8 bytes and returns strings unchanged', () => {
    expect(toText(new TextEncoder().encode('7µs'), 'duration')).toBe('7µs')
    expect(toText('abc', 'duration')).toBe('abc')
  })

  it('rejects bytes that are not UTF-8, with the decoder error as cause', () => {
    const bytes = new Uint8Array([0xff, 0xfe])
    const error = catchParseError(() => toText(bytes, 'date'))
    expect(error.kind).toBe('date')
    expect(error.input).toBe(bytes)
    expect(error.expected).toBe('UTF-8 text')
    expect(error.cause).toBeInstanceOf(TypeError)
  })
})
