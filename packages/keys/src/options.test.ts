import { describe, expect, it } from 'vitest'

import { makeKey, type MakeKeyOptions } from './makeKey.js'
import { checkKeyOptions } from './options.js'

describe('checkKeyOptions', () => {
  it('accepts what makeKey accepts', () => {
    const options = {
      skipArgs: 1,
      ignoreArgs: [2, 'trace'],
      paramNames: ['db', 'id', 'trace'],
      ignoreProps: ['requestId'],
    }
    expect(() => {
      checkKeyOptions(options)
      checkKeyOptions({})
    }).not.toThrow()
    expect(makeKey([{}, 'id-1', 'trace-1'], options)).toBe('id-1')
  })

  it.each([
    [{ skipArgs: -1 }, '`skipArgs` must be a non-negative integer, got: -1', -1],
    [
      { ignoreArgs: 'a' },
      '`ignoreArgs` must be an array of positions and parameter names, got: "a"',
      'a',
    ],
    [
      { ignoreArgs: ['id'], paramNames: ['n'] },
      '`ignoreArgs` names "id", which is not in `paramNames` ("n")',
      'id',
    ],
    [
      { ignoreProps: [1] },
      '`ignoreProps` must be an array of property names, got: [Array(1)]',
      [1],
    ],
    [{ paramNames: ['a', 'a'] }, '`paramNames` names "a" twice', 'a'],
  ])('rejects %j exactly as makeKey does', (options, message, value) => {
    const bad = options as unknown as MakeKeyOptions
    const expected = expect.objectContaining({
      name: 'KeyError',
      code: 'ERR_KEY_OPTIONS',
      message,
      value,
    })
    expect(() => {
      checkKeyOptions(bad)
    }).toThrow(expected)
    expect(() => makeKey([1], { ...bad })).toThrow(expected)
  })
})
