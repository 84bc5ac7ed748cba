// How one cache entry is laid out in a Redis string: a kind letter, its expiry time on Redis's
// own clock (empty: none), its version, its load time, then the serializer's text:
// `v<expiresAt>|<version>|<fetchedAt>|<text>` for a value, `e…` for an error kept by negative
// caching, and `t|<version>|` for a tombstone. A value kept stale for fail-safe has its stale
// time after its expiry, `v<expiresAt>+<staleMs>|…`: the key lives until `expiresAt + staleMs`
// (its PEXPIREAT) and the entry stays fresh until `expiresAt` only (a delete, remembered for a while so that an
// older write cannot bring the value back). The version is the moment, on Redis's clock, that
// the value is as of (when its load started), or that the key was deleted: the scripts compare
// it before writing (scripts.ts). The expiry is the same moment as the key's PEXPIREAT, so a
// reader that knows Redis's time (TIME, in the same round trip) keeps its L1 copy exactly as
// long as Redis keeps the key.
import type { L2Record } from '@cache/decorators'

import type { Serializer } from './codec.js'

/** An entry as stored: a value, or an error kept by negative caching. */
export interface StoredEntry {
  readonly value: unknown
  readonly isError: boolean
  readonly fetchedAt: number
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

/** The kind letter of an entry. */
export function kindOf(entry: StoredEntry): string {
  return entry.isError ? ERROR : VALUE
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
  return text
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
  const kind = data[0]
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
  const entry = {
    value: serializer.decode(data.slice(third + 1)),
    isError: kind === ERROR,
    fetchedAt,
    expiresAt,
    version,
  }
  return staleMs > 0 ? { ...entry, staleMs } : entry
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
  const { value, isError, fetchedAt } = entry
  return staleMs === 0
    ? { value, isError, fetchedAt, ttlMs }
    : { value, isError, fetchedAt, ttlMs, staleMs }
}
