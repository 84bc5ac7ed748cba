import { gzipSync } from 'node:zlib'

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { nodeDecompressor } from '../cli/nodeDecompressor.js'
import { parseTrace } from './parseTrace.js'
import { readTrace } from './readTrace.js'
import { TraceParseError } from './traceParseError.js'
import { createTraceParser } from './traceParser.js'

async function* chunksOf(...parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    await Promise.resolve()
    yield part
  }
}

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describe('readTrace', () => {
  it('decodes a character split across chunks and reports bytes read', async () => {
    const all = bytes('café\nthé\ncafé\n')
    const keys: number[] = []
    const progress: number[] = []
    const parser = createTraceParser({ format: 'lines' }, (batch) => keys.push(...batch))
    const stats = await readTrace(chunksOf(all.subarray(0, 4), all.subarray(4)), parser, {
      onProgress: (read) => progress.push(read),
    })
    expect(keys).toEqual([0, 1, 0])
    expect(stats).toMatchObject({ requests: 3, distinctKeys: 2 })
    expect(progress).toEqual([4, all.length])
  })

  it('rejects bytes that are not UTF-8 with ERR_TRACE_ENCODING', async () => {
    const parser = createTraceParser({ format: 'lines' }, () => undefined)
    const error: unknown = await readTrace(
      chunksOf(bytes('ok\n'), new Uint8Array([0x1f, 0x8b, 0xff, 0xfe])),
      parser,
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(TraceParseError)
    expect(error).toMatchObject({ code: 'ERR_TRACE_ENCODING' })
    expect((error as Error).message).toContain('not UTF-8 text (invalid bytes after byte 3)')
  })

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController()
    const parser = createTraceParser(
      { format: 'lines' },
      () => {
        controller.abort(new Error('cancelled'))
      },
      1,
    )
    await expect(
      readTrace(chunksOf(bytes('a\n'), bytes('b\n')), parser, { signal: controller.signal }),
    ).rejects.toThrow('cancelled')
  })
})

/** `data` in chunks of `size` bytes. */
function split(data: Uint8Array, size: number): Uint8Array[] {
  const parts: Uint8Array[] = []
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size))
  return parts
}

describe('readTrace on compressed files', () => {
  it('reads gzip, reporting progress in bytes of the file', async () => {
    const text = '100 4 0 0\n7 1 0 1\n102 3 0 2\n7 2 0 3\n100 1 0 4\n'
    const file = gzipSync(text)
    const keys: number[] = []
    const progress: number[] = []
    const parser = createTraceParser({ format: 'arc' }, (batch) => keys.push(...batch))
    const stats = await readTrace(chunksOf(...split(file, 10)), parser, {
      onProgress: (read) => progress.push(read),
    })
    expect(stats).toEqual({ format: 'arc', lines: 5, requests: 11, distinctKeys: 7 })
    expect(keys).toEqual([...parseTrace(text, { format: 'arc' }).keys])
    expect(progress.at(-1)).toBe(file.length)
    expect(progress).toEqual([...progress].sort((a, b) => a - b))
  })

  it('names the file in the error of a corrupt one', async () => {
    const parser = createTraceParser({ format: 'lines' }, () => undefined)
    const truncated = gzipSync('a\nb\n').subarray(0, 15)
    await expect(
      readTrace(chunksOf(truncated), parser, { name: 'keys.txt.gz' }),
    ).rejects.toMatchObject({
      name: 'TraceParseError',
      code: 'ERR_TRACE_DECOMPRESS',
      file: 'keys.txt.gz',
      message: 'keys.txt.gz is corrupt or truncated gzip data: unexpected end of file',
    })
  })

  it('parses any trace gzipped, in any chunking, as it parses the text (both decompressors)', async () => {
    const key = fc.stringMatching(/^[a-z0-9:]{1,12}$/)
    await fc.assert(
      fc.asyncProperty(
        fc.array(key, { minLength: 1, maxLength: 300 }),
        fc.constantFrom('\n', '\r\n'),
        fc.integer({ min: 1, max: 200 }),
        fc.boolean(),
        async (lines, eol, chunkSize, web) => {
          const text = lines.join(eol) + eol
          const expected = parseTrace(text, { format: 'lines' })
          const keys: number[] = []
          const parser = createTraceParser({ format: 'lines' }, (batch) => keys.push(...batch), 7)
          const stats = await readTrace(chunksOf(...split(gzipSync(text), chunkSize)), parser, {
            ...(!web && { decompressor: nodeDecompressor }),
          })
          expect(stats).toEqual({
            format: 'lines',
            lines: expected.lines,
            requests: expected.requests,
            distinctKeys: expected.distinctKeys,
          })
          expect(keys).toEqual([...expected.keys])
        },
      ),
      { numRuns: 60 },
    )
  })
})
