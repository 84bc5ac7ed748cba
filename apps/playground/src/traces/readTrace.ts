// Feeds a byte stream (a File's, a file's on disk) through a trace parser, decoding UTF-8
// incrementally, so a trace is never held whole in memory.
import { TraceParseError } from './traceParseError.js'
import type { TraceParser, TraceStats } from './traceParser.js'

/** Options of {@link readTrace}. */
export interface ReadTraceOptions {
  /** Called after each chunk with the bytes read so far. */
  onProgress?: (bytesRead: number) => void
  /** Stops reading (the promise rejects with the signal's reason) when aborted. */
  signal?: AbortSignal
}

/**
 * Decodes `chunks` as UTF-8 and parses them with `parser`, returning the totals.
 * @throws {TraceParseError} for bytes that are not UTF-8, or anything `parser` rejects.
 */
export async function readTrace(
  chunks: AsyncIterable<Uint8Array>,
  parser: TraceParser,
  options: ReadTraceOptions = {},
): Promise<TraceStats> {
  const { onProgress, signal } = options
  // fatal: a binary or compressed file fails here with a clear message instead of turning into
  // a million lines of replacement characters.
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let bytesRead = 0
  for await (const chunk of chunks) {
    signal?.throwIfAborted()
    parser.push(decode(decoder, chunk, bytesRead))
    bytesRead += chunk.byteLength
    onProgress?.(bytesRead)
  }
  signal?.throwIfAborted()
  parser.push(decode(decoder, undefined, bytesRead))
  return parser.end()
}

/** The chunks of a web `ReadableStream` (e.g. `File.stream()`), for browsers without its async iterator. */
export async function* streamChunks(
  stream: ReadableStream<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    // Runs on early exit too (an error, a cancel), so the file is not read on for nothing.
    await reader.cancel().catch(() => undefined)
    reader.releaseLock()
  }
}

function decode(decoder: TextDecoder, chunk: Uint8Array | undefined, offset: number): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true })
  } catch (error) {
    throw new TraceParseError(
      'ERR_TRACE_ENCODING',
      `the file is not UTF-8 text (invalid bytes after byte ${offset}); is it binary or compressed?`,
      undefined,
      error,
    )
  }
}
