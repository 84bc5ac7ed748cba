import { assertPrototypesUnchanged } from '@cache/internal/testing'
import { describe, expect, it } from 'vitest'

import { CodecError, jsonSerializer, MAX_DEPTH } from './codec.js'

const roundTrip = (value: unknown): unknown => jsonSerializer.decode(jsonSerializer.encode(value))

describe('jsonSerializer', () => {
  it.each([
    ['a string', 'héllo'],
    ['a number', 1.5],
    ['zero', 0],
    ['null', null],
    ['a boolean', false],
    ['undefined', undefined],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a BigInt', -(2n ** 80n)],
    ['a Date', new Date(1_700_000_000_123)],
    ['an invalid Date', new Date(NaN)],
    ['a RegExp', /a+b/giu],
    [
      'a Map with any keys',
      new Map<unknown, unknown>([
        [1, 'a'],
        [{ k: 1 }, new Set([1n])],
      ]),
    ],
    ['a Set', new Set(['a', 1, undefined])],
    ['an array with undefined', [1, undefined, 'x']],
    ['nested objects', { a: { b: [{ c: new Date(0) }] }, u: undefined }],
  ])('round-trips %s', (_, value) => {
    expect(roundTrip(value)).toEqual(value)
  })

  it('keeps -0 and undefined properties', () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true)
    const copy = roundTrip({ a: undefined }) as object
    expect(Object.keys(copy)).toEqual(['a'])
  })

  it('round-trips Buffers, typed arrays, ArrayBuffers and DataViews by their bytes', () => {
    const buffer = Buffer.from([0, 1, 255])
    const copy = roundTrip(buffer)
    expect(Buffer.isBuffer(copy)).toBe(true)
    expect(copy).toEqual(buffer)
    const floats = new Float32Array([1.5, -2])
    const slice = new Uint16Array(new Uint16Array([1, 2, 3, 4]).buffer, 2, 2)
    expect(roundTrip(floats)).toEqual(floats)
    expect(roundTrip(slice)).toEqual(new Uint16Array([2, 3]))
    expect(roundTrip(new BigInt64Array([-1n]))).toEqual(new BigInt64Array([-1n]))
    const bytes = new Uint8Array([9, 8]).buffer
    expect(new Uint8Array(roundTrip(bytes) as ArrayBuffer)).toEqual(new Uint8Array([9, 8]))
    const view = roundTrip(new DataView(new Uint8Array([7]).buffer)) as DataView
    expect(view).toBeInstanceOf(DataView)
    expect(view.getUint8(0)).toBe(7)
  })

  it('round-trips errors: built-in class, name, message, stack, code, cause', () => {
    const cause = new Error('root')
    const error = Object.assign(new TypeError('bad input', { cause }), {
      code: 'E_BAD',
      status: 400,
    })
    const copy = roundTrip(error) as TypeError & { code: string; status: number }
    expect(copy).toBeInstanceOf(TypeError)
    expect([copy.name, copy.message, copy.code, copy.status]).toEqual([
      'TypeError',
      'bad input',
      'E_BAD',
      400,
    ])
    expect(copy.stack).toBe(error.stack)
    expect(copy.cause).toEqual(cause)
    expect(Object.keys(copy)).toEqual(['code', 'status'])
  })

  it('gives other error classes back as Error with their name', () => {
    class NotFound extends Error {
      override name = 'NotFound'
    }
    const copy = roundTrip(new NotFound('gone')) as Error
    expect(copy).toBeInstanceOf(Error)
    expect([copy.name, copy.message]).toEqual(['NotFound', 'gone'])
    const aggregate = roundTrip(new AggregateError([new RangeError('r')], 'all')) as AggregateError
    expect(aggregate).toBeInstanceOf(AggregateError)
    expect(aggregate.errors[0]).toBeInstanceOf(RangeError)
  })

  it('keeps plain objects that look like its own tags, and __proto__ keys, as data', () => {
    const tricky = JSON.parse('{"$t":"D","v":0,"__proto__":{"polluted":true}}') as object
    const copy = roundTrip(tricky) as Record<string, unknown>
    expect(copy).toEqual(tricky)
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.hasOwn(copy, '__proto__')).toBe(true)
  })

  it('stores objects with toJSON() as its result, like JSON.stringify', () => {
    expect(roundTrip({ url: new URL('https://example.com/a') })).toEqual({
      url: 'https://example.com/a',
    })
  })

  it.each([
    ['a function', { a: { b: () => 1 } }, '$.a.b', 'function'],
    ['a symbol', [Symbol('s')], '$[0]', 'symbol'],
    [
      'a class instance',
      {
        user: new (class User {
          id = 1
        })(),
      },
      '$.user',
      'User',
    ],
    ['a Promise', { 'odd key': Promise.resolve() }, '$["odd key"]', 'Promise'],
    ['a WeakMap in a Map', new Map([['k', new WeakMap()]]), '$.<value 0>', 'WeakMap'],
  ])('refuses %s, naming where it is', (_, value, path, what) => {
    let error: unknown
    try {
      jsonSerializer.encode(value)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(CodecError)
    expect((error as CodecError).path).toBe(path)
    expect((error as CodecError).message).toContain(what)
  })

  it('refuses cycles, but stores shared references as copies', () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(() => jsonSerializer.encode(cycle)).toThrow(/a cycle cannot be stored at \$\.self/)
    const shared = { n: 1 }
    expect(roundTrip([shared, shared])).toEqual([{ n: 1 }, { n: 1 }])
  })

  it('rejects malformed text', () => {
    expect(() => jsonSerializer.decode('{"$t":"?"}')).toThrow(/unknown tag/)
    expect(() => jsonSerializer.decode('not json')).toThrow(SyntaxError)
  })
})

