import { gzipSync } from 'node:zlib'

import { describe, expect, it } from 'vitest'

import { nodeDecompressor } from '../cli/nodeDecompressor.js'
import {
  decompressedChunks,
  detectCompression,
  withoutCompressionSuffix,
  type Decompressor,
} from './compression.js'
import { TraceParseError } from './traceParseError.js'
import { webDecompressor } from './webDecompressor.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** `data` cut into chunks of `size` bytes, each handed over after a promise job. */
async function* chunked(data: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) {
    await Promise.resolve()
    yield data.subarray(i, i + size)
  }
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts).toString('utf8')
}

const decompressors: [string, Decompressor][] = [
  ['DecompressionStream', webDecompressor],
  ['node:zlib', nodeDecompressor],
]

const text = Array.from({ length: 2000 }, (_, i) => `key:${(i * 7919) % 613}\n`).join('')
const gzipped = gzipSync(text)
// 100,000 pseudo-random keys: compressed to about 600 KB, so a decompressor emits text long
// before it has read the whole file.
let seed = 1
const bigGzipped = gzipSync(
  Array.from({ length: 100_000 }, () => {
    seed = (seed * 48271) % 2147483647
    return `${seed.toString(16)}\n`
  }).join(''),
)

describe('detectCompression', () => {
  it.each<[string, number[], string | undefined]>([
    ['gzip', [0x1f, 0x8b, 0x08, 0x00], 'gzip'],
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd], 'zstd'],
    ['text', [...bytes('1 2 0 0')], undefined],
    ['half a gzip magic', [0x1f], undefined],
    ['three bytes of a zstd magic', [0x28, 0xb5, 0x2f], undefined],
    ['nothing', [], undefined],
  ])('%s', (_, head, expected) => {
    expect(detectCompression(new Uint8Array(head))).toBe(expected)
  })
})

describe('withoutCompressionSuffix', () => {
  it.each([
    ['OLTP.arc.gz', 'OLTP.arc'],
    ['trace.csv.zst', 'trace.csv'],
    ['trace.ZSTD', 'trace'],
    ['plain.arc', 'plain.arc'],
    ['gz', 'gz'],
  ])('%s → %s', (name, expected) => {
    expect(withoutCompressionSuffix(name)).toBe(expected)
  })
})

describe.each(decompressors)('decompressedChunks with %s', (_, decompressor) => {
  it.each([1, 2, 3, 5, 64, 100_000])(
    'decompresses gzip read in chunks of %i bytes (the magic split across chunks too)',
    async (size) => {
      const out = await collect(decompressedChunks(chunked(gzipped, size), 't.gz', decompressor))
      expect(out).toBe(text)
    },
  )

  it('passes plain bytes through untouched, whatever the chunk sizes', async () => {
    const plain = bytes(text)
    for (const size of [1, 3, 4, 1000]) {
      const chunks: Uint8Array[] = []
      for await (const chunk of decompressedChunks(chunked(plain, size), 't', decompressor)) {
        chunks.push(chunk)
      }
      expect(chunks).toHaveLength(Math.ceil(plain.length / size))
      expect(Buffer.concat(chunks).toString('utf8')).toBe(text)
    }
  })

  it('reports truncated gzip as ERR_TRACE_DECOMPRESS, naming the file', async () => {
    const truncated = gzipped.subarray(0, gzipped.length - 10)
    const error: unknown = await collect(
      decompressedChunks(chunked(truncated, 256), 'cut.gz', decompressor),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TraceParseError)
    expect(error).toMatchObject({
      code: 'ERR_TRACE_DECOMPRESS',
      file: 'cut.gz',
      message: 'cut.gz is corrupt or truncated gzip data: unexpected end of file',
    })
  })

  it('reports a wrong checksum as ERR_TRACE_DECOMPRESS', async () => {
    const damaged = Uint8Array.from(gzipped)
    damaged[damaged.length - 8]! ^= 0xff // the CRC-32 of the trailer
    await expect(
      collect(decompressedChunks(chunked(damaged, 256), 'bad.gz', decompressor)),
    ).rejects.toMatchObject({
      code: 'ERR_TRACE_DECOMPRESS',
      message: 'bad.gz is corrupt or truncated gzip data: incorrect data check',
    })
  })

  it('lets an error of the file itself through unchanged', async () => {
    const readError = new Error('EIO: i/o error, read')
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield gzipped.subarray(0, 100)
      await Promise.resolve()
      throw readError
    }
    const error: unknown = await collect(decompressedChunks(failing(), 't.gz', decompressor)).catch(
      (e: unknown) => e,
    )
    expect(error).toBe(readError)
  })

  // Node's own DecompressionStream reads its whole input ahead (no backpressure from its readable
  // side); Chromium's pulls 4 chunks of 4 KB for 3 reads. streamChunks.test.ts checks that our
  // side of the pipe pulls only on demand.
  it.runIf(decompressor === nodeDecompressor)(
    'stops reading the file when its reader stops early',
    async () => {
      const chunks = Math.ceil(bigGzipped.length / 4096)
      let pulled = 0
      let closed = false
      async function* source(): AsyncGenerator<Uint8Array> {
        try {
          for (let i = 0; i < bigGzipped.length; i += 4096) {
            pulled++
            await Promise.resolve()
            yield bigGzipped.subarray(i, i + 4096)
          }
        } finally {
          closed = true
        }
      }
      for await (const chunk of decompressedChunks(source(), 't.gz', decompressor)) {
        expect(chunk.length).toBeGreaterThan(0)
        break
      }
      expect(closed).toBe(true)
      expect(chunks).toBeGreaterThan(100)
      expect(pulled).toBeLessThan(chunks / 4)
    },
  )
})

describe('decompressedChunks without a decompressor for the format', () => {
  const gzipOnly: Decompressor = {
    runtime: 'Node.js v20.0.0',
    missing: (compression) => (compression === 'zstd' ? 'no zstd in its zlib' : undefined),
    decompress: () => {
      throw new Error('not called')
    },
  }
  const zstdFrame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00, 0x01, 0x00, 0x00])

  it('names the file, the runtime, why, what it reads and how to decompress', async () => {
    const error: unknown = await collect(
      decompressedChunks(chunked(zstdFrame, 2), 'OLTP.arc.zst', gzipOnly),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TraceParseError)
    expect(error).toMatchObject({
      code: 'ERR_TRACE_UNSUPPORTED_COMPRESSION',
      file: 'OLTP.arc.zst',
      message:
        'OLTP.arc.zst is zstd-compressed, which Node.js v20.0.0 cannot decompress (no zstd in its ' +
        'zlib); it reads plain and gzip traces. Decompress it first: zstd -d OLTP.arc.zst',
    })
  })

  it('says when it reads plain traces only', async () => {
    const none: Decompressor = { ...gzipOnly, missing: () => 'it has no DecompressionStream' }
    await expect(
      collect(decompressedChunks(chunked(gzipped, 100), 'a.gz', none)),
    ).rejects.toMatchObject({
      message:
        'a.gz is gzip-compressed, which Node.js v20.0.0 cannot decompress (it has no ' +
        'DecompressionStream); it reads plain traces. Decompress it first: gunzip a.gz',
    })
  })
})
