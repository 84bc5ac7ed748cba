// The trace file formats the playground and the CLI read, and how each one is chosen.
import { withoutCompressionSuffix } from './compression.js'

/** Every trace format, in the order the UI lists them. */
export const TRACE_FORMATS = ['lines', 'arc', 'lirs', 'csv'] as const

/**
 * A trace file format:
 * - `lines`: one key per line, any text (keys are strings);
 * - `arc`: `start_block count ignored request_no` per line, meaning blocks `start_block` …
 *   `start_block + count - 1` are requested in turn (the ARC paper's traces);
 * - `lirs`: one block number per line (the LIRS paper's traces; `*` lines are skipped);
 * - `csv`: comma-separated values, the key in a chosen column (keys are strings).
 */
export type TraceFormat = (typeof TRACE_FORMATS)[number]

/** How to read a trace. */
export interface TraceParserOptions {
  /** The file format. */
  format: TraceFormat
  /**
   * `csv` only: the key's column, a 1-based number or a header name.
   * @default 1
   */
  csvColumn?: number | string
  /**
   * `csv` only: whether the first row is a header (and not a request).
   * @default true when `csvColumn` is a name, false otherwise
   */
  csvHeader?: boolean
}

/** A CSV column as typed (form or `--csv-column`): a number when all digits, else a header name. */
export function parseCsvColumn(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text
}

/** Whether the format's keys are numbers (block numbers) rather than strings. */
export function numericFormat(format: TraceFormat): boolean {
  return format === 'arc' || format === 'lirs'
}

/** Whether `value` names a trace format. */
export function isTraceFormat(value: unknown): value is TraceFormat {
  return (TRACE_FORMATS as readonly unknown[]).includes(value)
}

/**
 * The format a file name suggests (`.arc`, `.lirs`/`.trc`, `.csv`), `lines` otherwise; a
 * compression suffix is looked through (`OLTP.arc.gz` is `arc`).
 */
export function inferTraceFormat(fileName: string): TraceFormat {
  const extension = /\.([a-z0-9]+)$/i.exec(withoutCompressionSuffix(fileName))?.[1]?.toLowerCase()
  switch (extension) {
    case 'arc':
      return 'arc'
    case 'lirs':
    case 'trc':
      return 'lirs'
    case 'csv':
      return 'csv'
    default:
      return 'lines'
  }
}
