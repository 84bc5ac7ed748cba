import { runInNewContext } from 'node:vm'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { KeyError } from './keyError.js'
import { makeKey } from './makeKey.js'
import { stableHash } from './stableHash.js'

describe('makeKey', () => {
  it('uses a lone primitive argument as its own key', () => {
    const symbol = Symbol('s')
    for (const arg of [
      'user-1',
      '',
      42,
      0,
      NaN,
      Infinity,
      7n,
      true,
      false,
      null,
      undefined,
      symbol,
    ]) {
      expect(makeKey([arg])).toBe(arg)
    }
  })

  it('hashes every other argument list with stableHash', () => {
    expect(makeKey([])).toBe(stableHash([]))
    expect(makeKey([1, 2])).toBe(stableHash([1, 2]))
    expect(makeKey([{ id: 1 }])).toBe(stableHash([{ id: 1 }]))
  })

  it('hashes -0, which a Map would merge with 0', () => {
    expect(makeKey([-0])).toBe(stableHash([-0]))
    expect(makeKey([-0])).not.toBe(makeKey([0]))
  })

  it('hashes a string that looks like a hash, so it cannot pass for another call', () => {
    const otherCall = makeKey([{ id: 1 }, 'secret'])
    expect(makeKey([otherCall])).not.toBe(otherCall)
    expect(makeKey([otherCall])).toBe(stableHash([otherCall]))
    expect(makeKey(['0123456789ABCDEF0123456789ABCDEF'])).toBe('0123456789ABCDEF0123456789ABCDEF')
  })

  it('tells argument lists of different lengths apart', () => {
    const keys = [
      makeKey([]),
      makeKey([undefined]),
      makeKey([undefined, undefined]),
      makeKey([1, undefined]),
      makeKey([1]),
    ]
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('gives two argument lists the same key exactly when stableHash does', () => {
    const args = fc.array(
      fc.oneof(
        fc.constantFrom(0, -0, 1, '1', '', 1n, true, null, undefined, NaN),
        fc.constantFrom(stableHash([1]), stableHash([]), stableHash([0])),
        fc.anything({ maxDepth: 1 }),
      ),
      { maxLength: 2 },
    )
    fc.assert(
      fc.property(args, args, (a, b) => {
        expect(Object.is(makeKey(a), makeKey(b)) || (makeKey(a) === 0 && makeKey(b) === 0)).toBe(
          stableHash(a) === stableHash(b),
        )
        // And a Map sees it the same way.
        expect(new Map([[makeKey(a), 1]]).has(makeKey(b))).toBe(stableHash(a) === stableHash(b))
      }),
      { numRuns: 3000 },
    )
  })

  it('rejects a non-array with ERR_KEY_ARGS', () => {
    expect(() => makeKey('abc' as never)).toThrow(
      expect.objectContaining({
        name: 'KeyError',
        code: 'ERR_KEY_ARGS',
        value: 'abc',
        message: '`args` must be an array of arguments, got: "abc"',
      }),
    )
    expect(() => makeKey({ length: 1, 0: 1 } as never)).toThrow(KeyError)
  })

  describe('options', () => {
    const db = { query: () => 1 }

    it('skipArgs leaves out leading arguments', () => {
      const options = { skipArgs: 1 }
      expect(makeKey([db, 'user-1'], options)).toBe('user-1')
      expect(makeKey([{ other: db }, 'user-1'], options)).toBe('user-1')
      expect(makeKey([db, 1, 2], options)).toBe(stableHash([1, 2]))
      expect(makeKey([db], options)).toBe(stableHash([]))
    })

    it('ignoreArgs leaves out arguments by position or by name', () => {
      const byPosition = { ignoreArgs: [1] }
      expect(makeKey(['a', 'trace-1', 'b'], byPosition)).toBe(
        makeKey(['a', 'trace-2', 'b'], byPosition),
      )
      expect(makeKey(['a', 'trace-1', 'b'], byPosition)).toBe(stableHash(['a', 'b']))
      expect(makeKey(['a', 'trace-1'], byPosition)).toBe('a')
      const byName = { paramNames: ['db', 'id', 'trace'], ignoreArgs: ['db', 'trace'] }
      expect(makeKey([db, 'user-1', 'trace-1'], byName)).toBe('user-1')
      expect(makeKey([db, 'user-1', 'trace-1', 'extra'], byName)).toBe(
        stableHash(['user-1', 'extra']),
      )
    })

    it('counts ignoreArgs positions from the first argument, skipped ones included', () => {
      expect(makeKey([db, 'a', 'b'], { skipArgs: 1, ignoreArgs: [2] })).toBe('a')
      expect(makeKey([db, 'a', 'b'], { skipArgs: 1, ignoreArgs: [0] })).toBe(stableHash(['a', 'b']))
    })

    it('ignoreProps leaves properties out of plain-object arguments only', () => {
      const options = { ignoreProps: ['requestId', 'signal'] }
      const signal = new AbortController().signal
      expect(makeKey([{ id: 1, requestId: 'r1', signal }], options)).toBe(stableHash([{ id: 1 }]))
      expect(makeKey(['q', { page: 2, requestId: 'r2' }], options)).toBe(
        makeKey(['q', { page: 2 }], options),
      )
      const foreign: unknown = runInNewContext('({ id: 1, requestId: "r3" })')
      expect(makeKey([foreign], options)).toBe(stableHash([{ id: 1 }]))
      // Nested objects and class instances keep theirs.
      expect(makeKey([{ inner: { requestId: 'r1' } }], options)).toBe(
        stableHash([{ inner: { requestId: 'r1' } }]),
      )
      const args = [{ id: 1, requestId: 'r1' }]
      makeKey(args, options)
      expect(args).toEqual([{ id: 1, requestId: 'r1' }])
    })

    it('reads an options object once', () => {
      const options: { skipArgs: number } = { skipArgs: 1 }
      expect(makeKey(['a', 'b'], options)).toBe('b')
      options.skipArgs = 0
      expect(makeKey(['a', 'b'], options)).toBe('b')
    })

    it('rejects invalid options with ERR_KEY_OPTIONS, naming the value', () => {
      const cases: [unknown, string, unknown][] = [
        ['fast', '`options` must be an object, got: "fast"', 'fast'],
        [{ skipArgs: -1 }, '`skipArgs` must be a non-negative integer, got: -1', -1],
        [{ skipArgs: 1.5 }, '`skipArgs` must be a non-negative integer, got: 1.5', 1.5],
        [
          { ignoreArgs: 2 },
          '`ignoreArgs` must be an array of positions and parameter names, got: 2',
          2,
        ],
        [
          { ignoreArgs: [-1] },
          '`ignoreArgs` must hold non-negative integer positions or parameter names, got: -1',
          -1,
        ],
        [
          { ignoreArgs: ['id'] },
          '`ignoreArgs` names "id", which is not in `paramNames` (none given)',
          'id',
        ],
        [
          { ignoreArgs: ['id'], paramNames: ['a', 'b'] },
          '`ignoreArgs` names "id", which is not in `paramNames` ("a", "b")',
          'id',
        ],
        [{ paramNames: 'id' }, '`paramNames` must be an array of parameter names, got: "id"', 'id'],
        [{ paramNames: ['a', 1] }, '`paramNames[1]` must be a non-empty string, got: 1', 1],
        [{ paramNames: ['a', 'a'] }, '`paramNames` names "a" twice', 'a'],
        [
          { ignoreProps: 'requestId' },
          '`ignoreProps` must be an array of property names, got: "requestId"',
          'requestId',
        ],
      ]
      for (const [options, message, value] of cases) {
        expect(() => makeKey([1], options as never)).toThrow(
          expect.objectContaining({ name: 'KeyError', code: 'ERR_KEY_OPTIONS', message, value }),
        )
      }
    })
  })
})
