// Decompression with node:zlib for the CLI. Node 20's zlib has gzip but no zstd
// (zlib.createZstdDecompress arrived in Node.js 22.15), so zstd is looked up when the CLI runs.
import { pipeline, Readable, type Transform } from 'node:stream'
import * as zlib from 'node:zlib'

import type { Compression, Decompressor } from '../traces/compression.js'

/** Output chunks of 64 KB rather than zlib's 16 KB: four times fewer pushes into the parser. */
const CHUNK_SIZE = 64 * 1024

const createZstdDecompress: unknown = (zlib as Partial<Record<string, unknown>>)[
  'createZstdDecompress'
]

function decompression(compression: Compression): Transform {
  if (compression === 'gzip') return zlib.createGunzip({ chunkSize: CHUNK_SIZE })
  return (createZstdDecompress as (options: { chunkSize: number }) => Transform)({
    chunkSize: CHUNK_SIZE,
  })
}

/** Decompresses with node:zlib, streaming; reports zstd as missing where zlib lacks it. */
export const nodeDecompressor: Decompressor = {
  runtime: `Node.js ${process.version}`,
  missing(compression) {
    if (compression === 'zstd' && typeof createZstdDecompress !== 'function') {
      return 'node:zlib has zstd from Node.js 22.15 on'
    }
    return undefined
  },
  decompress(compression, chunks) {
    // pipeline destroys both streams when either fails or the reader stops early, so the file
    // is closed in every case; an error reaches the reader through the iteration.
    return pipeline(
      Readable.from(chunks, { highWaterMark: 1 }),
      decompression(compression),
      () => undefined,
    )
  },
}
