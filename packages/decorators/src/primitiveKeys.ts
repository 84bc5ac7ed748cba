// makeKey of short argument lists of primitives, memoized: a call of two number or short string
// arguments is keyed by a stable hash, which costs far more than the hit it is made for (about
// 0.5 µs against 0.1 µs). The memo is a trie of Maps, one level per argument, so a repeated call
// finds its key with one Map lookup per argument and builds no string.
//
// Costs: a hit, one `typeof` test and one `Map` lookup per argument; a new list, makeKey and one
// insert. Memory is bounded: the memo is dropped whole once it holds `limit` keys (the hot ones
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

/** makeKey(args) for 2 to {@link MAX_MEMOIZED_ARGS} primitive arguments, memoized per arity. */
export class PrimitiveKeys {
  /** One trie per arity, at index arity - 2. */
  #tries: Trie[] = []
  /** The trie of pairs, #tries[0], in a field of its own for the commonest lookup. */
  #pairs: Trie = new Map()
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
    const inner = this.#pairs.get(a) as Trie | undefined
    if (inner !== undefined) {
      const key = inner.get(b) as CacheKey | undefined
      if (key !== undefined) return key
    }
    return this.#insert([a, b])
  }

  /** makeKey(args) for 2 to 4 memoizable primitives, else `undefined` (nothing done). */
  list(args: readonly unknown[]): CacheKey | undefined {
    const length = args.length
    if (length < 2 || length > MAX_MEMOIZED_ARGS) return undefined
    for (let i = 0; i < length; i++) if (!memoizable(args[i])) return undefined
    let node: Trie | undefined = this.#tries[length - 2]
    for (let i = 0; i < length - 1 && node !== undefined; i++) {
      node = node.get(args[i]) as Trie | undefined
    }
    const key = node?.get(args[length - 1]) as CacheKey | undefined
    return key !== undefined ? key : this.#insert(args)
  }

  #insert(args: readonly unknown[]): CacheKey {
    const key = makeKey(args)
    if (this.#size >= this.limit) this.#reset()
    this.#size++
    let node = this.#tries[args.length - 2]!
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
    this.#tries = []
    for (let arity = 2; arity <= MAX_MEMOIZED_ARGS; arity++) this.#tries.push(new Map())
    this.#pairs = this.#tries[0]!
  }
}

/** The memo's size for a cache of `maxSize` entries: room for its keys twice, within bounds. */
export function memoLimitOf(maxSize: number | null): number {
  if (maxSize === null) return 16_384
  return Math.min(Math.max(maxSize * 2, 256), 16_384)
}
