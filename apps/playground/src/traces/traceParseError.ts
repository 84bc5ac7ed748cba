// The one error type of trace parsing: what went wrong, where, and with which content.

/** Codes carried by {@link TraceParseError}, stable enough to match on. */
export type TraceErrorCode =
  /** A line does not have the shape its format requires. */
  | 'ERR_TRACE_SYNTAX'
  /** The trace has no requests: an empty file, or only blank lines and comments. */
  | 'ERR_TRACE_EMPTY'
  /** The file is larger than the reader accepts. */
  | 'ERR_TRACE_TOO_LARGE'
  /** A single line is too long to be a trace line (a binary file, or no line breaks). */
  | 'ERR_TRACE_LINE_TOO_LONG'
  /** More distinct keys than a JavaScript `Map` can hold. */
  | 'ERR_TRACE_TOO_MANY_KEYS'
  /** The chosen CSV column does not exist in the header. */
  | 'ERR_TRACE_CSV_COLUMN'
  /** The bytes are not UTF-8 text. */
  | 'ERR_TRACE_ENCODING'
  /** The file is compressed in a format this runtime cannot decompress (zstd on Node 20). */
  | 'ERR_TRACE_UNSUPPORTED_COMPRESSION'
  /** The compressed data is corrupt or truncated. */
  | 'ERR_TRACE_DECOMPRESS'

/** Where a trace error is: a line (and its text), or a file the message names. */
export interface TraceErrorPlace {
  /** The 1-based number of the offending line. */
  line?: number
  /** The offending line's text. */
  content?: string
  /** The file, when the message already names it (so a caller does not name it twice). */
  file?: string
}

/**
 * A trace could not be read. `line` is the 1-based line number when one line is to blame, and
 * `content` that line (shortened when long), so the message can say exactly what to fix.
 *
 * @example
 * ```ts
 * try { parseTrace('1 2 3\n', { format: 'arc' }) } catch (e) {
 *   if (e instanceof TraceParseError) console.log(e.code, e.line) // 'ERR_TRACE_SYNTAX', 1
 * }
 * ```
 */
export class TraceParseError extends Error {
  /** A stable code to match on. */
  readonly code: TraceErrorCode
  /** The 1-based number of the offending line, when there is one. */
  readonly line: number | undefined
  /** The offending line's text (at most 80 characters), when there is one. */
  readonly content: string | undefined
  /** The file the message names, when it names one. */
  readonly file: string | undefined

  /**
   * @param code - stable code; @param message - the problem; @param at - the offending line, or
   * the file the message names; @param cause - the underlying error, if any.
   */
  constructor(code: TraceErrorCode, message: string, at?: TraceErrorPlace, cause?: unknown) {
    const content = at?.content === undefined ? undefined : shorten(at.content)
    const where = at?.line === undefined ? '' : `line ${at.line}: `
    const got = content === undefined ? '' : `, got: ${JSON.stringify(content)}`
    super(`${where}${message}${got}`, cause === undefined ? undefined : { cause })
    this.name = 'TraceParseError'
    this.code = code
    this.line = at?.line
    this.content = content
    this.file = at?.file
  }
}

function shorten(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 77)}...`
}
