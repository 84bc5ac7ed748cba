// A compact replay of TinyLFUCache's decisions (integer keys only) with knobs on the sketch, the
// admission contest, the segmented main and the window climber, for measuring variants before
// any of them goes into the cache (see tinylfuVariants.ts). With no knob set it makes the same
// decisions as TinyLFUCache: `pnpm bench:variants --check` compares the two on every workload.

/** The knobs; every one unset is TinyLFUCache as it is. */
export interface Variant {
  /** Increment only the counters at the key's minimum (conservative update). */
  conservative?: boolean
  /** Bits per entry of a Bloom filter of first-timers in front of the sketch (0: none). */
  doorkeeper?: number
  /** Largest counter value (15: 4-bit counters). */
  counterMax?: number
  /** Sketch words per entry, relative to today's table. */
  width?: number
  /** Halve the counters every `reset × maxSize` increments (10). */
  reset?: number
  /** Admit on equal frequency: never, when the candidate was hit in the window, or always. */
  ties?: 'never' | 'windowHit' | 'always'
  /** Admit on equal frequency when the victim entered probation more than `tieIdle × maxSize` insertions ago. */
  tieIdle?: number
  /** tieIdle measured from the victim's last access (a timestamp per hit), not its entry into probation. */
  tieLastAccess?: boolean
  /** Use requests instead of insertions as the clock of tieIdle. */
  tieClockRequests?: boolean
  /**
   * Learn ties from their outcomes: each tie's loser is remembered (the last `tieLearn × maxSize`
   * ties); whichever of the pair is requested first tells whether the newcomer or the resident
   * was the better keep; ties go the way that won more recently (a score clamped to ±tieScore).
   */
  tieLearn?: number
  tieScore?: number
  /** Apply the learned tie rule also when the candidate is `tieBand` below the victim. */
  tieBand?: number
  /** Caffeine's hash-flooding guard (random admission at frequency ≥ 6). */
  guard?: boolean
  /** The victim is the least frequent of probation's `sample` oldest entries (1: the oldest). */
  sample?: number
  /** Protected's share of main at the start (0.8). */
  protectedShare?: number
  /** ARC-like split of main: ghosts of probation's and protected's evictions move the split. */
  mainArc?: boolean
  /** The window's share at the start (0.01). */
  windowRatio?: number
  /**
   * How the window moves: Caffeine's hill climber; not at all; the climber holding still unless
   * the hit rate moved by 3 standard errors; `marginal` ghosts (the last `marginalShare` of
   * rejected candidates against as many evicted victims, a step of that size toward the side
   * whose ghosts drew more hits, beyond `marginalSigma` σ, once a sample); `marginalUnit`: the
   * same ghosts, one entry (`unit`) toward a side at each of its ghost hits.
   */
  climber?: 'hill' | 'none' | 'hold3' | 'marginal' | 'marginalUnit'
  /** The marginal ghosts' size as a share of maxSize (0.0625) and their σ bound (2). */
  marginalShare?: number
  marginalSigma?: number
  /** The hill climber moves the window and protected's size, in turn (coordinate-wise). */
  splitClimb?: boolean
  /** The victim is the least recently used of probation's and protected's oldest entries. */
  victimOldest?: boolean
  /** marginalUnit and Caffeine's hill climber together (`hold`: the climber with the 3σ hold). */
  withHill?: boolean
  hold?: boolean
  /** Entries moved per marginal ghost hit (marginalUnit). */
  unit?: number
  /** A victim that wins a contest goes to probation's newest end (a second chance for the rest). */
  rotate?: boolean
  /** Sample period of the climber in × maxSize (10). */
  period?: number
}

const NIL = -1
const WINDOW = 0
const PROBATION = 1
const PROTECTED = 2

function spread(x: number): number {
  x ^= x >>> 17
  x = Math.imul(x, 0xed5ad4bb)
  x ^= x >>> 11
  x = Math.imul(x, 0xac4c1b51)
  x ^= x >>> 15
  return x
}

