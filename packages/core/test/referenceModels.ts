import { FrequencySketch } from '../src/frequencySketch.js'
import { hashKey } from '../src/hashKey.js'

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

/**
 * W-TinyLFU with arrays for the window, probation and protected segments (index 0 = most
 * recent). The frequency sketch and key hash are the real ones (tested on their own); the rest,
 * admission and hill climbing included, is written out plainly from POLICIES.md and Caffeine.
 */
export class TinyLFUModel extends BaseModel {
  private window: number[] = []
  private probation: number[] = []
  private protected: number[] = []
  private readonly sketch: FrequencySketch
  private maxWindow: number
  private maxProtected: number
  private random: number
  private hits = 0
  private misses = 0
  private previousHitRate = 0
  private step: number

  constructor(maxSize: number, seed = 0x2545f491) {
    super(maxSize)
    this.maxWindow = Math.max(1, maxSize - Math.floor(0.99 * maxSize))
    this.maxProtected = Math.floor(0.8 * (maxSize - this.maxWindow))
    this.sketch = new FrequencySketch(maxSize)
    this.random = seed
    this.step = -0.0625 * maxSize
  }

  keys(): number[] {
    return [...this.window, ...this.probation, ...this.protected]
  }

  get windowCapacity(): number {
    return this.maxWindow
  }

  override get(key: number): number | undefined {
    if (!this.values.has(key)) {
      this.misses++
      this.maybeClimb()
      return undefined
    }
    this.touch(key)
    this.hits++
    this.maybeClimb()
    return this.values.get(key)
  }

  protected touch(key: number): void {
    this.sketch.increment(hashKey(key))
    if (this.probation.includes(key)) {
      this.probation = without(this.probation, key)
      this.protected.unshift(key)
      this.demoteProtected()
    } else if (this.window.includes(key)) {
      this.window = [key, ...without(this.window, key)]
    } else {
      this.protected = [key, ...without(this.protected, key)]
    }
  }

  protected override updated(key: number): void {
    this.touch(key)
  }

  protected add(key: number): void {
    this.sketch.increment(hashKey(key))
    this.window.unshift(key)
    while (this.window.length > this.maxWindow) this.probation.unshift(this.window.pop()!)
  }

  protected remove(key: number): void {
    this.window = without(this.window, key)
    this.probation = without(this.probation, key)
    this.protected = without(this.protected, key)
  }

  protected victim(): number {
    const candidate = this.window.at(-1)
    const victim = this.probation.at(-1) ?? this.protected.at(-1)
    if (victim === undefined) return candidate!
    if (candidate === undefined || this.window.length < this.maxWindow) return victim
    const candidateFrequency = this.sketch.frequency(hashKey(candidate))
    const victimFrequency = this.sketch.frequency(hashKey(victim))
    let admit = candidateFrequency > victimFrequency
    if (!admit && candidateFrequency >= 6) admit = (this.nextRandom() & 127) === 0
    if (!admit) return candidate
    this.window.pop()
    this.probation.unshift(candidate)
    return victim
  }

  private demoteProtected(): void {
    while (this.protected.length > this.maxProtected) this.probation.unshift(this.protected.pop()!)
  }

  private nextRandom(): number {
    let x = this.random
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.random = x
    return x
  }

  private maybeClimb(): void {
    const requests = this.hits + this.misses
    if (requests < 10 * this.maxSize) return
    const hitRate = this.hits / requests
    const change = hitRate - this.previousHitRate
    const amount = change >= 0 ? this.step : -this.step
    this.step =
      Math.abs(change) >= 0.05 ? 0.0625 * this.maxSize * (amount >= 0 ? 1 : -1) : 0.98 * amount
    this.previousHitRate = hitRate
    this.hits = 0
    this.misses = 0
    const adjustment = Math.trunc(amount)
    if (adjustment > 0 && this.maxProtected > 0) {
      let quota = Math.min(adjustment, this.maxProtected)
      this.maxProtected -= quota
      this.maxWindow += quota
      this.demoteProtected()
      while (quota > 0 && this.probation.length + this.protected.length > 0) {
        const moved = this.probation.length > 0 ? this.probation.pop()! : this.protected.pop()!
        this.window.unshift(moved)
        quota--
      }
      this.maxProtected += quota
      this.maxWindow -= quota
    } else if (adjustment < 0 && this.maxWindow > 1) {
      let quota = Math.min(-adjustment, this.maxWindow - 1)
      this.maxProtected += quota
      this.maxWindow -= quota
      while (quota > 0 && this.window.length > 0) {
        this.probation.unshift(this.window.pop()!)
        quota--
      }
      this.maxProtected -= quota
      this.maxWindow += quota
    }
  }
}

function without(list: number[], key: number): number[] {
  return list.filter((k) => k !== key)
}

/**
 * Belady's OPT in the demand model, written out plainly: on a miss with a full cache, scan the
 * rest of the trace for each cached key's next use and evict the one used farthest (or never).
 * Returns the hits and evictions.
 */
export function referenceOptimal(
  trace: readonly number[],
  maxSize: number,
): { hits: number; evictions: number } {
  const cached: number[] = []
  let hits = 0
  let evictions = 0
  trace.forEach((key, i) => {
    if (cached.includes(key)) {
      hits++
      return
    }
    if (cached.length === maxSize) {
      const nextUse = (k: number): number => {
        const next = trace.indexOf(k, i + 1)
        return next === -1 ? Infinity : next
      }
      const farthest = cached.reduce((a, b) => (nextUse(b) > nextUse(a) ? b : a))
      cached.splice(cached.indexOf(farthest), 1)
      evictions++
    }
    cached.push(key)
  })
  return { hits, evictions }
}

// A model of a cache after clear(): a fresh one, with what clear() keeps on purpose (W-TinyLFU's
// random numbers and its hill climber's window size and step) carried over from the old one.
export function cleared<M extends object>(old: M, fresh: M): M {
  const kept = ['random', 'maxWindow', 'maxProtected', 'step', 'previousHitRate']
  for (const field of kept) {
    if (field in old)
      (fresh as unknown as Record<string, unknown>)[field] = (
        old as unknown as Record<string, unknown>
      )[field]
  }
  return fresh
}
