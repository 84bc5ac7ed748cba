import { isArray } from '@cache/internal'

import { KeyError, show } from './keyError.js'
import { compileKeyOptions, type KeyOptionsPlan as Plan } from './options.js'
import { isPlain, stableHash } from './stableHash.js'

/** A key `makeKey` returns: a value a `Map` compares as it should (SameValueZero). */
export type CacheKey = string | number | bigint | boolean | symbol | null | undefined

/** Which parts of a call's arguments `makeKey` leaves out of the key. */
export interface MakeKeyOptions {
  /**
   * How many leading arguments to leave out: a client, a context, a `this` passed first.
   * @default 0
   */
  readonly skipArgs?: number
  /**
   * Arguments to leave out, by position (0-based, counting the skipped ones) or by name, for
   * names listed in `paramNames`.
   * @default []
   */
  readonly ignoreArgs?: readonly (number | string)[]
  /**
   * The function's parameter names in order, so that `ignoreArgs` can name arguments.
   * @default []
   */
  readonly paramNames?: readonly string[]
  /**
   * Properties to leave out of every plain-object argument (not of nested objects): an options
   * bag's `requestId`, `signal` or `logger`.
   * @default []
   */
  readonly ignoreProps?: readonly string[]
}

const HASH = /^[0-9a-f]{32}$/
const plans = new WeakMap<MakeKeyOptions, Plan>()

/**
 * The in-memory cache key for a call's arguments: two argument lists get the same key exactly when
 * {@link stableHash} gives them the same hash (after the options leave arguments out).
 *
 * The commonest call, one primitive argument, hashes nothing: the argument is its own key (a `Map`
 * keeps `1`, `'1'` and `1n` apart). Everything else is `stableHash(args)`. Two exceptions keep the
 * promise above: `-0` (a `Map` would merge it with `0`) and a string that looks like a hash (32
 * lowercase hex digits, so that no argument can pass for another call's key) are hashed too.
 *
 * Argument lists differ by length: `f()`, `f(undefined)` and `f(1, undefined)` get three keys.
 *
 * Options are checked, and compiled, the first time an options object is seen; keep one options
 * object per function (a later change to it is not seen).
 *
 * For a key stored outside the process (Redis), use `stableHash` or {@link keyTemplate}: a number
 * key does not survive a trip through text.
 *
 * @throws {KeyError} `ERR_KEY_ARGS` if `args` is not an array; `ERR_KEY_OPTIONS` if `options`
 *   are invalid.
 * @example
 * ```ts
 * makeKey(['user-1']) // 'user-1'
 * makeKey([{ id: 1 }, 'full']) // '5f0c…' (32 hex digits: stableHash([{ id: 1 }, 'full']))
 * const options = { skipArgs: 1, ignoreProps: ['requestId'] }
 * makeKey([db, 'user-1'], options) // 'user-1'
 * makeKey([db, { id: 1, requestId: 'r9' }], options) === makeKey([db, { id: 1 }], options) // true
 * ```
 */
export function makeKey(args: readonly unknown[], options?: MakeKeyOptions): CacheKey {
  if (!isArray(args)) {
    throw new KeyError(
      'ERR_KEY_ARGS',
      `\`args\` must be an array of arguments, got: ${show(args)}`,
      args,
    )
  }
  if (options !== undefined) args = select(args, planFor(options))
  if (args.length === 1) {
    const arg: unknown = args[0]
    switch (typeof arg) {
      case 'string':
        if (arg.length !== 32 || !HASH.test(arg)) return arg
        break
      case 'number':
        if (arg !== 0 || 1 / arg > 0) return arg
        break
      case 'bigint':
      case 'boolean':
      case 'symbol':
      case 'undefined':
        return arg
      case 'object':
        if (arg === null) return null
        break
    }
  }
  return stableHash(args)
}

function select(args: readonly unknown[], plan: Plan): unknown[] {
  const kept: unknown[] = []
  for (let i = plan.skip; i < args.length; i++) {
    if (plan.ignored[i] === true) continue
    const arg = args[i]
    kept.push(plan.props.length > 0 ? omitProps(arg, plan.props) : arg)
  }
  return kept
}

/** A plain object without `props`; the same object when it has none of them. */
function omitProps(arg: unknown, props: readonly string[]): unknown {
  if (typeof arg !== 'object' || arg === null || !isPlain(Object.getPrototypeOf(arg))) return arg
  if (!props.some((prop) => Object.hasOwn(arg, prop))) return arg
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(arg)) {
    if (!props.includes(key)) copy[key] = (arg as Record<string, unknown>)[key]
  }
  return copy
}

function planFor(options: MakeKeyOptions): Plan {
  let plan = plans.get(options)
  if (plan === undefined) {
    plan = compileKeyOptions(options)
    plans.set(options, plan)
  }
  return plan
}
