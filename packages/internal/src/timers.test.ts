import { afterEach, describe, expect, it, vi } from 'vitest'

import { startInterval, startTimer, stopInterval, stopTimer } from './timers.js'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('startTimer', () => {
  it('unrefs only timers that need not keep the process alive', () => {
    const unref = vi.fn()
    vi.stubGlobal('setTimeout', () => ({ unref }))
    startTimer(() => undefined, 10, { keepAlive: false })
    startTimer(() => undefined, 10, { keepAlive: true })
    expect(unref).toHaveBeenCalledTimes(1)
  })

  it('accepts timers without unref, as browsers return', () => {
    vi.stubGlobal('setTimeout', () => 7)
    expect(startTimer(() => undefined, 10, { keepAlive: false })).toBe(7)
  })

  it('fires after the delay unless stopped', () => {
    vi.useFakeTimers()
    const fired = vi.fn()
    const stopped = vi.fn()
    startTimer(fired, 10, { keepAlive: true })
    stopTimer(startTimer(stopped, 10, { keepAlive: true }))
    vi.advanceTimersByTime(9)
    expect(fired).toHaveBeenCalledTimes(0)
    vi.advanceTimersByTime(1)
    expect(fired).toHaveBeenCalledTimes(1)
    expect(stopped).toHaveBeenCalledTimes(0)
  })
})

describe('startInterval', () => {
  it('unrefs only intervals that need not keep the process alive', () => {
    const unref = vi.fn()
    vi.stubGlobal('setInterval', () => ({ unref }))
    startInterval(() => undefined, 10, { keepAlive: false })
    startInterval(() => undefined, 10, { keepAlive: true })
    expect(unref).toHaveBeenCalledTimes(1)
  })

  it('repeats until stopped', () => {
    vi.useFakeTimers()
    const fired = vi.fn()
    const handle = startInterval(fired, 10, { keepAlive: false })
    vi.advanceTimersByTime(30)
    expect(fired).toHaveBeenCalledTimes(3)
    stopInterval(handle)
    vi.advanceTimersByTime(30)
    expect(fired).toHaveBeenCalledTimes(3)
  })
})
