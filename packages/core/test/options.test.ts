// Options are read once and validated before any use (issue 17, item 4).
import { describe, expect, it } from 'vitest'

import { CacheConfigError, createCache, POLICIES, S3FIFOCache } from '../src/index.js'

const MAX_SIZE = 'a positive integer up to 1073741824'

describe('options', () => {
  it.each(POLICIES)('%s: a bigint maxSize is a CacheConfigError', (policy) => {
    expect(() => createCache({ policy, maxSize: 10n as never } as { maxSize: number })).toThrow(
      new CacheConfigError('maxSize', MAX_SIZE, 10n),
    )
  })

  it('s3fifo: validates before computing its queues from maxSize', () => {
    expect(() => new S3FIFOCache({ maxSize: 10n as never })).toThrow(
      new CacheConfigError('maxSize', MAX_SIZE, 10n),
    )
    expect(() => new S3FIFOCache({ maxSize: 10, smallRatio: 10n as never })).toThrow(
      new CacheConfigError('smallRatio', 'a number between 0 and 1 (exclusive)', 10n),
    )
  })

  it.each(POLICIES)('%s: reads a getter once and uses what it validated', (policy) => {
    let reads = 0
    const options = {
      policy,
      get maxSize(): number {
        return reads++ === 0 ? 2 : ('x' as never)
      },
    }
    const cache = createCache<number, number>(options as { maxSize: number })
    for (let i = 0; i < 10; i++) cache.set(i, i)
    expect([reads, cache.maxSize, cache.size, cache.get(9)]).toEqual([1, 2, 2, 9])
  })

  it.each(POLICIES)('%s: options that cannot be read are a CacheConfigError', (policy) => {
    const { proxy, revoke } = Proxy.revocable({ policy, maxSize: 1 }, {})
    revoke()
    // Not toThrow(error): comparing the errors' values would touch the revoked Proxy.
    let revoked: unknown
    try {
      createCache(proxy as { maxSize: number })
    } catch (e) {
      revoked = e
    }
    expect(revoked).toBeInstanceOf(CacheConfigError)
    expect((revoked as CacheConfigError).message).toBe(
      '`options` must be an object with a `policy` and a `maxSize` whose options can be read, got: [unreadable object]',
    )
    expect((revoked as CacheConfigError).value).toBe(proxy)
    const cause = new Error('getter')
    const throwing = {
      policy,
      maxSize: 1,
      get ttl(): number {
        throw cause
      },
    }
    let error: unknown
    try {
      createCache(throwing as { maxSize: number })
    } catch (e) {
      error = e
    }
    expect(error).toEqual(
      new CacheConfigError(
        'options',
        'an object with a `maxSize` whose options can be read',
        throwing,
      ),
    )
    expect((error as Error).cause).toBe(cause)
  })
})
