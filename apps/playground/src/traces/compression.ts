// Compressed traces: which compression a file uses (by its first bytes), and a byte stream that
// decompresses it on the way, through whatever decompressor the runtime offers.
import { TraceParseError } from './traceParseError.js'

/** Every compression a trace may use, in the order messages list them. */
export const COMPRESSIONS = ['gzip', 'zstd'] as const

/** A compression format read directly: `gzip` (`.gz`) or `zstd` (`.zst`). */
export type Compression = (typeof COMPRESSIONS)[number]

/**
 * Decompression as one runtime provides it: the web's `DecompressionStream` in the browser
 * (`webDecompressor.ts`), `node:zlib` in the CLI (`nodeDecompressor.ts`).
 */
export interface Decompressor {
  /** The runtime as messages name it: `this browser`, `Node.js v20.20.2`. */
  readonly runtime: string
  /**
   * `undefined` when `compression` can be decompressed here, else why not and where it can be:
   * `node:zlib has zstd from Node.js 22.15 on`.
   */
  missing(compression: Compression): string | undefined
  /**
   * The decompressed bytes of `chunks`, produced as they are read (nothing is held whole).
   * Corrupt or truncated data rejects the iteration with the runtime's own error.
   */
  decompress(compression: Compression, chunks: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array>
}

/** How many leading bytes {@link detectCompression} looks at. */
export const MAGIC_LENGTH = 4

/**
 * The compression `head` (a file's first bytes) announces: gzip starts with 1f 8b, a zstd frame
 * with 28 b5 2f fd. Neither can start UTF-8 text (0x8b and 0xb5 are continuation bytes with no
 * lead byte), so a plain trace is never mistaken for a compressed one, whatever its name.
 */
export function detectCompression(head: Uint8Array): Compression | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip'
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd'
  return undefined
}

/** `name` without a compression suffix (`.gz`, `.zst`, `.zstd`): `OLTP.arc.gz` → `OLTP.arc`. */
export function withoutCompressionSuffix(name: string): string {
  return name.replace(/\.(gz|zst|zstd)$/i, '')
}

/**
 * The bytes of a trace file, decompressed when its first bytes say it is gzip or zstd, passed on
 * as they are otherwise. `name` is the file, for messages.
 *
 * @throws {TraceParseError} `ERR_TRACE_UNSUPPORTED_COMPRESSION` when `decompressor` cannot
 * decompress the file's format, `ERR_TRACE_DECOMPRESS` when its data is corrupt or truncated; an
 * error of `chunks` themselves (a failed read) passes through as it is.
 */
export async function* decompressedChunks(
  chunks: AsyncIterable<Uint8Array>,
  name: string,
  decompressor: Decompressor,
): AsyncGenerator<Uint8Array, void, undefined> {
  const iterator = chunks[Symbol.asyncIterator]()
  try {
    const head: Uint8Array[] = []
    let headLength = 0
    while (headLength < MAGIC_LENGTH) {
      const next = await iterator.next()
      if (next.done === true) break
      head.push(next.value)
      headLength += next.value.byteLength
    }
    const compression = detectCompression(firstBytes(head, MAGIC_LENGTH))
    const rest = replay(head, iterator)
    if (compression === undefined) {
      yield* rest
      return
    }
    const why = decompressor.missing(compression)
    if (why !== undefined) throw unsupported(name, compression, why, decompressor)
    // The decompressor's errors and the file's own read errors arrive the same way; only the
    // first kind means the data is corrupt.
    const read = { failed: false }
    const source = async function* (): AsyncGenerator<Uint8Array, void, undefined> {
      try {
        yield* rest
      } catch (error) {
        read.failed = true
        throw error
      }
    }
    try {
      yield* decompressor.decompress(compression, source())
    } catch (error) {
      if (read.failed) throw error
      throw corrupt(name, compression, error)
    }
  } finally {
    await iterator.return?.()
  }
}

/** The chunks already read, then the rest of `iterator`. */
async function* replay(
  head: Uint8Array[],
  iterator: AsyncIterator<Uint8Array>,
): AsyncGenerator<Uint8Array, void, undefined> {
  yield* head
  for (;;) {
    const next = await iterator.next()
    if (next.done === true) return
    yield next.value
  }
}

function firstBytes(chunks: Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  let filled = 0
  for (const chunk of chunks) {
    const part = chunk.subarray(0, length - filled)
    bytes.set(part, filled)
    filled += part.length
    if (filled === length) break
  }
  return bytes.subarray(0, filled)
}

const DECOMPRESS_COMMAND: Record<Compression, string> = { gzip: 'gunzip', zstd: 'zstd -d' }

function unsupported(
  name: string,
  compression: Compression,
  why: string,
  decompressor: Decompressor,
): TraceParseError {
  const readable = ['plain', ...COMPRESSIONS.filter((c) => decompressor.missing(c) === undefined)]
  const list =
    readable.length === 1 ? 'plain' : `${readable.slice(0, -1).join(', ')} and ${readable.at(-1)!}`
  return new TraceParseError(
    'ERR_TRACE_UNSUPPORTED_COMPRESSION',
    `${name} is ${compression}-compressed, which ${decompressor.runtime} cannot decompress ` +
      `(${why}); it reads ${list} traces. Decompress it first: ` +
      `${DECOMPRESS_COMMAND[compression]} ${name}`,
    { file: name },
  )
}

function corrupt(name: string, compression: Compression, error: unknown): TraceParseError {
  const reason = (error instanceof Error ? error.message : String(error)).replace(/\.$/, '')
  return new TraceParseError(
    'ERR_TRACE_DECOMPRESS',
    `${name} is corrupt or truncated ${compression} data: ${reason}`,
    { file: name },
    error,
  )
}
