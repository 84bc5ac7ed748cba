import { describe, expect, it } from 'vitest'

import { readTrace } from './readTrace.js'
import { iterableStream, streamChunks } from './streamChunks.js'
import { createTraceParser } from './traceParser.js'

describe('streamChunks', () => {
  it('yields the chunks of a ReadableStream', async () => {
    const stream = new Blob(['1\n2\n', '3\n']).stream()
    const parser = createTraceParser({ format: 'lirs' }, () => undefined)
    const stats = await readTrace(streamChunks(stream), parser)
    expect(stats).toMatchObject({ requests: 3, distinctKeys: 3 })
  })
})

describe('iterableStream', () => {
  it('pulls a chunk only when one is read through a pipe, and closes the source on cancel', async () => {
    let pulled = 0
    let closed = false
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++
          await Promise.resolve()
          yield new Uint8Array([i % 256])
        }
      } finally {
        closed = true
      }
    }
    const reader = iterableStream(source()).pipeThrough(new TransformStream()).getReader()
    const first = await reader.read()
    const second = await reader.read()
    expect([first.value, second.value]).toEqual([new Uint8Array([0]), new Uint8Array([1])])
    // Give a stream that reads ahead the promise jobs to do so.
    for (let i = 0; i < 200; i++) await Promise.resolve()
    // The two chunks read, and at most the one each queue along the pipe holds.
    expect(pulled).toBeLessThanOrEqual(4)
    await reader.cancel()
    // The pipe passes the cancel on to the source a few promise jobs later.
    await expect.poll(() => closed).toBe(true)
    expect(pulled).toBeLessThanOrEqual(4)
  })
})