function rehash(x: number): number {
  x = Math.imul(x, 0x31848bab)
  x ^= x >>> 14
  return x
}

// The count-min sketch of FrequencySketch, one byte per counter (counter `nibble` of 32-bit word
// `w` is at w * 8 + nibble, so the same hash picks the same counters), with the knobs above.
class Sketch {
  readonly counters: Uint8Array
  readonly blockMask: number
  readonly sampleSize: number
  additions = 0
  readonly dk: Uint8Array | undefined
  readonly dkMask: number
  readonly idx: Int32Array = new Int32Array(4)

  constructor(
    maxSize: number,
    readonly v: Variant,
  ) {
    const words64 = 2 ** Math.ceil(Math.log2(Math.max(Math.round(maxSize * (v.width ?? 1)), 256)))
    this.counters = new Uint8Array(words64 * 2 * 8)
    this.blockMask = (words64 * 2) / 16 - 1
    this.sampleSize = Math.round((v.reset ?? 10) * maxSize)
    if (v.doorkeeper) {
      const bits = 2 ** Math.ceil(Math.log2(v.doorkeeper * maxSize))
      this.dk = new Uint8Array(bits)
      this.dkMask = bits - 1
    } else {
      this.dk = undefined
      this.dkMask = 0
    }
  }

  #index(key: number): Int32Array {
    const mixed = spread(key)
    const block = (mixed & this.blockMask) * 16
    const ch = rehash(mixed)
    const idx = this.idx
    for (let r = 0; r < 4; r++) {
      idx[r] = (block + 4 * r + ((ch >>> (8 * r)) & 3)) * 8 + ((ch >>> (8 * r + 2)) & 7)
    }
    return idx
  }

  #inDoorkeeper(key: number, add: boolean): boolean {
    const dk = this.dk!
    const h1 = spread(key ^ 0x5bd1e995)
    const h2 = rehash(h1) | 1
    let all = true
    for (let i = 0; i < 3; i++) {
      const at = (h1 + Math.imul(i, h2)) & this.dkMask
      if (dk[at] === 0) {
        all = false
        if (add) dk[at] = 1
      }
    }
    return all
  }

  frequency(key: number): number {
    const idx = this.#index(key)
    const c = this.counters
    let min = c[idx[0]!]!
    for (let r = 1; r < 4; r++) if (c[idx[r]!]! < min) min = c[idx[r]!]!
    if (this.dk !== undefined && this.#inDoorkeeper(key, false)) min++
    return min
  }

  increment(key: number): void {
    if (this.dk !== undefined && !this.#inDoorkeeper(key, true)) {
      if (++this.additions >= this.sampleSize) this.#halve()
      return
    }
    const idx = this.#index(key)
    const c = this.counters
    const max = this.v.counterMax ?? 15
    let added = false
    if (this.v.conservative) {
      let min = c[idx[0]!]!
      for (let r = 1; r < 4; r++) if (c[idx[r]!]! < min) min = c[idx[r]!]!
      if (min < max) {
        for (let r = 0; r < 4; r++) if (c[idx[r]!] === min) c[idx[r]!]!++
        added = true
      }
    } else {
      for (let r = 0; r < 4; r++) {
        if (c[idx[r]!]! < max) {
          c[idx[r]!]!++
          added = true
        }
      }
    }
    if (added && ++this.additions >= this.sampleSize) this.#halve()
  }

  #halve(): void {
    const c = this.counters
    let odd = 0
    for (let i = 0; i < c.length; i++) {
      odd += c[i]! & 1
      c[i] = c[i]! >>> 1
    }
    if (this.dk !== undefined) {
      this.dk.fill(0)
      this.additions = this.additions >>> 1
    } else {
      this.additions = (this.additions - (odd >>> 2)) >>> 1
    }
  }
}

// A bounded set of keys in insertion order (ghosts).
class Ghosts {
  readonly map: Map<number, true> = new Map()
  constructor(public limit: number) {}
  add(key: number): void {
    this.map.delete(key)
    this.map.set(key, true)
    while (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!)
  }
  take(key: number): boolean {
    return this.map.delete(key)
  }
}

