import { describe, expect, it } from 'vitest'

import { describeValue, type ValueStyle } from './describeValue.js'

const json: ValueStyle = {
  maxLength: 10,
  strings: 'json',
  functions: 'word',
  arrays: 'short',
  objects: 'json',
}
const words: ValueStyle = {
  maxLength: 10,
  strings: 'single',
  functions: 'bracket',
  arrays: 'words',
  objects: 'words',
  errors: true,
  binary: true,
}

function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

function revokedFunction(): object {
  const { proxy, revoke } = Proxy.revocable(() => 1, {})
  revoke()
  return proxy
}

const throwing = new Proxy(
  {},
  {
    get() {
      throw new Error('get')
    },
    getPrototypeOf() {
      throw new Error('getPrototypeOf')
    },
    ownKeys() {
      throw new Error('ownKeys')
    },
  },
)

describe('describeValue', () => {
  it.each<[unknown, string, string]>([
    ['abc', '"abc"', "'abc'"],
    ['x'.repeat(11), `"${'x'.repeat(10)}…"`, `'${'x'.repeat(10)}…'`],
    [12n, '12n', '12n'],
    [Number.NaN, 'NaN', 'NaN'],
    [null, 'null', 'null'],
    [undefined, 'undefined', 'undefined'],
    [Symbol('s'), 'Symbol(s)', 'Symbol(s)'],
    [function named() {}, 'function named', '[Function named]'],
    [[1, 2], 'array(2)', 'an array of length 2'],
    [{ a: 1 }, '{"a":1}', 'an object'],
    [{ a: 'x'.repeat(20) }, '{"a":"xxxx…', 'an object'],
    [new Map(), '{}', 'a Map'],
    [new TypeError('bad'), '{}', 'TypeError:…'],
    [new Date(0), '"1970-01-0…', 'Date(1970-01-01T00:00:00.000Z)'],
    [new Uint8Array(3), '{"0":0,"1"…', 'Uint8Array(3)'],
  ])('renders %o as %s and %s', (value, asJson, inWords) => {
    expect(describeValue(value, json)).toBe(asJson)
    expect(describeValue(value, words)).toBe(inWords)
  })

  it('renders objects without JSON text by their tag', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(describeValue(cyclic, json)).toBe('[object Object]')
    expect(describeValue({ toJSON: () => undefined }, json)).toBe('[object Object]')
    expect(
      describeValue(
        {
          toJSON() {
            throw new Error('no')
          },
        },
        json,
      ),
    ).toBe('[object Object]')
  })

  it('never throws, whatever the value', () => {
    const nameThrows = Object.defineProperty(() => 1, 'name', {
      get() {
        throw new Error('name')
      },
    })
    const tagThrows = {
      get [Symbol.toStringTag]() {
        throw new Error('tag')
      },
    }
    const ctorThrows = Object.create(
      Object.defineProperty({}, 'constructor', {
        get() {
          throw new Error('constructor')
        },
      }),
    ) as object
    const errorThrows = Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new Error('message')
      },
    })
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    const deepObject = { deep }
    const styles: ValueStyle[] = [
      json,
      words,
      { ...json, objects: 'tag', arrays: 'bracket' },
      { ...json, objects: 'name' },
    ]
    const expected: [unknown, string[]][] = [
      [revoked(), Array<string>(4).fill('[unreadable object]')],
      [
        revokedFunction(),
        [
          'function (anonymous)',
          '[Function (anonymous)]',
          'function (anonymous)',
          'function (anonymous)',
        ],
      ],
      [throwing, ['[object Object]', '[unreadable object]', '[object Object]', '[object Object]']],
      [
        nameThrows,
        [
          'function (anonymous)',
          '[Function (anonymous)]',
          'function (anonymous)',
          'function (anonymous)',
        ],
      ],
      [tagThrows, ['{}', 'an object', '[object Object]', '[object Object]']],
      [ctorThrows, ['{}', 'an object', '[object Object]', '[object Object]']],
      [errorThrows, ['{}', 'Error: ', '[object Error]', '[object Error]']],
      [deepObject, ['[object Object]', 'an object', '[object Object]', '[object Object]']],
    ]
    for (const [value, renderings] of expected) {
      expect(styles.map((style) => describeValue(value, style))).toEqual(renderings)
    }
  })
})
