import { describe, expect, it } from 'vitest'

import { Batcher, type BatcherOptions } from './batcher.js'
import { checkBatcherOptions } from './options.js'

const batchFn = (keys: readonly number[]): number[] => keys.map((key) => key * 2)

describe('checkBatcherOptions', () => {
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
