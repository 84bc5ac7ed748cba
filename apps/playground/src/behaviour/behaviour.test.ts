import { describe, expect, it } from 'vitest'

import { callFailingLoader } from './negativeCaching.js'
import type { Sleep } from './sleep.js'
import { createOutageStory } from './sourceOutage.js'
import { stampede } from './stampede.js'
import { createTraffic } from './trafficSimulation.js'
import { createTtlTimeline } from './ttlTimeline.js'

// Resolves on a later microtask: concurrent callers still overlap, and nothing waits for real.
const noSleep: Sleep = () => Promise.resolve()

describe('stampede', () => {
  it('runs the loader once for N concurrent calls with single flight', async () => {
    const result = await stampede({ calls: 50, delayMs: 100, singleFlight: true, sleep: noSleep })
    expect(result).toMatchObject({ calls: 50, loaderCalls: 1, distinctValues: 1 })
    expect(result.stats).toMatchObject({ misses: 1, dedupHits: 49, loads: 1 })
  })

  it('runs the loader for every call without it', async () => {
    const result = await stampede({ calls: 50, delayMs: 100, singleFlight: false, sleep: noSleep })
    expect(result).toMatchObject({ calls: 50, loaderCalls: 50, distinctValues: 50 })
  })
})

describe('callFailingLoader', () => {
  it('keeps the first error with negative caching', async () => {
    const result = await callFailingLoader({
      calls: 4,
      negativeCache: true,
      keepErrorSeconds: 10,
      delayMs: 50,
      sleep: noSleep,
    })
    expect(result.loaderCalls).toBe(1)
    expect(result.outcomes.map((o) => o.source)).toEqual(['loader', 'cache', 'cache', 'cache'])
    expect(result.outcomes[3]!.message).toBe('inventory service answered 503 (load #1)')
  })

  it('calls the loader every time without it', async () => {
    const result = await callFailingLoader({
      calls: 4,
      negativeCache: false,
      keepErrorSeconds: 10,
      delayMs: 50,
      sleep: noSleep,
    })
    expect(result.loaderCalls).toBe(4)
    expect(result.outcomes.every((o) => o.source === 'loader')).toBe(true)
    expect(result.stats.loadErrors).toBe(4)
  })
})

describe('createTtlTimeline', () => {
  it('hits until the TTL runs out, then expires and loads a new version', async () => {
    let time = 1000
    const timeline = createTtlTimeline({ ttlMs: 1000, now: () => time })
    for (let i = 0; i < 6; i++) {
      await timeline.read()
      time += 400
    }
    expect(timeline.events).toEqual([
      { at: 0, kind: 'load', version: 1, expiresAt: 1000 },
      { at: 400, kind: 'hit', version: 1 },
      { at: 800, kind: 'hit', version: 1 },
      { at: 1200, kind: 'expire' },
      { at: 1200, kind: 'load', version: 2, expiresAt: 2200 },
      { at: 1600, kind: 'hit', version: 2 },
      { at: 2000, kind: 'hit', version: 2 },
    ])
    expect(timeline.stats()).toMatchObject({ hits: 4, misses: 2, expirations: 1 })
    await timeline.destroy()
  })
})

describe('createTraffic', () => {
  it('serves bursts through the cached function and counts them', async () => {
    const traffic = createTraffic({
      policy: 'lru',
      maxSize: 10,
      ttlMs: 60_000,
      products: 100,
      loadMs: 5,
      sleep: noSleep,
    })
    await traffic.burst(200)
    const stats = await traffic.stats()
    expect(stats.hits + stats.misses).toBe(200)
    expect(stats.hits).toBeGreaterThan(0)
    expect(stats.size).toBeLessThanOrEqual(10)
    await traffic.destroy()
  })
})

describe('createOutageStory', () => {
  /** Reads every 250 ms for 10 s; the source is down from 3 to 7 s. */
  async function run(cacheOptions: Parameters<typeof createOutageStory>[0]['cacheOptions']) {
    let time = 5_000
    const story = createOutageStory({
      name: 'test',
      ttlMs: 1_000,
      downFromMs: 3_000,
      downForMs: 4_000,
      cacheOptions,
      now: () => time,
    })
    for (let i = 0; i < 40; i++) {
      await story.read()
      time += 250
    }
    const kinds = story.reads.map((r) => r.kind)
    const count = (kind: string) => kinds.filter((k) => k === kind).length
    const result = { story, kinds, count, stats: story.stats() }
    await story.destroy()
    return result
  }

  it('keeps answering with fail-safe, calling the source once per throttle', async () => {
    const { story, kinds, count, stats } = await run({
      failSafe: { maxStale: 60_000, throttle: 1_000 },
    })
    expect(count('error')).toBe(0)
    // Loads at 0, 1 and 2 s; failing calls at 3, 4, 5 and 6 s; loads again at 7, 8 and 9 s.
    expect(story.sourceCalls).toBe(10)
    expect(count('load')).toBe(6)
    expect(count('stale')).toBe(16)
    expect(kinds.slice(11, 13)).toEqual(['hit', 'stale'])
    expect(kinds[28]).toBe('load')
    expect(stats.failSafeActivations).toBe(4)
    expect(story.reads[12]!.text).toBe('price v3')
  })

  it('fails every read of the outage without it, each calling the source', async () => {
    const { story, count } = await run({})
    expect(count('error')).toBe(16)
    expect(count('stale')).toBe(0)
    expect(story.sourceCalls).toBe(3 + 16 + 3)
    expect(story.reads[12]!.text).toBe('price service down (call #4)')
  })
})
