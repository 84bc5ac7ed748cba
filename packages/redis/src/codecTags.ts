// The default serializer's tagged format: JSON in which an object with an own `$t` key is a tagged
// node for what JSON cannot carry (undefined, NaN, -0, BigInt, Date, Map, Set, RegExp, Buffer,
// typed arrays, errors, and plain objects that have a `$t` key of their own). `codec.ts` sends
// here only the values (and texts) its plain-JSON fast path cannot take. Every version of the
// package wrote this format, so the text of any version decodes here.

/** Thrown by the default serializer for a value it cannot encode, naming where it is. */
export class CodecError extends Error {
  override readonly name = 'CodecError' as const
  /** Where the value is, as a path from the root (`'$.user.avatar'`). */
  readonly path: string

  /**
   * @param message - what the value is; @param path - where it is; @param options - `cause`:
   * what reading the value threw, if that is why.
   */
  constructor(message: string, path: string, options?: ErrorOptions) {
    super(`${message} at ${path}`, options)
    this.path = path
  }
}

/**
 * The deepest nesting of objects and arrays the default serializer encodes or decodes. Deeper
 * values are refused with a `CodecError` (and a decode with a `TypeError`) rather than overflow
 * the stack: encoding recurses, and 512 levels stay far from the limit wherever it is called.
 */
export const MAX_DEPTH = 512

/** A JSON node: what JSON.stringify writes as is. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/** The key that marks a tagged node. */
export const TAG = '$t'

const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
} as const

type ViewName = keyof typeof TYPED_ARRAYS

const ERRORS: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
}

/** Whether `value` is an object JSON writes as `{…}` and reads back alike. */
export function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

function base64(view: ArrayBufferView | ArrayBuffer): string {
  return ArrayBuffer.isView(view)
    ? Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64')
    : Buffer.from(view).toString('base64')
}

function bytesOf(text: string): ArrayBuffer {
  const bytes = Buffer.from(text, 'base64')
  // A fresh, exactly sized buffer: typed arrays need their own, aligned at 0.
  const copy = new ArrayBuffer(bytes.byteLength)
  new Uint8Array(copy).set(bytes)
  return copy
}

function define(target: object, key: string, value: unknown, enumerable = true): void {
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true })
}

/** Sets an own property of a fresh object: assignment, which is fast, for every key but one. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  // Assigning '__proto__' to a fresh object would set its prototype instead.
  if (key === '__proto__') define(target, key, value)
  else target[key] = value
}

/** Encodes one value; `path` names where it is, `ancestors` catch cycles. */
class Encoder {
  readonly #path: (string | number)[] = []
  readonly #ancestors = new Set<object>()

