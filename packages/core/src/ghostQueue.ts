// The ghost queue of S3-FIFO: a bounded FIFO of keys only. Membership lives in the cache's own
// key map (S3FIFOCache parks a ghost's key there under a negative number), so this holds just
// the order: a pool of nodes linked through typed arrays, oldest at the tail.

const NIL = -1

/** A bounded FIFO of keys, addressed by node number. */
export class GhostQueue<K> {
  /** How many keys it holds at most. */
  readonly capacity: number
  readonly #keys: (K | undefined)[]
  readonly #next: Int32Array
  readonly #prev: Int32Array
  readonly #free: Int32Array
  #freeTop = 0
  #fill = 0
  #head = NIL
  #tail = NIL
  #size = 0

  /** @param capacity - a positive integer. */
  constructor(capacity: number) {
    this.capacity = capacity
    this.#keys = new Array<K | undefined>(capacity).fill(undefined)
    this.#next = new Int32Array(capacity)
    this.#prev = new Int32Array(capacity)
    this.#free = new Int32Array(capacity)
  }

  /** How many keys it holds. */
  get size(): number {
    return this.#size
  }

  /** The oldest node, or -1 when empty. */
  get oldest(): number {
    return this.#tail
  }

  /** The key held by `node`. */
  keyOf(node: number): K {
    return this.#keys[node] as K
  }

  /** Adds `key` as the newest and returns its node; the queue must not be full. */
  push(key: K): number {
    const node = this.#freeTop > 0 ? this.#free[--this.#freeTop]! : this.#fill++
    this.#keys[node] = key
    this.#prev[node] = NIL
    this.#next[node] = this.#head
    if (this.#head === NIL) this.#tail = node
    else this.#prev[this.#head] = node
    this.#head = node
    this.#size++
    return node
  }

  /** Removes `node` and frees it for reuse. */
  remove(node: number): void {
    const prev = this.#prev[node]!
    const next = this.#next[node]!
    if (prev === NIL) this.#head = next
    else this.#next[prev] = next
    if (next === NIL) this.#tail = prev
    else this.#prev[next] = prev
    this.#keys[node] = undefined
    this.#free[this.#freeTop++] = node
    this.#size--
  }

  /** Removes every key. */
  clear(): void {
    this.#keys.fill(undefined)
    this.#freeTop = 0
    this.#fill = 0
    this.#head = NIL
    this.#tail = NIL
    this.#size = 0
  }
}
