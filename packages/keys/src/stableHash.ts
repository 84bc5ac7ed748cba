// stableHash: a canonical, self-delimiting encoding of a value, streamed into a 128-bit hash.
import { giveHasher, type Hasher, hashUnits, takeHasher } from './hash128.js'
import { classKeyOf } from './classKey.js'
import { KeyError, show } from './keyError.js'
import { keyOf } from './keyOf.js'

/**
 * Hashes any value to 32 hex digits (128 bits) that are equal for structurally equal values and
 * different otherwise, in every process, runtime and machine: the hash is meant to be stored (Redis
 * keys), and stays the same across releases of one major version.
 *
 * Structure is read from:
 * - primitives; types stay apart (`1`, `'1'`, `1n`, `true` all differ) and `-0` differs from `0`
 *   (`NaN` equals `NaN`);
 * - plain objects (own enumerable string keys, in any order) and arrays (in order; a hole differs
 *   from `undefined`); a missing property differs from one set to `undefined`;
 * - `Map` and `Set` (entries in any order), `Date`, `RegExp`, boxed primitives, `ArrayBuffer`,
 *   typed arrays, `DataView` and `Buffer` (by bytes: a `Buffer` equals a `Uint8Array` with the
 *   same bytes);
 * - values with a {@link keyOf} method, then values with a `toJSON()` method (`URL`, Temporal,
 *   decimal libraries…): their class and the method's result. A class is its name and source
 *   text (two classes that share a name hash apart, one class hashes alike in every process), or
 *   its own `static [keyOf]` string when it declares one;
 * - cycles, as references to the ancestor they point back to, so isomorphic graphs hash alike.
 *
 * Anything else (class instances without `[keyOf]()` or `toJSON()`, functions, symbols not from
 * `Symbol.for()`, Promises, Errors…) is hashed by identity: a process-local id. Such hashes are
 * equal only for the same object in the same process; do not store them.
 *
 * The hash is MurmurHash3 x86_128: fast and well spread, but not cryptographic, so someone who
 * controls the input can craft collisions (see the README).
 *
 * @throws {KeyError} `ERR_KEY_DEPTH` for a value nested deeper than 500 levels; `ERR_KEY_CLASS`
 *   for a `static [keyOf]` that is not a non-empty string. Errors thrown by the value's own code
 *   (getters, `[keyOf]()`, `toJSON()`, Proxy traps) pass through unchanged.
 * @example
 * ```ts
 * stableHash({ b: 2, a: [1, 'x'] }) === stableHash({ a: [1, 'x'], b: 2 }) // true
 * stableHash(1) === stableHash('1') // false
 * ```
 */
export function stableHash(value: unknown): string {
  // Primitives, the commonest keys, take a fast path (below) that hashes the same encoding as
  // `encode()` without a Hasher: the four values encoded as a lone tag have constant hashes, and
  // other primitives are written into a scratch buffer and hashed in one go. A property test
  // holds the two paths together.
  if (value === undefined) return UNDEFINED
  if (value === null) return NULL
  if (value === true) return TRUE
  if (value === false) return FALSE
  switch (typeof value) {
    case 'string':
      return value.length <= MAX_SHORT ? hashString(value) : hashEncoded(value)
    case 'number':
      return hashNumber(value)
    case 'bigint':
      return hashBigInt(value)
    default:
      return hashEncoded(value)
  }
}

/** The general path: the encoding streamed through a Hasher. */
function hashEncoded(value: unknown): string {
  const hasher = takeHasher()
  encode(value, hasher, [])
  const hash = hasher.hex()
  giveHasher(hasher)
  return hash
}

/**
 * How deep objects may nest (arrays, Maps, Sets, objects and what `[keyOf]()`/`toJSON()` return
 * each count one level) before `stableHash` throws `ERR_KEY_DEPTH`. The encoder recurses, and this
 * keeps it well inside the smallest call stack of a common engine even when it starts deep.
 */
export const MAX_DEPTH = 500

