import { CacheConfigError } from '@cache/decorators'
import { describe, expect, it } from 'vitest'

import { checkOptions } from './options.js'

const URL_EXPECTED =
  'a redis:// or rediss:// URL with a host, an optional port from 1 to 65535 and no path but a database number'

describe('checkOptions', () => {
  it('accepts the URLs the client accepts', () => {
    for (const url of [
      'redis://localhost',
      'redis://127.0.0.1:6379',
      'rediss://user:secret@cache.example.com:6380/2',
      'redis://[::1]:6379/',
    ]) {
      expect(checkOptions({ url, prefix: 'x:' }).url).toBe(url)
    }
  })

  // issue 17, item 5: these threw the client's TypeError instead.
  it.each([
    'redis://[::1',
    'redis://127.0.0.1:99999',
    'redis://127.0.0.1:1/x',
    'redis://:6379',
    'redis://h:0',
    'redis://h/0#x',
  ])('rejects %s with a CacheConfigError naming the url', (url) => {
    expect(() => checkOptions({ url, prefix: 'x:' })).toThrow(
      new CacheConfigError('url', URL_EXPECTED, url),
    )
  })

  it('keeps the scheme check', () => {
    expect(() => checkOptions({ url: 'http://x', prefix: 'x:' })).toThrow(
      new CacheConfigError('url', 'a redis:// or rediss:// URL', 'http://x'),
    )
  })

  it.each([
    ['connectTimeoutMs', 2 ** 31],
    ['timeoutMs', 2 ** 31],
    ['timeoutMs', Infinity],
  ] as const)('rejects %s: %d, beyond what setTimeout takes', (option, value) => {
    expect(() => checkOptions({ url: 'redis://h', prefix: 'x:', [option]: value })).toThrow(
      new CacheConfigError(
        option,
        'a positive finite number of milliseconds up to 2147483647',
        value,
      ),
    )
  })

  it('takes the longest delay setTimeout takes', () => {
    const config = checkOptions({ url: 'redis://h', prefix: 'x:', connectTimeoutMs: 2 ** 31 - 1 })
    expect(config.connectTimeoutMs).toBe(2 ** 31 - 1)
    expect(() =>
      checkOptions({ url: 'redis://h', prefix: 'x:', singleFlight: { lockTtlMs: 2 ** 31 } }),
    ).toThrow(
      new CacheConfigError(
        'singleFlight.lockTtlMs',
        'a positive integer up to 2147483647',
        2 ** 31,
      ),
    )
  })

  it('reads each option once', () => {
    let reads = 0
    const options = {
      prefix: 'x:',
      url: 'redis://h',
      get timeoutMs() {
        return reads++ === 0 ? 100 : 'x'
      },
    }
    expect(checkOptions(options).timeoutMs).toBe(100)
    expect(reads).toBe(1)
  })

  it('turns options that cannot be read into a CacheConfigError with the cause', () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    const bad = new Error('getter')
    const throwing = {
      prefix: 'x:',
      get url(): string {
        throw bad
      },
    }
    expect(() => checkOptions(proxy)).toThrow(CacheConfigError)
    expect(() => checkOptions(throwing)).toThrow(
      new CacheConfigError('options', 'an object of options that can be read', throwing),
    )
    try {
      checkOptions(throwing)
    } catch (error) {
      expect((error as Error).cause).toBe(bad)
    }
  })
})

describe('checkOptions on a Redis Cluster', () => {
  it('refuses a prefix with a brace, which would make it every key’s hash tag', () => {
    for (const prefix of ['{users}:', 'a}b']) {
      expect(() => checkOptions({ url: 'redis://h', prefix })).toThrow(
        new CacheConfigError(
          'prefix',
          "a string without '{' or '}' (the store puts each key's hash in braces, as its Redis Cluster hash tag)",
          prefix,
        ),
      )
    }
  })

  it('takes cluster.rootNodes instead of url, and exactly one of url, cluster and client', () => {
    const rootNodes = [{ url: 'redis://10.0.0.1:6379' }, { url: 'redis://10.0.0.2' }]
    expect(checkOptions({ cluster: { rootNodes }, prefix: 'x:' }).cluster).toEqual({ rootNodes })
    expect(() => checkOptions({ url: 'redis://h', cluster: { rootNodes }, prefix: 'x:' })).toThrow(
      new CacheConfigError('url', 'given, or `cluster`, or `client` (one of them)', 'redis://h'),
    )
    expect(() => checkOptions({ cluster: { rootNodes: [] }, prefix: 'x:' })).toThrow(
      new CacheConfigError(
        'cluster.rootNodes',
        "a non-empty list of nodes, such as [{ url: 'redis://10.0.0.1:6379' }]",
        [],
      ),
    )
    expect(() =>
      checkOptions({ cluster: { rootNodes: [{ url: 'http://x' }] }, prefix: 'x:' }),
    ).toThrow(
      new CacheConfigError('cluster.rootNodes[0].url', 'a redis:// or rediss:// URL', 'http://x'),
    )
  })
})
