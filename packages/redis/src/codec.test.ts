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
