import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { CircuitBreaker } from './breaker.js'

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('CircuitBreaker', () => {
  it('opens after failureThreshold failures in a row, and a success resets the count', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3 })
    expect([breaker.failure(), breaker.failure()]).toEqual([false, false])
    breaker.success()
    expect([breaker.failure(), breaker.failure()]).toEqual([false, false])
    expect(breaker.state).toBe('closed')
    expect(breaker.failure()).toBe(true)
    expect(breaker.state).toBe('open')
    expect(breaker.allow()).toBe(false)
  })

  it('lets one probe through after the cooldown; its success closes the circuit', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 500 })
    breaker.failure()
    vi.advanceTimersByTime(499)
    expect(breaker.allow()).toBe(false)
    vi.advanceTimersByTime(1)
    expect(breaker.state).toBe('half-open')
    expect(breaker.allow()).toBe(true)
    expect(breaker.allow()).toBe(false) // only one probe at a time
    breaker.success()
    expect(breaker.state).toBe('closed')
    expect(breaker.allow()).toBe(true)
  })

  it('doubles the cooldown after each failed probe, up to maxCooldownMs, and resets on success', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, maxCooldownMs: 300 })
    breaker.failure()
    const cooldowns: number[] = []
    for (let i = 0; i < 4; i++) {
      let waited = 0
      while (!breaker.allow()) {
        vi.advanceTimersByTime(10)
        waited += 10
      }
      cooldowns.push(waited)
      expect(breaker.failure()).toBe(true)
    }
    expect(cooldowns).toEqual([100, 200, 300, 300])
    vi.advanceTimersByTime(300)
    expect(breaker.allow()).toBe(true)
    breaker.success()
    breaker.failure()
    vi.advanceTimersByTime(100)
    expect(breaker.allow()).toBe(true)
  })

  it('lets its probe through at once when a timed-out call is answered, keeping the cooldown for the next failure', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100, maxCooldownMs: 800 })
    breaker.answered() // closed: nothing to do
    expect(breaker.state).toBe('closed')
    breaker.failure()
    for (const wait of [100, 200, 400]) {
      vi.advanceTimersByTime(wait)
      expect(breaker.allow()).toBe(true)
      breaker.failure()
    }
    // Open for 800 ms now; a late reply 10 ms in ends the wait.
    vi.advanceTimersByTime(10)
    expect(breaker.allow()).toBe(false)
    breaker.answered()
    expect(breaker.state).toBe('half-open')
    expect(breaker.allow()).toBe(true)
    expect(breaker.allow()).toBe(false) // still one probe at a time
    breaker.answered() // half-open: nothing to do
    breaker.failure() // the probe failed: open for the doubled cooldown (capped)
    vi.advanceTimersByTime(799)
    expect(breaker.allow()).toBe(false)
    vi.advanceTimersByTime(1)
    expect(breaker.allow()).toBe(true)
  })

  it('ignores failures of calls still in flight once it is open', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 100 })
    expect(breaker.failure()).toBe(true)
    expect(breaker.failure()).toBe(false)
    vi.advanceTimersByTime(100)
    expect(breaker.allow()).toBe(true)
  })
})
