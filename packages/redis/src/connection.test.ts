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

  it('times each call out at its own deadline, with one timer for the calls in flight', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 100 })
    const failure = vi.spyOn(breaker, 'failure')
    const connection = new Connection(stubClient(), breaker, 200)
    const settled: string[] = []
    const track = (name: string, outcome: Promise<{ ok: boolean }>): void => {
      void outcome.then((o) => settled.push(`${name}:${o.ok ? 'ok' : 'timeout'}@${Date.now()}`))
    }
    let answerB: (value: number) => void = () => {}
    track(
      'a',
      connection.call('Reading', () => new Promise(() => {}), 'a'),
    )
    await vi.advanceTimersByTimeAsync(50)
    track(
      'b',
      connection.call('Reading', () => new Promise<number>((resolve) => (answerB = resolve))),
    )
    await vi.advanceTimersByTimeAsync(50)
    track(
      'c',
      connection.call('Reading', () => new Promise(() => {}), 'c'),
    )
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(99)
    expect(settled).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(settled).toEqual(['a:timeout@200'])
    answerB(1)
    await vi.advanceTimersByTimeAsync(0)
    expect(settled).toEqual(['a:timeout@200', 'b:ok@200'])
    await vi.advanceTimersByTimeAsync(99)
    expect(settled).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(settled).toEqual(['a:timeout@200', 'b:ok@200', 'c:timeout@300'])
    expect(failure).toHaveBeenCalledTimes(2)
  })

  it('ignores a reply that comes after its call timed out, and counts the call once', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 100 })
    const failure = vi.spyOn(breaker, 'failure')
    const success = vi.spyOn(breaker, 'success')
    const connection = new Connection(stubClient(), breaker, 200)
    let answer: (value: number) => void = () => {}
    const outcome = connection.call('Writing', () => new Promise<number>((r) => (answer = r)))
    await vi.advanceTimersByTimeAsync(200)
    answer(1)
    await vi.advanceTimersByTimeAsync(0)
    await expect(outcome).resolves.toMatchObject({
      ok: false,
      error: { code: 'ERR_REDIS_TIMEOUT' },
    })
    expect([failure.mock.calls.length, success.mock.calls.length]).toEqual([1, 0])
    // The next call is timed from its own sending, not from the first one's.
    const next = connection.call('Writing', () => new Promise(() => {}))
    let done = false
    void next.then(() => (done = true))
    await vi.advanceTimersByTimeAsync(199)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(done).toBe(true)
  })

  it('lets the open breaker probe at once when a call that timed out is answered (a hung server is back)', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 10_000 })
    const connection = new Connection(stubClient(), breaker, 200)
    let answer: (value: number) => void = () => {}
    const late = connection.call('Reading', () => new Promise<number>((r) => (answer = r)))
    await vi.advanceTimersByTimeAsync(200)
    await expect(late).resolves.toMatchObject({ ok: false, error: { code: 'ERR_REDIS_TIMEOUT' } })
    expect(breaker.state).toBe('open')
    await expect(connection.call('Reading', () => Promise.resolve(1))).resolves.toMatchObject({
      ok: false,
      skipped: true,
    })
    await vi.advanceTimersByTimeAsync(1_000)
    answer(1) // the server answers again, 1.2 s into a 10 s cooldown
    await vi.advanceTimersByTimeAsync(0)
    await expect(connection.call('Reading', () => Promise.resolve(2))).resolves.toEqual({
      ok: true,
      value: 2,
    })
    expect(breaker.state).toBe('closed')
  })

  it('times a call out after timeoutMs even when the system clock goes back meanwhile', async () => {
    const connection = new Connection(stubClient(), new CircuitBreaker(), 200)
    let done = false
    const outcome = connection.call('Reading', () => new Promise(() => {}), 'k')
    void outcome.then(() => (done = true))
    vi.setSystemTime(-3_600_000) // an hour back; the timers' own time goes on
    await vi.advanceTimersByTimeAsync(199)
    expect(done).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await expect(outcome).resolves.toMatchObject({
      ok: false,
      error: { code: 'ERR_REDIS_TIMEOUT' },
    })
  })

  it('counts a command that throws before sending as a failed call', async () => {
    const connection = new Connection(stubClient(), new CircuitBreaker(), 200)
    const cause = new Error('bad arguments')
    const result = await connection.call('Writing', () => {
      throw cause
    })
    expect(result).toMatchObject({
      ok: false,
      skipped: false,
      error: { code: 'ERR_REDIS_UNAVAILABLE', cause },
    })
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
      [
        'Reading',
        'Reading or taking a lock',
        'Writing',
        'Deleting',
        'Clearing',
        'Taking a lock',
        'Releasing a lock',
      ].map(kindOfCall),
    ).toEqual(['read', 'read', 'write', 'delete', 'delete', 'lock', 'lock'])
  })
})
