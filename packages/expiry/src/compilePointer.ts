// The one data-pointer grammar of the toolkit ('$.token.expiration', '$.clients.*'), parsed once
// into a reader. Expiration pointers read one value with it; dispose targets read every value.
import { ExpiryParseError } from './expiryParseError.js'

/** What {@link DataPointer.readAll} found. */
export interface PointerMatch {
  /** Every value the pointer names, in order (a wildcard's values in their own order). */
  readonly values: unknown[]
  /** Whether some part of the path was not there (a value that is `undefined` is there). */
  readonly missing: boolean
}

/** A compiled data pointer; see {@link compilePointer}. */
export interface DataPointer {
  /** The pointer as written. */
  readonly source: string
  /** Whether it ends in `:ignore_missing`: a missing path is then expected, not an error. */
  readonly ignoreMissing: boolean
  /** Whether it holds a `*`, and so names any number of values rather than one. */
  readonly wildcard: boolean
  /**
   * The one value at the path inside `root`, or `fallback` when the path is not there. Pass a
   * value of your own (a symbol) as `fallback` to tell a missing path from an `undefined` value.
   * @throws {@link ExpiryParseError} (kind `'pointer'`) for a pointer with a `*`: use `readAll`.
   */
  read(root: unknown, fallback: unknown): unknown
  /** Every value the pointer names inside `root`, and whether some part of the path was missing. */
  readAll(root: unknown): PointerMatch
}

/** One step of a path: a property name, an array index, or every value. */
type Step = string | number | typeof EVERY

const EVERY: unique symbol = Symbol('*')
const NOT_FOUND: unique symbol = Symbol('not found')
const IGNORE_MISSING = ':ignore_missing'

/** What a data pointer must look like, in words, for error messages. */
export const EXPECTED_POINTER: string =
  "a data pointer '$.key[.key…][:ignore_missing]' with no empty key, where a key is a name or * " +
  "(every value), and [0] reads an index: '$', '$.a.b', '$.a[0]', '$.a.*'"

/**
 * Parses a data pointer once into a reader of the values it names. The grammar, shared by
 * expiration pointers and dispose targets:
 *
 * - `$` is the value itself; `.name` reads a property (any characters but `.` and `[`), `[0]` an
 *   index, and `.*` (or `[*]`) every value at that point: an object's own enumerable property
 *   values, an array's items, a `Map`'s values.
 * - A name reads a `Map` entry by that string key, `[0]` by the number key 0; on anything else both
 *   read an own property, or a getter its class defines. Never a method, an inherited property or
 *   anything of `Object.prototype` (`toString`, `constructor`, `__proto__`).
 * - `:ignore_missing` at the end marks a pointer whose path may be missing.
 *
 * @throws {@link ExpiryParseError} (kind `'pointer'`) when `text` is not such a pointer.
 * @example
 * ```ts
 * const exp = compilePointer('$.token.exp')
 * exp.read({ token: { exp: 60 } }, undefined) // 60
 * compilePointer('$.clients.*').readAll({ clients: { db, cache } }) // { values: [db, cache], missing: false }
 * compilePointer('$.a:ignore_missing').readAll({}) // { values: [], missing: true }
 * ```
 */
export function compilePointer(text: string): DataPointer {
  const steps = parsePointer(text)
  if (steps === undefined) throw new ExpiryParseError('pointer', text, EXPECTED_POINTER)
  return pointerFrom(text, steps)
}

/**
 * The steps of a pointer and whether it ends in `:ignore_missing`, or `undefined` when `text` is
 * not a pointer: for callers that report a bad pointer with an error of their own.
 */
export function parsePointer(text: unknown): Step[] | undefined {
  if (typeof text !== 'string' || !text.startsWith('$')) return undefined
  const end = text.endsWith(IGNORE_MISSING) ? text.length - IGNORE_MISSING.length : text.length
  const steps: Step[] = []
  let at = 1
  while (at < end) {
    const char = text[at]
    if (char === '.') {
      let stop = at + 1
      while (stop < end && text[stop] !== '.' && text[stop] !== '[') stop++
      const name = text.slice(at + 1, stop)
      if (name === '') return undefined
      steps.push(name === '*' ? EVERY : name)
      at = stop
    } else if (char === '[') {
      const close = text.indexOf(']', at)
      if (close === -1 || close >= end) return undefined
      const inside = text.slice(at + 1, close)
      if (inside === '*') steps.push(EVERY)
      else if (/^\d+$/.test(inside) && Number.isSafeInteger(Number(inside)))
        steps.push(Number(inside))
      else return undefined
      at = close + 1
    } else {
      return undefined
    }
  }
  return steps
}

/** A reader over parsed steps; `source` is the pointer as written. */
export function pointerFrom(source: string, steps: readonly Step[]): DataPointer {
  const ignoreMissing = source.endsWith(IGNORE_MISSING)
  const wildcard = steps.includes(EVERY)
  return {
    source,
    ignoreMissing,
    wildcard,
    read(root: unknown, fallback: unknown): unknown {
      if (wildcard) {
        throw new ExpiryParseError(
          'pointer',
          source,
          'a data pointer without * where one value is read (readAll reads every value)',
        )
      }
      let current = root
      for (const step of steps) {
        current = readStep(current, step as string | number)
        if (current === NOT_FOUND) return fallback
      }
      return current
    },
    readAll(root: unknown): PointerMatch {
      const values: unknown[] = []
      const missing = collect(root, steps, 0, values)
      return { values, missing }
    },
  }
}

/** Adds the values `steps[from…]` name inside `current` to `into`; true if some were missing. */
function collect(current: unknown, steps: readonly Step[], from: number, into: unknown[]): boolean {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i]!
    if (step === EVERY) {
      const all = everyValue(current)
      if (all === undefined) return true
      let missing = false
      for (const value of all) missing = collect(value, steps, i + 1, into) || missing
      return missing
    }
    current = readStep(current, step)
    if (current === NOT_FOUND) return true
  }
  into.push(current)
  return false
}

/** One step into `current`: own data, a class's getter, or a Map entry; else NOT_FOUND. */
function readStep(current: unknown, step: string | number): unknown {
  if (current instanceof Map) {
    return current.has(step) ? (current as Map<unknown, unknown>).get(step) : NOT_FOUND
  }
  if ((typeof current !== 'object' || current === null) && typeof current !== 'function') {
    return NOT_FOUND
  }
  const key = String(step)
  if (Object.hasOwn(current, key)) return (current as Record<string, unknown>)[key]
  // A getter a class defines reads like a property of its instances (`get expiresAt()`); its
  // methods, inherited data and Object.prototype's members are not data.
  for (
    let proto: unknown = Object.getPrototypeOf(current);
    proto !== null && proto !== Object.prototype && proto !== Function.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key)
    if (descriptor !== undefined) {
      return descriptor.get === undefined ? NOT_FOUND : descriptor.get.call(current)
    }
  }
  return NOT_FOUND
}

/** The values a `*` stands for in `current`, or `undefined` when it holds none. */
function everyValue(current: unknown): Iterable<unknown> | undefined {
  if (current instanceof Map) return (current as Map<unknown, unknown>).values()
  if ((typeof current !== 'object' || current === null) && typeof current !== 'function') {
    return undefined
  }
  return Object.values(current) as unknown[]
}
