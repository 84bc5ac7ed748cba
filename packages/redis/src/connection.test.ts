// The guard around every Redis call, on a stub client (this is a unit test of timeouts and the
// breaker; the real server is in test/).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { stubClient } from '../test/stubClient.js'
import { CircuitBreaker } from './breaker.js'
import { Connection, kindOfCall, watchConnection } from './connection.js'
import { RedisStoreError } from './errors.js'
import { TierHealth } from './tierHealth.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('Connection', () => {
  it('times a call out after timeoutMs with ERR_REDIS_TIMEOUT', async () => {
    const connection = new Connection(stubClient(), new CircuitBreaker(), 200)
    const outcome = connection.call('Reading', () => new Promise(() => {}), 'k')
    await vi.advanceTimersByTimeAsync(200)
    const result = await outcome
    expect(result.ok).toBe(false)
    const error = (result as { error: RedisStoreError }).error
    expect(error).toBeInstanceOf(RedisStoreError)
    expect([error.code, error.key]).toEqual(['ERR_REDIS_TIMEOUT', 'k'])
  })

  it('wraps a client failure in ERR_REDIS_UNAVAILABLE with the cause', async () => {
    const connection = new Connection(stubClient(), new CircuitBreaker(), 200)
    const cause = new Error('ECONNRESET')
    const result = await connection.call('Writing', () => Promise.reject(cause))
    expect(result).toMatchObject({
      ok: false,
      skipped: false,
      error: { code: 'ERR_REDIS_UNAVAILABLE', cause },
    })
  })

  it('skips calls, without sending them, while the breaker is open or the client not ready', async () => {
    const client = stubClient()
    const connection = new Connection(
      client,
      new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000 }),
      200,
    )
    const failing = vi.fn(() => Promise.reject(new Error('down')))
    await connection.call('x', failing)
    await connection.call('x', failing)
    const skipped = await connection.call('x', failing)
    expect(failing).toHaveBeenCalledTimes(2)
    expect(skipped).toMatchObject({
      ok: false,
      skipped: true,
      error: { code: 'ERR_REDIS_UNAVAILABLE' },
    })
    vi.advanceTimersByTime(1_000)
    await expect(connection.call('x', () => Promise.resolve(1))).resolves.toEqual({
      ok: true,
      value: 1,
    })
    client.isReady = false
    const command = vi.fn(() => Promise.resolve(1))
    await expect(connection.call('x', command)).resolves.toMatchObject({ ok: false, skipped: true })
    expect(command).not.toHaveBeenCalled()
  })
})

describe('watchConnection', () => {
  it('reports a lost connection once per outage, not once per reconnection attempt', () => {
    const client = stubClient()
    const report = vi.fn()
    watchConnection(client, 'command', report)
    client.emit('error', new Error('ECONNREFUSED'))
    client.emit('error', new Error('ECONNREFUSED'))
    expect(report).toHaveBeenCalledTimes(1)
    client.emit('ready')
    client.emit('error', new Error('ECONNRESET'))
    expect(report).toHaveBeenCalledTimes(2)
    expect(report.mock.calls[1]![0]).toMatchObject({ code: 'ERR_REDIS_UNAVAILABLE' })
  })
})

describe('Connection and TierHealth', () => {
  it('makes the tier unavailable when the breaker opens and available at the next success, counting calls by kind', async () => {
    const lines: string[] = []
    const health = new TierHealth({
      prefix: 'p:',
      onStateChange: undefined,
      log: (l) => lines.push(l),
    })
    const client = stubClient()
    const connection = new Connection(
      client,
      new CircuitBreaker({ failureThreshold: 2, cooldownMs: 1_000 }),
      200,
      health,
    )
    const failing = () => Promise.reject(new Error('ECONNRESET'))
    await connection.call('Reading', failing)
    expect(health.down).toBe(false)
    await connection.call('Writing', failing)
    expect(lines).toEqual([
      '[@cache/redis] p: Redis unavailable, serving without it: Writing failed: ECONNRESET',
    ])
    await connection.call('Deleting', failing) // skipped: the breaker is open
    await connection.call('Taking a lock', failing)
    vi.advanceTimersByTime(1_000)
    await connection.call('Clearing', () => Promise.resolve('OK'))
    expect(lines[1]).toBe(
      '[@cache/redis] p: Redis available again after 1.0 s down; skipped or failed meanwhile: 0 reads, 1 write, 1 delete, 1 lock call',
    )
    expect(health.snapshot()).toMatchObject({
      skipped: { reads: 0, writes: 0, deletes: 1, locks: 1 },
      failed: { reads: 1, writes: 1, deletes: 0, locks: 0 },
    })
  })

  it('counts a call by the verb that names it', () => {
    expect(
      ['Reading', 'Writing', 'Deleting', 'Clearing', 'Taking a lock', 'Releasing a lock'].map(
        kindOfCall,
      ),
    ).toEqual(['read', 'write', 'delete', 'delete', 'lock', 'lock'])
  })
})
