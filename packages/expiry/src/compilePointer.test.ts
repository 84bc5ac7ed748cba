import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { catchParseError } from '../test/catchParseError.js'
import { compilePointer, EXPECTED_POINTER } from './compilePointer.js'

const NONE = Symbol('none')

describe('compilePointer', () => {
  it('reads $, names, indexes and Map entries', () => {
    const value = {
      a: { b: 'ab' },
      list: ['x', 'y'],
      map: new Map<unknown, unknown>([
        ['k', 'by name'],
        [0, 'by number'],
        ['0', 'by text'],
      ]),
      'with space': 1,
    }
    const cases: [string, unknown][] = [
      ['$', value],
      ['$.a', value.a],
      ['$.a.b', 'ab'],
      ['$.list[1]', 'y'],
      ['$.list.1', 'y'],
      ['$.list.length', 2],
      ['$.map.k', 'by name'],
      ['$.map[0]', 'by number'],
      ['$.map.0', 'by text'],
      ['$.with space', 1],
    ]
    for (const [source, expected] of cases) {
      expect(compilePointer(source).read(value, NONE)).toBe(expected)
    }
  })

  it('tells a missing path from an undefined value', () => {
    const pointer = compilePointer('$.a.b')
    expect(pointer.read({ a: { b: undefined } }, NONE)).toBe(undefined)
    for (const root of [{}, { a: {} }, { a: null }, { a: 'text' }, null, 42, undefined]) {
      expect(pointer.read(root, NONE)).toBe(NONE)
    }
    expect(pointer.readAll({ a: {} })).toEqual({ values: [], missing: true })
    expect(pointer.readAll({ a: { b: undefined } })).toEqual({
      values: [undefined],
      missing: false,
    })
  })

  it('reads own properties and class getters only: no methods, inherited data or prototype', () => {
    class Client {
      own = 'own'
      get status(): string {
        return 'open'
      }
      close(): void {}
    }
    const client = new Client()
    expect(compilePointer('$.own').read(client, NONE)).toBe('own')
    expect(compilePointer('$.status').read(client, NONE)).toBe('open')
    const hidden = [
      '$.close',
      '$.constructor',
      '$.toString',
      '$.__proto__',
      '$.hasOwnProperty',
      '$.__proto__.polluted',
    ]
    for (const source of hidden) expect(compilePointer(source).read(client, NONE)).toBe(NONE)
    expect(compilePointer('$.a').read(Object.create({ a: 1 }), NONE)).toBe(NONE)
    expect(compilePointer('$.a').read(Object.create(null), NONE)).toBe(NONE)
    // A property that JSON.parse made is data, whatever its name.
    const parsed: unknown = JSON.parse('{"__proto__": {"x": 1}, "constructor": 2}')
    expect(compilePointer('$.__proto__.x').read(parsed, NONE)).toBe(1)
    expect(compilePointer('$.constructor').read(parsed, NONE)).toBe(2)
    expect(compilePointer('$.name').read(function named() {}, NONE)).toBe('named')
    expect(compilePointer('$.call').read(function named() {}, NONE)).toBe(NONE)
  })

  it('expands * to every own enumerable value of an object, array or Map', () => {
    const db = { name: 'db' }
    const cache = { name: 'cache' }
    const pointer = compilePointer('$.*')
    expect(pointer.wildcard).toBe(true)
    expect(pointer.readAll({ db, cache })).toEqual({ values: [db, cache], missing: false })
    expect(pointer.readAll([db, cache])).toEqual({ values: [db, cache], missing: false })
    expect(pointer.readAll(new Map([['a', db]]))).toEqual({ values: [db], missing: false })
    expect(pointer.readAll({})).toEqual({ values: [], missing: false })
    expect(pointer.readAll('text')).toEqual({ values: [], missing: true })
    expect(pointer.readAll(null)).toEqual({ values: [], missing: true })
    class WithGetter {
      own = db
      get computed(): object {
        return cache
      }
    }
    expect(pointer.readAll(new WithGetter())).toEqual({ values: [db], missing: false })
  })

  it('reads on from each value a * names, and notes the ones missing the rest', () => {
    const value = { clients: { a: { conn: 1 }, b: { conn: 2 }, c: {} } }
    expect(compilePointer('$.clients.*.conn').readAll(value)).toEqual({
      values: [1, 2],
      missing: true,
    })
    expect(compilePointer('$.clients[*]').readAll(value).values).toEqual([
      value.clients.a,
      value.clients.b,
      value.clients.c,
    ])
    expect(compilePointer('$.*.*').readAll({ a: [1, 2], b: [3] }).values).toEqual([1, 2, 3])
  })

  it('marks :ignore_missing, which may follow any pointer', () => {
    expect(compilePointer('$.a').ignoreMissing).toBe(false)
    const pointer = compilePointer('$.a.b:ignore_missing')
    expect(pointer.ignoreMissing).toBe(true)
    expect(pointer.source).toBe('$.a.b:ignore_missing')
    expect(pointer.read({ a: { b: 3 } }, NONE)).toBe(3)
    expect(compilePointer('$:ignore_missing').read(5, NONE)).toBe(5)
    expect(compilePointer('$.*:ignore_missing').readAll({ x: 1 }).values).toEqual([1])
  })

  it('will not read one value through a * pointer', () => {
    const error = catchParseError(() => compilePointer('$.a.*').read({ a: {} }, NONE))
    expect(error.kind).toBe('pointer')
    expect(error.input).toBe('$.a.*')
    expect(error.message).toBe(
      "Invalid pointer '$.a.*': expected a data pointer without * where one value is read " +
        '(readAll reads every value)',
    )
  })

  it.each([
    '',
    '.a',
    'a.b',
    '$.',
    '$..a',
    '$.a.',
    '$a',
    '$[',
    '$[]',
    '$[a]',
    '$[-1]',
    '$[1.5]',
    '$[0',
    '$.a[0]x',
    ':ignore_missing',
    '$.:ignore_missing',
    '$[0:ignore_missing]',
  ])('rejects %j with the grammar in the message', (source) => {
    const error = catchParseError(() => compilePointer(source))
    expect(error.code).toBe('ERR_EXPIRY_PARSE')
    expect(error.kind).toBe('pointer')
    expect(error.input).toBe(source)
    expect(error.expected).toBe(EXPECTED_POINTER)
    expect(error.message).toBe(`Invalid pointer '${source}': expected ${EXPECTED_POINTER}`)
  })

  it('rejects a pointer that is not a string', () => {
    for (const source of [undefined, null, 1, ['$.a'], { source: '$' }]) {
      expect(catchParseError(() => compilePointer(source as unknown as string)).kind).toBe(
        'pointer',
      )
    }
  })

  it('reads what a plain property walk reads, on random own-property data', () => {
    // Reference model: walk plain objects and arrays by own keys.
    const key = fc.constantFrom('a', 'b', 'c', '0', '1')
    const data = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.integer(),
        fc.constant(undefined),
        fc.dictionary(key, tie('node'), { maxKeys: 4 }),
        fc.array(tie('node'), { maxLength: 3 }),
      ),
    })).node
    fc.assert(
      fc.property(data, fc.array(key, { maxLength: 4 }), (root, path) => {
        let expected: unknown = root
        for (const name of path) {
          expected =
            typeof expected === 'object' && expected !== null && Object.hasOwn(expected, name)
              ? (expected as Record<string, unknown>)[name]
              : NONE
          if (expected === NONE) break
        }
        const source = `$${path.map((name) => `.${name}`).join('')}`
        expect(compilePointer(source).read(root, NONE)).toBe(expected)
        const all = compilePointer(source).readAll(root)
        expect(all).toEqual(
          expected === NONE
            ? { values: [], missing: true }
            : { values: [expected], missing: false },
        )
      }),
      { numRuns: 300 },
    )
  })
})
