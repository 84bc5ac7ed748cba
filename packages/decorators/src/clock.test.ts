import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import {
  coarseClock,
  hitClockOf,
  READS_PER_CLOCK_READ,
  systemNow,
  trustClockForTesting,
} from './clock.js'

let distrust: () => void = () => undefined

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  distrust()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  vi.useRealTimers()
})

/** Lets the coarse clock treat the fake `Date.now` as the runtime's own. */
function trustFakeDate(): void {
  distrust = trustClockForTesting(Date.now)
}

describe('coarseClock', () => {
  it('keeps the time it read until a timer of its resolution has run', () => {
    trustFakeDate()
    const now = coarseClock(10)
    expect(now()).toBe(0)
    vi.advanceTimersByTime(9) // the time moves, the refresh timer (at 10) has not run
    expect(now()).toBe(0)
    vi.advanceTimersByTime(1) // 10: it runs
    expect(now()).toBe(10)
    vi.advanceTimersByTime(9)
    expect(now()).toBe(10)
    vi.advanceTimersByTime(1)
    expect(now()).toBe(20)
  })

  it(`reads the clock again after ${READS_PER_CLOCK_READ} reads when its timer cannot run`, () => {
    trustFakeDate()
    const now = coarseClock(10)
    expect(now()).toBe(0)
    vi.setSystemTime(5)
    const seen = Array.from({ length: READS_PER_CLOCK_READ - 1 }, () => now())
    expect(new Set(seen)).toEqual(new Set([0]))
    expect(now()).toBe(5)
  })

  it('reads a Date.now that is not the runtime’s own (fake timers) at every call', () => {
    const now = coarseClock(10)
    expect(now()).toBe(0)
    vi.setSystemTime(5)
    expect(now()).toBe(5)
    vi.setSystemTime(6)
    expect(now()).toBe(6)
  })

  it('reads a spy put on Date.now at once, even while the time read is still good', () => {
    trustFakeDate()
    const now = coarseClock(10)
    expect(now()).toBe(0)
    vi.spyOn(Date, 'now').mockReturnValue(42)
    expect(now()).toBe(42)
    expect(now()).toBe(42)
  })

  it('replaces a refresh timer that was lost once it is a second overdue', () => {
    trustFakeDate()
    const now = coarseClock(1)
    expect(now()).toBe(0)
    vi.clearAllTimers() // the refresh timer is gone: only the read budget refreshes the time
    vi.setSystemTime(1_000)
    for (let i = 1; i < READS_PER_CLOCK_READ; i++) now()
    expect(now()).toBe(1_000) // read again, but the timer is not a second overdue yet
    expect(vi.getTimerCount()).toBe(0)
    vi.setSystemTime(1_002)
    for (let i = 1; i < READS_PER_CLOCK_READ; i++) now()
    expect(now()).toBe(1_002) // a second overdue: a new timer
    expect(vi.getTimerCount()).toBe(1)
    vi.advanceTimersByTime(1)
    expect(now()).toBe(1_003)
  })

  it('reads the clock at every call where timer handles cannot be unref’ed (browsers, Deno)', () => {
    trustFakeDate()
    vi.stubGlobal('setTimeout', () => 1)
    const now = coarseClock(10)
    expect(now()).toBe(0)
    vi.setSystemTime(3)
    expect(now()).toBe(3)
  })
})

describe('hitClockOf', () => {
  it('is an injected clock itself, read at every hit', () => {
    const now = (): number => 7
    expect(hitClockOf(now, 0)).toBe(now)
  })

  it('is the exact default clock at a resolution of 0', () => {
    expect(hitClockOf(systemNow, 0)).toBe(systemNow)
  })

  it('is one coarse clock per resolution, shared by the caches', () => {
    const one = hitClockOf(systemNow, 1)
    expect(one).not.toBe(systemNow)
    expect(hitClockOf(systemNow, 1)).toBe(one)
    expect(hitClockOf(systemNow, 5)).not.toBe(one)
  })
})
