import { describe, expect, it } from 'vitest'

import { KeyError } from './keyError.js'
import { makeKey } from './makeKey.js'
import { MAX_DEPTH, stableHash } from './stableHash.js'

/** `{ a: { a: … 1 } }` with `depth` objects. */
function nestedObjects(depth: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

function catchKeyError(fn: () => unknown): KeyError {
  try {
    fn()
  } catch (error) {
    if (error instanceof KeyError) return error
    throw new Error(`expected a KeyError, got: ${String(error)}`, { cause: error })
  }
  throw new Error('expected a KeyError, but nothing was thrown')
}

const MESSAGE =
  'stableHash reads values nested at most 500 deep (objects, arrays, Maps, Sets); ' +
  'this one goes deeper, at [object Object]'

describe('stableHash depth limit', () => {
  it('is 500', () => {
    expect(MAX_DEPTH).toBe(500)
  })

  it('rejects a value nested 2,000 deep with ERR_KEY_DEPTH, from stableHash and makeKey', () => {
    // The input of the report: both used to overflow the stack with a RangeError.
    const deep = nestedObjects(2000)
    for (const error of [
      catchKeyError(() => stableHash(deep)),
      catchKeyError(() => makeKey([deep])),
      catchKeyError(() => makeKey([deep, 'x'])),
    ]) {
      expect(error.code).toBe('ERR_KEY_DEPTH')
      expect(error.message).toBe(MESSAGE)
    }
  })

  it('hashes 500 levels and rejects 501, the level that goes past being the error value', () => {
    expect(stableHash(nestedObjects(500))).toMatch(/^[0-9a-f]{32}$/)
    const deep = nestedObjects(501)
    const error = catchKeyError(() => stableHash(deep))
    // The outermost 500 objects are read; the 501st is where it stops.
    let at = deep as { a: unknown }
    for (let i = 0; i < 500; i++) at = at.a as { a: unknown }
    expect(error.value).toBe(at)
    // makeKey's argument list is a level of its own.
    expect(catchKeyError(() => makeKey([nestedObjects(500)])).code).toBe('ERR_KEY_DEPTH')
    expect(makeKey([nestedObjects(499)])).toMatch(/^[0-9a-f]{32}$/)
  })

  it('counts arrays, Maps, Sets and toJSON() results as levels', () => {
    const chains: ((inner: unknown) => unknown)[] = [
      (inner) => [inner],
      (inner) => new Map([['k', inner]]),
      (inner) => new Set([inner]),
      (inner) => ({ toJSON: () => inner }),
    ]
    for (const wrap of chains) {
      let ok: unknown = 1
      for (let i = 0; i < 500; i++) ok = wrap(ok)
      expect(stableHash(ok)).toMatch(/^[0-9a-f]{32}$/)
      expect(catchKeyError(() => stableHash(wrap(nestedObjects(500)))).code).toBe('ERR_KEY_DEPTH')
    }
  })

  it('rejects a toJSON() that returns a fresh object with a toJSON() forever', () => {
    class Endless {
      toJSON(): Endless {
        return new Endless()
      }
    }
    expect(catchKeyError(() => stableHash(new Endless())).code).toBe('ERR_KEY_DEPTH')
  })

  it('does not count a cycle as depth, and is left usable after rejecting', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(stableHash(cyclic)).toBe(stableHash(cyclic))
    expect(() => stableHash(nestedObjects(600))).toThrow(KeyError)
    expect(stableHash({ a: [1, 2] })).toBe(stableHash({ a: [1, 2] }))
  })

  it('gives a hash called from inside toJSON() a depth budget of its own', () => {
    class Inner {
      toJSON(): string {
        return stableHash(nestedObjects(450))
      }
    }
    expect(stableHash(nestedObjects(450))).toMatch(/^[0-9a-f]{32}$/)
    let outer: unknown = new Inner()
    for (let i = 0; i < 400; i++) outer = [outer]
    expect(stableHash(outer)).toMatch(/^[0-9a-f]{32}$/)
  })
})
