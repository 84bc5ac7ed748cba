// The soak harness's own parts, checked on made-up data: a soak that cannot see a wrong value,
// a stale one, an extra load or a console line would pass whatever the store does.
import { afterEach, describe, expect, it, vi } from 'vitest'

import { callBound, SCHEDULING_SLACK_MS } from './bound.js'
import { tapConsole } from './consoleTap.js'
import { checkOf, SoakDatabase } from './database.js'
import { alternatingFaults, apartFrom, parseFaults, randomFaults } from './faults.js'
import { recoveredAt } from './health.js'
import { hotLoads } from './hotLoads.js'
import { seededRandom, zipfPicker } from './random.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('zipfPicker', () => {
  it('picks every index in range, each about as often as 1 / (index + 1)', () => {
    const n = 100
    const pick = zipfPicker(n, 1, seededRandom(1))
    const counts = new Array<number>(n).fill(0)
    const picks = 200_000
    for (let i = 0; i < picks; i++) counts[pick()]!++
    expect(counts.reduce((a, b) => a + b)).toBe(picks)
    let harmonic = 0
    for (let i = 1; i <= n; i++) harmonic += 1 / i
    for (const index of [0, 1, 9, 99]) {
      const expected = picks / (index + 1) / harmonic
      expect(Math.abs(counts[index]! - expected) / expected).toBeLessThan(0.15)
    }
  })

  it('gives the same picks for the same seed', () => {
    const a = zipfPicker(1_000, 1, seededRandom(7))
    const b = zipfPicker(1_000, 1, seededRandom(7))
    const picksOf = (pick: () => number) => Array.from({ length: 50 }, pick)
    expect(picksOf(a)).toEqual(picksOf(b))
  })
})

describe('SoakDatabase', () => {
  const random = () => 0.5

  it('loads the version of the moment, after the delay, and records when each load started', async () => {
    vi.useFakeTimers()
    const db = new SoakDatabase(['a'], [2, 4], random)
    const loaded = db.load({ key: 'a' })
    db.bump('a', performance.now()) // after the read: the load keeps version 1
    let value: unknown
    void loaded.then((v) => (value = v))
    await vi.advanceTimersByTimeAsync(2)
    expect(value).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(value).toMatchObject({ key: 'a', version: 1, check: checkOf('a', 1) })
    expect(db.loadsOf('a')).toHaveLength(1)
    expect(db.loads).toBe(1)
    expect(db.writes).toBe(1)
    expect(db.versionOf('a')).toBe(2)
  })

  it('judges values: the key asked, a version that exists, with its check', () => {
    const db = new SoakDatabase(['a', 'b'], [1, 1], random)
    const value = (key: string, version: number, check = checkOf(key, version)) => ({
      key,
      version,
      check,
      loadedAt: 0,
    })
    expect(db.judge('a', value('a', 1), 0, 100)).toBe('ok')
    expect(db.judge('a', value('b', 1), 0, 100)).toBe('wrong')
    expect(db.judge('a', value('a', 2), 0, 100)).toBe('wrong') // not written yet
    expect(db.judge('a', value('a', 0), 0, 100)).toBe('wrong')
    expect(db.judge('a', value('a', 1.5), 0, 100)).toBe('wrong')
    expect(db.judge('a', value('a', 1, checkOf('a', 2)), 0, 100)).toBe('wrong')
    expect(db.judge('a', undefined, 0, 100)).toBe('wrong')
    expect(db.judge('a', 'a#1', 0, 100)).toBe('wrong')
  })

  it('counts a version as stale once it was superseded more than staleAfterMs before it was served', () => {
    const db = new SoakDatabase(['a'], [1, 1], random)
    db.bump('a', 1_000)
    db.bump('a', 1_500)
    const v1 = { key: 'a', version: 1, check: checkOf('a', 1), loadedAt: 0 }
    const v2 = { key: 'a', version: 2, check: checkOf('a', 2), loadedAt: 0 }
    const v3 = { key: 'a', version: 3, check: checkOf('a', 3), loadedAt: 0 }
    expect(db.judge('a', v1, 1_100, 100)).toBe('ok')
    expect(db.judge('a', v1, 1_101, 100)).toBe('stale')
    expect(db.judge('a', v2, 1_600, 100)).toBe('ok')
    expect(db.judge('a', v2, 1_601, 100)).toBe('stale')
    expect(db.judge('a', v3, 1_000_000, 100)).toBe('ok')
  })
})

describe('hotLoads', () => {
  it('finds the most loads of one key within a window, and the loads beyond the first of each', () => {
    // Key 1: once per expiry. Key 2: three instances loading together at its second expiry.
    const loads = [
      [0, 2_000, 4_000],
      [0, 2_000, 2_003, 2_010, 4_000],
    ]
    expect(hotLoads(loads, [], 1_500)).toEqual({ maxPerExpiry: 3, extraLoads: 2, counted: 8 })
    expect(hotLoads([loads[0]!], [], 1_500)).toEqual({ maxPerExpiry: 1, extraLoads: 0, counted: 3 })
  })

  it('leaves out the loads within excluded intervals (outages and their recovery)', () => {
    const loads = [[0, 2_000, 2_003, 2_010, 4_000]]
    expect(hotLoads(loads, [{ from: 1_900, to: 2_005 }], 1_500)).toEqual({
      maxPerExpiry: 1,
      extraLoads: 0,
      counted: 3,
    })
  })
})

