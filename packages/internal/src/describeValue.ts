// One rendering of any value for error messages, which never throws: a formatter that throws on
// a revoked Proxy or a throwing getter would replace the error it was building with its own.

/**
 * How {@link describeValue} renders each kind of value. The packages' messages predate this
 * helper and users match on them, so each package keeps its rendering through a style.
 */
export interface ValueStyle {
  /** Strings, symbols, names and JSON text longer than this are cut and end with `…`. */
  readonly maxLength: number
  /** `'json'`: a JSON string literal (`"a\"b"`); `'single'`: between single quotes, as is. */
  readonly strings: 'json' | 'single'
  /** `'word'`: `function f`; `'bracket'`: `[Function f]`. */
  readonly functions: 'word' | 'bracket'
  /**
   * `'short'`: `array(2)`; `'bracket'`: `[Array(2)]`; `'words'`: `an array of length 2`; `'tag'`:
   * `[object Array]`.
   */
  readonly arrays: 'short' | 'bracket' | 'words' | 'tag'
  /**
   * `'json'`: JSON text (`[object Tag]` when there is none); `'tag'`: `[object Map]`; `'name'`:
   * `[object Widget]` by constructor name; `'words'`: `a Map`, `a Widget`, `an object`.
   */
  readonly objects: 'json' | 'tag' | 'name' | 'words'
  /** Render an `Error` as `TypeError: message`. */
  readonly errors?: boolean
  /** Render a `Date` as `Date(2020-01-01T00:00:00.000Z)` and a `Uint8Array` as `Uint8Array(3)`. */
  readonly binary?: boolean
}

/** What an object that cannot be looked at (a revoked Proxy, a throwing trap) renders as. */
const UNREADABLE_OBJECT = '[unreadable object]'
const UNREADABLE_FUNCTION = '[unreadable function]'

/**
 * A short, one-line rendering of `value` for an error message, in the given style. Never throws,
 * whatever the value: getters, traps, `toJSON` and `Symbol.toStringTag` that throw, revoked
 * Proxies, cycles and deep nesting all fall back to a plainer rendering.
 */
export function describeValue(value: unknown, style: ValueStyle): string {
  try {
    return render(value, style)
  } catch {
    return typeof value === 'function' ? UNREADABLE_FUNCTION : UNREADABLE_OBJECT
  }
}

function render(value: unknown, style: ValueStyle): string {
  switch (typeof value) {
    case 'string':
      return style.strings === 'json'
        ? JSON.stringify(cut(value, style.maxLength))
        : `'${cut(value, style.maxLength)}'`
    case 'bigint':
      return cut(`${value}n`, style.maxLength)
    case 'symbol':
      return cut(String(value), style.maxLength)
    case 'function': {
      const name = functionName(value, style.maxLength)
      return style.functions === 'word' ? `function ${name}` : `[Function ${name}]`
    }
    case 'object':
      return value === null ? 'null' : renderObject(value, style)
    default:
      return String(value)
  }
}

function renderObject(value: object, style: ValueStyle): string {
  if (style.binary === true) {
    if (value instanceof Date) {
      const time = Date.prototype.getTime.call(value)
      return Number.isNaN(time) ? 'Invalid Date' : `Date(${new Date(time).toISOString()})`
    }
    if (value instanceof Uint8Array) return `Uint8Array(${lengthOf(value)})`
  }
  if (style.errors === true && value instanceof Error) {
    const name = stringProperty(value, 'name') ?? 'Error'
    const message = stringProperty(value, 'message') ?? ''
    return cut(`${name}: ${message}`, style.maxLength)
  }
  if (Array.isArray(value)) {
    if (style.arrays === 'tag') return '[object Array]'
    const length = lengthOf(value)
    if (style.arrays === 'short') return `array(${length})`
    return style.arrays === 'bracket' ? `[Array(${length})]` : `an array of length ${length}`
  }
  const tag = tagOf(value)
  switch (style.objects) {
    case 'json': {
      const json = jsonOf(value)
      return json === undefined ? `[object ${tag}]` : cut(json, style.maxLength)
    }
    case 'tag':
      return `[object ${tag}]`
    case 'name': {
      const name = tag === 'Object' ? constructorName(value) : ''
      return `[object ${name === '' ? tag : name}]`
    }
    case 'words': {
      if (tag !== 'Object') return `a ${tag}`
      const name = constructorName(value)
      return name !== '' && name !== 'Object' ? `a ${name}` : 'an object'
    }
  }
}

function cut(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text
}

function functionName(fn: object, maxLength: number): string {
  try {
    const name: unknown = (fn as { name?: unknown }).name
    return typeof name === 'string' && name !== '' ? cut(name, maxLength) : '(anonymous)'
  } catch {
    return '(anonymous)'
  }
}

/** `object[key]` if it is a string; `undefined` if it is not or reading it throws. */
function stringProperty(object: object, key: string): string | undefined {
  try {
    const property: unknown = (object as Record<string, unknown>)[key]
    return typeof property === 'string' ? property : undefined
  } catch {
    return undefined
  }
}

function lengthOf(value: object): string {
  try {
    return String((value as { length: unknown }).length)
  } catch {
    return '?'
  }
}

/** `Object.prototype.toString`'s tag, `'Object'` if reading it throws or it is not a string. */
function tagOf(value: object): string {
  try {
    return Object.prototype.toString.call(value).slice(8, -1)
  } catch {
    return 'Object'
  }
}

/** JSON text of a value, or `undefined` if it has none (cycles, throwing `toJSON`, too deep). */
function jsonOf(value: object): string | undefined {
  try {
    const json: unknown = JSON.stringify(value)
    return typeof json === 'string' ? json : undefined
  } catch {
    return undefined
  }
}

/**
 * The name of an object's constructor: `'Object'` for a null-prototype object, `''` when unknown
 * or when reading it throws.
 */
function constructorName(object: object): string {
  try {
    const proto: unknown = Object.getPrototypeOf(object)
    if (proto === null) return 'Object'
    const ctor: unknown = (proto as { constructor?: unknown }).constructor
    if (typeof ctor !== 'function') return ''
    const name: unknown = ctor.name
    return typeof name === 'string' ? name : ''
  } catch {
    return ''
  }
}
