// Turns a call's arguments into its cache key, as the `key`, `skipArgs`, `ignoreArgs`,
// `ignoreProps` and `paramNames` options say, and finds the caller's AbortSignal among them.
import { isArray } from '@cache/internal'
import { checkKeyOptions, KeyError, keyTemplate, makeKey, type MakeKeyOptions } from '@cache/keys'

import { configError, configErrorFrom } from './errors.js'
import { memoLimitOf, PrimitiveKeys } from './primitiveKeys.js'

/** The key options of `cached()`. */
export interface KeyOptions<A extends readonly unknown[] = readonly unknown[]> {
  /**
   * How a call's key is made, instead of from all its arguments:
   * - a template such as `'user:{0}'` or `'env:{env.id}:id:{user[id]}'` (named placeholders need
   *   `paramNames`, or parameter names that can be read from the function's source);
   * - a function of the arguments returning the key (a primitive is used as is, anything else
   *   by its stable hash);
   * - `SINGLE_KEY`: one entry for every call.
   * @default undefined (all arguments, through `makeKey` of `@cache/keys`)
   */
  readonly key?: string | ((...args: A) => unknown)
  /**
   * Leading arguments to leave out of the key (a client, a context).
   * @default 0
   */
  readonly skipArgs?: number
  /**
   * Arguments to leave out of the key, by position or by parameter name.
   * @default []
   */
  readonly ignoreArgs?: readonly (number | string)[]
  /**
   * Properties to leave out of every plain-object argument (`requestId`, `logger`).
   * @default []
   */
  readonly ignoreProps?: readonly string[]
  /**
   * The function's parameter names, for named placeholders in `key` and names in `ignoreArgs`.
   * @default read from the function's source when it is a plain parameter list
   */
  readonly paramNames?: readonly string[]
}

/** How keys are made for one cached function. */
export interface Keyer {
  /** The cache key of a call. */
  readonly keyOf: (args: readonly unknown[]) => unknown
  /** What the key is made from, for `info()`. */
  readonly kind: 'arguments' | 'template' | 'function'
  /**
   * Set when the key is `makeKey(args)` itself (so a lone primitive is its own key): makeKey of
   * short lists of primitives, memoized (see primitiveKeys.ts).
   */
  readonly primitiveKeys: PrimitiveKeys | undefined
}

/**
 * Builds the key function. With no `key` option, arguments are keyed by `makeKey` (memoized for
 * short lists of primitives, up to `memoLimit` of them); an `AbortSignal` among them (or in a
 * plain object's `signal` property) is left out when `dropSignals`, since a signal says how long
 * a caller waits, not what it asks for.
 *
 * @throws {CacheConfigError} for invalid key options.
 */
export function createKeyer(
  options: KeyOptions<never[]>,
  fn: (...args: never[]) => unknown,
  dropSignals: boolean,
  memoLimit: number = memoLimitOf(null),
): Keyer {
  const { key, skipArgs, ignoreArgs, ignoreProps } = options
  let paramNames = options.paramNames
  if (paramNames !== undefined) {
    if (
      !isArray(paramNames) ||
      !paramNames.every((name) => typeof name === 'string' && name !== '')
    ) {
      throw configError('paramNames', 'an array of non-empty parameter names', paramNames)
    }
  } else {
    paramNames = parameterNames(fn)
  }

  if (key !== undefined) {
    for (const [option, value] of [
      ['skipArgs', skipArgs],
      ['ignoreArgs', ignoreArgs],
      ['ignoreProps', ignoreProps],
    ] as const) {
      if (value !== undefined) {
        throw configError(option, 'left out when `key` is given (the key says it all)', value)
      }
    }
    if (typeof key === 'string') {
      let template: (...args: readonly unknown[]) => string
      try {
        template = keyTemplate(key, { paramNames: distinct(paramNames) })
      } catch (error) {
        throw configError(
          'key',
          `a valid key template (${error instanceof Error ? error.message : String(error)})`,
          key,
          error,
        )
      }
      return {
        keyOf: (args) => template(...args),
        kind: 'template',
        primitiveKeys: undefined,
      }
    }
    if (typeof key === 'function') {
      const keyFn = key as (...args: readonly unknown[]) => unknown
      return {
        keyOf: (args) => makeKey([keyFn(...args)]),
        kind: 'function',
        primitiveKeys: undefined,
      }
    }
    throw configError('key', 'a key template, a function of the arguments or SINGLE_KEY', key)
  }

  const makeKeyOptions = makeKeyOptionsOf(skipArgs, ignoreArgs, ignoreProps, paramNames)
  if (makeKeyOptions === undefined) {
    // Primitives are never signals: a list the memo takes is keyed as it is.
    const primitiveKeys = new PrimitiveKeys(memoLimit)
    return {
      keyOf: dropSignals
        ? (args) => primitiveKeys.list(args) ?? makeKey(withoutSignals(args))
        : (args) => primitiveKeys.list(args) ?? makeKey(args),
      kind: 'arguments',
      primitiveKeys,
    }
  }
  return {
    keyOf: dropSignals
      ? (args) => makeKey(withoutSignals(args), makeKeyOptions)
      : (args) => makeKey(args, makeKeyOptions),
    kind: 'arguments',
    primitiveKeys: undefined,
  }
}