/*
 * The encoding, written into the hasher as UTF-16 code units. Every value starts with a one-letter
 * tag; strings carry their length, numbers end in ';', containers carry their size. So no encoding
 * is a prefix of another, and a concatenation of encodings splits back one way only: equal
 * encodings mean equal data.
 *
 *   u undefined   z null   t true   f false   n<number>;   i<bigint>;   s<len>:<chars>
 *   y<len>:<Symbol.for key>   a<len>:<items, h for a hole>   o<n>:(<len>:<key><value>)*
 *   k<class><[keyOf]()>   j<class><toJSON()>   w<primitive>
 *   (<class> is <len>:<name>5:h<source hash, 4 units> or 0:<len>:n<static [keyOf]>: classKey.ts)
 *   D<time>;   R<len>:<source><len>:<flags>   B<len>:<kind><len>:<bytes, one unit each>
 *   M<n>:<entry hashes>   S<n>:<item hashes>   (each entry's own 128-bit hash, sorted)
 *   ^<k>;  (the k-th ancestor: a cycle)   #<salt><salt><id>;  (identity, process-local)
 *
 * Changing any of this changes stored hashes, which makes it a breaking change (golden tests).
 */
const enum Tag {
  Undefined = 0x75, // u
  Null = 0x7a, // z
  True = 0x74, // t
  False = 0x66, // f
  Number = 0x6e, // n
  BigInt = 0x69, // i
  String = 0x73, // s
  Symbol = 0x79, // y
  Array = 0x61, // a
  Hole = 0x68, // h
  Object = 0x6f, // o
  KeyOf = 0x6b, // k
  ToJSON = 0x6a, // j
  Boxed = 0x77, // w
  Date = 0x44, // D
  RegExp = 0x52, // R
  Bytes = 0x42, // B
  Map = 0x4d, // M
  Set = 0x53, // S
  Cycle = 0x5e, // ^
  Identity = 0x23, // #
  Colon = 0x3a, // :
  End = 0x3b, // ;
}

/*
 * The fast path for primitives: the same encodings as `encode()` writes, built in `scratch` and
 * hashed by `hashUnits`, with no Hasher and no allocation but the hash itself. Encodings are
 * written backward so that they end at `END`: a number's digits come out last one first, and a
 * string's length prefix goes in front of the string once it is in place.
 */

/** The longest string the fast path takes; longer ones stream through a Hasher. */
const MAX_SHORT = 256
/** Where encodings end: room for a short string and its `s<3 digits>:` prefix. */
const END = MAX_SHORT + 5
/** Past `END`, 7 units never written: the zeros `hashUnits` requires after the input. */
const scratch = new Uint16Array(END + 7)

function hashTag(tag: Tag): string {
  scratch[END - 1] = tag
  return hashUnits(scratch, END - 1, END)
}

// Four values are encoded as a lone tag, so they have four fixed hashes, computed once here.
const UNDEFINED = hashTag(Tag.Undefined)
const NULL = hashTag(Tag.Null)
const TRUE = hashTag(Tag.True)
const FALSE = hashTag(Tag.False)

/** `n<numberText(n)>;` */
function hashNumber(n: number): string {
  // `(n | 0) === n` picks the int32 values, and -0, which String() would print as '0'.
  if ((n | 0) === n && !Object.is(n, -0)) return hashInt(Tag.Number, n)
  return hashDecimal(Tag.Number, numberText(n))
}

/**
 * How a number is written: String(n), the spec's shortest round-trip form, identical in every
 * engine, except for -0, whose sign String() loses.
 */
function numberText(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n)
}

/** `i<String(n)>;` */
function hashBigInt(n: bigint): string {
  // In the int32 range, Number(n) is exact and prints as n does.
  const small = Number(n)
  if ((small | 0) === small) return hashInt(Tag.BigInt, small)
  const text = String(n)
  return text.length <= MAX_SHORT ? hashDecimal(Tag.BigInt, text) : hashEncoded(n)
}

