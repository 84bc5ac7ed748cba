// Where entries live: a @cache/core policy when bounded, a Map when unbounded, nothing when
// `maxSize` is 0. AsyncCache sees only the small `Store` interface.
import { createCache, type EvictionReason, type PolicyName } from '@cache/core'

import type { Entry } from './entry.js'

/** Called once for every entry that leaves a store, after the store is consistent. */
export type RemovalCallback<K> = (key: K, entry: Entry, reason: EvictionReason) => void

/**
 * The part of `EvictionCache` AsyncCache needs. Expiry is not the store's business: entries carry
 * their own times and AsyncCache checks them, so the store never reads a clock.
 */
export interface Store<K> {
  /** Entries stored, expired ones included. */
  readonly size: number
  /** The entry for `key`, recording an access for the policy. */
  get(key: K): Entry | undefined
  /** The entry for `key` without recording an access. */
  peek(key: K): Entry | undefined
  /** Stores `entry`; a replaced entry leaves with reason `'set'`. */
  set(key: K, entry: Entry): unknown
  /** Removes `key` (reason `'delete'`); `true` if it was there. */
  delete(key: K): boolean
  /** Removes everything (reason `'clear'`). */
  clear(): void
  /** Every stored pair. */
  entries(): IterableIterator<[K, Entry]>
}

/** An unbounded store on a `Map`, with the same removal callbacks as a policy. */
class MapStore<K> implements Store<K> {
  readonly #map = new Map<K, Entry>()
  readonly #onRemove: RemovalCallback<K>

  constructor(onRemove: RemovalCallback<K>) {
    this.#onRemove = onRemove
  }

  get size(): number {
    return this.#map.size
  }

  get(key: K): Entry | undefined {
    return this.#map.get(key)
  }

  peek(key: K): Entry | undefined {
    return this.#map.get(key)
  }

  set(key: K, entry: Entry): this {
    const old = this.#map.get(key)
    this.#map.set(key, entry)
    if (old !== undefined && old !== entry) this.#onRemove(key, old, 'set')
    return this
  }

  delete(key: K): boolean {
    const old = this.#map.get(key)
    if (old === undefined) return false
    this.#map.delete(key)
    this.#onRemove(key, old, 'delete')
    return true
  }

  clear(): void {
    const entries = [...this.#map]
    this.#map.clear()
    let failed = false
    let error: unknown
    for (const [key, entry] of entries) {
      try {
        this.#onRemove(key, entry, 'clear')
      } catch (e) {
        if (!failed) error = e
        failed = true
      }
    }
    if (failed) throw error
  }

  entries(): IterableIterator<[K, Entry]> {
    return this.#map.entries()
  }
}

/** The store for `maxSize: 0`: holds nothing. */
class NullStore<K> implements Store<K> {
  readonly size = 0

  get(): Entry | undefined {
    return undefined
  }

  peek(): Entry | undefined {
    return undefined
  }

  set(): this {
    return this
  }

  delete(): boolean {
    return false
  }

  clear(): void {
    // nothing stored
  }

  *entries(): IterableIterator<[K, Entry]> {
    // nothing stored
  }
}

/**
 * The store for a cache: a `@cache/core` policy of `maxSize` entries, a `Map` when `maxSize` is
 * `null` (core preallocates its arrays, so "very large" is not an option), or nothing for 0.
 */
export function createStore<K>(
  maxSize: number | null,
  policy: PolicyName,
  onRemove: RemovalCallback<K>,
): Store<K> {
  if (maxSize === null) return new MapStore(onRemove)
  if (maxSize === 0) return new NullStore()
  return createCache<K, Entry>({ policy, maxSize, onEvict: onRemove } as {
    policy: 'lru'
    maxSize: number
    onEvict: RemovalCallback<K>
  })
}