/** One W-TinyLFU cache of integer keys with the variant's knobs. */
export class VariantCache {
  readonly index: Map<number, number> = new Map()
  readonly keys: Int32Array
  readonly next: Int32Array
  readonly prev: Int32Array
  readonly seg: Uint8Array
  readonly flags: Uint8Array // 1: hit while in the window; 2: was in protected
  readonly since: Float64Array // when the entry entered its segment (insertions or requests)
  clock = 0
  // learned ties
  readonly pairOf: Int32Array
  readonly tieLosers: Map<number, number> = new Map()
  ringId: Int32Array | undefined
  ringStayer: Int32Array | undefined
  ringLeaver: Int32Array | undefined
  ringAdmitted: Uint8Array | undefined
  nextPair = 0
  tieScore = 0
  readonly heads: Int32Array = new Int32Array(3).fill(NIL)
  readonly tails: Int32Array = new Int32Array(3).fill(NIL)
  readonly lengths: Int32Array = new Int32Array(3)
  readonly sketch: Sketch
  maxWindow: number
  maxProtected: number
  random = 0x2545f491
  missesInSample = 0
  untilClimb: number
  previousHitRate = 0
  stepSize: number
  protectedStep: number
  lastMovedProtected = true
  used = 0
  // marginal ghosts
  readonly rejected: Ghosts | undefined
  readonly evicted: Ghosts | undefined
  rejectedHits = 0
  evictedHits = 0
  // ARC-like main
  readonly probationGhosts: Ghosts | undefined
  readonly protectedGhosts: Ghosts | undefined
  protectedTarget = 0

  constructor(
    readonly maxSize: number,
    readonly v: Variant,
  ) {
    const max = maxSize
    this.keys = new Int32Array(max)
    this.next = new Int32Array(max)
    this.prev = new Int32Array(max)
    this.seg = new Uint8Array(max)
    this.flags = new Uint8Array(max)
    this.since = new Float64Array(max)
    this.pairOf = new Int32Array(max).fill(-1)
    if (v.tieLearn !== undefined) {
      const n = Math.max(1, Math.round(v.tieLearn * max))
      this.ringId = new Int32Array(n).fill(-1)
      this.ringStayer = new Int32Array(n)
      this.ringLeaver = new Int32Array(n)
      this.ringAdmitted = new Uint8Array(n)
    }
    const windowRatio = v.windowRatio ?? 0.01
    this.maxWindow = Math.max(1, max - Math.floor((1 - windowRatio) * max))
    this.maxProtected = Math.floor((v.protectedShare ?? 0.8) * (max - this.maxWindow))
    this.protectedTarget = this.maxProtected
    this.stepSize = -0.0625 * max
    this.protectedStep = -0.0625 * max
    this.sketch = new Sketch(max, v)
    this.untilClimb = (v.climber ?? 'hill') === 'none' ? Infinity : (v.period ?? 10) * max
    if (v.climber === 'marginal' || v.climber === 'marginalUnit') {
      const size = Math.max(1, Math.round((v.marginalShare ?? 0.0625) * max))
      this.rejected = new Ghosts(size)
      this.evicted = new Ghosts(size)
    }
    if (v.mainArc) {
      this.probationGhosts = new Ghosts(max)
      this.protectedGhosts = new Ghosts(max)
    }
  }

  access(key: number): boolean {
    if (this.v.tieClockRequests) this.clock++
    const slot = this.index.get(key)
    if (slot !== undefined) {
      this.#touch(slot)
      if (--this.untilClimb === 0) this.#climb()
      return true
    }
    this.missesInSample++
    if (--this.untilClimb === 0) this.#climb()
    this.#add(key)
    return false
  }