describe('tapConsole', () => {
  it('counts and swallows console lines and stream writes, then restores them', () => {
    const log: unknown = Reflect.get(console, 'log')
    const write: unknown = Reflect.get(process.stderr, 'write')
    const tap = tapConsole(2)
    console.error('one')
    console.warn('two\nthree')
    process.stderr.write('four\nfive\n')
    process.stdout.write('six')
    process.stdout.write(Buffer.from('seven\n'))
    const error = new Error('boom')
    error.stack = 'Error: boom\n    at a\n    at b'
    console.error(error)
    tap.close()
    expect(tap.lines).toBe(10)
    expect(tap.sample).toEqual(['one', 'two'])
    expect(Reflect.get(console, 'log')).toBe(log)
    expect(Reflect.get(process.stderr, 'write')).toBe(write)
    expect(Object.hasOwn(process.stderr, 'write')).toBe(false)
  })
})

describe('callBound', () => {
  it('adds read-or-lock, the lock wait, the read after it, the loader and the slack', () => {
    expect(callBound({}, 5)).toEqual({
      readOrLockMs: 500,
      waitMs: 5_000,
      readAfterWaitMs: 500,
      loaderMs: 5,
      slackMs: SCHEDULING_SLACK_MS,
      totalMs: 6_005 + SCHEDULING_SLACK_MS,
    })
    expect(
      callBound({ timeoutMs: 100, singleFlight: { waitMs: 3_000, lockTtlMs: 1_000 } }, 5),
    ).toMatchObject({ waitMs: 1_000, totalMs: 1_205 + SCHEDULING_SLACK_MS })
    expect(callBound({ singleFlight: false }, 5)).toMatchObject({
      waitMs: 0,
      readAfterWaitMs: 0,
      totalMs: 505 + SCHEDULING_SLACK_MS,
    })
  })
})

describe('alternatingFaults', () => {
  it('alternates kills and pauses every 10 s, from 5 s, leaving the last 10 s quiet', () => {
    expect(alternatingFaults(60)).toEqual([
      { kind: 'kill', atMs: 5_000, forMs: 2_000 },
      { kind: 'pause', atMs: 15_000, forMs: 3_000 },
      { kind: 'kill', atMs: 25_000, forMs: 2_000 },
      { kind: 'pause', atMs: 35_000, forMs: 3_000 },
      { kind: 'kill', atMs: 45_000, forMs: 2_000 },
    ])
    expect(alternatingFaults(14)).toEqual([])
  })
})

describe('apartFrom', () => {
  it('leaves out the faults whose effects (5 s past their end) reach the source outage', () => {
    const outage = { atMs: 25_000, forMs: 10_000 }
    expect(apartFrom(alternatingFaults(60), outage)).toEqual([
      { kind: 'kill', atMs: 5_000, forMs: 2_000 },
      { kind: 'pause', atMs: 15_000, forMs: 3_000 },
      { kind: 'kill', atMs: 45_000, forMs: 2_000 },
    ])
    const near = [
      { kind: 'kill', atMs: 17_000, forMs: 2_999 },
      { kind: 'kill', atMs: 17_000, forMs: 3_000 },
      { kind: 'pause', atMs: 35_000, forMs: 100 },
      { kind: 'pause', atMs: 35_001, forMs: 100 },
    ] as const
    expect(apartFrom(near, outage)).toEqual([near[0], near[3]])
    expect(apartFrom(near, null)).toEqual(near)
  })
})

describe('randomFaults', () => {
  it('is the same for a seed, apart, and ends at least 10 s before the end', () => {
    for (const seed of [1, 2, 3, 42, 1000]) {
      const faults = randomFaults(120, seed)
      expect(randomFaults(120, seed)).toEqual(faults)
      expect(faults.length).toBeGreaterThan(3)
      expect(faults[0]!.atMs).toBe(2_000)
      for (const [i, fault] of faults.entries()) {
        const [low, high] = fault.kind === 'kill' ? [100, 8_000] : [100, 12_000]
        expect(fault.forMs).toBeGreaterThanOrEqual(low)
        expect(fault.forMs).toBeLessThanOrEqual(high)
        const next = faults[i + 1]
        if (next !== undefined)
          expect(next.atMs - fault.atMs - fault.forMs).toBeGreaterThanOrEqual(500)
        else expect(fault.atMs + fault.forMs).toBeLessThanOrEqual(110_000)
      }
    }
    expect(randomFaults(60, 1)).not.toEqual(randomFaults(60, 2))
    expect(randomFaults(12, 1)).toEqual([])
  })
})

describe('parseFaults', () => {
  it('reads a list of kills and pauses, sorted', () => {
    expect(parseFaults('pause@15000+3000, kill@5000+2000', 60)).toEqual([
      { kind: 'kill', atMs: 5_000, forMs: 2_000 },
      { kind: 'pause', atMs: 15_000, forMs: 3_000 },
    ])
    expect(parseFaults('random:7', 60)).toEqual(randomFaults(60, 7))
  })

  it('names the part it cannot read, and overlapping faults', () => {
    expect(() => parseFaults('kill@5000', 60)).toThrow(
      'SOAK_FAULTS: "kill@5000" is not kill@<atMs>+<forMs> or pause@<atMs>+<forMs> (or the whole value random:<seed>)',
    )
    expect(() => parseFaults('kill@5000+2000,pause@6000+100', 60)).toThrow(
      'SOAK_FAULTS: the fault at 6000 ms starts before the one at 5000 ms has ended',
    )
  })
})

describe('recoveredAt', () => {
  it('is the end of the unhealthy interval containing the moment, else the moment', () => {
    const intervals = [
      { from: 10, to: 20 },
      { from: 30, to: 45 },
    ]
    expect(recoveredAt(intervals, 35)).toBe(45)
    expect(recoveredAt(intervals, 25)).toBe(25)
  })
})
