// cached(fn, options) for functions and @cached(options) for class methods: the wrappers that
// key calls, serve hits and send misses to an AsyncCache.
import { makeKey } from '@cache/keys'

import { cacheOver, type AsyncCache, type CacheInfo } from './asyncCache.js'
import { promiseOf } from './entry.js'
import { CacheEngine } from './engine.js'
import { configError } from './errors.js'
import type { Loader } from './flight.js'
import { createKeyer, replaceSignals, signalOf, type KeyOptions, type Keyer } from './keyer.js'
import type { Config } from './config.js'
import type { AsyncCacheOptions } from './options.js'
import {
  CACHE_OPTION_NAMES,
  isAsyncFunction,
  normalizeOptions,
  readOptions,
} from './validateOptions.js'
import { memoLimitOf } from './primitiveKeys.js'
import { markSync, unmarkSync } from './registry.js'
import type { CacheStats } from './stats.js'
import { CacheTagError, checkTags, tagsOrRejection, type TagSource } from './tags.js'
import { isThenable } from './thenable.js'

/** Any function `cached()` accepts. */
export type AnyFunction = (...args: never[]) => unknown

/** Options of `cached(fn, options)`: the cache's options, how calls are keyed, and two switches. */
export interface CachedOptions<A extends readonly unknown[] = readonly unknown[], V = unknown>
  extends Omit<AsyncCacheOptions<unknown, V>, 'batch'>, KeyOptions<A> {
  /**
   * `false` calls straight through to the function, caching nothing.
   * @default true
   */
  readonly enabled?: boolean
  /**
   * Treat the function as async: its wrapper returns promises, shares loads, and may use
   * `timeoutMs`, retry backoff and `staleWhileRevalidate`. Needed only for a function that
   * returns promises without being declared `async`.
   * @default whether `fn` is declared `async`
   */
  readonly async?: boolean
  /**
   * The tags of each entry: a list, or a function of the call's arguments and the value it
   * returned (called once per load; a kept error gets the list, or no tags from a function).
   * `invalidateTags()` of any of them removes the entry, here and on every instance sharing the
   * `l2`. At most 64 non-empty strings of at most 256 characters; a function that throws or
   * answers anything else has its value served, not kept, and the error sent to `onError`.
   * @example (args, user) => [`user:${args[0]}`, `team:${user.teamId}`]
   * @default undefined (no tags)
   */
  readonly tags?: readonly string[] | ((args: A, value: V) => readonly string[])
}

/** Options of the `@cached(options)` method decorator. */
export interface CachedMethodOptions<V = unknown> extends Omit<CachedOptions<never[], V>, 'tags'> {
  /**
   * The tags of each entry: a list, or a function of the call's arguments (typed `unknown`
   * here: a decorator's options are written before the method is known) and the value.
   * See `CachedOptions.tags`.
   * @default undefined (no tags)
   */
  readonly tags?: readonly string[] | ((args: readonly unknown[], value: V) => readonly string[])
  /**
   * One cache per instance (held weakly: it goes with its instance). `false` shares one cache
   * between all instances, with the instance in the key (by `@cache/keys`' rules: by identity,
   * unless the class has a `[keyOf]()` or `toJSON()` method).
   * @default true
   */
  readonly perInstance?: boolean
}

/** A cached function's configuration, as its `info()` reports it. */
export interface CachedInfo extends CacheInfo {
  /** Whether the wrapper is async (its calls and helpers return promises). */
  readonly async: boolean
  readonly enabled: boolean
  /** What keys are made from: all arguments, a `key` template, or a `key` function. */
  readonly key: 'arguments' | 'template' | 'function'
  /** For methods, `perInstance`; `null` for functions. */
  readonly perInstance: boolean | null
}

/** The helpers of a cached sync function: they act at once. */
export interface SyncCacheControls<A extends readonly unknown[], V> {
  /** The cache behind the function. */
  readonly cache: AsyncCache<unknown, V>
  /** Removes the entry for these arguments; `true` if there was a live one. */
  readonly invalidate: (...args: A) => boolean
  /** Removes every entry (disposing of resources) and resets the statistics. */
  readonly clear: () => void
  /** The statistics; see `CacheStats`. */
  readonly stats: () => CacheStats
  /** The configuration. */
  readonly info: () => CachedInfo
  /** Removes expired entries now; returns how many. */
  readonly removeExpired: () => number
  /**
   * Removes every entry carrying one of `tags`; returns how many.
   * @throws {CacheTagError} for tags that are not a list of at most 64 non-empty strings.
   */
  readonly invalidateTags: (tags: readonly string[]) => number
}

