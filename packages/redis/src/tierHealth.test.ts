// The tier's state machine and its rate-limited reports, on fake timers: exact lines and events.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { RedisStoreError } from './errors.js'
import {
  lineOf,
  MAX_REPORT_WINDOW_MS,
  REPORT_WINDOW_MS,
  TierHealth,
  type TierStateEvent,
} from './tierHealth.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

const NONE = { reads: 0, writes: 0, deletes: 0, locks: 0 }

/** A tracker whose lines and events are collected. */
function tracked() {
  const lines: string[] = []
  const events: TierStateEvent[] = []
  const reportedAt: number[] = []
  const health = new TierHealth({
    prefix: 'p:',
    onStateChange: (event) => {
      events.push(event)
      reportedAt.push(Date.now())
    },
    log: (line) => lines.push(line),
  })
  return { health, lines, events, reportedAt }
}

const refused = new RedisStoreError(
  'ERR_REDIS_UNAVAILABLE',
  'Lost the command connection to Redis',
  {
    cause: new Error('connect ECONNREFUSED 127.0.0.1:6379'),
  },
)

/** One outage of `downMs` starting now, through the command connection. */
function outage(health: TierHealth, downMs: number): void {
  health.raise('command', refused)
  vi.advanceTimersByTime(downMs)
  health.clear('command')
}

