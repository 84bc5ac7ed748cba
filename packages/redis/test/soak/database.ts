// The soak's "database": each key has a version that the writer bumps. The loader reads it like
// a query would (the version first, then an async delay), and every value a caller gets is
// checked against it: the right key, a version that exists, not corrupted, not superseded too
// long ago.

/** How the loader's error begins while the database is down. */
export const SOURCE_DOWN = 'the database is down'

/** What the loader returns and the cache stores. */
export interface SoakValue {
  readonly key: string
  readonly version: number
  /** A digest of key and version: a value mangled on its way through Redis fails it. */
  readonly check: string
  /** When the loader produced it (`performance.now()`), for the "served past expiry" figure. */
  readonly loadedAt: number
}

/** How a value a caller got compares with the database when it got it. */
export type Verdict = 'ok' | 'wrong' | 'stale'

/** A small string digest (FNV-1a, 32 bits) in hex. */
function digest(text: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0).toString(16)
}

/** The check a correct value of `key` at `version` carries. */
export function checkOf(key: string, version: number): string {
  return digest(`${key}#${version}`)
}

/** The versions of the soak's keys, and when each version was superseded. */
export class SoakDatabase {
  readonly #versions = new Map<string, number>()
  /** Per key, `supersededAt[v - 1]`: when version v was replaced by v + 1. */
  readonly #supersededAt = new Map<string, number[]>()
  readonly #loads = new Map<string, number[]>()
  readonly #delayMs: readonly [number, number]
  readonly #random: () => number
  /** While `true`, every load fails (after its delay), as a database that is down. */
  down = false
  /** Loads that failed because the database was down. */
  failedLoads = 0

  /**
   * @param keys - every key, each at version 1.
   * @param delayMs - the loader's delay, drawn uniformly from [min, max] ms.
   */
  constructor(keys: readonly string[], delayMs: readonly [number, number], random: () => number) {
    for (const key of keys) this.#versions.set(key, 1)
    this.#delayMs = delayMs
    this.#random = random
  }

  /** The loader's longest delay, in ms. */
  get maxDelayMs(): number {
    return this.#delayMs[1]
  }

  /** The version now. */
  versionOf(key: string): number {
    return this.#versions.get(key) ?? 0
  }

  /** How many versions were written by `bump()` in all. */
  get writes(): number {
    let writes = 0
    for (const superseded of this.#supersededAt.values()) writes += superseded.length
    return writes
  }

  /** Writes a new version of `key` (the writer then invalidates the cache). */
  bump(key: string, now: number): void {
    const version = this.versionOf(key)
    this.#versions.set(key, version + 1)
    let superseded = this.#supersededAt.get(key)
    if (superseded === undefined) this.#supersededAt.set(key, (superseded = []))
    superseded.push(now)
  }

  /** When each load of `key` started, in order (`performance.now()`). */
  loadsOf(key: string): readonly number[] {
    return this.#loads.get(key) ?? []
  }

  /** Loader calls in all. */
  get loads(): number {
    let loads = 0
    for (const times of this.#loads.values()) loads += times.length
    return loads
  }

  /**
   * The loader: reads the version, then resolves after a short delay, as a query would; while
   * the database is `down`, rejects after that delay.
   */
  readonly load = ({ key }: { key: string }): Promise<SoakValue> => {
    const startedAt = performance.now()
    let times = this.#loads.get(key)
    if (times === undefined) this.#loads.set(key, (times = []))
    times.push(startedAt)
    const version = this.versionOf(key)
    const [min, max] = this.#delayMs
    const delay = min + this.#random() * (max - min)
    const down = this.down
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        if (down) {
          this.failedLoads++
          reject(new Error(`${SOURCE_DOWN} (loading ${key})`))
          return
        }
        resolve({ key, version, check: checkOf(key, version), loadedAt: performance.now() })
      }, delay),
    )
  }

  /** When `version` of `key` was replaced by the next, or `undefined` while it is current. */
  supersededAt(key: string, version: number): number | undefined {
    return this.#supersededAt.get(key)?.[version - 1]
  }

  /**
   * Judges a value a caller asked `key` for and got at `servedAt`: `wrong` unless it is a
   * version of that key that exists, with its check; `stale` when the database replaced that
   * version more than `staleAfterMs` before.
   */
  judge(key: string, value: unknown, servedAt: number, staleAfterMs: number): Verdict {
    if (typeof value !== 'object' || value === null) return 'wrong'
    const { key: valueKey, version, check } = value as Partial<SoakValue>
    if (valueKey !== key || typeof version !== 'number' || !Number.isInteger(version)) {
      return 'wrong'
    }
    if (version < 1 || version > this.versionOf(key) || check !== checkOf(key, version)) {
      return 'wrong'
    }
    const supersededAt = this.supersededAt(key, version)
    if (supersededAt !== undefined && servedAt - supersededAt > staleAfterMs) return 'stale'
    return 'ok'
  }
}