/** The helpers of a cached async function: they return promises. */
export interface AsyncCacheControls<A extends readonly unknown[], V> {
  /** The cache behind the function. */
  readonly cache: AsyncCache<unknown, V>
  /** Removes the entry for these arguments; `true` if there was a live one. */
  readonly invalidate: (...args: A) => Promise<boolean>
  /** Removes every entry; resolves once their resources are disposed of. */
  readonly clear: () => Promise<void>
  /** The statistics; see `CacheStats`. */
  readonly stats: () => Promise<CacheStats>
  /** The configuration. */
  readonly info: () => Promise<CachedInfo>
  /** Removes expired entries now; resolves to how many. */
  readonly removeExpired: () => Promise<number>
  /**
   * Removes every entry carrying one of `tags`, here at once and, with `l2`, from L2 and every
   * other instance; resolves to how many were removed here, once L2 has the invalidation.
   * Rejects with `CacheTagError` for tags that are not a list of at most 64 non-empty strings.
   */
  readonly invalidateTags: (tags: readonly string[]) => Promise<number>
}

/** The helpers `F`'s wrapper has: async ones when `F` returns a promise. */
export type CacheControlsOf<F extends AnyFunction> =
  ReturnType<F> extends PromiseLike<unknown>
    ? AsyncCacheControls<Parameters<F>, Awaited<ReturnType<F>>>
    : SyncCacheControls<Parameters<F>, ReturnType<F>>

/** What `cached(fn)` returns: `fn`'s exact call signature, plus its cache's helpers. */
export type CachedFunction<F extends AnyFunction> = F &
  CacheControlsOf<F> & {
    /** The function as it was, uncached. */
    readonly original: F
  }

/** What `@cached(options)` is: a TC39 (TypeScript 5+) class method decorator. */
export type CachedMethodDecorator = <This, A extends unknown[], R>(
  method: (this: This, ...args: A) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>,
) => (this: This, ...args: A) => R

/** The names of `T`'s methods. */
export type MethodNames<T> = {
  [P in keyof T]: T[P] extends AnyFunction ? P : never
}[keyof T]

type Call = (thisArg: unknown, args: unknown[]) => unknown
type Miss = (thisArg: unknown, args: unknown[], key: unknown) => unknown
type KeyOf = (args: readonly unknown[], thisArg: unknown) => unknown

/** Options checked before the function is known (a decorator factory runs first). */
interface Prepared {
  readonly options: CachedMethodOptions
  readonly config: Config
  readonly enabled: boolean
  readonly perInstance: boolean
  readonly tags: TagsOf | undefined
}

/** Everything a wrapper needs, checked. */
interface Plan {
  readonly fn: (...args: unknown[]) => unknown
  readonly config: Config
  readonly async: boolean
  readonly enabled: boolean
  readonly keyer: Keyer
  readonly perInstance: boolean | null
  /** The `tags` option, checked. */
  readonly tags: TagsOf | undefined
}

/** The `tags` option of a wrapper, checked: a list, or a function of the arguments and value. */
type TagsOf = readonly string[] | ((args: unknown[], value: unknown) => unknown)

/** One cache and its call path (per function, or per instance of a class). */
interface Binding {
  readonly engine: CacheEngine
  /** The public face of `engine`, for the `cache` helper. */
  readonly cache: AsyncCache
  /** Whether the wrapper is async; a sync one turns async if its function returns a promise. */
  readonly mode: { async: boolean }
  readonly call: Call
  /** The call path after a failed hit, for a key already made. */
  readonly miss: Miss
  readonly keyOf: KeyOf
}

const KEY_OPTION_NAMES = ['key', 'skipArgs', 'ignoreArgs', 'ignoreProps', 'paramNames']
const FUNCTION_OPTION_NAMES: readonly string[] = [
  ...CACHE_OPTION_NAMES.filter((name) => name !== 'batch'),
  ...KEY_OPTION_NAMES,
  'enabled',
  'async',
  'tags',
]
const METHOD_OPTION_NAMES: readonly string[] = [...FUNCTION_OPTION_NAMES, 'perInstance']

