import { describe, expect, it } from 'vitest'

import { checkUploadSize, formatBytes, MAX_UPLOAD_BYTES } from './limits.js'
import { TraceParseError } from './traceParseError.js'

describe('checkUploadSize', () => {
  it('rejects a 2 GB file, naming it, its size and the limit', () => {
    const call = (): void => {
      checkUploadSize({ name: 'big.trace', size: 2 * 1024 ** 3 })
    }
    expect(call).toThrow(TraceParseError)
    expect(call).toThrow(
      'big.trace is 2.00 GB, more than the 1.00 GB the playground reads; replay it with the CLI instead: pnpm sim --trace big.trace',
    )
  })

  it('rejects an empty file', () => {
    expect(() => {
      checkUploadSize({ name: 'empty.txt', size: 0 })
    }).toThrow('empty.txt is empty (0 bytes): no requests')
  })

  it('accepts a file up to the limit', () => {
    expect(() => {
      checkUploadSize({ name: 'ok', size: MAX_UPLOAD_BYTES })
    }).not.toThrow()
  })
})

describe('formatBytes', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [1536, '1.50 KB'],
    [5 * 1024 ** 2, '5.00 MB'],
  ])('formats %d as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})
