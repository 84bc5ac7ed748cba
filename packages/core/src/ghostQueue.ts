// The ghost queue of S3-FIFO: a bounded FIFO of keys only, with O(1) membership and removal.
// Keys sit in a pool of nodes linked through typed arrays (oldest at the tail), found through a
// `Map<K, node>`, so adding and forgetting allocate nothing once the pool is warm.

const NIL = -1

/** A bounded FIFO set of keys: adding one when full forgets the oldest. */
export class GhostQueue<K> {
  /** How many keys it remembers at most. */
  readonly capacity: number
  readonly #nodeOf = new Map<K, number>()
  readonly #keys: (K | undefined)[]
  readonly #next: Int32Array
  readonly #prev: Int32Array
  readonly #free: Int32Array
  #freeTop = 0
  #fill = 0
  #head = NIL
  #tail = NIL

  /** @param capacity - a positive integer. */
  constructor(capacity: number) {
    this.capacity = capacity
    this.#keys = new Array<K | undefined>(capacity).fill(undefined)
    this.#next = new Int32Array(capacity)
    this.#prev = new Int32Array(capacity)
    this.#free = new Int32Array(capacity)
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.#nodeOf.size
  }

  /** Remembers `key` (not already remembered) as the newest, forgetting the oldest if full. */
  add(key: K): void {
    if (this.#nodeOf.size >= this.capacity) this.take(this.#keys[this.#tail] as K)
    const node = this.#freeTop > 0 ? this.#free[--this.#freeTop]! : this.#fill++
    this.#keys[node] = key
    this.#nodeOf.set(key, node)
    this.#prev[node] = NIL
    this.#next[node] = this.#head
    if (this.#head === NIL) this.#tail = node
    else this.#prev[this.#head] = node
    this.#head = node
  }

  /** Forgets `key`; returns whether it was remembered. */
  take(key: K): boolean {
    const node = this.#nodeOf.get(key)
    if (node === undefined) return false
    this.#nodeOf.delete(key)
    const prev = this.#prev[node]!
    const next = this.#next[node]!
    if (prev === NIL) this.#head = next
    else this.#next[prev] = next
    if (next === NIL) this.#tail = prev
    else this.#prev[next] = prev
    this.#keys[node] = undefined
    this.#free[this.#freeTop++] = node
    return true
  }

  /** Whether `key` is remembered. */
  has(key: K): boolean {
    return this.#nodeOf.has(key)
  }

  /** Forgets every key. */
  clear(): void {
    this.#nodeOf.clear()
    this.#keys.fill(undefined)
    this.#freeTop = 0
    this.#fill = 0
    this.#head = NIL
    this.#tail = NIL
  }
}
