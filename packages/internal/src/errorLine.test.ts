import { describe, expect, it } from 'vitest'

import { errorLine, errorOrigin } from './errorLine.js'

describe('errorLine', () => {
  it('joins an error and the causes it does not already say, on one line', () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379')
    const lost = new Error('Lost the connection', { cause: refused })
    expect(errorLine(lost)).toBe('Lost the connection: connect ECONNREFUSED 127.0.0.1:6379')
    expect(errorLine(new Error(`failed: ${refused.message}`, { cause: refused }))).toBe(
      'failed: connect ECONNREFUSED 127.0.0.1:6379',
    )
    expect(errorLine(new Error('two\n   lines'))).toBe('two lines')
    expect(errorLine('a string')).toBe('a string')
    expect(errorLine(new TypeError(''))).toBe('TypeError')
    expect(errorLine(new Error('x'.repeat(400)))).toBe(`${'x'.repeat(297)}...`)
  })

  it('reads an AggregateError without a message as its first error', () => {
    const error = new AggregateError([new Error('connect ECONNREFUSED ::1:6379'), 1], '')
    expect(errorLine(new Error('Lost', { cause: error }))).toBe(
      'Lost: connect ECONNREFUSED ::1:6379',
    )
  })

  it('never throws', () => {
    const { proxy, revoke } = Proxy.revocable(new Error('x'), {})
    revoke()
    const hostile = Object.defineProperty(new Error('x'), 'message', {
      get() {
        throw new Error('no')
      },
    })
    expect(errorLine(proxy)).toBe('(an error that cannot be read)')
    expect(errorLine(hostile)).toBe('(an error that cannot be read)')
    expect(errorOrigin(proxy)).toBeUndefined()
  })
})

describe('errorOrigin', () => {
  it('gives the first stack frame of the innermost cause', () => {
    function userCode(): Error {
      return new Error('bug')
    }
    const wrapped = new Error('dispose failed', { cause: userCode() })
    expect(errorOrigin(wrapped)).toMatch(/^at userCode \(.*errorLine\.test\.ts:\d+:\d+\)$/)
    expect(errorOrigin('no stack')).toBeUndefined()
  })
})
