// How one cache entry is laid out in a Redis string: a kind letter, its expiry time on Redis's
// own clock (empty: none), its version, its load time, then the serializer's text:
// `v<expiresAt>|<version>|<fetchedAt>|<text>` for a value, `e…` for an error kept by negative
// caching, and `t|<version>|` for a tombstone (a delete, remembered for a while so that an
// older write cannot bring the value back). A value kept stale for fail-safe has its stale
// time after its expiry, `v<expiresAt>+<staleMs>|…` (`V…+…` when tagged): the key lives until
// `expiresAt + staleMs` (its PXAT) and the entry stays fresh until `expiresAt` only. The
// version is the moment, on Redis's clock, that
// the value is as of (when its load started), or that the key was deleted: the scripts compare
// it before writing (scripts.ts). The expiry is the same moment as the key's PXAT, so a
// reader that knows Redis's time (TIME, in the same round trip) keeps its L1 copy exactly as
// long as Redis keeps the key.
//
// A tagged entry has its kind letter in upper case (`V`, `E`) and its tags, as a JSON list
// prefixed with its length, before the text: `V<expiresAt>|<version>|<fetchedAt>|<n>|<tags><text>`
// (a separate field, so untagged entries and the scripts that read the head are unchanged).
import type { L2Record } from '@cache/decorators'

import type { Serializer } from './codec.js'

/** An entry as stored: a value, or an error kept by negative caching. */
export interface StoredEntry {
  readonly value: unknown
  readonly isError: boolean
  readonly fetchedAt: number
  /** The tags it carries (absent or empty: none). */
  readonly tags?: readonly string[]
}

/** An entry read back, with its expiry on Redis's clock (`Infinity`: none) and its version. */
export interface ReadEntry extends StoredEntry {
  readonly expiresAt: number
  readonly version: number
  /** How long past `expiresAt` it is kept, stale, for fail-safe; absent: not at all. */
  readonly staleMs?: number
}

const VALUE = 'v'
const ERROR = 'e'
const TOMBSTONE = 't'

/** Lifetimes beyond this many ms (about 4,000 years) are stored without an expiry. */
export const MAX_PX: number = 2 ** 47

/** A record read back with its version, for the tag check (tagTimes.ts); only when tagged. */
export interface TaggedRecord extends L2Record {
  readonly tags: readonly string[]
  /** The moment, on Redis's clock, the value is as of (when its load started). */
  readonly version: number
}

/** Whether `entry` carries tags. */
function tagged(entry: StoredEntry): boolean {
  return entry.tags !== undefined && entry.tags.length > 0
}

/** The kind letter of an entry: upper case when it carries tags. */
export function kindOf(entry: StoredEntry): string {
  const kind = entry.isError ? ERROR : VALUE
  return tagged(entry) ? kind.toUpperCase() : kind
}

/**
 * The serializer's text for an entry's value.
 *
 * @throws whatever `serializer.encode` throws, or a `TypeError` if it returns no string.
 */
export function payloadOf(entry: StoredEntry, serializer: Serializer): string {
  const text = serializer.encode(entry.value)
  if (typeof text !== 'string') {
    throw new TypeError(`the serializer's encode() must return a string, got: ${typeof text}`)
  }
  if (!tagged(entry)) return text
  const tags = JSON.stringify(entry.tags)
  return `${tags.length}|${tags}${text}`
}

/** The whole string of an entry, as the scripts store it (`expiresAt` Infinity: none). */
export function encodeEntry(
  entry: StoredEntry,
  expiresAt: number,
  version: number,
  payload: string,
  staleMs = 0,
): string {
  const at =
    expiresAt === Infinity ? '' : staleMs > 0 ? `${expiresAt}+${staleMs}` : String(expiresAt)
  return `${kindOf(entry)}${at}|${version}|${entry.fetchedAt}|${payload}`
}

/** Whether `data` is a tombstone (a deleted key's marker). */
export function isTombstone(data: string): boolean {
  return data[0] === TOMBSTONE
}

/**
 * The entry stored as `data` (not a tombstone).
 *
 * @throws a `TypeError` for data this package did not write, or what `serializer.decode` throws.
 */