  #add(key: number): void {
    if (!this.v.tieClockRequests) this.clock++
    let slot: number
    if (this.index.size < this.maxSize) {
      slot = this.used++
    } else {
      slot = this.#victim()
      if (this.pairOf[slot] !== -1) this.#drop(this.pairOf[slot]!)
      this.#detach(this.seg[slot]!, slot)
      this.index.delete(this.keys[slot]!)
    }
    this.index.set(key, slot)
    this.keys[slot] = key
    this.flags[slot] = 0
    this.since[slot] = this.clock
    if (this.rejected !== undefined) {
      if (this.rejected.take(key)) {
        this.rejectedHits++
        if (this.v.climber === 'marginalUnit') this.#growWindow(this.v.unit ?? 1)
      } else if (this.evicted!.take(key)) {
        this.evictedHits++
        if (this.v.climber === 'marginalUnit') this.#shrinkWindow(this.v.unit ?? 1)
      }
    }
    if (this.probationGhosts !== undefined) this.#mainGhostHit(key)
    if (this.ringId !== undefined) {
      const id = this.tieLosers.get(key)
      if (id !== undefined) {
        this.tieLosers.delete(key)
        this.#resolve(id, false)
      }
    }
    this.sketch.increment(key)
    this.#pushHead(WINDOW, slot)
    while (this.lengths[WINDOW]! > this.maxWindow) this.#moveTo(PROBATION, this.tails[WINDOW]!)
  }

  #touch(slot: number): void {
    this.sketch.increment(this.keys[slot]!)
    if (this.v.tieLastAccess || this.v.victimOldest) this.since[slot] = this.clock
    const segment = this.seg[slot]!
    if (segment === PROBATION) {
      if (this.pairOf[slot] !== -1) this.#resolve(this.pairOf[slot]!, true)
      this.#moveTo(PROTECTED, slot)
      this.flags[slot]! |= 2
      this.#demoteOverflow()
    } else {
      if (segment === WINDOW) this.flags[slot]! |= 1
      this.#moveToHead(segment, slot)
    }
  }

  #demoteOverflow(): void {
    while (this.lengths[PROTECTED]! > this.maxProtected) {
      this.#moveTo(PROBATION, this.tails[PROTECTED]!)
    }
  }

  #victim(): number {
    const candidate = this.tails[WINDOW]!
    let victim = this.tails[PROBATION]!
    if (victim === NIL) victim = this.tails[PROTECTED]!
    if (victim === NIL) return candidate
    if (candidate === NIL || this.lengths[WINDOW]! < this.maxWindow) {
      this.#evictedFromMain(victim)
      return victim
    }
    if (this.v.victimOldest) {
      const old = this.tails[PROTECTED]!
      if (old !== NIL && this.seg[victim] === PROBATION && this.since[old]! < this.since[victim]!) {
        victim = old
      }
    }
    const sample = this.v.sample ?? 1
    if (sample > 1 && this.seg[victim] === PROBATION) {
      let best = victim
      let bestFrequency = this.sketch.frequency(this.keys[victim]!)
      let at = this.prev[victim]!
      for (let i = 1; i < sample && at !== NIL; i++, at = this.prev[at]!) {
        const f = this.sketch.frequency(this.keys[at]!)
        if (f < bestFrequency) {
          best = at
          bestFrequency = f
        }
      }
      victim = best
    }
    if (this.#admit(candidate, victim)) {
      this.#moveTo(PROBATION, candidate)
      this.#evictedFromMain(victim)
      return victim
    }
    this.rejected?.add(this.keys[candidate]!)
    if (this.v.rotate && this.seg[victim] === PROBATION) this.#moveToHead(PROBATION, victim)
    return candidate
  }

  #evictedFromMain(victim: number): void {
    const key = this.keys[victim]!
    this.evicted?.add(key)
    if (this.probationGhosts !== undefined) {
      if (this.flags[victim]! & 2) this.protectedGhosts!.add(key)
      else this.probationGhosts.add(key)
    }
  }

  // ARC on main's two segments: a returning key that probation dropped before a second hit asks
  // for a larger probation; one that protected had kept and let go asks for a larger protected.
  #mainGhostHit(key: number): void {
    const main = this.maxSize - this.maxWindow
    const b1 = this.probationGhosts!
    const b2 = this.protectedGhosts!
    if (b1.take(key)) {
      const delta = Math.max(1, b2.map.size / Math.max(1, b1.map.size + 1))
      this.protectedTarget = Math.max(0, this.protectedTarget - delta)
    } else if (b2.take(key)) {
      const delta = Math.max(1, b1.map.size / Math.max(1, b2.map.size + 1))
      this.protectedTarget = Math.min(main, this.protectedTarget + delta)
    } else return
    this.maxProtected = Math.min(main, Math.floor(this.protectedTarget))
    this.#demoteOverflow()
  }

  /** Replaces the admission decision (the oracle of tinylfuVariants.ts). */
  admitOverride:
    ((candidate: number, victim: number, frequencies: [number, number]) => boolean) | undefined

  // A tie's pair resolved: the one kept was requested first (stayerFirst) or the one let go was.
  #resolve(id: number, stayerFirst: boolean): void {
    const at = id % this.ringId!.length
    if (this.ringId![at] !== id) return
    const admitted = this.ringAdmitted![at] === 1
    // The newcomer was the better keep if it was kept and came first, or let go and came first.
    const newcomerFirst = admitted === stayerFirst
    const max = this.v.tieScore ?? 8
    this.tieScore = Math.max(-max, Math.min(max, this.tieScore + (newcomerFirst ? 1 : -1)))
    this.#drop(id)
  }

  #drop(id: number): void {
    const at = id % this.ringId!.length
    if (this.ringId![at] !== id) return
    this.ringId![at] = -1
    const stayer = this.ringStayer![at]!
    if (this.pairOf[stayer] === id) this.pairOf[stayer] = -1
    const leaver = this.ringLeaver![at]!
    if (this.tieLosers.get(leaver) === id) this.tieLosers.delete(leaver)
  }

  #recordTie(stayerSlot: number, leaverKey: number, admitted: boolean): void {
    const id = this.nextPair++
    const at = id % this.ringId!.length
    if (this.ringId![at] !== -1) this.#drop(this.ringId![at]!)
    if (this.pairOf[stayerSlot] !== -1) this.#drop(this.pairOf[stayerSlot]!)
    const previous = this.tieLosers.get(leaverKey)
    if (previous !== undefined) this.#drop(previous)
    this.ringId![at] = id
    this.ringStayer![at] = stayerSlot
    this.ringLeaver![at] = leaverKey
    this.ringAdmitted![at] = admitted ? 1 : 0
    this.pairOf[stayerSlot] = id
    this.tieLosers.set(leaverKey, id)
  }

  #admit(candidate: number, victim: number): boolean {
    const cf = this.sketch.frequency(this.keys[candidate]!)
    const vf = this.sketch.frequency(this.keys[victim]!)
    if (this.admitOverride !== undefined) {
      return this.admitOverride(this.keys[candidate]!, this.keys[victim]!, [cf, vf])
    }
    if (this.ringId !== undefined && cf <= vf && cf >= vf - (this.v.tieBand ?? 0)) {
      const admit = this.tieScore > 0
      if (admit) this.#recordTie(candidate, this.keys[victim]!, true)
      else this.#recordTie(victim, this.keys[candidate]!, false)
      return admit
    }
    if (cf > vf) return true
    const ties = this.v.ties ?? 'never'
    if (cf === vf && (ties === 'always' || (ties === 'windowHit' && this.flags[candidate]! & 1))) {
      return true
    }
    if (
      cf === vf &&
      this.v.tieIdle !== undefined &&
      this.clock - this.since[victim]! > this.v.tieIdle * this.maxSize
    ) {
      return true
    }
    if (this.v.guard === false || cf < 6) return false
    return (this.#nextRandom() & 127) === 0
  }

  #nextRandom(): number {
    let x = this.random
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.random = x
    return x
  }

  #climb(): void {
    const v = this.v
    const period = (v.period ?? 10) * this.maxSize
    this.untilClimb = period
    const misses = this.missesInSample
    this.missesInSample = 0
    let adjustment = 0
    if (v.climber === 'marginalUnit' && !v.withHill) {
      adjustment = 0
    } else if (v.climber === 'marginal') {
      const diff = this.rejectedHits - this.evictedHits
      const sigma = v.marginalSigma ?? 2
      const moved =
        diff !== 0 && Math.abs(diff) > sigma * Math.sqrt(this.rejectedHits + this.evictedHits)
      adjustment = moved ? Math.sign(diff) * this.rejected!.limit : 0
      this.rejectedHits = 0
      this.evictedHits = 0
    } else {
      const hitRate = (period - misses) / period
      const change = hitRate - this.previousHitRate
      if (v.climber === 'hold3' || (v.withHill && v.hold)) {
        const se = Math.sqrt((2 * hitRate * (1 - hitRate)) / period)
        if (Math.abs(change) <= 3 * se) return
      }
      if (v.splitClimb) {
        // The change is the effect of the last move; carry its direction (or reverse it) into
        // that dimension's next move, and move the other dimension now.
        const restart = Math.abs(change) >= 0.05
        if (this.lastMovedProtected) {
          const last = change >= 0 ? this.protectedStep : -this.protectedStep
          this.protectedStep = restart ? 0.0625 * this.maxSize * Math.sign(last || 1) : 0.98 * last
        } else {
          const last = change >= 0 ? this.stepSize : -this.stepSize
          this.stepSize = restart ? 0.0625 * this.maxSize * Math.sign(last || 1) : 0.98 * last
        }
        this.previousHitRate = hitRate
        this.lastMovedProtected = !this.lastMovedProtected
        if (this.lastMovedProtected) {
          const main = this.maxSize - this.maxWindow
          const target = Math.max(
            0,
            Math.min(main, this.maxProtected + Math.trunc(this.protectedStep)),
          )
          this.maxProtected = target
          this.#demoteOverflow()
          return
        }
        adjustment = Math.trunc(this.stepSize)
        if (adjustment > 0) this.#growWindow(adjustment)
        else if (adjustment < 0) this.#shrinkWindow(-adjustment)
        return
      }
      const amount = change >= 0 ? this.stepSize : -this.stepSize
      this.stepSize =
        Math.abs(change) >= 0.05 ? 0.0625 * this.maxSize * (amount >= 0 ? 1 : -1) : 0.98 * amount
      this.previousHitRate = hitRate
      adjustment = Math.trunc(amount)
    }
    if (adjustment > 0) this.#growWindow(adjustment)
    else if (adjustment < 0) this.#shrinkWindow(-adjustment)
  }

  #growWindow(adjustment: number): void {
    if (this.maxProtected === 0) return
    let quota = Math.min(adjustment, this.maxProtected)
    this.maxProtected -= quota
    this.maxWindow += quota
    this.#demoteOverflow()
    for (let i = 0; i < 1000 && quota > 0; i++) {
      let candidate = this.tails[PROBATION]!
      if (candidate === NIL) candidate = this.tails[PROTECTED]!
      if (candidate === NIL) break
      quota--
      this.#moveTo(WINDOW, candidate)
    }
    this.maxProtected += quota
    this.maxWindow -= quota
    this.protectedTarget = this.maxProtected
  }

  #shrinkWindow(adjustment: number): void {
    if (this.maxWindow <= 1) return
    let quota = Math.min(adjustment, this.maxWindow - 1)
    this.maxProtected += quota
    this.maxWindow -= quota
    for (let i = 0; i < 1000 && quota > 0; i++) {
      const candidate = this.tails[WINDOW]!
      if (candidate === NIL) break
      quota--
      this.#moveTo(PROBATION, candidate)
    }
    this.maxProtected -= quota
    this.maxWindow += quota
    this.protectedTarget = this.maxProtected
  }

  #moveTo(segment: number, slot: number): void {
    this.#detach(this.seg[slot]!, slot)
    if (!this.v.tieLastAccess && !this.v.victimOldest) this.since[slot] = this.clock
    this.#pushHead(segment, slot)
  }

  #pushHead(list: number, slot: number): void {
    const head = this.heads[list]!
    this.prev[slot] = NIL
    this.next[slot] = head
    if (head === NIL) this.tails[list] = slot
    else this.prev[head] = slot
    this.heads[list] = slot
    this.seg[slot] = list
    this.lengths[list]!++
  }

  #detach(list: number, slot: number): void {
    const prev = this.prev[slot]!
    const next = this.next[slot]!
    if (prev === NIL) this.heads[list] = next
    else this.next[prev] = next
    if (next === NIL) this.tails[list] = prev
    else this.prev[next] = prev
    this.lengths[list]!--
  }

  #moveToHead(list: number, slot: number): void {
    this.#detach(list, slot)
    this.#pushHead(list, slot)
  }
}