function distinct(names: readonly string[]): string[] {
  // Destructured parameters have no name (''); keyTemplate wants distinct, non-empty names.
  return names.map((name, i) => (name === '' || names.indexOf(name) !== i ? `\u0000${i}` : name))
}

/**
 * `makeKey`'s options for these key options, checked by `@cache/keys`' own `checkKeyOptions`
 * (one option at a time, so that an error names the option the user passed); `undefined` when
 * there are none.
 */
function makeKeyOptionsOf(
  skipArgs: unknown,
  ignoreArgs: unknown,
  ignoreProps: unknown,
  paramNames: readonly string[],
): MakeKeyOptions | undefined {
  if (skipArgs === undefined && ignoreArgs === undefined && ignoreProps === undefined) {
    return undefined
  }
  const names = distinct(paramNames)
  checkKeyOption('skipArgs', { skipArgs } as MakeKeyOptions)
  checkKeyOption('ignoreArgs', { ignoreArgs, paramNames: names } as MakeKeyOptions, paramNames)
  checkKeyOption('ignoreProps', { ignoreProps } as MakeKeyOptions)
  return {
    skipArgs: (skipArgs as number | undefined) ?? 0,
    ignoreArgs: (ignoreArgs as (number | string)[] | undefined) ?? [],
    ignoreProps: (ignoreProps as string[] | undefined) ?? [],
    paramNames: names,
  }
}

/** Checks one key option with `@cache/keys`; its error becomes a `CacheConfigError` for `option`. */
function checkKeyOption(
  option: 'skipArgs' | 'ignoreArgs' | 'ignoreProps',
  options: MakeKeyOptions,
  paramNames?: readonly string[],
): void {
  try {
    checkKeyOptions(options)
  } catch (error) {
    if (!(error instanceof KeyError)) throw error
    if (
      paramNames !== undefined &&
      typeof error.value === 'string' &&
      isArray(options.ignoreArgs)
    ) {
      // A name not among the parameters: they may have been read from the function's source,
      // so say so rather than mention a `paramNames` the user never gave.
      const known = paramNames.filter((name) => name !== '').join(', ')
      throw configError(
        option,
        `names of parameters the function has (${known || 'none could be read: give `paramNames`'})`,
        error.value,
        error,
      )
    }
    throw configErrorFrom(option, option, error.value, error)
  }
}

// --- signals ---------------------------------------------------------------------------------