/** `<tag><n in decimal>;` for an int32 n (not -0), its digits made without String(n). */
function hashInt(tag: Tag, n: number): string {
  scratch[END - 1] = Tag.End
  let at = digitsBefore(END - 1, n < 0 ? -n : n)
  if (n < 0) scratch[--at] = 0x2d // -
  scratch[--at] = tag
  return hashUnits(scratch, at, END)
}

/** `<tag><digits>;`, the digits being numberText() of a number or String() of a bigint. */
function hashDecimal(tag: Tag, digits: string): string {
  let at = END - 1 - digits.length
  for (let i = 0; i < digits.length; i++) scratch[at + i] = digits.charCodeAt(i)
  scratch[END - 1] = Tag.End
  scratch[--at] = tag
  return hashUnits(scratch, at, END)
}

/** Writes the digits of `n` (0 to 2^31) into `scratch`, ending before `at`; returns their start. */
function digitsBefore(at: number, n: number): number {
  do {
    const next = (n / 10) | 0
    scratch[--at] = 48 + n - next * 10
    n = next
  } while (n !== 0)
  return at
}

/** `s<length>:<text>` for a text of at most `MAX_SHORT` units. */
function hashString(text: string): string {
  const { length } = text
  let at = END - length
  for (let i = 0; i < length; i++) scratch[at + i] = text.charCodeAt(i)
  scratch[--at] = Tag.Colon
  at = digitsBefore(at, length)
  scratch[--at] = Tag.String
  return hashUnits(scratch, at, END)
}

function encode(value: unknown, out: Hasher, ancestors: object[]): void {
  switch (typeof value) {
    case 'string':
      out.sized(Tag.String, value)
      return
    case 'number':
      // As in hashNumber: int32 values (not -0) are written without making String(n).
      if ((value | 0) === value && (value !== 0 || 1 / value > 0)) {
        out.int32(Tag.Number, value)
      } else {
        out.unit(Tag.Number)
        out.text(numberText(value))
        out.unit(Tag.End)
      }
      return
    case 'boolean':
      out.unit(value ? Tag.True : Tag.False)
      return
    case 'undefined':
      out.unit(Tag.Undefined)
      return
    case 'bigint':
      out.unit(Tag.BigInt)
      out.text(String(value))
      out.unit(Tag.End)
      return
    case 'symbol': {
      const key = Symbol.keyFor(value)
      if (key === undefined) {
        identity(value, out)
      } else {
        out.unit(Tag.Symbol)
        sized(key, out)
      }
      return
    }
    case 'function':
      identity(value, out)
      return
    case 'object':
      if (value === null) out.unit(Tag.Null)
      else encodeObject(value, out, ancestors)
  }
}

/** `<len>:<text>`. */
function sized(text: string, out: Hasher): void {
  out.sized(0, text)
}

function encodeObject(object: object, out: Hasher, ancestors: object[]): void {
  // Only objects on the current path are tracked: a value shared by two branches is encoded in
  // full in each, as the same data must hash the same however it is shared. Paths are short, so
  // a linear scan beats a Map here.
  const depth = ancestors.length
  for (let i = depth - 1; i >= 0; i--) {
    if (ancestors[i] === object) {
      out.unit(Tag.Cycle)
      out.int(depth - i)
      out.unit(Tag.End)
      return
    }
  }
  if (depth === MAX_DEPTH) throw depthError(object)
  ancestors.push(object)
  if (Array.isArray(object)) encodeArray(object, out, ancestors)
  else encodeContent(object, out, ancestors)
  ancestors.pop()
}

function encodeContent(object: object, out: Hasher, ancestors: object[]): void {
  const own = (object as Partial<Record<typeof keyOf, unknown>>)[keyOf]
  if (encodeAs(Tag.KeyOf, own, object, out, ancestors)) return
  const proto: unknown = Object.getPrototypeOf(object)
  if (proto === Object.prototype) {
    // The common case, a plain object, skips the built-in and realm checks.
    const toJSON = (object as { toJSON?: unknown }).toJSON
    if (!encodeAs(Tag.ToJSON, toJSON, object, out, ancestors)) {
      encodeProps(object as Record<string, unknown>, out, ancestors)
    }
    return
  }
  if (proto !== null && encodeBuiltIn(object, out, ancestors)) return
  const toJSON = (object as { toJSON?: unknown }).toJSON
  if (encodeAs(Tag.ToJSON, toJSON, object, out, ancestors)) return
  if (isPlain(proto)) encodeProps(object as Record<string, unknown>, out, ancestors)
  else identity(object, out)
}

