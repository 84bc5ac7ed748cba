// Doubly linked lists threaded through typed arrays: the queues of FIFO, S3-FIFO and W-TinyLFU
// (LRU and SIEVE keep one list each, with plain fields for its ends). One pair of `next`/`prev` arrays serves every list a policy keeps, since an entry is
// in one list at a time; each list is just a head, a tail and a length.
import { grown, NIL, SlotCache } from './slotCache.js'
import type { CacheOptions } from './types.js'

/**
 * A {@link SlotCache} whose entries sit in `lists` doubly linked lists. Heads are the newest
 * (most recently inserted or moved) ends, tails the oldest.
 */
export abstract class LinkedSlotCache<K, V> extends SlotCache<K, V> {
  /** Toward the tail (older). */
  protected next: Int32Array
  /** Toward the head (newer). */
  protected prev: Int32Array
  /** `heads[list]`: the newest slot of each list, or `NIL`. */
  protected readonly heads: Int32Array
  /** `tails[list]`: the oldest slot of each list, or `NIL`. */
  protected readonly tails: Int32Array
  /** `lengths[list]`: how many slots each list holds. */
  protected readonly lengths: Int32Array

  /**
   * @param options - the cache's options; @param lists - how many lists the policy keeps;
   * @param phantomSlots - see {@link SlotCache}.
   */
  constructor(options: CacheOptions<K, V>, lists: number, phantomSlots = 0) {
    super(options, phantomSlots)
    this.next = new Int32Array(this.capacity)
    this.prev = new Int32Array(this.capacity)
    this.heads = new Int32Array(lists).fill(NIL)
    this.tails = new Int32Array(lists).fill(NIL)
    this.lengths = new Int32Array(lists)
  }

  /** Grows the links; a policy that keeps more per-slot arrays grows them and calls this. */
  protected resize(capacity: number): void {
    this.next = grown(this.next, capacity)
    this.prev = grown(this.prev, capacity)
  }

  /** Links `slot` at the head of `list`. */
  protected pushHead(list: number, slot: number): void {
    const head = this.heads[list]!
    this.prev[slot] = NIL
    this.next[slot] = head
    if (head === NIL) this.tails[list] = slot
    else this.prev[head] = slot
    this.heads[list] = slot
    this.lengths[list]!++
  }

  /** Unlinks `slot` from `list`, which must hold it. */
  protected detach(list: number, slot: number): void {
    const prev = this.prev[slot]!
    const next = this.next[slot]!
    if (prev === NIL) this.heads[list] = next
    else this.next[prev] = next
    if (next === NIL) this.tails[list] = prev
    else this.prev[next] = prev
    this.lengths[list]!--
  }

  /** Moves `slot`, which is in `list`, to its head. */
  protected moveToHead(list: number, slot: number): void {
    const head = this.heads[list]!
    if (head === slot) return
    // Not the head, so it has a previous slot; its list's length does not change.
    const prev = this.prev[slot]!
    const next = this.next[slot]!
    this.next[prev] = next
    if (next === NIL) this.tails[list] = prev
    else this.prev[next] = prev
    this.prev[slot] = NIL
    this.next[slot] = head
    this.prev[head] = slot
    this.heads[list] = slot
  }

  /** Yields the slots of `list` from head (newest) to tail (oldest). */
  protected *walk(list: number): Generator<number, void, undefined> {
    for (let slot = this.heads[list]!; slot !== NIL; slot = this.next[slot]!) yield slot
  }

  /** Empties every list. */
  protected resetLists(): void {
    this.heads.fill(NIL)
    this.tails.fill(NIL)
    this.lengths.fill(0)
  }
}
