// One function per trace format turning a line into keys. Each receives the line without its
// line break and reports malformed lines as TraceParseError naming the line.
import { CsvSyntaxError, splitCsvLine } from './csvFields.js'
import { MAX_ARC_COUNT } from './limits.js'
import { TraceParseError } from './traceParseError.js'

/** Where parsed keys go: numeric keys as they are, string keys to be given ids. */
export interface KeySink {
  /** A numeric key (a block number). */
  number(key: number, line: number): void
  /** A string key. */
  string(key: string, line: number): void
}

/** Parses one line of a trace into `sink`; blank lines and comments add nothing. */
export type LineParser = (text: string, line: number, sink: KeySink) => void

const BLOCK = /^\d{1,16}$/

/** `lines`: the whole line, trimmed, is the key; blank lines are skipped. */
export const parseKeyLine: LineParser = (text, line, sink) => {
  const key = text.trim()
  if (key !== '') sink.string(key, line)
}

/** `lirs`: one block number per line; blank, `*` and `#` comment lines are skipped. */
export const parseLirsLine: LineParser = (text, line, sink) => {
  const value = text.trim()
  if (value === '' || value === '*' || value.startsWith('#')) return
  sink.number(blockNumber(value, line, text, 'a block number (a non-negative integer)'), line)
}

/**
 * `arc`: `start_block count ignored request_no`, four non-negative integers separated by
 * whitespace; requests blocks `start_block` … `start_block + count - 1`. Blank and `#` lines are
 * skipped.
 */
export const parseArcLine: LineParser = (text, line, sink) => {
  const value = text.trim()
  if (value === '' || value.startsWith('#')) return
  const fields = value.split(/\s+/)
  if (fields.length !== 4) {
    throw new TraceParseError(
      'ERR_TRACE_SYNTAX',
      `expected 4 fields "start_block count ignored request_no", found ${fields.length}`,
      { line, content: text },
    )
  }
  const expected = 'four non-negative integers "start_block count ignored request_no"'
  const [start, count] = fields.map((field) => blockNumber(field, line, text, expected)) as [
    number,
    number,
  ]
  if (count < 1 || count > MAX_ARC_COUNT) {
    throw new TraceParseError(
      'ERR_TRACE_SYNTAX',
      `count must be from 1 to ${MAX_ARC_COUNT}, found ${count}`,
      { line, content: text },
    )
  }
  if (start + count - 1 > Number.MAX_SAFE_INTEGER) {
    throw new TraceParseError('ERR_TRACE_SYNTAX', 'the last block is past 2^53 - 1', {
      line,
      content: text,
    })
  }
  for (let block = start; block < start + count; block++) sink.number(block, line)
}

/** Options of {@link createCsvLineParser}. */
export interface CsvLineOptions {
  /** The key's column: a 1-based number, or a name found in the header. */
  column: number | string
  /** Whether the first non-blank line is a header. */
  header: boolean
}

/**
 * `csv`: the key is the chosen column's field, trimmed. With a header, the first non-blank line
 * names the columns (and a named column is looked up there). Blank lines are skipped.
 */
export function createCsvLineParser(options: CsvLineOptions): LineParser {
  const { column, header } = options
  if (typeof column === 'number' && !(Number.isInteger(column) && column >= 1)) {
    throw new TraceParseError(
      'ERR_TRACE_CSV_COLUMN',
      `the CSV column must be a 1-based number or a header name, got: ${column}`,
    )
  }
  if (typeof column === 'string' && !header) {
    throw new TraceParseError(
      'ERR_TRACE_CSV_COLUMN',
      `the CSV column "${column}" is a name, which needs a header row`,
    )
  }
  // The 0-based index, known once the header is read when the column is named.
  let index = typeof column === 'number' ? column - 1 : -1
  let headerRead = !header
  return (text, line, sink) => {
    if (text.trim() === '') return
    const fields = csvFields(text, line)
    if (!headerRead) {
      headerRead = true
      if (typeof column === 'string') {
        index = fields.findIndex((name) => name.trim() === column)
        if (index === -1) {
          throw new TraceParseError(
            'ERR_TRACE_CSV_COLUMN',
            `no column named "${column}" in the header; its columns are ${fields.map((f) => JSON.stringify(f.trim())).join(', ')}`,
            { line, content: text },
          )
        }
      }
      return
    }
    const key = fields[index]?.trim()
    if (key === undefined) {
      throw new TraceParseError(
        'ERR_TRACE_SYNTAX',
        `expected at least ${index + 1} CSV fields (the key is in column ${index + 1}), found ${fields.length}`,
        { line, content: text },
      )
    }
    if (key === '') {
      throw new TraceParseError('ERR_TRACE_SYNTAX', `the key (column ${index + 1}) is empty`, {
        line,
        content: text,
      })
    }
    sink.string(key, line)
  }
}

function csvFields(text: string, line: number): string[] {
  try {
    return splitCsvLine(text)
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error
    throw new TraceParseError('ERR_TRACE_SYNTAX', `malformed CSV: ${error.message}`, {
      line,
      content: text,
    })
  }
}

function blockNumber(field: string, line: number, text: string, expected: string): number {
  // At most 16 digits, so the value is exact unless past 2^53, which the check below catches.
  if (BLOCK.test(field)) {
    const value = Number(field)
    if (value <= Number.MAX_SAFE_INTEGER) return value
  }
  throw new TraceParseError('ERR_TRACE_SYNTAX', `expected ${expected}`, { line, content: text })
}
