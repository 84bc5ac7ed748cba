// Web streams and async iterables, both ways: File.stream() is read as an async iterable (not every
// browser has ReadableStream's async iterator), and an async iterable becomes a ReadableStream for
// pipeThrough (DecompressionStream).

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

/**
 * A `ReadableStream` of `chunks` that pulls one chunk when its reader asks for one (a high-water
 * mark of 0: nothing is read ahead), and ends the iteration when cancelled.
 */
export function iterableStream<T>(chunks: AsyncIterable<T>): ReadableStream<T> {
  const iterator = chunks[Symbol.asyncIterator]()
  return new ReadableStream<T>(
    {
      async pull(controller) {
        const next = await iterator.next()
        if (next.done === true) controller.close()
        else controller.enqueue(next.value)
      },
      async cancel() {
        await iterator.return?.()
      },
    },
    { highWaterMark: 0 },
  )
}
