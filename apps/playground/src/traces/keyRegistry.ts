// Gives each distinct key of a trace its simulator key, and counts the distinct keys.
import { MAX_DISTINCT_KEYS } from './limits.js'
import { TraceParseError } from './traceParseError.js'

/**
 * Maps string keys to dense integer ids in order of first appearance, so a trace of strings
 * replays as an `Int32Array` (a cache keyed by small integers hashes nothing and stores no
 * strings).
 */
export class StringKeyIds {
  private readonly ids = new Map<string, number>()

  /** How many distinct keys were seen. */
  get size(): number {
    return this.ids.size
  }

  /**
   * The id of `key`, a new one when it is first seen.
   * @throws {TraceParseError} `ERR_TRACE_TOO_MANY_KEYS` past {@link MAX_DISTINCT_KEYS}.
   */
  idOf(key: string, line: number): number {
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.ids.size
      if (id === MAX_DISTINCT_KEYS) throw tooManyKeys(line)
      this.ids.set(key, id)
    }
    return id
  }
}

/** Counts the distinct numeric keys of a trace (block numbers are their own simulator keys). */
export class NumberKeySet {
  private readonly seen = new Set<number>()

  /** How many distinct keys were seen. */
  get size(): number {
    return this.seen.size
  }

  /**
   * Records `key`.
   * @throws {TraceParseError} `ERR_TRACE_TOO_MANY_KEYS` past {@link MAX_DISTINCT_KEYS}.
   */
  add(key: number, line: number): void {
    if (this.seen.size === MAX_DISTINCT_KEYS && !this.seen.has(key)) throw tooManyKeys(line)
    this.seen.add(key)
  }
}

function tooManyKeys(line: number): TraceParseError {
  return new TraceParseError(
    'ERR_TRACE_TOO_MANY_KEYS',
    `the trace has more than ${MAX_DISTINCT_KEYS.toLocaleString('en-US')} distinct keys, the most a JavaScript Map holds`,
    { line },
  )
}
