import { describe, expect, it } from 'vitest'

import { CacheConfigError } from './errors.js'

describe('error messages', () => {
  it('name a revoked Proxy instead of throwing while building the message', () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(new CacheConfigError('maxSize', 'a number', proxy).message).toBe(
      '`maxSize` must be a number, got: [unreadable object]',
    )
  })

  it('cut long strings at 200 characters', () => {
    expect(new CacheConfigError('policy', 'a name', 'x'.repeat(500)).message).toBe(
      `\`policy\` must be a name, got: "${'x'.repeat(200)}…"`,
    )
  })
})
