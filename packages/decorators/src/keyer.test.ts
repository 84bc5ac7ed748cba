import { makeKey } from '@cache/keys'
import { describe, expect, it } from 'vitest'

import { createKeyer, parameterNames, replaceSignals, signalOf } from './keyer.js'

describe('parameterNames', () => {
  it.each([
    [
      function named(a: number, b: string) {
        return [a, b]
      },
      ['a', 'b'],
    ],
    [
      async function (first: number, second = 'x,(y)') {
        return Promise.resolve([first, second])
      },
      ['first', 'second'],
    ],
    [(x: number) => x, ['x']],
    [
      async (user: object, { id }: { id: number }, [z]: number[]) => Promise.resolve([user, id, z]),
      ['user', '', ''],
    ],
    [(a: number, ...rest: number[]) => [a, rest], ['a']],
    [() => 1, []],
    [Math.max, []],
    [((a: number) => a).bind(null), []],
  ] as [(...args: never[]) => unknown, string[]][])('reads %s', (fn, names) => {
    expect(parameterNames(fn)).toEqual(names)
  })

  it('reads a lone arrow parameter without parentheses', () => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const fn = new Function('return async value => value')() as (value: number) => Promise<number>
    expect(parameterNames(fn)).toEqual(['value'])
  })

  it('reads methods and ignores comments and strings in defaults', () => {
    const object = {
      method(id: number, label = ') // not a comment', /* note */ flag = true) {
        return [id, label, flag]
      },
    }
    // eslint-disable-next-line @typescript-eslint/unbound-method -- only its source is read
    expect(parameterNames(object.method)).toEqual(['id', 'label', 'flag'])
  })
})

describe('signals in arguments', () => {
  const signal = new AbortController().signal

  it('finds a signal given as an argument or as an options property', () => {
    expect(signalOf([1, signal])).toBe(signal)
    expect(signalOf([1, { signal, other: 1 }])).toBe(signal)
    expect(signalOf([1, { signal: 'no' }])).toBeUndefined()
    expect(signalOf([1, 'x'])).toBeUndefined()
  })

  it('replaces the caller’s signal with the load’s', () => {
    const load = new AbortController().signal
    expect(replaceSignals([1, signal, { signal, a: 1 }], load)).toEqual([
      1,
      load,
      { signal: load, a: 1 },
    ])
  })

  it('leaves signals out of keys: f(1), f(1, signal) and f(1, { signal }) are one call', () => {
    const { keyOf } = createKeyer(
      {},
      (id: number, options?: { signal?: AbortSignal }) => [id, options],
      true,
    )
    const plain = keyOf([1])
    expect(plain).toBe(1)
    expect(keyOf([1, signal])).toBe(plain)
    expect(keyOf([1, { signal }])).toBe(plain)
    expect(keyOf([1, { signal, full: true }])).toBe(makeKey([1, { full: true }]))
    expect(keyOf([signal, 1])).toBe(makeKey([undefined, 1]))
  })

  it('keeps signals in keys for sync functions, which get none of this', () => {
    const { keyOf } = createKeyer({}, (id: number) => id, false)
    expect(keyOf([1, signal])).toBe(makeKey([1, signal]))
  })
})
