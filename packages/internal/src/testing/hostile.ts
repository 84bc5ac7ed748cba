// Hostile inputs for the fuzz suites of every package (test-only, never bundled): the values that
// broke entry points before (issue 17), and the checks every fuzz run ends with.
import fc from 'fast-check'

/** Runs per fuzz property: small in CI, `FUZZ_RUNS` for a longer run (`pnpm fuzz`). */
export function fuzzRuns(ciRuns: number): number {
  const runs = Number(process.env.FUZZ_RUNS)
  return Number.isInteger(runs) && runs > 0 ? runs : ciRuns
}

/** A revoked Proxy: every operation on it throws a TypeError. */
export function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  return proxy
}

/** An error class of the fuzz suites' own, so a test can tell it from the library's errors. */
export class HostileError extends Error {
  override readonly name = 'HostileError'
}

function throwing(): never {
  throw new HostileError('hostile getter')
}

/** An object each of whose property reads throws, as do its traps. */
export function throwingProxy(): object {
  return new Proxy(
    {},
    { get: throwing, has: throwing, ownKeys: throwing, getPrototypeOf: throwing },
  )
}

function nested(depth: number): unknown {
  let value: unknown = 0
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value }
  return value
}

function cyclic(): object {
  const value: Record<string, unknown> = { a: 1 }
  value.self = value
  return value
}

/**
 * A hostile value, made when called: fast-check inspects the values it generates (and would trip
 * over a revoked Proxy itself), so arbitraries here yield makers, which print as what they make.
 */
export type Hostile = () => unknown

function maker(label: string, make: () => unknown): Hostile {
  const hostile = (): unknown => make()
  Object.defineProperty(hostile, fc.toStringMethod, { value: () => label })
  return hostile
}

const primitives: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Infinity,
    -Infinity,
    1e308,
    -1e308,
    -0,
    0,
    2 ** 31,
    2 ** 31 - 1,
    -(2 ** 31),
    2 ** 53,
    Number.MIN_VALUE,
    0.5,
    -1,
    '',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '\u0000',
    '\ud800',
    '💥'.repeat(10),
    'x'.repeat(100_000),
    10n,
    -(2n ** 64n),
    true,
    false,
    null,
    undefined,
    Symbol('hostile'),
  ),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary' }),
  fc.bigInt(),
)

const objects: Readonly<Record<string, () => unknown>> = {
  revokedProxy,
  throwingProxy,
  throwingGetter: () => Object.defineProperty({}, 'value', { get: throwing, enumerable: true }),
  cyclic,
  nested5000: () => nested(5000),
  function: () => () => 1,
  date: () => new Date(0),
  invalidDate: () => new Date(Number.NaN),
  instance: () =>
    new (class Widget {
      readonly size = 1
    })(),
  protoKey: () => JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  nullPrototype: () => Object.create(null) as unknown,
  throwingToJSON: () => ({ toJSON: throwing }),
  throwingToString: () => ({ toString: throwing, valueOf: throwing }),
  array: () => [1, 'a', null],
  map: () => new Map([[1, 2]]),
}

/**
 * Any value at all, weighted toward the exotic: NaN, ±Infinity, 1e308, -0, huge and unicode
 * strings, `__proto__` and `constructor`, bigints and symbols; objects whose getters, `toJSON` or
 * `toString` throw, revoked and throwing Proxies, cycles, values nested 5,000 deep, functions,
 * dates, class instances, null-prototype objects, and anything fast-check makes.
 */
export const hostileValue: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 3, arbitrary: primitives.map((value) => maker(fc.stringify(value), () => value)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...Object.keys(objects)).map((kind) => maker(kind, objects[kind]!)),
  },
  { weight: 1, arbitrary: fc.anything().map((value) => maker(fc.stringify(value), () => value)) },
)

/**
 * An options object, made when called: the `base` options (ordinary values), then some of `names`
 * (and `__proto__` or an unknown name) set to hostile values; or now and then a hostile value in
 * place of the whole object.
 */
export function hostileOptions(
  names: readonly string[],
  base: Readonly<Record<string, fc.Arbitrary<unknown>>> = {},
): fc.Arbitrary<Hostile> {
  const overrides = fc.uniqueArray(
    fc.tuple(fc.constantFrom(...names, '__proto__', 'unknownOption'), hostileValue),
    { maxLength: names.length, selector: ([name]) => name },
  )
  const object = fc.tuple(fc.record(base), overrides).map(([plain, hostile]) =>
    maker(`${fc.stringify(plain)} + ${fc.stringify(hostile)}`, () => {
      const options: Record<string, unknown> = {}
      const define = (name: string, value: unknown): void => {
        Object.defineProperty(options, name, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        })
      }
      for (const [name, value] of Object.entries(plain)) define(name, value)
      for (const [name, make] of hostile) define(name, make())
      return options
    }),
  )
  return fc.oneof({ weight: 1, arbitrary: hostileValue }, { weight: 4, arbitrary: object })
}

const PROTOTYPES: readonly object[] = [Object.prototype, Array.prototype, Function.prototype]

type Slots = Map<string | symbol, readonly unknown[]>

function snapshotPrototypes(): Slots[] {
  return PROTOTYPES.map((prototype) => {
    const slots: Slots = new Map()
    for (const key of Reflect.ownKeys(prototype)) {
      // Every slot of the descriptor, compared by identity (Object.values: not as methods).
      slots.set(key, Object.values(Object.getOwnPropertyDescriptor(prototype, key)!))
    }
    return slots
  })
}

const prototypeBaseline = snapshotPrototypes()

/** Throws unless `Object.prototype` (and Array's and Function's) are as when the module loaded. */
export function assertPrototypesUnchanged(): void {
  const now = snapshotPrototypes()
  prototypeBaseline.forEach((before, i) => {
    const after = now[i]!
    const same =
      before.size === after.size &&
      [...before].every(([key, slots]) => {
        const other = after.get(key)
        return other !== undefined && slots.every((slot, j) => Object.is(slot, other[j]))
      })
    if (!same) throw new Error('a built-in prototype was changed')
  })
  if (Object.getPrototypeOf(Object.prototype) !== null) {
    throw new Error("Object.prototype's prototype was changed")
  }
}

/**
 * Calls `run`: returns normally, or rethrows anything that is not a documented error (as
 * `isDocumented` says), so that fast-check reports it.
 */
export function documentedOutcome(
  run: () => unknown,
  isDocumented: (error: unknown) => boolean,
): void {
  try {
    run()
  } catch (error) {
    if (!isDocumented(error)) throw error
  } finally {
    assertPrototypesUnchanged()
  }
}
