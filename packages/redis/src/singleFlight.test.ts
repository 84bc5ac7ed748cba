// The waiting side of distributed single flight, on stub clients and fake timers (a unit test
// of the backoff and the wake-up; the real thing runs against redis-server in test/).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { stubClient } from '../test/stubClient.js'
import { CircuitBreaker } from './breaker.js'
import { Bus } from './bus.js'
import { Connection } from './connection.js'
import { jsonSerializer } from './codec.js'
import { recordOf } from './record.js'
import { SingleFlight } from './singleFlight.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

function flights(reply: (args: readonly string[]) => unknown, waitMs = 1_000) {
  const client = stubClient(reply)
  const connection = new Connection(client, new CircuitBreaker(), 500)
  const bus = new Bus(client, 'p:invalidate', () => {})
  const read = (data: unknown, redisNow: number, elapsed: number) =>
    recordOf(data, redisNow, elapsed, jsonSerializer)
  const flight = new SingleFlight(connection, bus, 'p:', read, () => {}, {
    lockTtlMs: 10_000,
    waitMs,
    pollMs: 25,
    maxPollMs: 200,
  })
  return { flight, bus, calls: client.calls, publish: client.publish }
}

describe('SingleFlight', () => {
  it('takes a free lock with SET NX PX and a token, in one script call', async () => {
    const { flight, calls } = flights(() => 1)
    const result = await flight.lock('k')
    expect(result.status).toBe('acquired')
    expect(calls).toHaveLength(1)
    expect(calls[0]!.args.slice(0, 5)).toEqual([
      'EVALSHA',
      expect.any(String),
      '2',
      'p:k',
      'p:lock:k',
    ])
    expect(calls[0]!.args[6]).toBe('10000')
  })

  it('polls a held lock with doubling waits, then gives up after waitMs', async () => {
    const { flight, calls } = flights(() => 0, 1_000)
    const result = flight.lock('k')
    await vi.advanceTimersByTimeAsync(1_000)
    await expect(result).resolves.toEqual({ status: 'skipped' })
    const gaps = calls.slice(1).map((call, i) => call.at - calls[i]!.at)
    expect(gaps).toEqual([25, 50, 100, 200, 200, 200, 200, 25]) // the last check at the deadline
  })

  it('wakes on the holder’s notice and reads the value it wrote', async () => {
    let filled = false
    const { flight, bus, calls, publish } = flights(() =>
      filled ? ['v9000|7|"value"', ['8', '0']] : 0,
    )
    await bus.started
    const result = flight.lock('k')
    await vi.advanceTimersByTimeAsync(5)
    filled = true
    publish(bus.filled('k', true))
    await expect(result).resolves.toMatchObject({
      status: 'loaded',
      record: { value: 'value', fetchedAt: 7, ttlMs: 1_000 },
    })
    expect(calls).toHaveLength(2)
  })

  it('stops waiting when the holder gives up without a value', async () => {
    const { flight, bus, publish } = flights(() => 0)
    await bus.started
    const result = flight.lock('k')
    await vi.advanceTimersByTimeAsync(5)
    publish(bus.filled('k', false))
    await expect(result).resolves.toEqual({ status: 'skipped' })
  })
})