/** The named variants this script knows (combine with `+`: `cons+ties`). */
export const VARIANTS: Record<string, Variant> = {
  today: {},
  cons: { conservative: true },
  dk1: { doorkeeper: 1 },
  dk2: { doorkeeper: 2 },
  dk4: { doorkeeper: 4 },
  c8bit: { counterMax: 255 },
  c3bit: { counterMax: 7 },
  cmax10: { counterMax: 10 },
  cmax5: { counterMax: 5 },
  cmax3: { counterMax: 3 },
  w2: { width: 2 },
  w4: { width: 4 },
  w05: { width: 0.5 },
  r5: { reset: 5 },
  r15: { reset: 15 },
  r20: { reset: 20 },
  tiesHit: { ties: 'windowHit' },
  tiesAll: { ties: 'always' },
  noguard: { guard: false },
  s2: { sample: 2 },
  s4: { sample: 4 },
  s8: { sample: 8 },
  s16: { sample: 16 },
  arcMain: { mainArc: true },
  p50: { protectedShare: 0.5 },
  p20: { protectedShare: 0.2 },
  hold3: { climber: 'hold3' },
  marginal: { climber: 'marginal' },
  marginal4: { climber: 'marginal', marginalShare: 0.04 },
  fixed: { climber: 'none' },
  unit: { climber: 'marginalUnit' },
  rotate: { rotate: true },
  oldest: { victimOldest: true, tieClockRequests: true },
  hill: { withHill: true },
  hold: { withHill: true, hold: true },
  unit2: { climber: 'marginalUnit', unit: 2 },
  unit5: { climber: 'marginalUnit', unit: 5 },
  m1: { marginalShare: 0.01 },
  m2: { marginalShare: 0.02 },
  m12: { marginalShare: 0.125 },
  split: { splitClimb: true },
  learn: { tieLearn: 0.25 },
  learn1: { tieLearn: 1 },
  learn06: { tieLearn: 0.0625 },
  score2: { tieScore: 2 },
  score32: { tieScore: 32 },
  band1: { tieBand: 1 },
  idle1: { tieIdle: 1 },
  idle2: { tieIdle: 2 },
  idle3: { tieIdle: 3 },
  idle5: { tieIdle: 5 },
  idle10: { tieIdle: 10 },
  idle20: { tieIdle: 20 },
  reqclock: { tieClockRequests: true },
  last: { tieLastAccess: true },
  win3: { windowRatio: 0.03 },
  win8: { windowRatio: 0.08 },
  win15: { windowRatio: 0.15 },
  win30: { windowRatio: 0.3 },
  win50: { windowRatio: 0.5 },
  win70: { windowRatio: 0.7 },
}

/** The variant a name stands for: names of VARIANTS joined by `+`, later ones winning. */
export function parseVariant(name: string): Variant {
  const v: Variant = {}
  for (const part of name.split('+')) {
    const known = VARIANTS[part]
    if (known === undefined)
      throw new Error(`unknown variant ${part}: one of ${Object.keys(VARIANTS).join(', ')}`)
    Object.assign(v, known)
  }
  return v
}