/**
 * Caches a function, or (as `@cached(options)`) a class method.
 *
 * - `cached(fn, options)` returns a function with `fn`'s exact parameters, return type and
 *   `this`, plus `cache`, `invalidate(...args)`, `clear()`, `stats()`, `info()`,
 *   `removeExpired()` and `original`.
 * - A function declared `async` (or given `async: true`) gets an async wrapper: concurrent
 *   calls with the same key share one call of `fn`, and the helpers return promises. Any other
 *   function gets a sync wrapper, whose hits allocate nothing; should it return a promise after
 *   all, that call is handled as async and the wrapper is async from then on.
 * - As a decorator it caches per instance (`perInstance: false` shares one cache).
 *
 * Every option is checked here, when the wrapper (or the class) is created.
 *
 * @throws {CacheConfigError} naming the first invalid option and its value.
 * @example
 * ```ts
 * const getUser = cached(async (id: number) => fetchUser(id), { ttl: 60_000, maxSize: 10_000 })
 * await getUser(42) // loads
 * await getUser(42) // cached
 * await getUser.invalidate(42) // true
 *
 * class Users {
 *   @cached({ expiration: '10 minutes' })
 *   async byId(id: number): Promise<User> {
 *     return fetchUser(id)
 *   }
 * }
 * ```
 */
export function cached<This, A extends unknown[], R>(
  method: (this: This, ...args: A) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>,
): (this: This, ...args: A) => R
export function cached<F extends AnyFunction>(
  fn: F,
  options?: CachedOptions<Parameters<F>, Awaited<ReturnType<F>>>,
): CachedFunction<F>
export function cached<V = unknown>(options?: CachedMethodOptions<V>): CachedMethodDecorator
export function cached(first?: unknown, second?: unknown): unknown {
  if (typeof first === 'function') {
    if (isMethodContext(second)) {
      return decorate(first as AnyFunction, second, prepare(undefined, METHOD_OPTION_NAMES))
    }
    return wrap(first as AnyFunction, second)
  }
  const prepared = prepare(first, METHOD_OPTION_NAMES)
  return (method: AnyFunction, context: unknown) => decorate(method, context, prepared)
}

interface DecoratorContext {
  readonly kind: unknown
  readonly name: unknown
  addInitializer: unknown
}

function isMethodContext(value: unknown): value is DecoratorContext {
  if (typeof value !== 'object' || value === null) return false
  try {
    return 'kind' in value && typeof (value as DecoratorContext).addInitializer === 'function'
  } catch {
    // A revoked Proxy or a throwing trap is no decorator context; as options, it gets a
    // CacheConfigError when they are read.
    return false
  }
}

function prepare(options: unknown, known: readonly string[]): Prepared {
  if (options === undefined) options = {}
  if (typeof options !== 'object' || options === null) {
    throw configError('options', 'an object of cache options', options)
  }
  // One snapshot, each option read once: what is checked is what is used, getters included.
  const o = readOptions(options, known) as CachedMethodOptions
  const config = normalizeOptions(o, known)
  const enabled = o.enabled ?? true
  if (typeof enabled !== 'boolean') throw configError('enabled', 'a boolean', enabled)
  const perInstance = o.perInstance ?? true
  if (typeof perInstance !== 'boolean') throw configError('perInstance', 'a boolean', perInstance)
  if (known === METHOD_OPTION_NAMES && perInstance && config.l2 !== undefined) {
    // L2 keys come from the arguments alone: per-instance caches would share one L2 entry.
    throw configError(
      'perInstance',
      'false with `l2` (one cache shared by the instances, with the instance in the key)',
      perInstance,
    )
  }
  if (o.async !== undefined && typeof o.async !== 'boolean') {
    throw configError('async', 'a boolean', o.async)
  }
  return { options: o, config, enabled, perInstance, tags: tagsOption(o.tags) }
}

function finish(prepared: Prepared, fn: AnyFunction, perInstance: boolean | null): Plan {
  const { options, enabled } = prepared
  const declaredAsync = isAsyncFunction(fn)
  if (options.async === false && declaredAsync) {
    throw configError('async', 'left out (or true) for a function declared async', false)
  }
  const async = options.async ?? declaredAsync
  if (!async) checkSyncOptions(options)
  const keyer = createKeyer(options, fn, async, memoLimitOf(prepared.config.maxSize))
  const config =
    prepared.config.name === '' ? { ...prepared.config, name: fn.name } : prepared.config
  return {
    fn: fn as (...args: unknown[]) => unknown,
    config,
    async,
    enabled,
    keyer,
    perInstance,
    tags: prepared.tags,
  }
}

