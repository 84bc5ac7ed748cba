import { afterEach, describe, expect, it, vi } from 'vitest'

import { abortReasonOf, createAbortError } from './abortError.js'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('abortReasonOf', () => {
  it('returns the signal’s reason', () => {
    const reason = new Error('closed')
    expect(abortReasonOf(AbortSignal.abort(reason))).toBe(reason)
  })

  it('returns a DOMException named AbortError for a signal without a reason', () => {
    const signal = { aborted: true, reason: undefined } as unknown as AbortSignal
    const error = abortReasonOf(signal)
    expect(error).toBeInstanceOf(DOMException)
    expect(error).toMatchObject({ name: 'AbortError', message: 'This operation was aborted' })
  })
})

describe('createAbortError', () => {
  it('makes an Error named AbortError where there is no DOMException', () => {
    vi.stubGlobal('DOMException', undefined)
    const error = createAbortError()
    vi.unstubAllGlobals()
    expect(error).toBeInstanceOf(Error)
    expect(error.constructor).toBe(Error)
    expect(error).toMatchObject({ name: 'AbortError', message: 'This operation was aborted' })
  })
})