describe('TierHealth', () => {
  it('reports an outage in two lines: the cause when it begins, its length and the calls skipped when it ends', () => {
    const { health, lines, events } = tracked()
    health.notSent('read') // before the outage: counted, not in the report
    vi.advanceTimersByTime(1_000)
    health.raise('command', refused)
    health.notSent('read')
    health.notSent('read')
    health.failed('write')
    health.notSent('delete')
    health.notSent('lock')
    health.notSent('lock')
    health.notSent('lock')
    vi.advanceTimersByTime(2_345)
    expect(health.snapshot()).toEqual({
      state: 'unavailable',
      since: 1_000,
      cause: refused,
      outages: 1,
      skipped: { reads: 3, writes: 0, deletes: 1, locks: 3 },
      failed: { reads: 0, writes: 1, deletes: 0, locks: 0 },
    })
    health.clear('command')
    expect(lines).toEqual([
      '[@cache/redis] p: Redis unavailable, serving without it: Lost the command connection to Redis: connect ECONNREFUSED 127.0.0.1:6379',
      '[@cache/redis] p: Redis available again after 2.3 s down; skipped or failed meanwhile: 2 reads, 1 write, 1 delete, 3 lock calls',
    ])
    expect(events).toEqual([
      { prefix: 'p:', state: 'unavailable', cause: refused, outages: 1, skipped: NONE },
      {
        prefix: 'p:',
        state: 'available',
        downMs: 2_345,
        outages: 1,
        skipped: { reads: 2, writes: 1, deletes: 1, locks: 3 },
      },
    ])
    expect(health.snapshot()).toMatchObject({ state: 'available', since: 3_345, cause: undefined })
  })

  it('makes one outage of both connections and the breaker: down at the first, up at the last', () => {
    const { health, lines } = tracked()
    health.raise('command', refused)
    health.raise('subscriber', new Error('subscriber lost'))
    health.raise('breaker', new Error('timed out'))
    health.clear('command')
    health.clear('subscriber')
    expect(lines).toHaveLength(1)
    expect(health.down).toBe(true)
    health.succeeded() // a call went through: the breaker is closed
    expect(lines).toHaveLength(2)
    expect(lines[0]).toContain('Lost the command connection')
    expect(health.down).toBe(false)
    expect(health.snapshot().outages).toBe(1)
  })

  it('ignores repeated raises and clears of the same trouble', () => {
    const { health, lines } = tracked()
    health.clear('command')
    health.raise('breaker', new Error('first'))
    health.raise('breaker', new Error('second'))
    health.succeeded()
    health.succeeded()
    health.clear('breaker')
    expect(lines).toEqual([
      '[@cache/redis] p: Redis unavailable, serving without it: first',
      '[@cache/redis] p: Redis available again after 0 ms down; skipped or failed meanwhile: 0 reads, 0 writes, 0 deletes, 0 lock calls',
    ])
  })

  it('reports a long outage in two lines only', () => {
    const { health, lines } = tracked()
    health.raise('breaker', new Error('Reading did not settle within 500 ms (timeoutMs)'))
    for (let i = 0; i < 600; i++) {
      vi.advanceTimersByTime(1_000)
      health.notSent('read')
    }
    health.succeeded()
    expect(lines).toEqual([
      '[@cache/redis] p: Redis unavailable, serving without it: Reading did not settle within 500 ms (timeoutMs)',
      '[@cache/redis] p: Redis available again after 10.0 min down; skipped or failed meanwhile: 600 reads, 0 writes, 0 deletes, 0 lock calls',
    ])
  })

  it('sums up a flapping server: 18 outages in a minute make 4 lines, the window doubling', () => {
    const { health, lines, events } = tracked()
    // Down for 1 s every 3.5 s, from 0 to 60.5 s.
    for (let k = 0; k < 18; k++) {
      vi.setSystemTime(k * 3_500)
      vi.advanceTimersByTime(0)
      health.raise('command', refused)
      health.notSent('read')
      vi.advanceTimersByTime(1_000)
      health.clear('command')
      vi.advanceTimersByTime(2_500 - (k === 17 ? 2_000 : 0))
    }
    expect(health.snapshot().outages).toBe(18)
    expect(events.map((e) => [e.state, e.outages, e.downMs, e.skipped.reads])).toEqual([
      ['unavailable', 1, undefined, 0],
      ['available', 1, 1_000, 1],
      // At 10 s, the window's end: the 2 outages since, back already.
      ['available', 2, 2_000, 2],
      // At 30 s (a 20 s window): 6 more.
      ['available', 6, 6_000, 6],
    ])
    expect(lines[2]).toBe(
      '[@cache/redis] p: Redis available again after 2 outages, 2.0 s down in all; skipped or failed meanwhile: 2 reads, 0 writes, 0 deletes, 0 lock calls',
    )
    // The 9 outages since 30 s are summed up at 70 s (a 40 s window).
    vi.advanceTimersByTime(70_000 - Date.now())
    expect(events).toHaveLength(5)
    expect(events[4]).toMatchObject({ state: 'available', outages: 9, downMs: 9_000 })
  })

  it('reports an outage that began in the window and still lasts when the window ends', () => {
    const { health, lines, events } = tracked()
    outage(health, 1_000)
    vi.advanceTimersByTime(1_000)
    health.raise('breaker', new Error('Writing did not settle within 500 ms (timeoutMs)'))
    health.failed('write')
    vi.advanceTimersByTime(REPORT_WINDOW_MS - 2_000 - 1)
    expect(lines).toHaveLength(2)
    vi.advanceTimersByTime(1)
    // Reported late, but alone: the earlier outage was reported in full.
    expect(lines[2]).toBe(
      '[@cache/redis] p: Redis unavailable, serving without it: Writing did not settle within 500 ms (timeoutMs)',
    )
    vi.advanceTimersByTime(5_000)
    health.succeeded()
    expect(events.slice(2)).toEqual([
      {
        prefix: 'p:',
        state: 'unavailable',
        cause: new Error('Writing did not settle within 500 ms (timeoutMs)'),
        outages: 1,
        skipped: { reads: 0, writes: 1, deletes: 0, locks: 0 },
      },
      {
        prefix: 'p:',
        state: 'available',
        downMs: 13_000,
        outages: 1,
        skipped: { reads: 0, writes: 1, deletes: 0, locks: 0 },
      },
    ])
    expect(lines).toHaveLength(4)
  })

  it('reports at once again, with the window reset, after a window without outages', () => {
    const { health, lines } = tracked()
    outage(health, 100)
    vi.advanceTimersByTime(100)
    outage(health, 100) // in the window: summed up at 10 s, the window now 20 s
    vi.advanceTimersByTime(REPORT_WINDOW_MS)
    expect(lines).toHaveLength(3)
    vi.advanceTimersByTime(2 * REPORT_WINDOW_MS) // a quiet window
    outage(health, 100)
    expect(lines).toHaveLength(5)
    vi.advanceTimersByTime(REPORT_WINDOW_MS - 500)
    outage(health, 100) // within 10 s: summed up 10 s after the last report, not 20 s
    expect(lines).toHaveLength(5)
    vi.advanceTimersByTime(299)
    expect(lines).toHaveLength(5)
    vi.advanceTimersByTime(1)
    expect(lines).toHaveLength(6)
    expect(lines[5]).toContain('Redis available again after 100 ms down')
  })

  it('waits at most MAX_REPORT_WINDOW_MS between reports of a server that never stops flapping', () => {
    const { health, events, reportedAt } = tracked()
    // Down for 300 ms every 1.6 s for 30 min: 1,125 outages, each window ending while up.
    for (let t = 0; t < 30 * 60_000; t += 1_600) {
      outage(health, 300)
      vi.advanceTimersByTime(1_300)
    }
    expect(health.snapshot().outages).toBe(1_125)
    // Reported at 0 and 0.3 s, then at the end of windows of 10, 20, 40, 80, 160, 300, 300,
    // 300, 300 s: at 10, 30, 70, 150, 310, 610, 910, 1210, 1510 s.
    expect(reportedAt).toEqual(
      [300, 10_000, 30_000, 70_000, 150_000, 310_000, 610_000, 910_000, 1_210_000, 1_510_000]
        .map((at) => [at])
        .reduce((all, at) => [...all, ...at], [0]),
    )
    vi.advanceTimersByTime(MAX_REPORT_WINDOW_MS)
    expect(events).toHaveLength(12)
    // Every outage is in exactly one 'available' report.
    expect(events.reduce((sum, e) => sum + (e.state === 'available' ? e.outages : 0), 0)).toBe(
      1_125,
    )
  })

  it('reports nothing after close, and survives a throwing onStateChange and log', () => {
    const health = new TierHealth({
      prefix: 'p:',
      onStateChange: () => {
        throw new Error('listener bug')
      },
      log: () => {
        throw new Error('logger bug')
      },
    })
    expect(() => {
      outage(health, 10)
      outage(health, 10)
    }).not.toThrow()
    health.close()
    vi.advanceTimersByTime(MAX_REPORT_WINDOW_MS)
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('TierHealth.retire (a cluster node that is no longer a master)', () => {
  function nodeTracked() {
    const lines: string[] = []
    const events: TierStateEvent[] = []
    const health = new TierHealth({
      prefix: 'p:',
      node: '10.0.0.3:6379',
      onStateChange: (event) => events.push(event),
      log: (line) => lines.push(line),
    })
    return { health, lines, events }
  }

  it('ends a reported outage with one line naming the master that serves its slots, then reports nothing', () => {
    const { health, lines, events } = nodeTracked()
    health.raise('command', refused)
    health.notSent('read')
    health.failed('write')
    vi.advanceTimersByTime(8_200)
    health.retire('10.0.0.4:6379')
    expect(health.down).toBe(false)
    expect(events).toEqual([
      {
        prefix: 'p:',
        node: '10.0.0.3:6379',
        state: 'unavailable',
        cause: refused,
        outages: 1,
        skipped: NONE,
      },
      {
        prefix: 'p:',
        node: '10.0.0.3:6379',
        state: 'available',
        downMs: 8_200,
        outages: 1,
        skipped: { reads: 1, writes: 1, deletes: 0, locks: 0 },
        movedTo: '10.0.0.4:6379',
      },
    ])
    expect(lines[1]).toBe(
      '[@cache/redis] p: (node 10.0.0.3:6379) no longer a master, its slots served by 10.0.0.4:6379, after 8.2 s down; skipped or failed meanwhile: 1 read, 1 write, 0 deletes, 0 lock calls',
    )
    // Closed: nothing more, whatever happens to the node.
    outage(health, 10)
    health.retire('10.0.0.5:6379')
    vi.advanceTimersByTime(MAX_REPORT_WINDOW_MS)
    expect(events).toHaveLength(2)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('prints nothing for a node that was up, or whose outage was not reported yet (rate limit)', () => {
    const up = nodeTracked()
    up.health.retire('10.0.0.4:6379')
    expect(up.events).toEqual([])

    const { health, events } = nodeTracked()
    outage(health, 10) // reported: down, then up
    health.raise('command', refused) // within the window: its report waits for the flush
    expect(events.map((e) => e.state)).toEqual(['unavailable', 'available'])
    health.retire('10.0.0.4:6379')
    vi.advanceTimersByTime(MAX_REPORT_WINDOW_MS)
    expect(events.map((e) => e.state)).toEqual(['unavailable', 'available'])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('lineOf', () => {
  it('says how many outages a summary covers', () => {
    expect(
      lineOf({
        prefix: 'users:',
        state: 'available',
        downMs: 61_000,
        outages: 3,
        skipped: { reads: 1, writes: 2, deletes: 0, locks: 1 },
      }),
    ).toBe(
      '[@cache/redis] users: Redis available again after 3 outages, 1.0 min down in all; skipped or failed meanwhile: 1 read, 2 writes, 0 deletes, 1 lock call',
    )
  })
})