/** The `tags` option, checked once at creation. */
function tagsOption(tags: unknown): TagsOf | undefined {
  if (tags === undefined || typeof tags === 'function') return tags as TagsOf | undefined
  try {
    return checkTags(tags, '`tags`')
  } catch (error) {
    throw configError(
      'tags',
      'a list of at most 64 non-empty strings of at most 256 characters, or a function (args, value) => tags',
      tags,
      error,
    )
  }
}

/** Where one call's tags come from: the list, or the function bound to the call's arguments. */
function tagSourceOf(tags: TagsOf | undefined, args: unknown[]): TagSource | undefined {
  if (tags === undefined || typeof tags !== 'function') return tags
  return (value) => tags(args, value)
}

/** Options that need a promise to wait on are refused for sync functions, at creation. */
function checkSyncOptions(options: CachedMethodOptions): void {
  const hint = 'left out for a sync function (declare it `async` or pass `async: true`)'
  if (options.timeoutMs !== undefined) throw configError('timeoutMs', hint, options.timeoutMs)
  if (options.timeouts !== undefined) throw configError('timeouts', hint, options.timeouts)
  if (options.l2 !== undefined) throw configError('l2', hint, options.l2)
  const swr = options.staleWhileRevalidate
  if (swr !== undefined && swr !== false && swr !== 0) {
    throw configError('staleWhileRevalidate', hint, swr)
  }
  const eager = options.eagerRefresh
  if (eager !== undefined && eager !== false) throw configError('eagerRefresh', hint, eager)
  const retry = options.retry
  if (typeof retry === 'object') {
    for (const name of ['backoffMs', 'maxBackoffMs', 'jitter'] as const) {
      const value = retry[name]
      if (value !== undefined && value !== 0) {
        throw configError(
          `retry.${name}`,
          `${hint}: a sync function cannot wait between attempts, it retries at once`,
          value,
        )
      }
    }
  }
  for (const name of ['expiration', 'negativeExpiration'] as const) {
    if (isAsyncFunction(options[name])) {
      throw configError(name, `not an async function for a sync function's values`, options[name])
    }
  }
}

function noop(): void {
  // Promise.all's array is not what clear() resolves to.
}

/** Creates a cache and its call path for `plan`; `shared` puts `this` into the key. */
function bind(plan: Plan, shared: boolean): Binding {
  const engine = new CacheEngine(plan.config)
  const cache = cacheOver<unknown, unknown>(engine)
  const mode = { async: plan.async }
  const base = plan.keyer.keyOf
  // Unshared keys ignore `this`: the key function itself is used, one call less per hit.
  const keyOf: KeyOf = shared ? (args, thisArg) => internalKey(thisArg, base(args)) : base
  const fn = plan.fn
  if (!plan.enabled) {
    // Caching is off: every call runs the function, and is counted as what it is, a miss.
    const through: Call = (thisArg, args) => {
      engine.missUncached(keyOf(args, thisArg))
      return fn.apply(thisArg, args)
    }
    return { engine, cache, mode, keyOf, call: through, miss: through }
  }
  const asyncMiss: Miss = (thisArg, args, key) => {
    const signal = signalOf(args)
    // Most misses of a key under load join its flight: no loader to build for them.
    const joined = engine.join(key, signal)
    if (joined !== undefined) return joined
    // The loader calls fn with the load's own signal in place of the first caller's: that
    // caller may give up without aborting the load the others still wait on.
    const loader: Loader =
      signal === undefined
        ? () => fn.apply(thisArg, args)
        : (context) => fn.apply(thisArg, replaceSignals(args, context.signal))
    return engine.miss(key, loader, signal, undefined, tagSourceOf(plan.tags, args))
  }
  const asyncCall: Call = (thisArg, args) => {
    const key = keyOf(args, thisArg)
    const entry = engine.hit(key)
    return entry !== undefined ? promiseOf(entry) : asyncMiss(thisArg, args, key)
  }
  if (plan.async) return { engine, cache, mode, keyOf, call: asyncCall, miss: asyncMiss }
  markSync(engine)
  const syncMiss: Miss = (thisArg, args, key) => {
    if (mode.async) return asyncMiss(thisArg, args, key)
    const tags = plan.tags
    const source = tags === undefined ? undefined : tagSourceOf(tags, args)
    const result = engine.missSync(key, () => fn.apply(thisArg, args), source)
    if (isThenable(result)) {
      // fn returned a promise: it is async after all, and so is its wrapper from now on.
      mode.async = true
      unmarkSync(engine)
    } else if (source !== undefined) {
      tagSyncResult(engine, key, result, source)
    }
    return result
  }
  const syncCall: Call = (thisArg, args) => {
    if (mode.async) return asyncCall(thisArg, args)
    const key = keyOf(args, thisArg)
    const entry = engine.hit(key)
    if (entry === undefined) return syncMiss(thisArg, args, key)
    if (entry.isError) throw entry.value
    return entry.value
  }
  return { engine, cache, mode, keyOf, call: syncCall, miss: syncMiss }
}

