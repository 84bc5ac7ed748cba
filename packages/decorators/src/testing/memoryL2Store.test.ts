import { CacheConfigError } from '@cache/core'
import { describe, expect, it, vi } from 'vitest'

import { manualClock, memoryBacking } from '../../test/memoryBacking.js'
import { AsyncCache } from '../asyncCache.js'
import type { L2Lease, L2LockResult } from '../l2.js'
import { L2UnreachableError, MemoryL2Server, memoryL2Store, testL2Store } from './index.js'

// The suite against the in-memory store: on a clock it moves (exact expiry and leases), and on
// real time, the way it runs against a server.
const clock = manualClock()
const exact = memoryBacking(clock)
testL2Store('memoryL2Store, on a manual clock', exact.factory, { clock, ...exact.options })
const real = memoryBacking(undefined)
testL2Store('memoryL2Store, on real time', real.factory, real.options)

const KEY = '0123456789abcdef0123456789abcdef'

describe('memoryL2Store', () => {
  it('serves two caches on one server, as one Redis serves two processes', async () => {
    const server = new MemoryL2Server()
    const a = new AsyncCache<string, string>({ l2: memoryL2Store({ server }) })
    const b = new AsyncCache<string, string>({ l2: memoryL2Store({ server }) })
    const loader = vi.fn(() => 'v')
    await a.get('k', loader)
    await a.whenL2Settled()
    await expect(b.get('k', loader)).resolves.toBe('v')
    expect(loader).toHaveBeenCalledTimes(1)
    expect(server.values.size).toBe(1)
  })

  it('keeps values until their expiry on the server clock, which fake timers move', async () => {
    vi.useFakeTimers({ now: 5_000 })
    try {
      const store = memoryL2Store()
      await store.set([{ key: KEY, value: 1, isError: false, fetchedAt: 7, ttlMs: 100 }], false)
      expect(store.server.values.get(KEY)).toEqual({
        value: 1,
        isError: false,
        fetchedAt: 7,
        expiresAt: 5_100,
        version: 5_000,
      })
      vi.advanceTimersByTime(60)
      expect((await store.get([KEY]))[0]?.ttlMs).toBe(40)
      vi.advanceTimersByTime(40)
      expect(await store.get([KEY])).toEqual([undefined])
      expect(store.server.values.size).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })

  it('orders writes by when their load started: older ones lose to newer values, deletes, clears', async () => {
    vi.useFakeTimers({ now: 10_000 })
    try {
      const server = new MemoryL2Server({ tombstoneMs: 1_000 })
      const store = memoryL2Store({ server })
      const write = (value: number, ageMs: number) =>
        store.set([{ key: KEY, value, isError: false, fetchedAt: 0, ttlMs: 60_000, ageMs }], false)
      await write(1, 0) // as of 10,000
      await write(2, 5) // as of 9,995: older than the value there
      expect((await store.get([KEY]))[0]?.value).toBe(1)
      vi.advanceTimersByTime(10)
      await store.delete([KEY]) // at 10,010
      expect(server.tombstones.get(KEY)).toEqual({ version: 10_010, expiresAt: 11_010 })
      await write(3, 1) // its load started at 10,009, before the delete
      expect(await store.get([KEY])).toEqual([undefined])
      await write(4, 0) // as of 10,010: the same moment as the delete, which came first
      expect((await store.get([KEY]))[0]?.value).toBe(4)
      expect(server.tombstones.has(KEY)).toBe(false)
      vi.advanceTimersByTime(10)
      await store.clear() // at 10,020
      await write(5, 1)
      expect(await store.get([KEY])).toEqual([undefined])
      vi.advanceTimersByTime(2_000) // 12,020: the delete and the clear are forgotten
      await write(6, 1_001) // as of 11,019: older than the server remembers deletes for
      expect(await store.get([KEY])).toEqual([undefined])
      await write(7, 999)
      expect((await store.get([KEY]))[0]?.value).toBe(7)
    } finally {
      vi.useRealTimers()
    }
  })

  it('gives a lock the lease its caller asks for, and commits a value with its release', async () => {
    vi.useFakeTimers({ now: 0 })
    try {
      const server = new MemoryL2Server()
      const a = memoryL2Store({ server, lockLeaseMs: 10_000 })
      const b = memoryL2Store({ server, lockWaitMs: 60_000 })
      const held = await a.lock!(KEY, { leaseMs: 300 })
      expect(held.status).toBe('acquired')
      expect(server.locks.get(KEY)?.expiresAt).toBe(300)
      const waiting = b.lock!(KEY)
      await vi.advanceTimersByTimeAsync(300) // the holder is gone: free at its lease's end
      const taken = await waiting
      expect(taken.status).toBe('acquired')
      const waiter = a.lock!(KEY)
      await vi.advanceTimersByTimeAsync(10)
      await (taken as L2Lease).commit!({
        key: KEY,
        value: 'v',
        isError: false,
        fetchedAt: 310,
        ttlMs: 1_000,
      })
      expect(server.locks.has(KEY)).toBe(false)
      const result = await waiter
      expect(result.status === 'loaded' ? result.record.value : result.status).toBe('v')
    } finally {
      vi.useRealTimers()
    }
  })

  it('rejects every call with L2UnreachableError while its server is disconnected', async () => {
    const store = memoryL2Store()
    store.server.disconnect()
    const error = await store.get([KEY]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(L2UnreachableError)
    expect(error).toMatchObject({ code: 'ERR_L2_UNREACHABLE' })
    await expect(store.delete([KEY])).rejects.toThrow(/disconnected/)
    await expect(store.lock!(KEY)).rejects.toBeInstanceOf(L2UnreachableError)
    store.server.reconnect()
    await expect(store.get([KEY])).resolves.toEqual([undefined])
  })

  it('tells subscribers to drop everything when its server reconnects', () => {
    const store = memoryL2Store()
    const invalidate = vi.fn()
    store.subscribe({ invalidate, error: () => {} })
    store.server.reconnect() // not disconnected: nothing to say
    expect(invalidate).not.toHaveBeenCalled()
    store.server.disconnect()
    store.server.reconnect()
    expect(invalidate.mock.calls).toEqual([[null]])
  })

  it('holds a lock for its lease, then frees it; release is by token', async () => {
    const time = manualClock(0)
    const server = new MemoryL2Server({ now: () => time.now() })
    const a = memoryL2Store({ server, lockLeaseMs: 100, lockWaitMs: 0 })
    const first = (await a.lock!(KEY)) as Extract<L2LockResult, { status: 'acquired' }>
    expect(first.status).toBe('acquired')
    expect(server.locks.get(KEY)).toEqual({ token: 1, expiresAt: 100 })
    expect((await a.lock!(KEY)).status).toBe('skipped')
    void time.advance(100)
    const second = await a.lock!(KEY)
    expect(second.status).toBe('acquired')
    await first.release(false)
    expect(server.locks.get(KEY)).toEqual({ token: 2, expiresAt: 200 })
  })

  it('leaves lock out with locks: false', () => {
    expect(memoryL2Store({ locks: false }).lock).toBeUndefined()
    expect(memoryL2Store().lock).toBeTypeOf('function')
  })

  it('checks its options, naming the one that is wrong', () => {
    const cases: [unknown, string][] = [
      [{ server: {} }, 'server'],
      [{ lockWaitMs: -1 }, 'lockWaitMs'],
      [{ lockLeaseMs: Number.NaN }, 'lockLeaseMs'],
      [{ locks: 'yes' }, 'locks'],
      [null, 'options'],
    ]
    for (const [options, option] of cases) {
      const error = (() => {
        try {
          memoryL2Store(options as never)
        } catch (e) {
          return e
        }
        return undefined
      })()
      expect(error).toBeInstanceOf(CacheConfigError)
      expect(error).toMatchObject({ option })
    }
    expect(() => new MemoryL2Server({ now: 1 as never })).toThrow(
      '`now` must be a function returning the time in ms, got: 1',
    )
  })
})
