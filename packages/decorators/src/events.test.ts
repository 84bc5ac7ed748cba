// The default onError: never a line per call. L2 errors are counted, not printed; the others print
// one line per operation kind per minute, saying how many were not printed.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { AsyncCache } from './asyncCache.js'
import { ERROR_LOG_WINDOW_MS, logError, resetErrorLog } from './events.js'
import type { L2Store } from './l2.js'

let printed: string[] = []

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
  resetErrorLog()
  printed = []
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(' '))
  })
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
})

function disposeBug(): Error {
  return new Error('socket\nalready closed')
}

describe('the default onError', () => {
  it('prints one line per operation kind per minute, then says how many it did not print', () => {
    for (let i = 0; i < 100; i++) {
      logError(new Error('dispose failed', { cause: disposeBug() }), { operation: 'dispose' })
      logError(new Error('listener bug'), { operation: 'event', key: i })
      vi.advanceTimersByTime(100)
    }
    expect(printed).toHaveLength(2)
    expect(printed[0]).toMatch(
      /^\[@cache\/decorators\] dispose failed: dispose failed: socket already closed \(at disposeBug \(.*events\.test\.ts:\d+:\d+\)\); pass onError to handle each error$/,
    )
    expect(printed[1]).toMatch(/^\[@cache\/decorators\] event failed: listener bug \(at /)
    vi.advanceTimersByTime(ERROR_LOG_WINDOW_MS - 10_000 - 1)
    logError(new Error('still'), { operation: 'dispose' })
    expect(printed).toHaveLength(2)
    vi.advanceTimersByTime(1)
    logError(new Error('again'), { operation: 'dispose' })
    expect(printed).toHaveLength(3)
    expect(printed[2]).toMatch(
      /^\[@cache\/decorators\] dispose failed: again \(at .*\) \(100 more dispose errors since the last line, not printed\); pass onError to handle each error$/,
    )
  })

  it('never prints an l2 error', () => {
    for (let i = 0; i < 1_000; i++) logError(new Error('Redis down'), { operation: 'l2' })
    expect(printed).toEqual([])
  })

  it('never throws, whatever it is given', () => {
    const { proxy, revoke } = Proxy.revocable(new Error('x'), {})
    revoke()
    expect(() => {
      logError(proxy, { operation: 'refresh' })
      logError(undefined, { operation: 'expiry' })
    }).not.toThrow()
    expect(printed).toEqual([
      '[@cache/decorators] refresh failed: (an error that cannot be read); pass onError to handle each error',
      '[@cache/decorators] expiry failed: undefined; pass onError to handle each error',
    ])
  })
})

describe('a cache with the default onError', () => {
  it('counts the failures of its second tier in stats().l2Errors and prints none', async () => {
    const down = new Error('store down')
    const store: L2Store = {
      get: () => Promise.reject(down),
      set: () => Promise.reject(down),
      delete: () => Promise.reject(down),
      clear: () => Promise.reject(down),
    }
    const cache = new AsyncCache<string, string>({ l2: store })
    for (let i = 0; i < 50; i++) await cache.get(`k${i}`, () => 'v')
    cache.delete('k0')
    await cache.whenL2Settled()
    expect(printed).toEqual([])
    // Each miss: a failed read and a failed write; then the delete.
    expect(cache.stats().l2Errors).toBe(101)
  })

  it('prints a listener that throws on every hit once a minute, not once a hit', async () => {
    const cache = new AsyncCache<string, string>({
      onEvent: () => {
        throw new Error('listener bug')
      },
    })
    for (let i = 0; i < 1_000; i++) await cache.get('k', () => 'v')
    expect(printed).toHaveLength(1)
    expect(printed[0]).toMatch(/^\[@cache\/decorators\] event failed: listener bug \(at /)
  })
})
