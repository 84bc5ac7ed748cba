// makeKey of short argument lists of primitives, memoized: a call of two number or short string
// arguments is keyed by a stable hash, which costs far more than the hit it is made for (about
// 0.5 µs against 0.1 µs). The memo is a trie of Maps, one level per argument, so a repeated call
// finds its key with one Map lookup per argument and builds no string.
//
// Costs: a hit, one `typeof` test per argument and one `Map` lookup per argument (a pair: one
// lookup, then a scan of at most 8 second arguments); a new list, makeKey and one insert. Memory is bounded: the memo is dropped whole once it holds `limit` keys (the hot ones
// come back at one makeKey each). Keys are exactly makeKey's, so L2 keys, `invalidate` and
// `cache.get(makeKey(args))` are unchanged.
import { makeKey, type CacheKey } from '@cache/keys'

/** The longest argument list memoized. */
export const MAX_MEMOIZED_ARGS = 4
/** The longest string argument memoized: longer ones would make the memo hold too much. */
export const MAX_MEMOIZED_STRING = 64

/**
 * Whether `value` can be a memo key: a Map compares it as makeKey does. Not -0 (a Map takes it
 * for 0, makeKey does not), not symbols, bigints or objects (hashed by identity or held alive).
 */
function memoizable(value: unknown): boolean {
  switch (typeof value) {
    case 'number':
      return value !== 0 || 1 / value > 0
    case 'string':
      return value.length <= MAX_MEMOIZED_STRING
    case 'boolean':
    case 'undefined':
      return true
    case 'object':
      return value === null
    default:
      return false
  }
}

type Trie = Map<unknown, unknown>
/**
 * The second arguments seen with one first argument: `[b0, key0, b1, key1, …]`, scanned, while
 * there are at most {@link FLAT_PAIRS} of them (a second argument often takes a few values: a
 * page, a locale, a flag), then a Map.
 */
type Seconds = unknown[] | Map<unknown, CacheKey>

/** How many second arguments a first one keeps in a scanned array before a Map. */
const FLAT_PAIRS = 8

/** `a` and `b` as a Map compares them (SameValueZero; -0 is never memoized). */
function same(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b) // NaN is the one value that is not itself
}

/** makeKey(args) for 2 to {@link MAX_MEMOIZED_ARGS} primitive arguments, memoized per arity. */
export class PrimitiveKeys {
  /** Pairs: first argument → its second arguments and their keys. */
  #pairs: Map<unknown, Seconds> = new Map()
  /** Lists of 3 or more: one trie per arity, at index arity - 3. */
  #tries: Trie[] = []
  #size = 0

  constructor(
    /** How many keys the memo holds before it is dropped. */
    readonly limit: number,
  ) {
    this.#reset()
  }

  /** How many keys the memo holds. */
  get size(): number {
    return this.#size
  }

  /** makeKey([a, b]) when both are memoizable primitives, else `undefined` (nothing done). */
  pair(a: unknown, b: unknown): CacheKey | undefined {
    if (!memoizable(a) || !memoizable(b)) return undefined
    const seconds = this.#pairs.get(a)
    if (seconds !== undefined) {
      if (Array.isArray(seconds)) {
        for (let i = 0; i < seconds.length; i += 2) {
          if (same(seconds[i], b)) return seconds[i + 1] as CacheKey
        }
      } else {
        const key = seconds.get(b)
        if (key !== undefined) return key
      }
    }
    return this.#insertPair(a, b, seconds)
  }

  /** makeKey(args) for 2 to 4 memoizable primitives, else `undefined` (nothing done). */
  list(args: readonly unknown[]): CacheKey | undefined {
    const length = args.length
    if (length === 2) return this.pair(args[0], args[1])
    if (length < 2 || length > MAX_MEMOIZED_ARGS) return undefined
    for (let i = 0; i < length; i++) if (!memoizable(args[i])) return undefined
    let node: Trie | undefined = this.#tries[length - 3]
    for (let i = 0; i < length - 1 && node !== undefined; i++) {
      node = node.get(args[i]) as Trie | undefined
    }
    const key = node?.get(args[length - 1]) as CacheKey | undefined
    return key !== undefined ? key : this.#insertList(args)
  }

  #insertPair(a: unknown, b: unknown, seconds: Seconds | undefined): CacheKey {
    const key = makeKey([a, b])
    if (this.#size >= this.limit) {
      this.#reset()
      seconds = undefined
    }
    this.#size++
    if (seconds === undefined) this.#pairs.set(a, [b, key])
    else if (!Array.isArray(seconds)) seconds.set(b, key)
    else if (seconds.length < 2 * FLAT_PAIRS) seconds.push(b, key)
    else {
      const map = new Map<unknown, CacheKey>()
      for (let i = 0; i < seconds.length; i += 2) map.set(seconds[i], seconds[i + 1] as CacheKey)
      map.set(b, key)
      this.#pairs.set(a, map)
    }
    return key
  }

  #insertList(args: readonly unknown[]): CacheKey {
    const key = makeKey(args)
    if (this.#size >= this.limit) this.#reset()
    this.#size++
    let node = this.#tries[args.length - 3]!
    for (let i = 0; i < args.length - 1; i++) {
      let next = node.get(args[i]) as Trie | undefined
      if (next === undefined) {
        next = new Map()
        node.set(args[i], next)
      }
      node = next
    }
    node.set(args[args.length - 1], key)
    return key
  }

  #reset(): void {
    this.#size = 0
    this.#pairs = new Map()
    this.#tries = []
    for (let arity = 3; arity <= MAX_MEMOIZED_ARGS; arity++) this.#tries.push(new Map())
  }
}

/** The memo's size for a cache of `maxSize` entries: room for its keys twice, within bounds. */
export function memoLimitOf(maxSize: number | null): number {
  if (maxSize === null) return 16_384
  return Math.min(Math.max(maxSize * 2, 256), 16_384)
}
