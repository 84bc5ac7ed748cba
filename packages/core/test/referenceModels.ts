// Obviously correct, slow models of each policy (arrays and linear scans), to run side by side
// with the real classes on random operation sequences. Each model reports what `get`, `peek`,
// `has`, `set` and `delete` return, its keys in the class's iteration order, and its evictions.

/** One operation of a random sequence. */
export type Operation =
  | { op: 'get'; key: number }
  | { op: 'peek'; key: number }
  | { op: 'has'; key: number }
  | { op: 'set'; key: number; value: number }
  | { op: 'delete'; key: number }

/** The minimal surface the models share with the real caches. */
export interface Model {
  get(key: number): number | undefined
  peek(key: number): number | undefined
  has(key: number): boolean
  set(key: number, value: number): void
  delete(key: number): boolean
  keys(): number[]
  /** `[key, value, reason]` of every entry that left, in order. */
  readonly evicted: [number, number, string][]
}

abstract class BaseModel implements Model {
  readonly evicted: [number, number, string][] = []
  protected readonly values: Map<number, number> = new Map()
  constructor(protected readonly maxSize: number) {}
  abstract keys(): number[]
  protected abstract touch(key: number): void
  protected abstract add(key: number): void
  protected abstract remove(key: number): void
  protected abstract victim(): number
  protected updated(key: number): void {
    this.touch(key)
  }
  get(key: number): number | undefined {
    if (!this.values.has(key)) return undefined
    this.touch(key)
    return this.values.get(key)
  }
  peek(key: number): number | undefined {
    return this.values.get(key)
  }
  has(key: number): boolean {
    return this.values.has(key)
  }
  set(key: number, value: number): void {
    if (this.values.has(key)) {
      const old = this.values.get(key)!
      this.values.set(key, value)
      this.updated(key)
      if (old !== value) this.evicted.push([key, old, 'set'])
      return
    }
    if (this.values.size >= this.maxSize) {
      const victim = this.victim()
      this.evicted.push([victim, this.values.get(victim)!, 'evict'])
      this.remove(victim)
      this.values.delete(victim)
    }
    this.values.set(key, value)
    this.add(key)
  }
  delete(key: number): boolean {
    if (!this.values.has(key)) return false
    this.evicted.push([key, this.values.get(key)!, 'delete'])
    this.remove(key)
    this.values.delete(key)
    return true
  }
}

/** LRU: an array from most to least recently used. */
export class LRUModel extends BaseModel {
  protected order: number[] = []
  keys(): number[] {
    return [...this.order]
  }
  protected touch(key: number): void {
    this.order = [key, ...this.order.filter((k) => k !== key)]
  }
  protected add(key: number): void {
    this.order.unshift(key)
  }
  protected remove(key: number): void {
    this.order = this.order.filter((k) => k !== key)
  }
  protected victim(): number {
    return this.order[this.order.length - 1]!
  }
}

/** FIFO: an array from newest to oldest insertion; hits change nothing. */
export class FIFOModel extends LRUModel {
  protected override touch(): void {}
}

/** LFU: evict the lowest use count, then the least recent last use. */
export class LFUModel extends BaseModel {
  private readonly uses = new Map<number, number>()
  private readonly lastUse = new Map<number, number>()
  private clock = 0
  keys(): number[] {
    return [...this.values.keys()].sort(
      (a, b) =>
        this.uses.get(b)! - this.uses.get(a)! || this.lastUse.get(b)! - this.lastUse.get(a)!,
    )
  }
  protected touch(key: number): void {
    this.uses.set(key, this.uses.get(key)! + 1)
    this.lastUse.set(key, ++this.clock)
  }
  protected add(key: number): void {
    this.uses.set(key, 1)
    this.lastUse.set(key, ++this.clock)
  }
  protected remove(key: number): void {
    this.uses.delete(key)
    this.lastUse.delete(key)
  }
  protected victim(): number {
    return this.keys()[this.values.size - 1]!
  }
}

/** SIEVE as the paper states it: a queue (index 0 oldest), visited bits, and a hand. */
export class SieveModel extends BaseModel {
  private queue: number[] = []
  private readonly visited = new Set<number>()
  private hand: number | undefined
  keys(): number[] {
    return [...this.queue].reverse()
  }
  protected touch(key: number): void {
    this.visited.add(key)
  }
  protected add(key: number): void {
    this.queue.push(key)
  }
  protected remove(key: number): void {
    const i = this.queue.indexOf(key)
    if (this.hand === key) this.hand = this.queue[i + 1]
    this.queue.splice(i, 1)
    this.visited.delete(key)
  }
  protected victim(): number {
    let i = this.hand === undefined ? 0 : this.queue.indexOf(this.hand)
    while (this.visited.has(this.queue[i]!)) {
      this.visited.delete(this.queue[i]!)
      i = (i + 1) % this.queue.length
    }
    this.hand = this.queue[i]
    return this.queue[i]!
  }
}

/** S3-FIFO as POLICIES.md states it, with arrays for S, M and G (index 0 oldest). */
export class S3FIFOModel extends BaseModel {
  private small: number[] = []
  private main: number[] = []
  private ghost: number[] = []
  private readonly frequency = new Map<number, number>()
  private readonly mainCapacity: number
  constructor(
    maxSize: number,
    private readonly threshold = 1,
  ) {
    super(maxSize)
    this.mainCapacity = maxSize - Math.max(1, Math.round(maxSize * 0.1))
  }
  keys(): number[] {
    return [...[...this.main].reverse(), ...[...this.small].reverse()]
  }
  protected touch(key: number): void {
    this.frequency.set(key, Math.min(3, this.frequency.get(key)! + 1))
  }
  protected add(key: number): void {
    this.frequency.set(key, 0)
    if (this.ghost.includes(key)) {
      this.ghost = this.ghost.filter((k) => k !== key)
      this.main.push(key)
    } else {
      this.small.push(key)
    }
  }
  protected remove(key: number): void {
    this.small = this.small.filter((k) => k !== key)
    this.main = this.main.filter((k) => k !== key)
    this.frequency.delete(key)
  }
  protected victim(): number {
    for (;;) {
      if (this.main.length > this.mainCapacity || this.small.length === 0) {
        const tail = this.main[0]!
        const f = this.frequency.get(tail)!
        if (f === 0) return tail
        this.frequency.set(tail, f - 1)
        this.main = [...this.main.slice(1), tail]
      } else {
        const tail = this.small[0]!
        if (this.frequency.get(tail)! < this.threshold) {
          this.ghost.push(tail)
          if (this.ghost.length > Math.max(1, this.mainCapacity)) this.ghost.shift()
          return tail
        }
        this.small = this.small.slice(1)
        this.main.push(tail)
        this.frequency.set(tail, 0)
      }
    }
  }
}