function depthError(object: object): KeyError {
  return new KeyError(
    'ERR_KEY_DEPTH',
    `stableHash reads values nested at most ${MAX_DEPTH} deep (objects, arrays, Maps, Sets); ` +
      `this one goes deeper, at ${show(object)}`,
    object,
  )
}

/**
 * `<tag><class><what method returns>`, for a `[keyOf]()` or `toJSON()` method. False,
 * with nothing written, when there is no such method or it returns the object itself: the object
 * is then encoded some other way.
 */
function encodeAs(
  tag: Tag.KeyOf | Tag.ToJSON,
  method: unknown,
  object: object,
  out: Hasher,
  ancestors: object[],
): boolean {
  if (typeof method !== 'function') return false
  const replacement: unknown = method.call(object)
  if (replacement === object) return false
  out.unit(tag)
  out.text(classKeyOf(object))
  encode(replacement, out, ancestors)
  return true
}

/** Encodes the built-in types read by content; false for any other object. */
function encodeBuiltIn(object: object, out: Hasher, ancestors: object[]): boolean {
  const tag = Object.prototype.toString.call(object).slice(8, -1)
  switch (tag) {
    case 'Date':
      out.unit(Tag.Date)
      out.text(String(Date.prototype.getTime.call(object)))
      out.unit(Tag.End)
      return true
    case 'RegExp': {
      const { source, flags } = object as RegExp
      out.unit(Tag.RegExp)
      sized(source, out)
      sized(flags, out)
      return true
    }
    case 'Map':
      encodeMap(object as Map<unknown, unknown>, out, ancestors)
      return true
    case 'Set':
      encodeSet(object as Set<unknown>, out, ancestors)
      return true
    case 'Number':
    case 'String':
    case 'Boolean':
    case 'BigInt':
    case 'Symbol':
      out.unit(Tag.Boxed)
      encode((object as { valueOf(): unknown }).valueOf(), out, ancestors)
      return true
    case 'ArrayBuffer':
    case 'SharedArrayBuffer':
      encodeBytes(tag, new Uint8Array(object as ArrayBufferLike), 1, out)
      return true
  }
  if (!ArrayBuffer.isView(object)) return false
  // A Buffer's tag is 'Uint8Array', so it hashes like the Uint8Array with the same bytes.
  const size = (object as Partial<Uint8Array>).BYTES_PER_ELEMENT ?? 1
  encodeBytes(tag, new Uint8Array(object.buffer, object.byteOffset, object.byteLength), size, out)
  return true
}

/**
 * Whether an object with this prototype is a plain object: `{}`, `Object.create(null)`, or a plain
 * object from another realm (an iframe, `node:vm`), whose `Object.prototype` is not ours.
 */
export function isPlain(proto: unknown): boolean {
  if (proto === Object.prototype || proto === null) return true
  const ctor: unknown = (proto as { constructor?: unknown }).constructor
  return (
    Object.getPrototypeOf(proto) === null && typeof ctor === 'function' && ctor.name === 'Object'
  )
}

function encodeArray(array: readonly unknown[], out: Hasher, ancestors: object[]): void {
  out.head(Tag.Array, array.length)
  for (let i = 0; i < array.length; i++) {
    const item = array[i]
    if (item === undefined && !(i in array)) out.unit(Tag.Hole)
    else encode(item, out, ancestors)
  }
}

function encodeProps(object: Record<string, unknown>, out: Hasher, ancestors: object[]): void {
  const keys = sortKeys(Object.keys(object))
  out.head(Tag.Object, keys.length)
  for (const key of keys) {
    out.sized(0, key)
    encode(object[key], out, ancestors)
  }
}