export function decodeEntry(data: string, serializer: Serializer): ReadEntry {
  const letter = data[0]
  const kind = letter === 'V' ? VALUE : letter === 'E' ? ERROR : letter
  const isTagged = kind !== letter
  const first = data.indexOf('|')
  const second = first === -1 ? -1 : data.indexOf('|', first + 1)
  const third = second === -1 ? -1 : data.indexOf('|', second + 1)
  const head = data.slice(1, first)
  const plus = head.indexOf('+')
  const expiry = plus === -1 ? head : head.slice(0, plus)
  const staleMs = plus === -1 ? 0 : Number(head.slice(plus + 1))
  const expiresAt = expiry === '' ? Infinity : Number(expiry)
  const version = Number(data.slice(first + 1, second))
  const fetchedAt = Number(data.slice(second + 1, third))
  if (
    (kind !== VALUE && kind !== ERROR) ||
    third === -1 ||
    Number.isNaN(expiresAt) ||
    (plus !== -1 && (plus === head.length - 1 || !(staleMs > 0) || expiry === '')) ||
    second === first + 1 ||
    Number.isNaN(version) ||
    third === second + 1 ||
    Number.isNaN(fetchedAt)
  ) {
    throw new TypeError(`not a cache entry: ${JSON.stringify(data.slice(0, 40))}`)
  }
  let textStart = third + 1
  let tags: readonly string[] | undefined
  if (isTagged) {
    const lengthEnd = data.indexOf('|', textStart)
    const length = Number(data.slice(textStart, lengthEnd))
    if (lengthEnd === -1 || !Number.isInteger(length) || length < 2) {
      throw new TypeError(`not a cache entry: ${JSON.stringify(data.slice(0, 40))}`)
    }
    textStart = lengthEnd + 1 + length
    tags = tagsOf(data.slice(lengthEnd + 1, textStart))
  }
  const entry = {
    value: serializer.decode(data.slice(textStart)),
    isError: kind === ERROR,
    fetchedAt,
    expiresAt,
    version,
  }
  const stale = staleMs > 0 ? { ...entry, staleMs } : entry
  return tags === undefined ? stale : { ...stale, tags }
}

/** The tag list of a tagged entry. */
function tagsOf(json: string): readonly string[] {
  let tags: unknown
  try {
    tags = JSON.parse(json)
  } catch {
    tags = undefined
  }
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string')) {
    throw new TypeError(`not a tag list: ${json.slice(0, 40)}`)
  }
  return tags
}

/** Redis's TIME reply (`[seconds, microseconds]`) in ms. */
export function timeOf(reply: unknown): number {
  if (!Array.isArray(reply) || reply.length !== 2) {
    throw new TypeError(`not a TIME reply: ${JSON.stringify(reply)}`)
  }
  const [seconds, micros] = reply as unknown[]
  return Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000)
}

/**
 * The record for one key of a reply: `data` (a string, a Buffer with a type mapping, or
 * `null`/`false` when absent), read when Redis's clock said `redisNow`; its time to live is
 * what is left then, less the `elapsedMs` the round trip took, so that the L1 copy never
 * outlives the L2 one. `undefined` when absent, deleted (a tombstone) or already expired (past
 * its stale time too, for an entry kept stale for fail-safe: such an entry is returned until
 * then, with a `ttlMs` of 0 or less and its `staleMs`).
 *
 * @throws what {@link decodeEntry} throws.
 */
export function recordOf(
  data: unknown,
  redisNow: number,
  elapsedMs: number,
  serializer: Serializer,
): L2Record | undefined {
  if (data === null || data === false || data === undefined) return undefined
  let text: string
  if (typeof data === 'string') text = data
  else if (Buffer.isBuffer(data)) text = data.toString('utf8')
  else throw new TypeError(`not a cache entry: a ${typeof data} reply`)
  if (isTombstone(text)) return undefined
  const entry = decodeEntry(text, serializer)
  const ttlMs = entry.expiresAt - redisNow - elapsedMs
  const staleMs = entry.staleMs ?? 0
  if (!(ttlMs + staleMs > 0)) return undefined
  const { value, isError, fetchedAt, tags, version } = entry
  const record: L2Record =
    staleMs === 0
      ? { value, isError, fetchedAt, ttlMs }
      : { value, isError, fetchedAt, ttlMs, staleMs }
  if (tags === undefined) return record
  const taggedRecord: TaggedRecord = { ...record, tags, version }
  return taggedRecord
}

/** Whether a record carries tags (and its version), to be checked against their times. */
export function isTagged(record: L2Record | undefined): record is TaggedRecord {
  return record?.tags !== undefined
}
