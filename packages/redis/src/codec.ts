// The default serializer: JSON, with tagged nodes (codecTags.ts) for what JSON cannot carry, so
// that values come back from Redis as they were stored. Values that would not come back alike are
// refused. Plain JSON-safe data, the common case, goes straight through JSON.stringify and
// JSON.parse, and only one walk of the value and a scan of the text are added to what they cost.
import {
  CodecError,
  decodeTagged,
  encodeTagged,
  isPlainObject,
  malformed,
  MAX_DEPTH,
  TAG,
} from './codecTags.js'

export { CodecError, MAX_DEPTH }

/**
 * Turns values into text for Redis and back. `decode(encode(value))` must give a value the
 * cache's callers can use in place of `value`. `encode` throws for a value it cannot encode
 * (the value is then kept in L1 only); `decode` throws for text it cannot read (a miss).
 */
export interface Serializer {
  /** The text stored in Redis for `value`. */
  encode(value: unknown): string
  /** The value stored as `text`. */
  decode(text: string): unknown
}

/**
 * Whether `JSON.stringify(value)` is already the tagged format's text for `value`: strings,
 * booleans, null, finite numbers but -0, and arrays and plain objects of those, no more than
 * MAX_DEPTH deep, with no hole, no `undefined` and no key named `$t` (that marks a tag). One
 * walk that reads each property once and allocates nothing (`for…in` uses V8's enum cache where
 * `Object.keys` would copy the keys). It also visits enumerable keys a polluted prototype adds,
 * which JSON.stringify skips: a stricter answer, never a wrong one. A cycle ends at MAX_DEPTH.
 * It may throw (a getter, a revoked Proxy): the tagged encoder then says where.
 */
function isVerbatim(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      // Finite, and not -0, which JSON writes as 0 (1 / -0 is -Infinity).
      return Number.isFinite(value) && (value !== 0 || 1 / value > 0)
    case 'object': {
      if (value === null) return true
      if (depth >= MAX_DEPTH) return false
      if (Array.isArray(value)) {
        const items = value as unknown[]
        for (let i = 0; i < items.length; i++) {
          if (!isVerbatim(items[i], depth + 1)) return false
        }
        return true
      }
      if (!isPlainObject(value)) return false
      const record = value as Record<string, unknown>
      for (const key in record) {
        if (key === TAG || !isVerbatim(record[key], depth + 1)) return false
      }
      return true
    }
    default:
      return false
  }
}

/** Text shorter than this holds fewer than MAX_DEPTH + 2 nested levels, each `[` … `]` or `{…}`. */
const SHALLOW_LENGTH = 2 * (MAX_DEPTH + 2)

/**
 * Whether `text` holds more than MAX_DEPTH + 1 opening brackets, counting those in strings too
 * (an over-count only costs the exact check): if not, it cannot nest deeper than the tagged
 * decoder allows. `indexOf` runs in native code, so this costs a fraction of JSON.parse.
 */
function hasManyBrackets(text: string): boolean {
  let count = 0
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1)) {
    if (++count > MAX_DEPTH + 1) return true
  }
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1)) {
    if (++count > MAX_DEPTH + 1) return true
  }
  return false
}

/** Whether a parsed value nests deeper than the tagged decoder allows (`depth`: of `node`). */
function isTooDeep(node: object, depth: number): boolean {
  if (depth > MAX_DEPTH) return true
  if (Array.isArray(node)) {
    const items = node as unknown[]
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      if (typeof item === 'object' && item !== null && isTooDeep(item, depth + 1)) return true
    }
    return false
  }
  const record = node as Record<string, unknown>
  for (const key in record) {
    const item = record[key]
    if (typeof item !== 'object' || item === null || !Object.hasOwn(record, key)) continue
    if (isTooDeep(item, depth + 1)) return true
  }
  return false
}

/**
 * The default {@link Serializer}: JSON that round-trips `undefined`, `NaN`, `±Infinity`, `-0`,
 * `BigInt`, `Date`, `Map`, `Set`, `RegExp`, `Buffer`, typed arrays, `ArrayBuffer`, `DataView`
 * and errors (their class for the built-in ones, `name`, `message`, `stack`, `cause` and own
 * properties such as `code`; other error classes come back as `Error` with the same `name`).
 * Objects with a `toJSON()` method are stored as its result, as `JSON.stringify` would. Refused
 * (`CodecError`, naming the path): functions, symbols, cycles, and class instances without
 * `toJSON()`, which would come back as plain objects without their methods.
 *
 * Plain JSON-safe data is stored as `JSON.stringify` writes it and read with a bare `JSON.parse`,
 * at little more than their own cost. The text is the same as the serializer wrote before it
 * had this fast path: either one decodes what the other wrote.
 *
 * @example
 * ```ts
 * const text = jsonSerializer.encode({ at: new Date(0), tags: new Set(['a']) })
 * jsonSerializer.decode(text) // { at: Date(0), tags: Set { 'a' } }
 * ```
 */
export const jsonSerializer: Serializer = {
  encode(value: unknown): string {
    try {
      // The walk and JSON.stringify read the value twice: a getter or Proxy that answers
      // differently the second time is stored as its second answer (or, if that is no JSON,
      // by the tagged encoder, which reads it once more).
      if (isVerbatim(value, 0)) {
        const text = JSON.stringify(value) as string | undefined
        if (text !== undefined) return text
      }
    } catch {
      // Something could not be read: the tagged encoder reads it again and names where.
    }
    return encodeTagged(value)
  },
  decode(text: string): unknown {
    // Every tagged node is written as `{"$t":…}`: a text without `$t"` has none, and JSON.parse
    // alone reads it. (A string "$t" sends a text to the tagged decoder too, which reads it
    // alike.) JSON.parse never recurses, so no text can overflow the stack here.
    if (text.includes(`${TAG}"`)) return decodeTagged(JSON.parse(text))
    const value: unknown = JSON.parse(text)
    if (
      text.length >= SHALLOW_LENGTH &&
      typeof value === 'object' &&
      value !== null &&
      hasManyBrackets(text) &&
      isTooDeep(value, 0)
    ) {
      throw malformed(`nested deeper than ${MAX_DEPTH} levels`)
    }
    return value
  },
}
