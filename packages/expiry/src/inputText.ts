// Text helpers the parsers share: bytes to text, and Python's `float()` number syntax.
import { ExpiryParseError, type ExpiryParseKind } from './expiryParseError.js'

// Created on first use, so importing the package costs nothing.
let decodeUtf8: ((bytes: Uint8Array) => string) | undefined

/** The text of a string or UTF-8 bytes (aquiche accepts `bytes` wherever it accepts `str`). */
export function toText(input: string | Uint8Array, kind: ExpiryParseKind): string {
  if (typeof input === 'string') return input
  if (decodeUtf8 === undefined) {
    const decoder = new TextDecoder('utf-8', { fatal: true })
    decodeUtf8 = (bytes) => decoder.decode(bytes)
  }
  try {
    return decodeUtf8(input)
  } catch (error) {
    throw new ExpiryParseError(kind, input, 'UTF-8 text', { cause: error })
  }
}

// What Python's float() reads, minus non-ASCII digits: decimals, exponents, `_` between digits,
// surrounding whitespace, and inf / infinity / nan in any case.
const decimalRe =
  /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:e[+-]?\d(?:_?\d)*)?$/i
const specialRe = /^([+-]?)(?:(inf|infinity)|nan)$/i

/** The number a string spells as Python's `float()` reads it, or `undefined` if it spells none. */
export function parseNumeric(text: string): number | undefined {
  const trimmed = text.trim()
  if (decimalRe.test(trimmed)) return Number(trimmed.replaceAll('_', ''))
  const special = specialRe.exec(trimmed)
  if (special === null) return undefined
  if (special[2] === undefined) return Number.NaN
  return special[1] === '-' ? -Infinity : Infinity
}
