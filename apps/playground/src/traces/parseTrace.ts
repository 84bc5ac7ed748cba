// Parses a whole trace held in a string, for tests, fixtures and small inputs.
import type { KeyArray } from './keyBatcher.js'
import { numericFormat, type TraceParserOptions } from './traceFormat.js'
import { createTraceParser, type TraceStats } from './traceParser.js'

/** A parsed trace: its keys and its totals. */
export interface ParsedTrace extends TraceStats {
  /** Every request's key, in order (block numbers, or string ids by first appearance). */
  keys: KeyArray
}

/**
 * Parses `text` in one go.
 * @example
 * ```ts
 * parseTrace('7 2 0 0\n', { format: 'arc' }).keys // Float64Array [7, 8]
 * ```
 * @throws {TraceParseError} for a malformed line or a trace without requests.
 */
export function parseTrace(text: string, options: TraceParserOptions): ParsedTrace {
  const batches: KeyArray[] = []
  const parser = createTraceParser(options, (keys) => batches.push(keys.slice()))
  parser.push(text)
  const stats = parser.end()
  const keys = numericFormat(options.format)
    ? new Float64Array(stats.requests)
    : new Int32Array(stats.requests)
  let offset = 0
  for (const batch of batches) {
    keys.set(batch, offset)
    offset += batch.length
  }
  return { ...stats, keys }
}
