// What happens when an entry leaves a cache's store, whatever the reason: the eviction and expiry
// counters, the 'remove' event, and closing the resources its value holds. Kept apart from
// AsyncCache so that the one place deciding what a removal means is easy to find and to check.
import type { EvictionReason } from '@cache/core'

import { disposeResources, findResources, settleAll } from './dispose.js'
import type { CacheEngine } from './engine.js'
import type { Entry } from './entry.js'
import type { RemovalReason } from './events.js'

/** What {@link Removals} uses of its engine. */
export type RemovalsHost<K> = Pick<CacheEngine<K>, 'config' | 'store' | 'tally'>

/** A cache's removal handling: counts, reports and disposes of every entry that leaves. */
export class Removals<K> {
  readonly #host: RemovalsHost<K>
  /** What a store `'delete'` means right now: an explicit delete, or an expiry we triggered. */
  #deleteReason: RemovalReason = 'delete'
  /** Disposals started and not yet settled, for `whenDisposed()`. */
  readonly #disposals = new Set<Promise<void>>()

  constructor(host: RemovalsHost<K>) {
    this.#host = host
  }

  /** Removes `key` from the store as an expiry: counted, and reported, as one. */
  expire(key: K): void {
    this.#deleteAs(key, 'expire')
  }

  /** Removes `key` from the store for a tag invalidation: reported with reason `'tag'`. */
  removeForTags(key: K): void {
    this.#deleteAs(key, 'tag')
  }

  /** Deletes `key` from the store, reporting the removal with `reason` instead of `'delete'`. */
  #deleteAs(key: K, reason: RemovalReason): void {
    this.#deleteReason = reason
    try {
      this.#host.store.delete(key)
    } finally {
      this.#deleteReason = 'delete'
    }
  }

  /** Every entry leaving the store comes through here, exactly once. */
  removed(key: K, entry: Entry, reason: EvictionReason): void {
    let removal: RemovalReason
    switch (reason) {
      case 'evict':
      case 'expire':
        removal = reason
        break
      case 'delete':
        removal = this.#deleteReason
        break
      case 'set':
        removal = 'replace'
        break
      default:
        removal = 'clear'
    }
    this.#host.tally.removed(key, removal)
    if (entry.resources !== undefined) this.#dispose(key, entry.resources)
  }

  /** What `dispose` will close when the entry holding `value` leaves; `undefined`: nothing. */
  resourcesOf(key: K, value: unknown): unknown[] | undefined {
    const config = this.#host.config
    if (!config.dispose) return undefined
    return findResources(value, config.disposePointers, key, this.#host.tally.report)
  }

  /** Closes now what a loaded value holds when nobody is left to receive it, or it would leak. */
  discard(key: K, value: unknown): void {
    const resources = this.resourcesOf(key, value)
    if (resources !== undefined) this.#dispose(key, resources)
  }

  /** Resolves once every disposal started so far has settled. */
  whenDisposed(): Promise<void> {
    return settleAll(this.#disposals)
  }

  #dispose(key: K, resources: readonly unknown[]): void {
    const host = this.#host
    disposeResources(resources, host.config.disposer, key, host.tally.report, this.#disposals)
  }
}