  node(value: unknown): Json {
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return value
      case 'number':
        if (Number.isFinite(value) && !Object.is(value, -0)) return value
        return { [TAG]: 'n', v: Object.is(value, -0) ? '-0' : String(value) }
      case 'bigint':
        return { [TAG]: 'b', v: value.toString() }
      case 'undefined':
        return { [TAG]: 'u' }
      case 'object':
        return value === null ? null : this.#object(value)
      default:
        throw this.#error(`a ${typeof value} cannot be stored`)
    }
  }

  #object(value: object): Json {
    if (this.#ancestors.has(value)) throw this.#error('a cycle cannot be stored')
    // The ancestors are exactly the objects this one is nested in.
    if (this.#ancestors.size >= MAX_DEPTH) {
      throw this.#error(`a value nested deeper than ${MAX_DEPTH} levels cannot be stored`)
    }
    this.#ancestors.add(value)
    try {
      return this.#objectNode(value)
    } finally {
      this.#ancestors.delete(value)
    }
  }

  #objectNode(value: object): Json {
    if (Array.isArray(value)) {
      const items: Json[] = []
      for (let i = 0; i < value.length; i++) items.push(this.#at(i, (value as unknown[])[i]))
      return items
    }
    if (isPlainObject(value)) {
      const record = value as Record<string, unknown>
      if (Object.hasOwn(record, TAG)) {
        return {
          [TAG]: 'O',
          v: Object.keys(record).map((key) => [key, this.#at(key, record[key])]),
        }
      }
      const out: { [key: string]: Json } = {}
      for (const key of Object.keys(record)) put(out, key, this.#at(key, record[key]))
      return out
    }
    if (value instanceof Date) {
      const time = value.getTime()
      return { [TAG]: 'D', v: Number.isNaN(time) ? null : time }
    }
    if (value instanceof Map) {
      let i = 0
      const entries: Json[] = []
      for (const [k, v] of value as Map<unknown, unknown>) {
        entries.push([this.#at(`<key ${i}>`, k), this.#at(`<value ${i}>`, v)])
        i++
      }
      return { [TAG]: 'M', v: entries }
    }
    if (value instanceof Set) {
      let i = 0
      const items: Json[] = []
      for (const item of value as Set<unknown>) items.push(this.#at(`<item ${i++}>`, item))
      return { [TAG]: 'S', v: items }
    }
    if (value instanceof RegExp) return { [TAG]: 'R', v: [value.source, value.flags] }
    if (Buffer.isBuffer(value)) return { [TAG]: 'B', v: base64(value) }
    if (ArrayBuffer.isView(value)) {
      const name = value.constructor.name
      if (!(name in TYPED_ARRAYS)) throw this.#error(`a ${name} cannot be stored`)
      return { [TAG]: 'T', c: name, v: base64(value) }
    }
    if (value instanceof ArrayBuffer) return { [TAG]: 'A', v: base64(value) }
    if (value instanceof Error) return this.#errorNode(value)
    const toJSON = (value as { toJSON?: unknown }).toJSON
    if (typeof toJSON === 'function') return this.#at('<toJSON()>', toJSON.call(value))
    const name = (value.constructor as { name?: string } | undefined)?.name ?? 'object'
    throw this.#error(
      `an instance of ${name} cannot be stored (it would come back as a plain object): give it a toJSON() or pass a serializer`,
    )
  }

  #errorNode(error: Error): Json {
    const props: Json[] = []
    for (const key of Object.keys(error)) {
      if (key === 'name' || key === 'message' || key === 'stack' || key === 'cause') continue
      props.push([key, this.#at(key, (error as unknown as Record<string, unknown>)[key])])
    }
    const node: { [key: string]: Json } = {
      name: error.name,
      message: error.message,
      props,
    }
    if (typeof error.stack === 'string') node.stack = error.stack
    if (Object.hasOwn(error, 'cause')) node.cause = this.#at('cause', error.cause)
    if (error instanceof AggregateError && Array.isArray(error.errors)) {
      node.errors = this.#at('errors', error.errors)
    }
    return { [TAG]: 'E', v: node }
  }

  /** The root value's node; what reading the value throws becomes a CodecError. */
  root(value: unknown): Json {
    try {
      return this.node(value)
    } catch (error) {
      throw this.#unreadable(error)
    }
  }

  #at(segment: string | number, value: unknown): Json {
    this.#path.push(segment)
    try {
      return this.node(value)
    } catch (error) {
      // Caught here, where the path still leads to the value: a getter, `toJSON` or Proxy trap
      // that throws, or a revoked Proxy, makes a value that cannot be stored.
      throw this.#unreadable(error)
    } finally {
      this.#path.pop()
    }
  }

  #unreadable(error: unknown): CodecError {
    if (error instanceof CodecError) return error
    const codecError = this.#error(
      'a value that cannot be read (reading it threw) cannot be stored',
    )
    Object.defineProperty(codecError, 'cause', { value: error, configurable: true, writable: true })
    return codecError
  }

  #error(message: string): CodecError {
    // A deep path shows its first and last steps only: the message stays readable.
    const steps = this.#path
    const shown = steps.length > 20 ? [...steps.slice(0, 8), '…', ...steps.slice(-8)] : steps
    const path = shown
      .map((segment) =>
        typeof segment === 'number'
          ? `[${segment}]`
          : segment === '…'
            ? segment
            : /^[A-Za-z_$][\w$]*$|^<.*>$/.test(segment)
              ? `.${segment}`
              : `[${JSON.stringify(segment)}]`,
      )
      .join('')
    return new CodecError(message, `$${path}`)
  }
}

/**
 * The tagged text for `value`.
 *
 * @throws a {@link CodecError} naming where the value is, for what cannot be stored.
 */
export function encodeTagged(value: unknown): string {
  return JSON.stringify(new Encoder().root(value))
}

/** The error for text that is JSON but not a cache record. */
export function malformed(detail: string): TypeError {
  return new TypeError(`malformed cache record: ${detail}`)
}

/**
 * Decodes one node of what JSON.parse returned, `depth` objects deep, in place: the parser's
 * fresh objects and arrays become the value's own, with each tagged node replaced by what it
 * stands for. Writing into them by assignment is safe even for a key named `__proto__`: JSON.parse
 * made it an own data property, and assigning to an own data property only changes its value.
 */
function decodeNode(node: unknown, depth: number): unknown {
  if (typeof node !== 'object' || node === null) return node
  // Counted in decoded objects and arrays, as the encoder counts them: what encode() wrote always
  // decodes, and no text read from Redis can overflow the stack.
  if (depth > MAX_DEPTH) throw malformed(`nested deeper than ${MAX_DEPTH} levels`)
  if (Array.isArray(node)) {
    const items = node as unknown[]
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      if (typeof item === 'object' && item !== null) items[i] = decodeNode(item, depth + 1)
    }
    return items
  }
  const record = node as Record<string, unknown>
  if (!Object.hasOwn(record, TAG)) {
    for (const key of Object.keys(record)) {
      const item = record[key]
      if (typeof item !== 'object' || item === null) continue
      const decoded = decodeNode(item, depth + 1)
      if (decoded !== item) record[key] = decoded
    }
    return record
  }
  return decodeTag(record, depth)
}

