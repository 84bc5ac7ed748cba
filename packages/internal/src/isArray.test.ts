import { describe, expect, it } from 'vitest'

import { isArray } from './isArray.js'

describe('isArray', () => {
  it('says what Array.isArray says, and false for a revoked Proxy instead of throwing', () => {
    const { proxy, revoke } = Proxy.revocable([], {})
    expect([isArray([]), isArray(proxy), isArray({}), isArray('a')]).toEqual([
      true,
      true,
      false,
      false,
    ])
    revoke()
    expect(() => Array.isArray(proxy)).toThrow(TypeError)
    expect(isArray(proxy)).toBe(false)
  })
})
