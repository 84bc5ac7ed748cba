/* eslint-disable @typescript-eslint/require-await -- batch functions here are async like real ones */
import { describe, expect, it } from 'vitest'

import { BatchError } from './batchError.js'
import { Batcher } from './batcher.js'
import { type BatcherOptions, checkBatcherOptions, readBatcherOptions } from './options.js'

/** The error `fn` throws; fails the test if it returns. */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

const defaults = {
  windowMs: 0,
  maxBatchSize: 100,
  keyFn: undefined,
  concurrency: Infinity,
  signal: undefined,
  timeoutMs: undefined,
  cache: false,
}

describe('Batcher options', () => {
  it('treats null options as omitted: all defaults', async () => {
    expect(readBatcherOptions(null)).toEqual(defaults)
    expect(readBatcherOptions(undefined)).toEqual(defaults)
    const calls: number[][] = []
    const batcher = new Batcher(async (keys: number[]) => {
      calls.push([...keys])
      return keys
    }, null)
    const keys = Array.from({ length: 150 }, (_, i) => i)
    expect(await Promise.all(keys.map((key) => batcher.load(key)))).toEqual(keys)
    expect(calls.map((batch) => batch.length)).toEqual([100, 50])
  })

  it.each([
    [5, '5'],
    ['fast', '"fast"'],
    [true, 'true'],
  ])('rejects options %o that are not an object with ERR_BATCH_CONFIG', (options, shown) => {
    const error = thrown(() => new Batcher(async (keys: number[]) => keys, options as never))
    expect(error).toBeInstanceOf(BatchError)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_CONFIG',
      message: `\`options\` must be an object of Batcher options, or omitted, got: ${shown}`,
      value: options,
    })
  })

  it('keeps null as a mistake for an option itself', () => {
    expect(thrown(() => readBatcherOptions({ maxBatchSize: null }))).toMatchObject({
      code: 'ERR_BATCH_CONFIG',
      message: '`maxBatchSize` must be a positive integer or Infinity, got: null',
    })
  })

  it('turns a getter that throws into ERR_BATCH_CONFIG naming the option, with the cause', () => {
    const boom = new Error('boom')
    const error = thrown(() =>
      readBatcherOptions({
        get windowMs(): number {
          throw boom
        },
      }),
    )
    expect(error).toBeInstanceOf(BatchError)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_CONFIG',
      message: '`windowMs` could not be read: Error: boom',
      cause: boom,
    })
  })

  it('reads each option once and uses the value it validated', async () => {
    let reads = 0
    const calls: number[] = []
    const batcher = new Batcher(
      async (keys: number[]) => {
        calls.push(keys.length)
        return keys
      },
      {
        get maxBatchSize(): unknown {
          return reads++ === 0 ? 2 : 'x'
        },
      } as never,
    )
    expect(await Promise.all([1, 2, 3, 4, 5].map((key) => batcher.load(key)))).toEqual([
      1, 2, 3, 4, 5,
    ])
    expect(reads).toBe(1)
    expect(calls).toEqual([2, 2, 1])
  })

  it('rejects a signal-like object whose members throw with ERR_BATCH_CONFIG', () => {
    const boom = new Error('no')
    const signal = {
      aborted: false,
      addEventListener() {
        throw boom
      },
    }
    const error = thrown(() => new Batcher(async (keys: number[]) => keys, { signal } as never))
    expect(error).toMatchObject({
      code: 'ERR_BATCH_CONFIG',
      message: '`signal` must be an AbortSignal, got: an object',
      value: signal,
      cause: boom,
    })
  })
})

describe('checkBatcherOptions', () => {
  it('accepts what new Batcher() accepts', () => {
    expect(() => {
      checkBatcherOptions()
      checkBatcherOptions(null)
      checkBatcherOptions({ windowMs: 5, maxBatchSize: Infinity, concurrency: 2, cache: true })
    }).not.toThrow()
  })

  it('throws the ERR_BATCH_CONFIG that new Batcher() throws, naming the option and value', () => {
    const error = thrown(() => {
      checkBatcherOptions({ maxBatchSize: 0 })
    })
    expect(error).toBeInstanceOf(BatchError)
    expect(error).toMatchObject({
      code: 'ERR_BATCH_CONFIG',
      message: '`maxBatchSize` must be a positive integer or Infinity, got: 0',
      value: 0,
    })
    expect(thrown(() => new Batcher(async (keys: number[]) => keys, { maxBatchSize: 0 }))).toEqual(
      error,
    )
  })
})

const batchFn = (keys: readonly number[]): number[] => keys.map((key) => key * 2)

describe('checkBatcherOptions, against the constructor', () => {
  it('accepts what the Batcher accepts', () => {
    expect(() => {
      checkBatcherOptions({})
      checkBatcherOptions({ windowMs: 10, maxBatchSize: Infinity, concurrency: 2, timeoutMs: 5 })
    }).not.toThrow()
  })

  it.each([
    [{ windowMs: -1 }, '`windowMs` must be a finite number of milliseconds >= 0, got: -1', -1],
    [{ maxBatchSize: 0 }, '`maxBatchSize` must be a positive integer or Infinity, got: 0', 0],
    [{ concurrency: 1.5 }, '`concurrency` must be a positive integer or Infinity, got: 1.5', 1.5],
    [{ timeoutMs: 0 }, '`timeoutMs` must be a finite number of milliseconds > 0, got: 0', 0],
    [{ cache: 'yes' }, '`cache` must be a boolean, got: "yes"', 'yes'],
  ])('rejects %j exactly as the Batcher does', (options, message, value) => {
    const bad = options as unknown as BatcherOptions<never>
    const expected = expect.objectContaining({
      name: 'BatchError',
      code: 'ERR_BATCH_CONFIG',
      message,
      value,
    })
    expect(() => {
      checkBatcherOptions(bad)
    }).toThrow(expected)
    expect(() => new Batcher(batchFn, bad)).toThrow(expected)
  })
})
