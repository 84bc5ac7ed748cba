// Turns trace text, fed in chunks of any size, into batches of simulator keys. Pure: no I/O, so
// the same parser serves the browser worker (File.stream()), the CLI (fs streams) and tests.
import { BATCH_LENGTH, KeyBatcher, type KeyArray } from './keyBatcher.js'
import { NumberKeySet, StringKeyIds } from './keyRegistry.js'
import { MAX_LINE_LENGTH } from './limits.js'
import {
  createCsvLineParser,
  parseArcLine,
  parseKeyLine,
  parseLirsLine,
  type KeySink,
  type LineParser,
} from './lineParsers.js'
import { numericFormat, type TraceFormat, type TraceParserOptions } from './traceFormat.js'
import { TraceParseError } from './traceParseError.js'

/** What a parser has read so far. */
export interface TraceStats {
  /** The format read. */
  format: TraceFormat
  /** Lines read, blank ones and a header included. */
  lines: number
  /** Requests: keys in the trace (an ARC line counts `count` requests). */
  requests: number
  /** Distinct keys among them. */
  distinctKeys: number
}

/** A streaming trace parser made by {@link createTraceParser}. */
export interface TraceParser {
  /** Parses the complete lines of `chunk`; a trailing partial line waits for the next chunk. */
  push(chunk: string): void
  /**
   * Parses the last line, hands on the last batch and returns the totals.
   * @throws {TraceParseError} `ERR_TRACE_EMPTY` when the trace has no requests.
   */
  end(): TraceStats
  /** Totals so far. */
  readonly stats: TraceStats
}

/**
 * Creates a parser that calls `onKeys` with batches of keys: `Float64Array`s of block numbers
 * for `arc` and `lirs`, `Int32Array`s of dense ids (by first appearance) for `lines` and `csv`.
 * A batch is a view of a reused buffer, valid only until `onKeys` returns.
 *
 * @example
 * ```ts
 * const parser = createTraceParser({ format: 'lirs' }, (keys) => sweep.feed(keys))
 * for await (const text of chunks) parser.push(text)
 * const { requests, distinctKeys } = parser.end()
 * ```
 * @throws {TraceParseError} for a malformed line (naming it), from `push` or `end`.
 */
export function createTraceParser(
  options: TraceParserOptions,
  onKeys: (keys: KeyArray) => void,
  batchLength: number = BATCH_LENGTH,
): TraceParser {
  const { format } = options
  const numeric = numericFormat(format)
  const batcher = new KeyBatcher(
    numeric ? new Float64Array(batchLength) : new Int32Array(batchLength),
    onKeys,
  )
  const numbers = new NumberKeySet()
  const strings = new StringKeyIds()
  let requests = 0
  const sink: KeySink = {
    number(key, line) {
      numbers.add(key, line)
      batcher.add(key)
      requests++
    },
    string(key, line) {
      batcher.add(strings.idOf(key, line))
      requests++
    },
  }
  const parseLine = lineParser(options)
  let lines = 0
  let carry = ''
  let started = false

  const stats = (): TraceStats => ({
    format,
    lines,
    requests,
    distinctKeys: numeric ? numbers.size : strings.size,
  })
  // Parses text[start, end) as one line, without the CR of a CRLF end: one slice per line.
  const take = (text: string, start: number, end: number): void => {
    lines++
    const stop = end > start && text.charCodeAt(end - 1) === 13 /* \r */ ? end - 1 : end
    parseLine(text.slice(start, stop), lines, sink)
  }

  return {
    push(chunk) {
      let text = carry + chunk
      if (!started && text !== '') {
        started = true
        if (text.startsWith('\uFEFF')) text = text.slice(1)
      }
      let start = 0
      for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
        take(text, start, end)
        start = end + 1
      }
      carry = text.slice(start)
      if (carry.length > MAX_LINE_LENGTH) {
        throw new TraceParseError(
          'ERR_TRACE_LINE_TOO_LONG',
          `longer than ${MAX_LINE_LENGTH} characters without a line break; is this a ${format} trace?`,
          { line: lines + 1, content: carry },
        )
      }
    },
    end() {
      if (carry !== '') take(carry, 0, carry.length)
      carry = ''
      batcher.flush()
      if (requests === 0) throw emptyTrace(format, lines)
      return stats()
    },
    get stats() {
      return stats()
    },
  }
}

function lineParser(options: TraceParserOptions): LineParser {
  switch (options.format) {
    case 'lines':
      return parseKeyLine
    case 'arc':
      return parseArcLine
    case 'lirs':
      return parseLirsLine
    case 'csv': {
      const column = options.csvColumn ?? 1
      return createCsvLineParser({
        column,
        header: options.csvHeader ?? typeof column === 'string',
      })
    }
  }
}

function emptyTrace(format: TraceFormat, lines: number): TraceParseError {
  const why =
    lines === 0
      ? 'the file is empty'
      : format === 'csv'
        ? `its ${lines} line(s) hold no data rows (only a header or blank lines)`
        : `its ${lines} line(s) are all blank or comments`
  return new TraceParseError('ERR_TRACE_EMPTY', `the trace has no requests: ${why}`)
}
