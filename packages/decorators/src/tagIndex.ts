// The L1 side of tags: tag → keys of the live entries carrying it, so that invalidating a tag
// removes exactly those entries at once; and the tags invalidated while each load was in flight,
// so that a load that started before an invalidation does not put its tagged value back.
//
// Costs: nothing on a hit (an entry's tags are never read there); a tagged put adds its key to
// one Set per tag, a removal takes it out (the entry keeps its own list, so no scan); memory is
// one Set entry per (live entry, tag), and a tag's Set goes with its last entry, so it is bounded
// by what L1 holds. Comparing creation times with tag invalidation times on every hit (as
// bentocache does in L1) would add a lookup per tag to each hit and keep a time for every tag
// ever invalidated; here an invalidation pays instead, O(entries carrying the tag).
import type { Flight } from './flight.js'

/** The tag index of one cache; made on its first tagged entry or invalidation. */
export class TagIndex<K> {
  readonly #keys = new Map<string, Set<K>>()
  /** Per load in flight, the tags invalidated since it started (only loads that saw one). */
  readonly #dropped = new WeakMap<Flight, Set<string>>()
  #epoch = 0

  /**
   * How many invalidations this cache has seen: a read that finds it changed since it started
   * (and no flight to ask) does not keep a tagged value.
   */
  get epoch(): number {
    return this.#epoch
  }

  /** `key`'s entry, now stored, carries `tags`. */
  add(key: K, tags: readonly string[]): void {
    for (const tag of tags) {
      let keys = this.#keys.get(tag)
      if (keys === undefined) this.#keys.set(tag, (keys = new Set()))
      keys.add(key)
    }
  }

  /** `key`'s entry, which carried `tags`, left the store. */
  remove(key: K, tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.#keys.get(tag)
      if (keys === undefined) continue
      keys.delete(key)
      if (keys.size === 0) this.#keys.delete(tag)
    }
  }

  /**
   * `tags` were invalidated: returns the keys of the entries carrying any of them (to remove),
   * and remembers the tags for every load in `flights`, which started before this moment.
   */
  invalidate(tags: readonly string[], flights: Iterable<Flight>): K[] {
    this.#epoch++
    for (const flight of flights) {
      let dropped = this.#dropped.get(flight)
      if (dropped === undefined) this.#dropped.set(flight, (dropped = new Set()))
      for (const tag of tags) dropped.add(tag)
    }
    const found = new Set<K>()
    for (const tag of tags) {
      const keys = this.#keys.get(tag)
      if (keys !== undefined) for (const key of keys) found.add(key)
    }
    return [...found]
  }

  /** Whether one of `tags` was invalidated while `flight` was loading. */
  droppedDuring(flight: Flight | undefined, tags: readonly string[]): boolean {
    if (flight === undefined) return false
    const dropped = this.#dropped.get(flight)
    if (dropped === undefined) return false
    for (const tag of tags) if (dropped.has(tag)) return true
    return false
  }

  /** The number of tags some live entry carries (tests, `info()`). */
  get size(): number {
    return this.#keys.size
  }

  /** Forgets every entry (the store was cleared). */
  clear(): void {
    this.#keys.clear()
  }
}
