// Feeds a byte stream (a File's, a file's on disk) through a trace parser, decompressing gzip or
// zstd and decoding UTF-8 incrementally, so a trace is never held whole in memory.
import { decompressedChunks, type Decompressor } from './compression.js'
import { TraceParseError } from './traceParseError.js'
import type { TraceParser, TraceStats } from './traceParser.js'
import { webDecompressor } from './webDecompressor.js'

/** Options of {@link readTrace}. */
export interface ReadTraceOptions {
  /** Called after each chunk with the bytes of the file read so far (compressed bytes, if it is). */
  onProgress?: (bytesRead: number) => void
  /** Stops reading (the promise rejects with the signal's reason) when aborted. */
  signal?: AbortSignal
  /**
   * The file's name, for the messages of compression errors.
   * @default 'the trace'
   */
  name?: string
  /**
   * How to decompress a gzip or zstd file (recognised by its first bytes).
   * @default webDecompressor, the runtime's `DecompressionStream`
   */
  decompressor?: Decompressor
}

/**
 * Decodes `chunks` as UTF-8, after decompressing them if they are gzip or zstd, and parses them
 * with `parser`, returning the totals.
 * @throws {TraceParseError} for bytes that are not UTF-8, compressed data that is corrupt or that
 * the decompressor cannot read, or anything `parser` rejects.
 */
export async function readTrace(
  chunks: AsyncIterable<Uint8Array>,
  parser: TraceParser,
  options: ReadTraceOptions = {},
): Promise<TraceStats> {
  const { onProgress, signal, name = 'the trace', decompressor = webDecompressor } = options
  // fatal: a binary file fails here with a clear message instead of turning into a million lines
  // of replacement characters.
  const decoder = new TextDecoder('utf-8', { fatal: true })
  const text = decompressedChunks(counted(chunks, onProgress), name, decompressor)
  let decoded = 0
  for await (const chunk of text) {
    signal?.throwIfAborted()
    parser.push(decode(decoder, chunk, decoded))
    decoded += chunk.byteLength
  }
  signal?.throwIfAborted()
  parser.push(decode(decoder, undefined, decoded))
  return parser.end()
}

/**
 * `chunks`, calling `onProgress` with the bytes read so far once each chunk has been used (when
 * the next one is asked for), so progress counts the file's bytes, compressed or not.
 */
async function* counted(
  chunks: AsyncIterable<Uint8Array>,
  onProgress: ((bytesRead: number) => void) | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  let bytesRead = 0
  for await (const chunk of chunks) {
    yield chunk
    bytesRead += chunk.byteLength
    onProgress?.(bytesRead)
  }
}

function decode(decoder: TextDecoder, chunk: Uint8Array | undefined, offset: number): string {
  try {
    return chunk === undefined ? decoder.decode() : decoder.decode(chunk, { stream: true })
  } catch (error) {
    throw new TraceParseError(
      'ERR_TRACE_ENCODING',
      `the file is not UTF-8 text (invalid bytes after byte ${offset}); is it binary, or ` +
        'compressed with something other than gzip or zstd?',
      undefined,
      error,
    )
  }
}
