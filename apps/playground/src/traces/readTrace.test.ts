import { describe, expect, it } from 'vitest'

import { readTrace, streamChunks } from './readTrace.js'
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

describe('streamChunks', () => {
  it('yields the chunks of a ReadableStream', async () => {
    const stream = new Blob(['1\n2\n', '3\n']).stream()
    const parser = createTraceParser({ format: 'lirs' }, () => undefined)
    const stats = await readTrace(streamChunks(stream), parser)
    expect(stats).toMatchObject({ requests: 3, distinctKeys: 3 })
  })
})