describe('deep nesting', () => {
  function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
    let value: unknown = 1
    for (let i = 0; i < depth; i++) value = wrap(value)
    return value
  }

  it('round-trips values nested as deep as MAX_DEPTH', () => {
    for (const wrap of [
      (x: unknown) => [x],
      (x: unknown) => ({ a: x }),
      (x: unknown) => new Set([x]),
    ]) {
      const value = nested(MAX_DEPTH, wrap)
      expect(roundTrip(value)).toEqual(value)
    }
  })

  // issue 17, item 8: encode overflowed the stack at about 1,350 levels.
  it('refuses a deeper value with a CodecError naming the depth, whatever the depth', () => {
    for (const depth of [MAX_DEPTH + 1, 1350, 2000, 100_000]) {
      const value = nested(depth, (x) => [x])
      expect(() => jsonSerializer.encode(value)).toThrow(CodecError)
      expect(() => jsonSerializer.encode(value)).toThrow(
        `a value nested deeper than 512 levels cannot be stored at $${'[0]'.repeat(8)}…${'[0]'.repeat(8)}`,
      )
    }
  })

  it('refuses to decode text nested deeper than MAX_DEPTH, without overflowing the stack', () => {
    for (const depth of [MAX_DEPTH + 2, 100_000]) {
      const text = '['.repeat(depth) + ']'.repeat(depth)
      expect(() => jsonSerializer.decode(text)).toThrow(
        new TypeError('malformed cache record: nested deeper than 512 levels'),
      )
    }
  })
})

describe('unreadable values', () => {
  it('refuses a value whose reading throws with a CodecError naming where it is', () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const getter = new Error('getter')
    const throwing = Object.defineProperty({}, 'b', {
      enumerable: true,
      get() {
        throw getter
      },
    })
    for (const [value, path, cause] of [
      [proxy, '$', TypeError],
      [{ a: proxy }, '$.a', TypeError],
      [{ a: [throwing] }, '$.a[0]', Error],
    ] as const) {
      let error: unknown
      try {
        jsonSerializer.encode(value)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(CodecError)
      expect((error as CodecError).message).toBe(
        `a value that cannot be read (reading it threw) cannot be stored at ${path}`,
      )
      expect((error as Error).cause).toBeInstanceOf(cause)
    }
  })
})

describe('the plain-JSON fast path', () => {
  const person = {
    id: 42,
    name: 'Ada',
    tags: ['a', 'b'],
    address: { city: 'X', zip: '123' },
    active: true,
    score: 3.5,
  }

  it.each([
    ['a plain object', person],
    ['an array of plain objects', [person, { ...person, id: 43 }, [], {}]],
    ['a string', 'héllo \ud800 "quoted" [{'],
    ['a number', -1.5e-7],
    ['null', null],
    ['a null-prototype object', Object.assign(Object.create(null) as object, { a: 1 })],
  ])('stores %s as JSON.stringify writes it, and reads it back alike', (_, value) => {
    const text = jsonSerializer.encode(value)
    expect(text).toBe(JSON.stringify(value))
    expect(jsonSerializer.decode(text)).toEqual(JSON.parse(text))
    expect(roundTrip(value)).toEqual(value)
  })

  it('takes values nested as deep as MAX_DEPTH', () => {
    let value: unknown = 1
    for (let i = 0; i < MAX_DEPTH; i++) value = i % 2 === 0 ? [value] : { a: value }
    expect(jsonSerializer.encode(value)).toBe(JSON.stringify(value))
  })

  it.each([
    ['undefined in an array', [1, undefined]],
    ['a hole', Object.assign(new Array<number>(3), { 0: 1, 2: 2 })],
    ['-0', { n: -0 }],
    ['NaN', [NaN]],
    ['a Date', { at: new Date(0) }],
    ['a key named $t', { $t: 'D', v: 0 }],
  ])('leaves data with %s to the tagged path', (_, value) => {
    const text = jsonSerializer.encode(value)
    expect(text).not.toBe(JSON.stringify(value))
    expect(text).toContain('"$t":')
    expect(roundTrip(value)).toEqual(value)
  })

  it('reads a string "$t" back as a string, though its text goes to the tagged decoder', () => {
    const value = { k: '$t', $t: ['$t"'], nested: [{ v: '{"$t":"D","v":0}' }] }
    expect(roundTrip(value)).toEqual(value)
    expect(roundTrip('$t')).toBe('$t')
  })

  it('keeps a __proto__ key as an own data property, with or without tags inside', () => {
    const plain = jsonSerializer.decode('{"__proto__":{"polluted":true},"a":1}') as object
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(plain, '__proto__')?.value).toEqual({ polluted: true })
    expect(jsonSerializer.encode(plain)).toBe('{"__proto__":{"polluted":true},"a":1}')

    const tagged = jsonSerializer.decode(
      '{"__proto__":{"$t":"D","v":0},"b":[{"__proto__":{"$t":"u"}}]}',
    ) as {
      b: object[]
    }
    expect(Object.getPrototypeOf(tagged)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(tagged, '__proto__')?.value).toEqual(new Date(0))
    expect(Object.getPrototypeOf(tagged.b[0])).toBe(Object.prototype)
    expect(Object.hasOwn(tagged.b[0]!, '__proto__')).toBe(true)
    assertPrototypesUnchanged()
  })
})

