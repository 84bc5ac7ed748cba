// Distributed single flight on stub clients and fake timers: the arguments of each script, the
// backoff, the wake-up, leases and late replies (a unit test; the real thing runs against
// redis-server in test/).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { stubClient } from '../test/stubClient.js'
import { CircuitBreaker } from './breaker.js'
import { Bus } from './bus.js'
import { jsonSerializer } from './codec.js'
import { Connection } from './connection.js'
import { recordOf } from './record.js'
import { COMMIT, READ_OR_LOCK, RELEASE } from './scripts.js'
import { SingleServerRouter } from './router.js'
import { ServerClock } from './serverClock.js'
import { SingleFlight } from './singleFlight.js'

const NOW = 1_000_000

beforeEach(() => {
  vi.useFakeTimers({ now: NOW })
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
  const clock = new ServerClock()
  const flight = new SingleFlight(
    {
      connection,
      router: new SingleServerRouter(client, 'p:', clock),
      bus,
      prefix: 'p:',
      read,
      report: () => {},
      serializer: jsonSerializer,
      timeoutMs: 500,
      tombstoneMs: 60_000,
    },
    { lockTtlMs: 10_000, waitMs, pollMs: 25, maxPollMs: 200 },
    100,
  )
  const scripts = () => client.calls.filter((call) => call.args[0] === 'EVALSHA')
  return { flight, bus, client, calls: client.calls, scripts, publish: client.publish }
}

describe('SingleFlight', () => {
  it('reads or takes the lock in one script call, with a token, a lease and a deadline', async () => {
    const { flight, calls, bus } = flights(() => [NOW, 1])
    await bus.started
    const result = await flight.lock('k')
    expect(result.status).toBe('acquired')
    const subscribed = calls.length - 1
    expect(calls.slice(subscribed)).toHaveLength(1)
    const [command, sha, count, value, lock, token, deadline, minTtl, mark, lease] =
      calls[subscribed]!.args
    expect([command, sha, count, value, lock]).toEqual([
      'EVALSHA',
      READ_OR_LOCK.sha,
      '2',
      'p:{k}',
      'p:lock:{k}',
    ])
    expect(token).toMatch(/^[0-9a-f-]{36}$/)
    // The lease: lockTtlMs (the cache bounds no load) plus one call to write the value.
    expect([lease, deadline, minTtl]).toEqual(['10500', String(NOW + 500), '10'])
    // Its mark on a lock another instance holds: its holder tells it on its own channel.
    expect(mark).toMatch(/^\*[0-9a-f]{16}$/)
    expect(bus.waiterChannel).toBe(`p:invalidate:${mark!.slice(1)}`)
    await flight.lock('k', { leaseMs: 3_000 })
    expect(calls[subscribed + 1]!.args[9]).toBe('3500')
  })

  it('polls a held lock with doubling waits, then gives up after waitMs', async () => {
    const { flight, calls } = flights(() => [NOW, [0, 60_000]], 1_000)
    const result = flight.lock('k')
    await vi.advanceTimersByTimeAsync(1_000)
    await expect(result).resolves.toEqual({ status: 'skipped' })
    const gaps = calls.slice(1).map((call, i) => call.at - calls[i]!.at)
    expect(gaps).toEqual([25, 50, 100, 200, 200, 200, 200, 25]) // the last check at the deadline
  })

  it('waits no longer than the holder’s lease, then takes the lock', async () => {
    // The holder's lease ends at NOW + 30 and nobody releases it.
    const { flight, calls } = flights(() => {
      const now = Date.now()
      return now >= NOW + 30 ? [now, 1] : [now, [0, NOW + 30 - now]]
    })
    const result = flight.lock('k')
    await vi.advanceTimersByTimeAsync(25) // the first poll: the lease has 5 ms left
    expect(calls).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(10)
    await expect(result).resolves.toMatchObject({ status: 'acquired' })
    expect(calls.map((call) => call.at - NOW)).toEqual([0, 25, 31])
  })

  it('wakes on the holder’s notice and reads the value it wrote', async () => {
    let filled = false
    const { flight, bus, calls, publish } = flights(() =>
      filled ? [8_000, 'v9000|6|7|"value"'] : [NOW, [0, 5_000]],
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

  it('takes the entry from the holder’s notice, without reading it again', async () => {
    const { flight, bus, calls, publish } = flights(() => [NOW, [0, 5_000]])
    await bus.started
    const result = flight.lock('k')
    await vi.advanceTimersByTimeAsync(5)
    publish(`${bus.filledHead('k')}${NOW}|v${NOW + 1_000}|6|7|"value"`)
    await expect(result).resolves.toMatchObject({
      status: 'loaded',
      record: { value: 'value', fetchedAt: 7 },
    })
    const record = ((await result) as { record: { ttlMs: number } }).record
    // Counted from Redis's time in the notice, less how long ago that can have been (5 ms).
    expect(record.ttlMs).toBeGreaterThan(990)
    expect(record.ttlMs).toBeLessThanOrEqual(1_000)
    expect(calls).toHaveLength(1)
  })

  it('tries again at once when the holder gives up without a value', async () => {
    let released = false
    const { flight, bus, calls, publish } = flights(() => (released ? [NOW, 1] : [NOW, [0, 5_000]]))
    await bus.started
    const result = flight.lock('k')
    await vi.advanceTimersByTimeAsync(5)
    released = true
    publish(bus.filled('k', false))
    await expect(result).resolves.toMatchObject({ status: 'acquired' })
    expect(calls).toHaveLength(2)
  })

  it('sends the loads of one tick as one script call, each key with its own lease', async () => {
    const { flight, calls } = flights(() => [NOW, 1, `v${NOW + 60_000}|6|7|"value"`])
    const [a, b] = await Promise.all([flight.lock('a'), flight.lock('b', { leaseMs: 1_000 })])
    expect([a.status, b.status]).toEqual(['acquired', 'loaded'])
    expect(calls).toHaveLength(1)
    expect(calls[0]!.args.slice(2, 7)).toEqual(['4', 'p:{a}', 'p:lock:{a}', 'p:{b}', 'p:lock:{b}'])
    expect(calls[0]!.args.slice(11)).toEqual(['10500', '1500'])
  })

  it('sends one lease for every key of a call when they ask for the same one', async () => {
    const { flight, calls, bus } = flights(() => [NOW, 1, 1])
    await bus.started
    await Promise.all([flight.lock('a', { leaseMs: 1_000 }), flight.lock('b', { leaseMs: 1_000 })])
    expect(calls).toHaveLength(1)
    // The keys, the token, the deadline, the minimum time to live, the mark, then one lease.
    const mark = `*${bus.waiterChannel!.slice('p:invalidate:'.length)}`
    expect(calls[0]!.args.slice(8)).toEqual([String(NOW + 500), '10', mark, '1500'])
  })

  it("marks a held lock with '+' while its own channel is not heard", async () => {
    const { flight, calls, bus, client } = flights(() => [NOW, 1])
    // Not subscribed yet (the bus connects in the background): the store's channel.
    expect(bus.waiterMark).toBe('')
    await bus.started
    expect(bus.waiterMark).toMatch(/^\*[0-9a-f]{16}$/)
    await flight.lock('a')
    expect(calls[0]!.args[8]).toBe(bus.waiterMark)
    // The subscriber connection lost: its notices would be missed.
    client.isReady = false
    expect(bus.waiterMark).toBe('')
  })

  it('keeps a notice that came in before the reply that says the key is held', async () => {
    // The holder's notice comes in on the other connection before the reply that says the key
    // is held: the call takes the entry from it (no second call), though it made no watch first.
    const { flight, bus, calls, publish } = flights(() => {
      notice()
      return [NOW, [0, 5_000]]
    })
    function notice(): void {
      publish(`${bus.filledHead('k')}${NOW}|v${NOW + 1_000}|6|7|"value"`)
    }
    await bus.started
    await expect(flight.lock('k')).resolves.toMatchObject({
      status: 'loaded',
      record: { value: 'value', fetchedAt: 7 },
    })
    expect(calls).toHaveLength(1)
  })

  it('takes nothing from a reply that says the call arrived after its deadline', async () => {
    const { flight } = flights(() => [NOW, -1])
    await expect(flight.lock('k')).resolves.toEqual({ status: 'skipped' })
  })

  it('frees the lock a timed-out call may have taken, by its token', async () => {
    const { flight, calls } = flights((args) =>
      args[1] === READ_OR_LOCK.sha ? new Promise(() => {}) : 1,
    )
    const result = flight.lock('k')
    await vi.advanceTimersByTimeAsync(500)
    await expect(result).resolves.toEqual({ status: 'skipped' })
    expect(calls.map((call) => call.args[1])).toEqual([READ_OR_LOCK.sha, RELEASE.sha])
    expect(calls[1]!.args.slice(2, 5)).toEqual(['1', 'p:lock:{k}', calls[0]!.args[5]])
  })

  it('commits the value and releases the lock in one call, stamped on the server clock', async () => {
    const { flight, calls, bus } = flights((args) => (args[1] === COMMIT.sha ? 1 : [NOW, 1]))
    const lease = await flight.lock('k')
    if (lease.status !== 'acquired') throw new Error('expected the lock')
    const token = calls[0]!.args[5]
    await lease.commit!({
      key: 'k',
      value: 'v',
      isError: false,
      fetchedAt: 7,
      ttlMs: 2_000,
      ageMs: 250,
    })
    expect(calls[1]!.args).toEqual([
      'EVALSHA',
      COMMIT.sha,
      '3',
      'p:cleared',
      'p:{k}',
      'p:lock:{k}',
      'p:invalidate',
      bus.origin, // for the "not written" notice, which the script writes only when someone waits
      '4', // where the L2 key starts in 'p:{k}' (1-based): the notices name the key without prefix
      // Once per call: the latest the server's clock can say (the lock's reply said NOW, in
      // whole ms: the script takes Redis's TIME if that is earlier), the deadline, the
      // tombstones' lifetime.
      String(NOW + 1),
      String(NOW + 500),
      '60000',
      // Per key: its token, its head (kind, time to live; no stale time: fail-safe is off), its
      // age, its tail (load time and text).
      token,
      'v2000',
      '250',
      '7|"v"',
    ])
  })

  it('sends the time to live and age of a commit as of the call, and the stale time in the head', async () => {
    const { flight, calls } = flights((args) => (args[1] === COMMIT.sha ? 1 : [NOW, 1, 1]))
    const [a, b] = await Promise.all([flight.lock('a'), flight.lock('b')])
    if (a.status !== 'acquired' || b.status !== 'acquired') throw new Error('expected the locks')
    const write = { value: 1, isError: false, fetchedAt: 7, ageMs: 250 }
    // Made 3 ms apart in one turn: the call goes out with the second, as of its moment.
    const first = a.commit!({ ...write, key: 'a', ttlMs: 2_000, staleMs: 5_000 })
    vi.setSystemTime(NOW + 3)
    const second = b.commit!({ ...write, key: 'b', ttlMs: Infinity, staleMs: 5_000 })
    await Promise.all([first, second])
    const args = calls[1]!.args
    expect(args.slice(11, 14)).toEqual([String(NOW + 4), String(NOW + 503), '60000'])
    // The first: 3 ms older and 3 ms shorter-lived than when made (its expiry unchanged); the
    // second never expires, so it has no stale time.
    expect(args.slice(15, 18)).toEqual(['v1997+5000', '253', '7|1'])
    expect(args.slice(19)).toEqual(['v', '250', '7|1'])
  })

  it('commits the values loaded in one turn in one call, each with its own lock token', async () => {
    let locks = 0
    const { flight, scripts } = flights((args) => {
      if (args[1] === COMMIT.sha) return 2
      locks++
      return [NOW, 1]
    })
    const a = await flight.lock('a')
    const b = await flight.lock('b')
    if (a.status !== 'acquired' || b.status !== 'acquired') throw new Error('expected the locks')
    const write = { value: 1, isError: false, fetchedAt: 7, ttlMs: 2_000, ageMs: 0 }
    await Promise.all([a.commit!({ ...write, key: 'a' }), b.commit!({ ...write, key: 'b' })])
    expect(locks).toBe(2)
    const commits = scripts().filter((call) => call.args[1] === COMMIT.sha)
    expect(commits).toHaveLength(1)
    const args = commits[0]!.args
    expect(args.slice(2, 8)).toEqual([
      '5',
      'p:cleared',
      'p:{a}',
      'p:lock:{a}',
      'p:{b}',
      'p:lock:{b}',
    ])
    // Each key's arguments: its own token (its lock call's), then its head, age and tail.
    const tokens = scripts()
      .filter((call) => call.args[1] === READ_OR_LOCK.sha)
      .map((call) => call.args[5])
    expect(tokens[0]).not.toBe(tokens[1])
    expect([args[14], args[18]]).toEqual(tokens)
    expect(args).toHaveLength(14 + 2 * 4)
  })

  it('sends a token once for the keys of one lock call in a row', async () => {
    const { flight, scripts } = flights((args) => (args[1] === COMMIT.sha ? 3 : [NOW, 1, 1, 1]))
    const locks = await Promise.all([flight.lock('a'), flight.lock('b'), flight.lock('c')])
    const write = { value: 1, isError: false, fetchedAt: 7, ttlMs: 2_000, ageMs: 0 }
    await Promise.all(
      locks.map((lock, i) => {
        if (lock.status !== 'acquired') throw new Error('expected the lock')
        return lock.commit!({ ...write, key: 'abc'[i]! })
      }),
    )
    const [lockCall, commit] = scripts()
    expect(commit!.args[1]).toBe(COMMIT.sha)
    // The token for the first key, '' (the same) for the next two.
    expect([commit!.args[16], commit!.args[20], commit!.args[24]]).toEqual([
      lockCall!.args[9],
      '',
      '',
    ])
  })

  it('rejects every commit of a call that fails (their locks are left to their leases)', async () => {
    const { flight, scripts } = flights((args) => {
      if (args[1] === COMMIT.sha) throw new Error("READONLY You can't write against a replica")
      return [NOW, 1, 1]
    })
    const [a, b] = await Promise.all([flight.lock('a'), flight.lock('b')])
    if (a.status !== 'acquired' || b.status !== 'acquired') throw new Error('expected the locks')
    const write = { value: 1, isError: false, fetchedAt: 7, ttlMs: 2_000, ageMs: 0 }
    const results = await Promise.allSettled([
      a.commit!({ ...write, key: 'a' }),
      b.commit!({ ...write, key: 'b' }),
    ])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(
      results.map((r) => ((r as PromiseRejectedResult).reason as { code: string }).code),
    ).toEqual(['ERR_REDIS_UNAVAILABLE', 'ERR_REDIS_UNAVAILABLE'])
    expect(scripts().map((call) => call.args[1])).toEqual([READ_OR_LOCK.sha, COMMIT.sha])
  })
})
