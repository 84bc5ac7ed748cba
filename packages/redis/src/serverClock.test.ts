import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { ServerClock } from './serverClock.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('ServerClock', () => {
  it('is the local clock until a reply has been seen', () => {
    const clock = new ServerClock()
    expect([clock.known, clock.now(), clock.latest()]).toEqual([false, 1_000, 1_000])
  })

  it('keeps the tightest bounds of the offset that its samples give', () => {
    const clock = new ServerClock()
    // Sent at 1,000, back at 1,040, the server said 5,020: the offset is in [3,980, 4,021].
    clock.sample(1_000, 1_040, 5_020)
    expect([clock.now(), clock.latest()]).toEqual([4_980, 5_021])
    // A quick one: sent at 1,000, back at 1,002, the server said 5,011: [4,009, 4,012].
    clock.sample(1_000, 1_002, 5_011)
    expect([clock.now(), clock.latest()]).toEqual([5_009, 5_012])
    // A slow one (a paused server) loosens nothing.
    clock.sample(1_000, 4_000, 8_000)
    expect([clock.now(), clock.latest()]).toEqual([5_009, 5_012])
  })

  it('forgets a sample after 16 newer ones', () => {
    const clock = new ServerClock()
    clock.sample(1_000, 1_000, 5_000) // [4,000, 4,001]
    for (let i = 0; i < 15; i++) clock.sample(1_000, 1_010, 5_000) // [3,990, 4,001]
    expect(clock.now()).toBe(5_000)
    clock.sample(1_000, 1_010, 5_000)
    expect([clock.now(), clock.latest()]).toEqual([4_990, 5_001])
  })

  it('trusts the newest sample when the bounds cross (the server clock was set)', () => {
    const clock = new ServerClock()
    clock.sample(1_000, 1_002, 5_000) // [3,998, 4,001]
    clock.sample(1_000, 1_002, 9_000) // [7,998, 8,001]: crosses the first
    expect([clock.now(), clock.latest()]).toEqual([8_998, 9_001])
  })
})