/**
 * Tags what a sync function's miss just stored (its tags are known once it has returned); a
 * tags function that fails has its value served, not kept (the entry goes, the error to
 * `onError`).
 */
function tagSyncResult(engine: CacheEngine, key: unknown, value: unknown, source: TagSource): void {
  let tags: readonly string[]
  try {
    tags = typeof source === 'function' ? checkTags(source(value), 'the tags function') : source
  } catch (error) {
    engine.delete(key)
    const reported =
      error instanceof CacheTagError
        ? error
        : new CacheTagError(`the tags function threw: ${String(error)}`, undefined)
    engine.tally.report(reported, { operation: 'tags', key })
    return
  }
  if (tags.length > 0) engine.tagStored(key, value, tags)
}

/** A shared method cache's key: the instance (by `@cache/keys`' rules) and the call's key. */
function internalKey(thisArg: unknown, key: unknown): unknown {
  return makeKey([thisArg, key])
}

/** The helpers of `binding`'s cache; `thisArg` is the instance its keys are made for. */
function controls(
  plan: Plan,
  binding: Binding,
  thisArg: unknown,
): SyncCacheControls<unknown[], unknown> | AsyncCacheControls<unknown[], unknown> {
  const { engine, cache, mode, keyOf } = binding
  const info = (): CachedInfo => ({
    ...engine.info(),
    async: mode.async,
    enabled: plan.enabled,
    key: plan.keyer.kind,
    perInstance: plan.perInstance,
  })
  const result = <T>(value: T): T | Promise<T> => (mode.async ? Promise.resolve(value) : value)
  const l2 = plan.config.l2 !== undefined
  return {
    cache,
    invalidate: (...args: unknown[]) => {
      const removed = engine.delete(keyOf(args, thisArg))
      // With a second tier, resolve once the other instances have been told.
      return l2 ? engine.whenL2Settled().then(() => removed) : result(removed)
    },
    clear: () => {
      engine.clear()
      if (!mode.async) return undefined
      return l2
        ? Promise.all([engine.whenDisposed(), engine.whenL2Settled()]).then(noop)
        : engine.whenDisposed()
    },
    stats: () => result(engine.stats()),
    info: () => result(info()),
    removeExpired: () => result(engine.removeExpired()),
    invalidateTags: (tags: readonly string[]) => {
      if (!mode.async) return engine.invalidateTagsHere(checkTags(tags, 'invalidateTags()'), false)
      const checked = tagsOrRejection(tags, 'invalidateTags()')
      return Array.isArray(checked)
        ? engine.invalidateTags(checked as readonly string[])
        : (checked as Promise<never>)
    },
  } as SyncCacheControls<unknown[], unknown> | AsyncCacheControls<unknown[], unknown>
}