function isSignal(value: unknown): value is AbortSignal {
  return typeof AbortSignal === 'function' && value instanceof AbortSignal
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** The first AbortSignal among the arguments, or in a plain-object argument's `signal`. */
export function signalOf(args: readonly unknown[]): AbortSignal | undefined {
  for (const arg of args) {
    if (typeof arg !== 'object' || arg === null) continue
    if (isSignal(arg)) return arg
    if (isPlainObject(arg) && isSignal(arg.signal)) return arg.signal
  }
  return undefined
}

/** The arguments with every signal replaced by `signal` (for the shared load's call). */
export function replaceSignals(args: readonly unknown[], signal: AbortSignal): unknown[] {
  return args.map((arg) => {
    if (isSignal(arg)) return signal
    if (isPlainObject(arg) && isSignal(arg.signal)) return { ...arg, signal }
    return arg
  })
}

/**
 * The arguments as keyed: a signal becomes `undefined` and a plain object loses its `signal`
 * property; arguments left with nothing but a signal are dropped from the end, so that
 * `f(1)`, `f(1, signal)` and `f(1, { signal })` are one call.
 */
function withoutSignals(args: readonly unknown[]): readonly unknown[] {
  // The commonest call, one primitive argument, has nothing to look at.
  if (args.length === 1) {
    const arg = args[0]
    if (typeof arg !== 'object' || arg === null) return args
  }
  let copy: unknown[] | undefined
  // Arguments from here to the end carry nothing but signals.
  let end = args.length
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (typeof arg !== 'object' || arg === null) {
      end = args.length
      continue
    }
    if (isSignal(arg)) {
      ;(copy ??= [...args])[i] = undefined
      if (end === args.length) end = i
    } else if (isPlainObject(arg) && isSignal(arg.signal)) {
      const rest = { ...arg }
      delete rest.signal
      ;(copy ??= [...args])[i] = rest
      if (Object.keys(rest).length > 0) end = args.length
      else if (end === args.length) end = i
    } else {
      end = args.length
    }
  }
  if (copy === undefined) return args
  copy.length = end
  return copy
}

// --- parameter names -------------------------------------------------------------------------

/**
 * The parameter names of a function, read from its source: `''` for a destructured parameter,
 * and nothing from a rest parameter on. `[]` when the source is not readable (native, bound).
 */
export function parameterNames(fn: (...args: never[]) => unknown): string[] {
  let source: string
  try {
    source = Function.prototype.toString.call(fn)
  } catch {
    return []
  }
  const list = parameterList(source)
  if (list === undefined) return []
  const names: string[] = []
  for (const part of splitTopLevel(list)) {
    const text = part.trim()
    if (text === '' || text.startsWith('...')) break
    const match = /^[A-Za-z_$][\w$]*/.exec(text)
    names.push(match === null ? '' : match[0])
  }
  return names
}

/** The text between the parentheses of the parameter list, or a lone arrow parameter. */
function parameterList(source: string): string | undefined {
  const arrow = /^(?:async\s*)?([A-Za-z_$][\w$]*)\s*=>/.exec(source)
  if (arrow !== null) return arrow[1]
  const open = source.indexOf('(')
  if (open === -1) return undefined
  let depth = 0
  let quote = ''
  for (let i = open; i < source.length; i++) {
    const char = source[i]!
    if (quote !== '') {
      if (char === '\\') i++
      else if (char === quote) quote = ''
      continue
    }
    if (char === '"' || char === "'" || char === '`') quote = char
    else if (char === '/' && source[i + 1] === '*')
      i = source.indexOf('*/', i + 2) + 1 || source.length
    else if (char === '/' && source[i + 1] === '/')
      i = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i)
    else if (char === '(' || char === '[' || char === '{') depth++
    else if (char === ')' || char === ']' || char === '}') {
      depth--
      if (depth === 0) return source.slice(open + 1, i)
    }
  }
  return undefined
}

/** Splits at commas that are not nested in brackets or strings. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quote = ''
  let start = 0
  for (let i = 0; i < list.length; i++) {
    const char = list[i]!
    if (quote !== '') {
      if (char === '\\') i++
      else if (char === quote) quote = ''
      continue
    }
    if (char === '"' || char === "'" || char === '`') quote = char
    else if (char === '(' || char === '[' || char === '{') depth++
    else if (char === ')' || char === ']' || char === '}') depth--
    else if (char === ',' && depth === 0) {
      parts.push(list.slice(start, i))
      start = i + 1
    }
  }
  parts.push(list.slice(start))
  return parts
}
