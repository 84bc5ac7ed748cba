// Decompression with the web platform's DecompressionStream: the browser's worker (and Node, which
// has it too, in tests). Browsers differ in the formats they support, so each is tried once.
import type { Compression, Decompressor } from './compression.js'
import { iterableStream, streamChunks } from './streamChunks.js'

const supported = new Map<Compression, boolean>()

function canDecompress(compression: Compression): boolean {
  let known = supported.get(compression)
  if (known === undefined) {
    try {
      // The constructor throws a TypeError for a format the runtime lacks ('zstd' in most).
      new DecompressionStream(compression as CompressionFormat)
      known = true
    } catch {
      known = false
    }
    supported.set(compression, known)
  }
  return known
}

/** Decompresses with `DecompressionStream`, streaming; reports formats the browser lacks. */
export const webDecompressor: Decompressor = {
  runtime: 'this browser',
  missing(compression) {
    if (typeof DecompressionStream === 'undefined') return 'it has no DecompressionStream'
    if (canDecompress(compression)) return undefined
    const where = compression === 'zstd' ? ' on Node.js 22.15 or later' : ''
    return `its DecompressionStream has no '${compression}'; pnpm sim reads ${compression}${where}`
  },
  decompress(compression, chunks) {
    const decompression = new DecompressionStream(compression as CompressionFormat)
    // DecompressionStream takes ArrayBuffer-backed bytes (TypeScript's BufferSource): what
    // File.stream() yields; a trace is never in a SharedArrayBuffer.
    const bytes = chunks as AsyncIterable<Uint8Array<ArrayBuffer>>
    return streamChunks(iterableStream<BufferSource>(bytes).pipeThrough(decompression))
  },
}
