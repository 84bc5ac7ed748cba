import { afterEach, describe, expect, it, vi } from 'vitest'

import { afterPromiseJobs, microtask } from './schedule.js'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('afterPromiseJobs', () => {
  it('runs after the promise jobs of this tick and the jobs they queue', async () => {
    const order: string[] = []
    afterPromiseJobs(() => order.push('dispatch'))
    void Promise.resolve()
      .then(() => order.push('job 1'))
      .then(() => order.push('job 2'))
      .then(() => order.push('job 3'))
    microtask(() => order.push('microtask'))
    await new Promise<void>((resolve) => {
      setTimeout(resolve, 0)
    })
    expect(order).toEqual(['job 1', 'microtask', 'job 2', 'job 3', 'dispatch'])
  })

  it('falls back to setImmediate where there is no process.nextTick', () => {
    const setImmediate = vi.fn()
    const fn = () => undefined
    vi.stubGlobal('process', undefined)
    vi.stubGlobal('setImmediate', setImmediate)
    afterPromiseJobs(fn)
    vi.unstubAllGlobals()
    expect(setImmediate.mock.calls).toEqual([[fn]])
  })

  it('falls back to setTimeout(fn, 0) where there is neither', () => {
    const setTimeout = vi.fn()
    const fn = () => undefined
    vi.stubGlobal('process', undefined)
    vi.stubGlobal('setImmediate', undefined)
    vi.stubGlobal('setTimeout', setTimeout)
    afterPromiseJobs(fn)
    vi.unstubAllGlobals()
    expect(setTimeout.mock.calls).toEqual([[fn, 0]])
  })
})

describe('microtask', () => {
  it('runs the function in a microtask, not at once', async () => {
    const fn = vi.fn()
    microtask(fn)
    expect(fn).toHaveBeenCalledTimes(0)
    await Promise.resolve()
    expect(fn).toHaveBeenCalledTimes(1)
  })

  it('falls back to a promise job where there is no queueMicrotask', async () => {
    const fn = vi.fn()
    vi.stubGlobal('queueMicrotask', undefined)
    microtask(fn)
    vi.unstubAllGlobals()
    await Promise.resolve()
    expect(fn).toHaveBeenCalledTimes(1)
  })
})