describe('the format', () => {
  // What the serializer wrote before the fast path (captured from that version): it writes the
  // same text today, and reads it back alike, so that old and new versions share one Redis.
  const cause = Object.assign(new Error('root'), { stack: 'Error: root\n    at x' })
  const error = Object.assign(new TypeError('bad', { cause }), {
    code: 'E_BAD',
    stack: 'TypeError: bad\n    at y',
  })
  it.each([
    [
      'plain data',
      {
        id: 42,
        name: 'Ada',
        tags: ['a', 'b'],
        address: { city: 'X', zip: '123' },
        active: true,
        score: 3.5,
      },
      '{"id":42,"name":"Ada","tags":["a","b"],"address":{"city":"X","zip":"123"},"active":true,"score":3.5}',
    ],
    [
      'tagged data',
      {
        at: new Date(0),
        m: new Map<unknown, unknown>([[1, { k: undefined }]]),
        s: new Set([NaN, 0, 10n]),
        r: /a/g,
      },
      '{"at":{"$t":"D","v":0},"m":{"$t":"M","v":[[1,{"k":{"$t":"u"}}]]},"s":{"$t":"S","v":[{"$t":"n","v":"NaN"},0,{"$t":"b","v":"10"}]},"r":{"$t":"R","v":["a","g"]}}',
    ],
    [
      'an object with $t and __proto__ keys',
      JSON.parse('{"$t":"D","v":0,"__proto__":{"x":1}}') as unknown,
      '{"$t":"O","v":[["$t","D"],["v",0],["__proto__",{"x":1}]]}',
    ],
    [
      'bytes',
      [Buffer.from([1, 2]), new Uint16Array([1, 2]), new Uint8Array([7]).buffer],
      '[{"$t":"B","v":"AQI="},{"$t":"T","c":"Uint16Array","v":"AQACAA=="},{"$t":"A","v":"Bw=="}]',
    ],
    [
      'an error',
      error,
      '{"$t":"E","v":{"name":"TypeError","message":"bad","props":[["code","E_BAD"]],"stack":"TypeError: bad\\n    at y","cause":{"$t":"E","v":{"name":"Error","message":"root","props":[],"stack":"Error: root\\n    at x"}}}}',
    ],
  ])('is unchanged for %s: the same text, read back alike', (_, value, text) => {
    expect(jsonSerializer.encode(value)).toBe(text)
    expect(jsonSerializer.decode(text)).toEqual(value)
  })

  it('refuses tagged nodes whose entries are not lists with a TypeError', () => {
    for (const text of ['{"$t":"M","v":5}', '{"$t":"M","v":[5]}', '{"$t":"S","v":{}}']) {
      expect(() => jsonSerializer.decode(text), text).toThrow(TypeError)
    }
    expect(() => jsonSerializer.decode('{"$t":"M","v":[7]}')).toThrow(
      'malformed cache record: a M node whose entries are not a list',
    )
  })
})

describe('deep text on the fast path', () => {
  const deep = (levels: number, open: string, close: string): string =>
    open.repeat(levels) + '1' + close.repeat(levels)

  it('reads text nested MAX_DEPTH + 1 levels, as the tagged decoder does, and refuses one more', () => {
    for (const [open, close] of [
      ['[', ']'],
      ['{"a":', '}'],
    ] as const) {
      expect(() => jsonSerializer.decode(deep(MAX_DEPTH + 1, open, close))).not.toThrow()
      expect(() => jsonSerializer.decode(deep(MAX_DEPTH + 2, open, close))).toThrow(
        new TypeError('malformed cache record: nested deeper than 512 levels'),
      )
    }
  })

  it('reads long shallow text with many brackets, in strings or not', () => {
    const wide = Array.from({ length: 2_000 }, (_, i) => ({ i, list: [i] }))
    expect(roundTrip(wide)).toEqual(wide)
    const brackets = { s: '['.repeat(5_000), t: '{'.repeat(5_000) }
    expect(roundTrip(brackets)).toEqual(brackets)
  })
})
