import {
  createCache,
  POLICIES,
  simulate,
  SIMULATION_POLICIES,
  zipfTrace,
  type PolicyName,
} from '@cache/core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { replayKeys } from './replayKeys.js'
import { Sweep } from './sweep.js'

const trace = zipfTrace({ keys: 2000, length: 10_000, skew: 0.9, seed: 5 })

describe('Sweep', () => {
  it('counts what simulate counts on the whole trace, for every policy and size', () => {
    const sweep = new Sweep(POLICIES, [50, 400])
    sweep.feed(trace)
    const rows = sweep.rows()
    expect(rows.map((row) => `${row.policy}@${row.size}`)).toEqual(
      POLICIES.flatMap((policy) => [`${policy}@50`, `${policy}@400`]),
    )
    for (const row of rows) {
      // Cache policies only in this sweep.
      const policy = row.policy as PolicyName
      const expected = simulate(trace, createCache({ policy, maxSize: row.size }))
      expect(row).toMatchObject(expected)
      expect(row.seconds).toBeGreaterThan(0)
      expect(row.opsPerSecond).toBeCloseTo(row.requests / row.seconds)
    }
  })

  it('sums batches exactly, wherever the trace is cut', () => {
    const short = trace.subarray(0, 2000)
    const whole = new Sweep(POLICIES, [64])
    whole.feed(short)
    const expected = whole.rows().map(({ hits, evictions }) => ({ hits, evictions }))
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 1999 }), { maxLength: 5 }), (cuts) => {
        const sweep = new Sweep(POLICIES, [64])
        const bounds = [0, ...cuts.sort((a, b) => a - b), short.length]
        for (let i = 1; i < bounds.length; i++) sweep.feed(short.subarray(bounds[i - 1], bounds[i]))
        expect(sweep.rows().map(({ hits, evictions }) => ({ hits, evictions }))).toEqual(expected)
      }),
      { numRuns: 20 },
    )
  })
})

describe('Sweep with opt', () => {
  it('keeps the keys, replays OPT over the whole trace at finish, and adds its rows then', () => {
    const sweep = new Sweep(SIMULATION_POLICIES, [50, 400])
    // Cut into three batches, one ending mid-way through a reused buffer's worth.
    for (const [from, to] of [
      [0, 3000],
      [3000, 3001],
      [3001, trace.length],
    ] as const) {
      sweep.feed(trace.slice(from, to))
    }
    expect(sweep.rows().map((row) => row.policy)).not.toContain('opt')
    sweep.finish()
    const rows = sweep.rows()
    expect(rows.map((row) => `${row.policy}@${row.size}`)).toEqual(
      SIMULATION_POLICIES.flatMap((policy) => [`${policy}@50`, `${policy}@400`]),
    )
    for (const size of [50, 400]) {
      const row = rows.find((r) => r.policy === 'opt' && r.size === size)!
      expect(row).toMatchObject(simulate(trace, { policy: 'opt', maxSize: size }))
      // The limit: no policy of the same size gets more hits.
      for (const other of rows.filter((r) => r.size === size)) {
        expect(other.hits).toBeLessThanOrEqual(row.hits)
      }
    }
    sweep.finish() // once only
    expect(sweep.rows()).toHaveLength(rows.length)
  })

  it('keeps a copy of each batch, whose buffer the caller reuses', () => {
    const buffer = new Int32Array(4)
    const sweep = new Sweep(['opt'], [2])
    for (const batch of [
      [1, 2, 3, 1],
      [2, 3, 1, 2],
    ]) {
      buffer.set(batch)
      sweep.feed(buffer)
    }
    sweep.finish()
    expect(sweep.rows()[0]).toMatchObject(
      simulate([1, 2, 3, 1, 2, 3, 1, 2], { policy: 'opt', maxSize: 2 }),
    )
  })

  it('reports an empty trace as no requests', () => {
    const sweep = new Sweep(['opt'], [10])
    sweep.finish()
    expect(sweep.rows()[0]).toMatchObject({ requests: 0, hits: 0, hitRatio: 0 })
  })
})

describe('replayKeys', () => {
  it('replays the whole trace and reports progress per batch', async () => {
    const sweep = new Sweep(['lru'], [100])
    const progress: number[] = []
    await replayKeys(trace, sweep, { onProgress: (n) => progress.push(n) })
    expect(progress).toEqual([10_000])
    expect(sweep.rows()[0]).toMatchObject(simulate(trace, createCache({ maxSize: 100 })))
  })

  it('stops between batches once aborted', async () => {
    const long = zipfTrace({ keys: 100, length: 200_000, skew: 1 })
    const controller = new AbortController()
    const sweep = new Sweep(['fifo'], [10])
    const replay = replayKeys(long, sweep, {
      signal: controller.signal,
      yieldEvery: 0,
      onProgress: (n) => {
        if (n >= 65_536) controller.abort(new Error('cancelled'))
      },
    })
    await expect(replay).rejects.toThrow('cancelled')
    expect(sweep.rows()[0]!.requests).toBe(65_536)
  })
})