/**
 * Sorts keys by UTF-16 code units, as `Array.prototype.sort()` would. Objects have few keys, and
 * often arrive sorted already, where insertion sort beats the generic sort by a wide margin.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > 64) return keys.sort()
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!
    let j = i - 1
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!
      j--
    }
    keys[j + 1] = key
  }
  return keys
}

// A Map's or Set's entries are hashed one by one and written sorted by hash, so that insertion
// order does not matter. Back-references count ancestors, not positions, so an entry's hash does
// not depend on where it lands after sorting.
function encodeMap(map: ReadonlyMap<unknown, unknown>, out: Hasher, ancestors: object[]): void {
  const entries: string[] = []
  for (const [key, value] of map) {
    const entry = takeHasher()
    encode(key, entry, ancestors)
    encode(value, entry, ancestors)
    entries.push(entry.raw())
    giveHasher(entry)
  }
  writeSorted(Tag.Map, entries, out)
}

function encodeSet(set: ReadonlySet<unknown>, out: Hasher, ancestors: object[]): void {
  const items: string[] = []
  for (const item of set) {
    const entry = takeHasher()
    encode(item, entry, ancestors)
    items.push(entry.raw())
    giveHasher(entry)
  }
  writeSorted(Tag.Set, items, out)
}

function writeSorted(tag: Tag, hashes: string[], out: Hasher): void {
  out.unit(tag)
  out.int(hashes.length)
  out.unit(Tag.Colon)
  for (const hash of hashes.sort()) out.text(hash)
}

/** True where typed arrays store their elements little-endian: every common JS platform. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

function encodeBytes(kind: string, bytes: Uint8Array, elementSize: number, out: Hasher): void {
  // The encoding is of little-endian bytes everywhere, so that a Float64Array hashes the same on a
  // big-endian machine (Node on s390x) as on x86 and ARM.
  if (!LITTLE_ENDIAN && elementSize > 1) bytes = swapBytes(bytes, elementSize)
  out.unit(Tag.Bytes)
  sized(kind, out)
  out.int(bytes.length)
  out.unit(Tag.Colon)
  out.bytes(bytes)
}

/** A copy of `bytes` with each `size`-byte element reversed: big-endian to little-endian. */
export function swapBytes(bytes: Uint8Array, size: number): Uint8Array {
  const swapped = new Uint8Array(bytes.length)
  for (let i = 0; i < bytes.length; i += size) {
    for (let j = 0; j < size; j++) swapped[i + j] = bytes[i + size - 1 - j]!
  }
  return swapped
}

// Identity: a process-local id per object, function or unique symbol, held weakly so that hashing
// a value never keeps it alive. Symbols as WeakMap keys are ES2023; older engines hold them
// strongly instead (few programs make unique symbols by the thousand).
const ids = new WeakMap<object, number>()
const symbolIds: WeakMap<symbol, number> | Map<symbol, number> = symbolsAsWeakKeys()
  ? new WeakMap<symbol, number>()
  : new Map<symbol, number>()
let lastId = 0
// A random salt per process (per module instance): ids restart at 1 in every process, so without
// it the first object hashed in two processes would get the same hash, and a shared second tier
// keyed by these hashes would hand one process's value to the other. With it, identity hashes
// from different processes never meet.
const processSalt = [randomInt31(), randomInt31()] as const

function identity(value: object | symbol, out: Hasher): void {
  const table = (typeof value === 'symbol' ? symbolIds : ids) as WeakMap<object | symbol, number>
  let id = table.get(value)
  if (id === undefined) table.set(value, (id = ++lastId))
  out.unit(Tag.Identity)
  out.int(processSalt[0])
  out.int(processSalt[1])
  out.int(id)
  out.unit(Tag.End)
}

function randomInt31(): number {
  return Math.floor(Math.random() * 0x80000000)
}

function symbolsAsWeakKeys(): boolean {
  try {
    new WeakMap<symbol, number>().set(Symbol(), 0)
    return true
  } catch {
    return false
  }
}
