// Options owned by a lower package are checked by that package's validator; the error names the
// option as the user wrote it and carries the lower package's error as its cause.
import { BatchError } from '@cache/batch'
import { CacheConfigError } from '@cache/core'
import { KeyError } from '@cache/keys'
import { describe, expect, it } from 'vitest'

import { AsyncCache } from './asyncCache.js'
import { cached } from './cached.js'

function thrown(make: () => unknown): unknown {
  try {
    make()
  } catch (error) {
    return error
  }
  return undefined
}

describe('options checked by the package that owns them', () => {
  it.each([
    [
      { batch: { windowMs: -1 } },
      'batch.windowMs',
      '`batch.windowMs` must be a finite number of milliseconds >= 0, got: -1',
      -1,
    ],
    [
      { batch: { concurrency: 0 } },
      'batch.concurrency',
      '`batch.concurrency` must be a positive integer or Infinity, got: 0',
      0,
    ],
    [
      { batch: { timeoutMs: Infinity } },
      'batch.timeoutMs',
      '`batch.timeoutMs` must be a finite number of milliseconds > 0, got: Infinity',
      Infinity,
    ],
  ])('%j: @cache/batch decides, the error names %s', (options, option, message, value) => {
    const error = thrown(() => new AsyncCache(options))
    expect(error).toBeInstanceOf(CacheConfigError)
    expect(error).toMatchObject({ code: 'ERR_CACHE_CONFIG', option, message, value })
    expect((error as Error).cause).toBeInstanceOf(BatchError)
    expect((error as Error).cause).toMatchObject({ code: 'ERR_BATCH_CONFIG', value })
  })

  it.each([
    [{ skipArgs: 1.5 }, 'skipArgs', '`skipArgs` must be a non-negative integer, got: 1.5', 1.5],
    [
      { ignoreArgs: [-1] },
      'ignoreArgs',
      '`ignoreArgs` must hold non-negative integer positions or parameter names, got: -1',
      -1,
    ],
    [
      { ignoreArgs: 'n' },
      'ignoreArgs',
      '`ignoreArgs` must be an array of positions and parameter names, got: "n"',
      'n',
    ],
    [
      { ignoreProps: 'requestId' },
      'ignoreProps',
      '`ignoreProps` must be an array of property names, got: "requestId"',
      'requestId',
    ],
  ])('%j: @cache/keys decides, the error names %s', (options, option, message, value) => {
    const error = thrown(() => cached((n: number) => n, options as never))
    expect(error).toBeInstanceOf(CacheConfigError)
    expect(error).toMatchObject({ code: 'ERR_CACHE_CONFIG', option, message, value })
    expect((error as Error).cause).toBeInstanceOf(KeyError)
    expect((error as Error).cause).toMatchObject({ code: 'ERR_KEY_OPTIONS', value })
  })
})