function wrap(fn: AnyFunction, options: unknown): unknown {
  const plan = finish(prepare(options, FUNCTION_OPTION_NAMES), fn, null)
  const binding = bind(plan, false)
  const { call, miss, engine, mode } = binding
  let wrapper: (this: unknown, ...args: unknown[]) => unknown
  const primitiveKeys = plan.keyer.primitiveKeys
  if (plan.enabled && primitiveKeys !== undefined) {
    // The commonest calls, one primitive argument or two, with the default key, are served
    // without allocating: a lone primitive's key is made from a reused one-slot array (makeKey
    // returns the primitive itself, or hashes it without keeping the array), a pair's is looked
    // up in the memo of pair keys, and `arguments` is only read.
    const slot: unknown[] = [undefined]
    wrapper = function (this: unknown, first?: unknown, second?: unknown): unknown {
      const length = arguments.length
      let key: unknown
      if (length === 1 && (typeof first !== 'object' || first === null)) {
        if (typeof first === 'function') return call(this, [first])
        slot[0] = first
        key = makeKey(slot)
        slot[0] = undefined
      } else if (length !== 2 || (key = primitiveKeys.pair(first, second)) === undefined) {
        // eslint-disable-next-line prefer-rest-params -- rest parameters would allocate on hits
        return call(this, Array.prototype.slice.call(arguments) as unknown[])
      }
      const entry = engine.hit(key)
      if (entry === undefined) {
        // A stampede's callers join the load in flight here, allocating nothing either.
        const joined = mode.async ? engine.join(key, undefined) : undefined
        return joined ?? miss(this, length === 1 ? [first] : [first, second], key)
      }
      if (mode.async) return promiseOf(entry)
      if (entry.isError) throw entry.value
      return entry.value
    }
  } else {
    wrapper = function (this: unknown, ...args: unknown[]): unknown {
      return call(this, args)
    }
  }
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true })
  Object.defineProperty(wrapper, 'length', { value: fn.length, configurable: true })
  Object.assign(wrapper, controls(plan, binding, undefined), { original: fn })
  return wrapper
}

/** A decorated method: its plan, and its caches (one shared, or one per instance). */
interface MethodState {
  readonly plan: Plan
  readonly shared: Binding | undefined
  readonly instances: WeakMap<object, Binding>
}

const methods = new WeakMap<AnyFunction, MethodState>()

function bindingOf(state: MethodState, thisArg: unknown): Binding | undefined {
  if (state.shared !== undefined) return state.shared
  if ((typeof thisArg !== 'object' || thisArg === null) && typeof thisArg !== 'function') {
    return undefined
  }
  let binding = state.instances.get(thisArg)
  if (binding === undefined) {
    binding = bind(state.plan, false)
    state.instances.set(thisArg, binding)
  }
  return binding
}

function decorate(method: AnyFunction, context: unknown, prepared: Prepared): AnyFunction {
  if (!isMethodContext(context) || context.kind !== 'method') {
    const kind =
      typeof context === 'object' && context !== null
        ? (context as { kind?: unknown }).kind
        : context
    throw configError('@cached', 'applied to a class method', kind)
  }
  const plan = finish(
    prepared.config.name === ''
      ? { ...prepared, config: { ...prepared.config, name: String(context.name) } }
      : prepared,
    method,
    prepared.perInstance,
  )
  const state: MethodState = {
    plan,
    shared: prepared.perInstance ? undefined : bind(plan, true),
    instances: new WeakMap(),
  }
  const original = method as (...args: unknown[]) => unknown
  const replacement = function (this: unknown, ...args: unknown[]): unknown {
    const binding = bindingOf(state, this)
    // A method called without an object `this` has no instance to cache for.
    return binding === undefined ? original.apply(this, args) : binding.call(this, args)
  }
  Object.defineProperty(replacement, 'name', { value: method.name, configurable: true })
  Object.defineProperty(replacement, 'length', { value: method.length, configurable: true })
  methods.set(replacement, state)
  return replacement
}

/**
 * The cache helpers of a method decorated with `@cached`, for one instance (or the shared cache
 * with `perInstance: false`): `invalidate(...args)`, `clear()`, `stats()`, `info()`,
 * `removeExpired()` and `cache`.
 *
 * @throws {CacheConfigError} when `method` is not a method decorated with `@cached`.
 * @example
 * ```ts
 * await methodCache(users, 'byId').invalidate(42)
 * ```
 */
export function methodCache<T extends object, M extends MethodNames<T>>(
  instance: T,
  method: M,
): T[M] extends AnyFunction ? CacheControlsOf<T[M]> : never {
  const fn: unknown = instance[method]
  const state = typeof fn === 'function' ? methods.get(fn as AnyFunction) : undefined
  if (state === undefined) {
    throw configError('method', 'the name of a method decorated with @cached', method)
  }
  const binding = bindingOf(state, instance)
  if (binding === undefined) {
    throw configError('instance', 'an object whose method is decorated with @cached', instance)
  }
  return controls(state.plan, binding, instance) as unknown as T[M] extends AnyFunction
    ? CacheControlsOf<T[M]>
    : never
}