function decodeTag(record: Record<string, unknown>, depth: number): unknown {
  // No closures here: a closure made per node costs more than the node (and more again under
  // tools that name every function they create).
  const v = record.v
  switch (record[TAG]) {
    case 'u':
      return undefined
    case 'n':
      return v === '-0' ? -0 : Number(v)
    case 'b':
      return BigInt(v as string)
    case 'D':
      return new Date(v === null ? NaN : (v as number))
    case 'M': {
      const map = new Map<unknown, unknown>()
      for (const entry of listOf(v, 'M')) {
        const [key, item] = listOf(entry, 'M')
        map.set(decodeNode(key, depth + 1), decodeNode(item, depth + 1))
      }
      return map
    }
    case 'S': {
      const set = new Set<unknown>()
      for (const item of listOf(v, 'S')) set.add(decodeNode(item, depth + 1))
      return set
    }
    case 'R': {
      const [source, flags] = v as [string, string]
      return new RegExp(source, flags)
    }
    case 'B':
      return Buffer.from(v as string, 'base64')
    case 'A':
      return bytesOf(v as string)
    case 'T': {
      const name = record.c as string
      if (!Object.hasOwn(TYPED_ARRAYS, name)) throw malformed(`unknown view ${name}`)
      const View = TYPED_ARRAYS[name as ViewName] as new (buffer: ArrayBuffer) => unknown
      return new View(bytesOf(v as string))
    }
    case 'O': {
      const out: Record<string, unknown> = {}
      for (const [key, item] of listOf(v, 'O') as [string, unknown][]) {
        put(out, key, decodeNode(item, depth + 1))
      }
      return out
    }
    case 'E':
      return decodeError(v as Record<string, unknown>, depth)
    default:
      throw malformed(`unknown tag ${String(record[TAG])}`)
  }
}

/** A tagged node's list (`v` of a Map, Set or object, or one entry of it). */
function listOf(v: unknown, tag: string): unknown[] {
  if (!Array.isArray(v)) throw malformed(`a ${tag} node whose entries are not a list`)
  return v
}

function decodeError(node: Record<string, unknown>, depth: number): Error {
  const name = String(node.name)
  const message = String(node.message)
  let error: Error
  if (name === 'AggregateError') {
    error = new AggregateError(
      Array.isArray(node.errors) ? (decodeNode(node.errors, depth + 1) as []) : [],
      message,
    )
  } else {
    const Class = Object.hasOwn(ERRORS, name) ? ERRORS[name]! : Error
    error = new Class(message)
    if (error.name !== name) define(error, 'name', name, false)
  }
  if (typeof node.stack === 'string') define(error, 'stack', node.stack, false)
  if (Object.hasOwn(node, 'cause')) define(error, 'cause', decodeNode(node.cause, depth + 1), false)
  // defineProperty: an error is not fresh, and a key such as 'name' or '__proto__' must become
  // an own property whatever the error classes define.
  for (const [key, item] of node.props as [string, unknown][]) {
    define(error, key, decodeNode(item, depth + 1))
  }
  return error
}

/**
 * The value of a tagged text, parsed already by JSON.parse (which never recurses, so any text
 * parses without overflowing the stack).
 *
 * @throws a `TypeError` for a tagged node that is not one this format writes, or nesting deeper
 * than {@link MAX_DEPTH}.
 */
export function decodeTagged(parsed: unknown): unknown {
  return decodeNode(parsed, 0)
}
